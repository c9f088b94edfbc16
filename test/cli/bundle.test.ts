// The bundled bin (scripts/build-cli.mjs): dist/bin/softmax.cjs, the launcher package.json's `bin` runs, and
// dist/bin/cli.cjs, every command in one file. It works on its own, and `softmax train` runs only what training
// needs (start-up time is loading code: docs/performance.md, "Cold start"). Which of the bundle's functions a
// run called is read from V8's coverage (NODE_V8_COVERAGE) and mapped back to source files through the
// bundle's source map; which Node built-ins it loaded, from process.moduleLoadList at exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { WRAPPER_HEAD } from '../../cli/compile-cache.js';
import { BIN, ROOT, tempDir } from './helpers.js';

const BUNDLE = join(ROOT, 'dist', 'bin', 'cli.cjs');

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[];
}

/** Runs the bin with coverage on; returns the source files of the bundle whose functions ran, and the built-ins loaded. */
function tracedRun(argv: string[], dir: string): { code: number; stdout: string; stderr: string; sources: Set<string>; scripts: string[]; builtins: string[] } {
  const covDir = join(dir, 'coverage');
  const log = join(dir, 'builtins.txt');
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));\n`);
  const r = spawnSync(process.execPath, ['--require', preload, BIN, ...argv], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_V8_COVERAGE: covDir, NODE_COMPILE_CACHE: join(dir, 'cache') },
  });
  const bundleText = readFileSync(BUNDLE, 'utf8');
  const lineStarts = [0];
  for (let i = 0; i < bundleText.length; i++) if (bundleText.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const map = new SourceMap(JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8')));
  // The launcher compiles the bundle inside a one-line wrapper: offsets on line 0 are shifted by it.
  const wrapperLength = WRAPPER_HEAD.length;
  const sources = new Set<string>();
  const scripts: string[] = [];
  for (const f of readdirSync(covDir)) {
    const cov = JSON.parse(readFileSync(join(covDir, f), 'utf8')) as Coverage;
    for (const s of cov.result) {
      if (s.url.startsWith('file:') || s.url.startsWith('/')) scripts.push(s.url);
      if (s.url !== BUNDLE && s.url !== pathToFileURL(BUNDLE).href) continue;
      for (const fn of s.functions) {
        const range = fn.ranges[0]!;
        if (range.count === 0 || range.startOffset === 0) continue;
        let offset = range.startOffset;
        if (offset >= wrapperLength && offset - wrapperLength < lineStarts[1]!) offset -= wrapperLength;
        let line = 0;
        while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
        const entry = map.findEntry(line, offset - lineStarts[line]!) as { originalSource?: string };
        if (entry.originalSource) sources.add(entry.originalSource.replace(/^.*?\/(?=(src|node|cli|node_modules)\/)/, ''));
      }
    }
  }
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    sources,
    scripts,
    builtins: readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('NativeModule '))
      .map((l) => l.slice('NativeModule '.length)),
  };
}

test('package.json bin is the launcher, executable, with a node shebang', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(join(ROOT, pkg.bin.softmax!), BIN);
  assert.match(readFileSync(BIN, 'utf8').split('\n')[0]!, /^#!\/usr\/bin\/env node$/);
  if (process.platform !== 'win32') assert.ok((statSync(BIN).mode & 0o111) !== 0, 'executable');
});

test('softmax train --dataset iris runs no plotting, report, serve, ONNX-export, thread or compression code', () => {
  const { dir, cleanup } = tempDir();
  try {
    const r = tracedRun(['train', '--dataset', 'iris'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^test\s+accuracy 0\.9667/m);
    // Everything comes from the bundle: no file of dist/src, dist/cli or node_modules is loaded on its own.
    const outside = r.scripts.filter((u) => {
      const p = u.startsWith('file:') ? fileURLToPath(u) : u;
      return p.startsWith(ROOT) && dirname(p) !== dirname(BIN) && !p.startsWith(dir);
    });
    assert.deepEqual(outside, [], 'scripts loaded from outside the bundle');
    // The map works (these must have run), so an empty list below means something.
    for (const s of ['cli/commands/train.ts', 'src/model/softmax-regression.ts', 'src/solvers/lbfgs.ts']) assert.ok(r.sources.has(s), `${s} ran`);
    const heavy = [...r.sources].filter((s) =>
      /^(src\/plots\/|src\/report\/|node\/serve\/|node\/threads\.ts|node\/png\.ts|src\/onnx\/export\.ts|cli\/commands\/(?!train\.ts|index\.ts))|node_modules\/(hono|@hono|vega|vega-lite|@resvg|cli-progress)\//.test(
        s,
      ),
    );
    assert.deepEqual(heavy, [], 'train ran code it does not need');
    // (net is not in the list: stdout is a pipe.)
    for (const b of ['zlib', 'crypto', 'child_process', 'http', 'dgram', 'worker_threads'])
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
    for (const b of ['zlib', 'crypto', 'worker_threads']) assert.ok(r.builtins.includes(b), `node:${b} loaded for this command`);
    assert.ok(r.sources.has('node/threads.ts'), 'the thread code ran');
  } finally {
    cleanup();
  }
});
