// The bundled bin (scripts/build-cli.mjs -> dist/bin/softmax.js): it is what package.json's `bin` runs, it
// works on its own, and `softmax train` loads only what training needs (start-up time is module loading:
// docs/performance.md, "Cold start"). Which files a run loaded is recorded from inside the process by a
// module-loading hook; which sources each bundle file holds comes from esbuild's metafile, written by the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BIN, ROOT, tempDir } from './helpers.js';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** Runs the bin with a hook that records every module URL it loads and, at exit, the Node built-ins loaded. */
function tracedRun(argv: string[], dir: string): { code: number; stdout: string; stderr: string; urls: string[]; builtins: string[] } {
  const log = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`,
  );
  const preload = join(dir, 'preload.mjs');
  writeFileSync(
    preload,
    `import { register } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n` +
      `process.on('exit', () => appendFileSync(${JSON.stringify(log)}, process.moduleLoadList.map((m) => 'builtin:' + m).join('\\n') + '\\n'));\n`,
  );
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, BIN, ...argv], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    urls: lines.filter((l) => !l.startsWith('builtin:')),
    builtins: lines.filter((l) => l.startsWith('builtin:NativeModule ')).map((l) => l.slice('builtin:NativeModule '.length)),
  };
}

test('package.json bin is the bundle, executable, with a node shebang', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(join(ROOT, pkg.bin.softmax!), BIN);
  assert.match(readFileSync(BIN, 'utf8').split('\n')[0]!, /^#!\/usr\/bin\/env node$/);
  if (process.platform !== 'win32') assert.ok((statSync(BIN).mode & 0o111) !== 0, 'executable');
});

test('softmax train --dataset iris loads no plotting, report, serve, ONNX-export, thread or compression code', () => {
  const meta = JSON.parse(readFileSync(join(ROOT, 'build', 'cli-meta.json'), 'utf8')) as Metafile;
  const sourcesOf = new Map(Object.entries(meta.outputs).map(([out, o]) => [basename(out), Object.keys(o.inputs)]));
  const { dir, cleanup } = tempDir();
  try {
    const r = tracedRun(['train', '--dataset', 'iris'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^test\s+accuracy 0\.9667/m);

    const bundleDir = pathToFileURL(join(ROOT, 'dist', 'bin')).href + '/';
    const ours = r.urls.filter((u) => u.startsWith(bundleDir)).map((u) => basename(fileURLToPath(u)));
    const outside = r.urls.filter((u) => u.startsWith('file:') && !u.startsWith(bundleDir) && !u.startsWith(pathToFileURL(dir).href));
    // Everything comes from the bundle: no file of dist/src, dist/cli or node_modules is loaded on its own.
    assert.deepEqual(outside, [], 'modules loaded from outside the bundle');
    assert.ok(ours.includes('softmax.js'));
    const sources = ours.flatMap((f) => {
      const s = sourcesOf.get(f);
      assert.ok(s, `${f} is in the metafile`);
      return s;
    });
    assert.ok(sources.includes('cli/commands/train.ts') && sources.includes('src/model/softmax-regression.ts'));
    const heavy = sources.filter((s) =>
      /^(src\/plots\/|src\/report\/|node\/serve\/|node\/threads\.ts|node\/png\.ts|src\/onnx\/export\.ts|cli\/commands\/(?!train\.ts|index\.ts))|node_modules\/(hono|@hono|vega|vega-lite|@resvg|cli-progress)\//.test(
        s,
      ),
    );
    assert.deepEqual(heavy, [], 'train loaded code it does not need');
    // (worker_threads and net are not in the list: the loading hook itself runs on a worker, and stdout is a pipe.)
    for (const b of ['zlib', 'crypto', 'child_process', 'http', 'dgram'])
      assert.ok(!r.builtins.includes(b), `node:${b} is loaded only when needed (loaded: ${r.builtins.join(' ')})`);
  } finally {
    cleanup();
  }
});

test('the bundle loads what a command needs when it needs it: gzip input, a written model, worker threads', () => {
  const { dir, cleanup } = tempDir();
  try {
    const csv = readFileSync(join(ROOT, 'test', 'fixtures', 'data', 'iris.csv'));
    const gz = join(dir, 'iris.csv.gz');
    writeFileSync(gz, gzipSync(csv));
    const r = tracedRun(['train', gz, '-o', join(dir, 'm.json'), '--threads', '2'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(statSync(join(dir, 'm.json')).size > 0);
    for (const b of ['zlib', 'crypto']) assert.ok(r.builtins.includes(b), `node:${b} loaded for this command`);
  } finally {
    cleanup();
  }
});
