// The launcher's code cache (cli/compile-cache.ts): used when present and valid, rebuilt when stale or
// corrupt, never read from a folder another user could write, off with NODE_DISABLE_COMPILE_CACHE. Node 22.1+
// has its own cache (module.enableCompileCache), which the launcher uses instead: the process tests skip there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { join } from 'node:path';
import { cacheFileFor, compileCacheDir, usableFolder } from '../../cli/compile-cache.js';
import { BIN, ROOT, tempDir } from './helpers.js';

const nodeHasItsOwn = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const posix = process.platform !== 'win32';

function bin(argv: string[], env: Record<string, string>): { code: number; stdout: string; outcome: string } {
  const r = spawnSync(process.execPath, [BIN, ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', SOFTMAX_DEBUG_COMPILE_CACHE: '1', ...env },
  });
  const m = /softmax: compile cache (\S+)/.exec(r.stderr);
  return { code: r.status ?? -1, stdout: r.stdout, outcome: m?.[1] ?? `(none: ${r.stderr})` };
}

test('cache key: a new file name when the bundle changes, even at the same size', () => {
  const { dir, cleanup } = tempDir();
  try {
    const f = join(dir, 'cli.cjs');
    writeFileSync(f, 'module.exports = 1;');
    const a = cacheFileFor(dir, f);
    writeFileSync(f, 'module.exports = 2;');
    utimesSync(f, new Date(), new Date(Date.now() + 5000));
    const b = cacheFileFor(dir, f);
    assert.notEqual(a, b);
    assert.ok(a.includes(process.versions.v8.replace(/[^A-Za-z0-9._-]/g, '_')));
  } finally {
    cleanup();
  }
});

test('the cache folder: NODE_COMPILE_CACHE, NODE_DISABLE_COMPILE_CACHE, and only a folder of this user that others cannot write', () => {
  assert.equal(compileCacheDir({ NODE_COMPILE_CACHE: '/x/y' }), '/x/y');
  assert.equal(compileCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }), null);
  assert.notEqual(compileCacheDir({}), null);
  const { dir, cleanup } = tempDir();
  try {
    const mine = join(dir, 'new', 'cache');
    assert.equal(usableFolder(mine), true);
    if (posix) {
      chmodSync(mine, 0o777);
      assert.equal(usableFolder(mine), false, 'a world-writable folder is not trusted');
    }
    writeFileSync(join(dir, 'file'), '');
    assert.equal(usableFolder(join(dir, 'file')), false, 'a file is not a folder');
  } finally {
    cleanup();
  }
});

test(
  'the bin: miss, then hit; a corrupt cache is rejected and rewritten; the output never changes',
  { skip: nodeHasItsOwn && 'Node has its own compile cache' },
  () => {
    const { dir, cleanup } = tempDir();
    try {
      const env = { NODE_COMPILE_CACHE: join(dir, 'cache') };
      const argv = ['train', '--dataset', 'iris'];
      const first = bin(argv, env);
      assert.equal(first.code, 0);
      assert.equal(first.outcome, 'miss');
      const files = readdirSync(join(dir, 'cache')).filter((f) => f.endsWith('.v8cache'));
      assert.equal(files.length, 1, 'one cache file, written at exit (no temporary file left)');
      assert.equal(readdirSync(join(dir, 'cache')).length, 1);
      const second = bin(argv, env);
      assert.equal(second.outcome, 'hit');
      const strip = (s: string) => s.replace(/^fit time.*$/m, '');
      assert.equal(strip(second.stdout), strip(first.stdout));

      const file = join(dir, 'cache', files[0]!);
      const good = readFileSync(file);
      const bad = Buffer.from(good);
      bad.fill(7, 16);
      writeFileSync(file, bad);
      const third = bin(argv, env);
      assert.equal(third.code, 0);
      assert.equal(third.outcome, 'rejected');
      assert.equal(strip(third.stdout), strip(first.stdout));
      assert.equal(bin(argv, env).outcome, 'hit', 'rewritten after the rejection');
    } finally {
      cleanup();
    }
  },
);

test('the bin: no cache when disabled or when the folder is not to be trusted', { skip: nodeHasItsOwn && 'Node has its own compile cache' }, () => {
  const { dir, cleanup } = tempDir();
  try {
    const cache = join(dir, 'cache');
    const off = bin(['--version'], { NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(off.code, 0);
    assert.equal(off.outcome, 'disabled');
    assert.equal(existsSync(cache), false);
    if (posix) {
      const open = join(dir, 'open');
      usableFolder(open);
      chmodSync(open, 0o777);
      const r = bin(['--version'], { NODE_COMPILE_CACHE: open });
      assert.equal(r.code, 0);
      assert.equal(r.outcome, 'unusable-folder');
      assert.match(r.stdout, /^\d+\.\d+\.\d+/);
      assert.deepEqual(readdirSync(open), [], 'nothing written there');
    }
  } finally {
    cleanup();
  }
});

test(
  'the bin: import() of an optional package works from the compiled and from the cached bundle',
  { skip: nodeHasItsOwn && 'Node has its own compile cache' },
  () => {
    const { dir, cleanup } = tempDir();
    try {
      const env = { NODE_COMPILE_CACHE: join(dir, 'cache') };
      for (const [i, expected] of [
        [1, 'miss'],
        [2, 'hit'],
      ] as const) {
        const out = join(dir, `c${i}.svg`);
        // plot imports vega and vega-lite (devDependencies here) with import().
        const r = bin(['plot', 'confusion', '--dataset', 'iris', '-o', out], env);
        assert.equal(r.outcome, expected);
        assert.equal(r.code, 0, r.stdout);
        assert.match(readFileSync(out, 'utf8'), /<svg/);
      }
    } finally {
      cleanup();
    }
  },
);
