// Saving never loses the previous file (issue 16, item 0): writeFileSafe under real limits (a file-size limit
// through prlimit on a child process, a full tmpfs), stale temporary files of killed saves, the target's mode,
// special targets (FIFOs, devices, links), and the streamed model file. Reading limits (item 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { SoftmaxError } from '../src/errors.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { checkWritable, removeStaleTemps, writeFileSafe } from '../node/safe-write.js';
import { loadModel, modelFileChunks, saveModel } from '../node/model-file.js';
import { readBytes } from '../node/io.js';
import { ROOT, tempDir } from './cli/helpers.js';

const SAFE_WRITE = join(ROOT, 'node', 'safe-write.ts');
const isRoot = process.getuid?.() === 0;
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

/** Run a small TypeScript script in a child process (optionally under `prlimit --fsize=N`). */
function runScript(dir: string, body: string, fsize?: number): { code: number | null; stdout: string; stderr: string } {
  const file = join(dir, `script-${Math.random().toString(16).slice(2)}.ts`);
  writeFileSync(file, `import { writeFileSafe } from ${JSON.stringify(SAFE_WRITE)};\n${body}\n`);
  const node = [process.execPath, '--import', 'tsx', file];
  const argv = fsize === undefined ? node : ['prlimit', `--fsize=${fsize}`, '--', ...node];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tempsIn = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

test(
  'a save that hits the file-size limit fails, keeps the previous file and its mode, and leaves no temp file',
  { skip: !hasPrlimit && 'prlimit is not installed' },
  () => {
    const { dir, cleanup } = tempDir();
    try {
      const target = join(dir, 'prev.json');
      writeFileSync(target, 'previous good model\n');
      chmodSync(target, 0o600);
      // 5,000 bytes against a 2,000-byte limit: the first write is short (2,000), the next one fails with EFBIG.
      const r = runScript(
        dir,
        `try { writeFileSafe(${JSON.stringify(target)}, 'x'.repeat(5000)); console.log('saved'); } catch (e) { console.log(e.code + ': ' + e.message); process.exitCode = 1; }`,
        2000,
      );
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^IO_ERROR: could not write .*prev\.json.*file too large.*the previous file is unchanged/);
      assert.equal(readFileSync(target, 'utf8'), 'previous good model\n');
      assert.equal(statSync(target).mode & 0o777, 0o600);
      assert.deepEqual(tempsIn(dir), []);
      // Streamed chunks are checked the same way.
      const s = runScript(
        dir,
        `try { writeFileSafe(${JSON.stringify(target)}, (function* () { for (let i = 0; i < 100; i++) yield 'y'.repeat(100); })()); } catch (e) { console.log(e.code); process.exitCode = 1; }`,
        2000,
      );
      assert.equal(s.code, 1, s.stdout + s.stderr);
      assert.equal(s.stdout.trim(), 'IO_ERROR');
      assert.equal(readFileSync(target, 'utf8'), 'previous good model\n');
      assert.deepEqual(tempsIn(dir), []);
      // Under the limit the same call succeeds.
      const ok = runScript(dir, `writeFileSafe(${JSON.stringify(target)}, 'z'.repeat(1500));`, 2000);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(readFileSync(target, 'utf8'), 'z'.repeat(1500));
    } finally {
      cleanup();
    }
  },
);

/** Mount a tmpfs of `size` bytes on a new directory; null when this machine does not allow it (not root, no mount). */
function mountTmpfs(dir: string, size: number): string | null {
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt], { encoding: 'utf8' });
  return r.status === 0 ? mnt : null;
}

test('a save to a full file system fails, keeps the previous file, leaves no temp file', (t) => {
  const { dir, cleanup } = tempDir();
  const mnt = isRoot ? mountTmpfs(dir, 64 * 1024) : null;
  if (!mnt) {
    cleanup();
    t.skip(isRoot ? 'mounting a 64 KiB tmpfs failed here (no CAP_SYS_ADMIN?)' : 'mounting a tmpfs needs root');
    return;
  }
  try {
    const target = join(mnt, 'prev.json');
    writeFileSafe(target, 'previous\n');
    // Fill the file system, then try to save: the temporary file cannot grow, the save must fail.
    const fill = openSync(join(mnt, 'filler'), 'w');
    try {
      const block = Buffer.alloc(4096, 1);
      for (;;) writeSync(fill, block);
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
    } finally {
      closeSync(fill);
    }
    assert.throws(
      () => writeFileSafe(target, 'n'.repeat(20_000)),
      (e: unknown) => e instanceof SoftmaxError && e.code === 'IO_ERROR' && /no space left on the device; the previous file is unchanged/.test(e.message),
    );
    assert.equal(readFileSync(target, 'utf8'), 'previous\n');
    assert.deepEqual(tempsIn(mnt), []);
  } finally {
    spawnSync('umount', [mnt]);
    cleanup();
  }
});

test('a save killed with SIGKILL leaves its temp file; the next save to that target removes it (not live ones)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = join(dir, 'model.json');
    writeFileSync(target, 'old\n');
    // A child that writes one chunk, then sleeps inside the write until it is killed.
    const file = join(dir, 'slow-save.ts');
    writeFileSync(
      file,
      `import { writeFileSafe } from ${JSON.stringify(SAFE_WRITE)};
writeFileSafe(${JSON.stringify(target)}, (function* () {
  yield new Uint8Array(100_000);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  yield 'never';
})());\n`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    const deadline = Date.now() + 60_000;
    while (tempsIn(dir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const left = tempsIn(dir);
    assert.equal(left.length, 1, 'the child never created its temp file');
    assert.match(left[0]!, new RegExp(`^\\.model\\.json\\.${child.pid}\\.[0-9a-f]{8}\\.tmp$`));
    child.kill('SIGKILL');
    await exited;
    assert.deepEqual(tempsIn(dir), left, 'SIGKILL leaves the temp file (nothing could remove it)');
    assert.equal(readFileSync(target, 'utf8'), 'old\n');
    // A temp file of a live process (the test runner's parent) and one for another target must stay.
    const live = `.model.json.${process.ppid}.0123abcd.tmp`;
    const other = `.other.json.999999999.0123abcd.tmp`;
    writeFileSync(join(dir, live), '');
    writeFileSync(join(dir, other), '');
    writeFileSafe(target, 'new\n');
    assert.equal(readFileSync(target, 'utf8'), 'new\n');
    assert.deepEqual(tempsIn(dir).sort(), [live, other].sort());
    assert.deepEqual(removeStaleTemps(join(dir, 'other.json')), [other]);
  } finally {
    cleanup();
  }
});

test('replacing a file keeps its mode; a new file gets the umask default; a link to a file stays a link', () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = join(dir, 'm.json');
    writeFileSafe(target, 'a');
    const umask = process.umask();
    assert.equal(statSync(target).mode & 0o777, 0o666 & ~umask);
    for (const mode of [0o600, 0o640, 0o444]) {
      chmodSync(target, mode);
      writeFileSafe(target, `mode ${mode}`);
      assert.equal(statSync(target).mode & 0o777, mode);
      assert.equal(readFileSync(target, 'utf8'), `mode ${mode}`);
    }
    chmodSync(target, 0o600);
    const link = join(dir, 'link.json');
    symlinkSync('m.json', link);
    writeFileSafe(link, 'through the link');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readlinkSync(link), 'm.json');
    assert.equal(readFileSync(target, 'utf8'), 'through the link');
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(tempsIn(dir), []);
  } finally {
    cleanup();
  }
});

test('special targets are written directly: a FIFO stays a FIFO, a character device stays a device', async (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const fifo = join(dir, 'pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // A reader on the other end (cat), so opening the FIFO for writing does not block.
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    let got = '';
    reader.stdout.on('data', (c: Buffer) => (got += c.toString()));
    const done = new Promise<void>((res) => reader.on('close', () => res()));
    assert.equal(checkWritable(fifo), 'special');
    // The writer blocks in open() until cat opens the FIFO: do it in a child so this event loop keeps running.
    const w = spawn(
      process.execPath,
      ['--import', 'tsx', '-e', `import(${JSON.stringify(SAFE_WRITE)}).then((m) => m.writeFileSafe(${JSON.stringify(fifo)}, ['one ', 'two\\n']))`],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const wExit = new Promise<number | null>((res) => w.on('exit', (c) => res(c)));
    assert.equal(await wExit, 0);
    await done;
    assert.equal(got, 'one two\n');
    assert.ok(lstatSync(fifo).isFIFO());
    const linkToFifo = join(dir, 'to-pipe');
    symlinkSync(fifo, linkToFifo);
    assert.equal(checkWritable(linkToFifo), 'special');
    assert.equal(checkWritable('/dev/stdout'), 'special');
    assert.equal(checkWritable('/dev/null'), 'special');
    if (!isRoot) {
      t.diagnostic('not root: the character-device case (mknod) is skipped');
      return;
    }
    // A private null device (same major/minor as /dev/null), so a regression cannot clobber the real one.
    const dev = join(dir, 'null');
    if (spawnSync('mknod', [dev, 'c', '1', '3']).status !== 0) {
      t.diagnostic('mknod failed here: the character-device case is skipped');
      return;
    }
    writeFileSafe(dev, 'discarded');
    assert.ok(lstatSync(dev).isCharacterDevice());
    assert.deepEqual(tempsIn(dir), []);
  } finally {
    cleanup();
  }
});

test('checkWritable: empty path, missing directory, a directory, a file as directory are one-line IO errors', () => {
  const { dir, cleanup } = tempDir();
  try {
    const bad = (p: string, re: RegExp) =>
      assert.throws(
        () => checkWritable(p),
        (e: unknown) => e instanceof SoftmaxError && e.code === 'IO_ERROR' && re.test(e.message) && !e.message.includes('\n'),
      );
    bad('', /path is empty/);
    bad('   ', /path is empty/);
    bad(join(dir, 'no', 'such', 'm.json'), /directory ".*no\/such" does not exist/);
    bad(dir, /it is a directory/);
    writeFileSync(join(dir, 'f'), '');
    bad(join(dir, 'f', 'm.json'), /not a directory/);
    assert.equal(checkWritable(join(dir, 'new.json')), 'new');
    assert.equal(checkWritable(join(dir, 'f')), 'regular');
    assert.throws(() => writeFileSafe(join(dir, 'no', 'm.json'), 'x'), /does not exist/);
  } finally {
    cleanup();
  }
});

test('checkWritable: a read-only file system is refused up front (root included)', (t) => {
  const { dir, cleanup } = tempDir();
  const mnt = isRoot ? mountTmpfs(dir, 64 * 1024) : null;
  if (!mnt) {
    cleanup();
    t.skip(isRoot ? 'mounting a tmpfs failed here' : 'mounting a tmpfs needs root');
    return;
  }
  try {
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
    assert.throws(() => checkWritable(join(mnt, 'm.json')), /is not writable \(read-only file system\)/);
  } finally {
    spawnSync('umount', [mnt]);
    cleanup();
  }
});

test('the streamed model file is byte-identical to JSON.stringify(toJSON(), null, 1) and loads', () => {
  const { dir, cleanup } = tempDir();
  try {
    const X = [
      [0, 1, 2],
      [1, 0, 2],
      [2, 2, 0],
      [0, 0, 1],
      [1, 2, 1],
      [2, 1, 0],
    ];
    const y = ['a', 'b', 'c', 'a', 'b', 'c'];
    const m = new SoftmaxRegression({ C: 10 }).fit(X, y, { featureNames: ['"coef": [] x', 'q\n "coef": []', 'z'] });
    const expected = JSON.stringify(m.toJSON(), null, 1) + '\n';
    assert.equal([...modelFileChunks(m)].join(''), expected);
    assert.ok([...modelFileChunks(m)].length >= 2 + 3, 'one chunk per coefficient row');
    const file = join(dir, 'm.json');
    assert.equal(saveModel(m, file), Buffer.byteLength(expected));
    assert.equal(readFileSync(file, 'utf8'), expected);
    assert.deepEqual(loadModel(file).predict(X), m.predict(X));
  } finally {
    cleanup();
  }
});

test('files of 2 GiB and more: a typed TOO_LARGE error naming the limit (data and model files)', () => {
  const { dir, cleanup } = tempDir();
  try {
    const big = join(dir, 'big.csv');
    // A sparse file: 2 GiB of size, no disk blocks.
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 2 ** 31);
    closeSync(fd);
    const tooLarge = (e: unknown) =>
      e instanceof SoftmaxError &&
      e.code === 'TOO_LARGE' &&
      /2147483648 bytes\) is too large to read whole: the limit is 2 GiB.*use a smaller file or split it/.test(e.message);
    assert.throws(() => readBytes(big), tooLarge);
    assert.throws(() => loadModel(big), tooLarge);
    assert.ok(existsSync(big));
  } finally {
    cleanup();
  }
});
