// The CLI's outputs under real limits and on hostile paths (issue 16, items 0 and 7): every -o (model JSON,
// predict, report, plots) fails with exit 1 and one line under a file-size limit and keeps the previous
// file; empty and unwritable output paths are refused before any data is read; special files are written
// directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneLineError, ROOT, run, runProcess, tempDir } from './helpers.js';

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
const CLI = join(ROOT, 'cli', 'main.ts');

/** The CLI as a process under `prlimit --fsize=N`. */
function runLimited(fsize: number, argv: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('prlimit', [`--fsize=${fsize}`, '--', process.execPath, '--import', 'tsx', CLI, ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Several CLI invocations in one process under `prlimit --fsize=N` (main() in-process, as the bin runs it),
 * to spare the machine one Node start per command. Returns each invocation's exit code and stderr.
 */
function runManyLimited(dir: string, fsize: number, argvs: string[][]): Array<{ code: number; stderr: string }> {
  const script = join(dir, 'many.mts');
  writeFileSync(
    script,
    `import { main } from ${JSON.stringify(CLI)};
const out: Array<{ code: number; stderr: string }> = [];
for (const argv of ${JSON.stringify(argvs)}) {
  let stderr = '';
  const code = await main(argv, { stdout: { write: () => true }, stderr: { write: (s: string) => ((stderr += s), true) } });
  out.push({ code, stderr });
}
process.stdout.write(JSON.stringify(out));\n`,
  );
  const r = spawnSync('prlimit', [`--fsize=${fsize}`, '--', process.execPath, '--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{ code: number; stderr: string }>;
}

test(
  'under a file-size limit every -o (train, predict, report, plot png/svg, cv) exits 1 with one line and keeps the previous file',
  { skip: !hasPrlimit && 'prlimit is not installed' },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const model = join(dir, 'model.json');
      const t = await run(['train', '--dataset', 'iris', '-o', model, '--no-progress']);
      assert.equal(t.code, 0, t.stderr);
      const files = ['prev.json', 'pred.csv', 'report.html', 'plot.png', 'plot.svg', 'cv.json'];
      for (const f of files) writeFileSync(join(dir, f), `previous ${f}\n`);
      const goodModel = readFileSync(model);
      // 1,000 bytes: smaller than each of these outputs (a model is ~2.8 kB, iris' 30 predictions ~2 kB).
      const results = runManyLimited(dir, 1000, [
        ['train', '--dataset', 'iris', '-o', join(dir, 'prev.json'), '--no-progress'],
        ['predict', '-m', model, '--dataset', 'iris', '-o', join(dir, 'pred.csv')],
        ['report', '-m', model, '--dataset', 'iris', '--path', '0.1,1', '-o', join(dir, 'report.html')],
        ['plot', 'confusion', '-m', model, '--dataset', 'iris', '-o', join(dir, 'plot.png')],
        ['plot', 'confusion', '-m', model, '--dataset', 'iris', '-o', join(dir, 'plot.svg')],
        ['cv', '--dataset', 'iris', '--C', '0.5,1', '--folds', '2', '-o', join(dir, 'cv.json')],
      ]);
      results.forEach((r, i) => {
        assert.equal(r.code, 1, `${files[i]}: ${r.stderr}`);
        assertOneLineError(r.stderr);
        assert.match(r.stderr, /file too large \(a file-size limit, ulimit -f, was reached\); the previous file is unchanged/);
        assert.equal(readFileSync(join(dir, files[i]!), 'utf8'), `previous ${files[i]}\n`);
      });
      assert.deepEqual(readFileSync(model), goodModel);
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.endsWith('.tmp')),
        [],
      );
      // And the real process: exit status 1, not 0 ("saved").
      const p = runLimited(2000, ['train', '--dataset', 'iris', '-o', join(dir, 'prev.json'), '--no-progress']);
      assert.equal(p.code, 1, p.stdout + p.stderr);
      assertOneLineError(p.stderr);
      assert.doesNotMatch(p.stdout, /saved/);
      assert.equal(readFileSync(join(dir, 'prev.json'), 'utf8'), 'previous prev.json\n');
    } finally {
      cleanup();
    }
  },
);

test("-o '' and unwritable output paths are errors before any data is read or any model fitted", async () => {
  const { dir, cleanup } = tempDir();
  try {
    // The data file does not exist: an error about the output proves the check comes first.
    const missingData = join(dir, 'no-such-data.csv');
    const model = join(dir, 'm.json');
    writeFileSync(model, '{}');
    const cases: Array<{ argv: string[]; code: number; re: RegExp }> = [
      { argv: ['train', missingData, '-o', ''], code: 2, re: /-o: the output path is empty/ },
      { argv: ['train', missingData, '-o', join(dir, 'nodir', 'm.json')], code: 1, re: /directory .*nodir does not exist/ },
      { argv: ['train', missingData, '-o', dir], code: 1, re: /it is a directory/ },
      { argv: ['predict', '-m', model, missingData, '-o', ''], code: 2, re: /output path is empty/ },
      { argv: ['predict', '-m', model, missingData, '-o', join(dir, 'nodir', 'p.csv')], code: 1, re: /does not exist/ },
      { argv: ['report', missingData, '-o', ''], code: 2, re: /output path is empty/ },
      { argv: ['report', missingData, '-o', join(dir, 'nodir', 'r.html')], code: 1, re: /does not exist/ },
      { argv: ['plot', 'confusion', missingData, '-o', ''], code: 2, re: /output path is empty/ },
      { argv: ['cv', missingData, '-o', ''], code: 2, re: /output path is empty/ },
    ];
    for (const c of cases) {
      const r = await run(c.argv);
      assert.equal(r.code, c.code, `${c.argv.join(' ')}: ${r.stderr}`);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, c.re);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['m.json']);
  } finally {
    cleanup();
  }
});

// The targets are links and devices made in a temporary directory, so a regression cannot replace the
// machine's own /dev/stdout or /dev/null (the tests run as root in CI).
test('-o to a link to /dev/stdout and to a null device is written directly (no temp file, the target stays)', (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    const tr = runProcess(['train', '--dataset', 'iris', '-o', model, '--no-progress']);
    assert.equal(tr.code, 0, tr.stderr);
    const out = join(dir, 'stdout');
    symlinkSync('/dev/stdout', out);
    const p = runProcess(['predict', '-m', model, '--dataset', 'iris', '-o', out]);
    assert.equal(p.code, 0, p.stderr);
    const lines = p.stdout.split('\n');
    assert.equal(lines[0], 'predicted,p_0,p_1,p_2');
    assert.equal(lines.filter((l) => /^\d,/.test(l)).length, 30);
    assert.ok(lstatSync(out).isSymbolicLink());
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
    );
    const dev = join(dir, 'null');
    if (process.getuid?.() !== 0 || spawnSync('mknod', [dev, 'c', '1', '3']).status !== 0) {
      t.diagnostic('mknod needs root: the device case is skipped');
      return;
    }
    const n = runProcess(['train', '--dataset', 'iris', '-o', dev, '--no-progress']);
    assert.equal(n.code, 0, n.stderr);
    assert.ok(lstatSync(dev).isCharacterDevice());
    assert.equal(readFileSync(dev, 'utf8'), '');
  } finally {
    cleanup();
  }
});
