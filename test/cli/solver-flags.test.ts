// CLI flags for the solver options (validated by the library) and `softmax cv` on the library's SoftmaxRegressionCV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneLineError, IRIS, ROOT, run, runProcess, tempDir } from './helpers.js';

const WINE = join(ROOT, 'test', 'fixtures', 'data', 'wine.csv');

function coefOf(path: string): number[][] {
  return JSON.parse(readFileSync(path, 'utf8')).coef;
}

test('train --solver adam --epochs 5 --batch-size 32 --seed 1 is reproducible; another seed differs', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const args = (seed: string, out: string) => [
      'train',
      IRIS,
      '--solver',
      'adam',
      '--epochs',
      '5',
      '--batch-size',
      '32',
      '--learning-rate',
      '0.05',
      '--seed',
      seed,
      '-o',
      join(dir, out),
      '--json',
    ];
    const a = await run(args('1', 'a.json'));
    assert.equal(a.code, 0, a.stderr);
    const ja = JSON.parse(a.stdout);
    assert.equal(ja.options.solver, 'adam');
    assert.equal(ja.options.epochs, 5);
    assert.equal(ja.options.batchSize, 32);
    assert.equal(ja.options.learningRate, 0.05);
    assert.equal(ja.options.randomState, 1);
    assert.ok(ja.fit.iterations <= 5, `ran ${ja.fit.iterations} epochs`);
    const b = await run(args('1', 'b.json'));
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(coefOf(join(dir, 'b.json')), coefOf(join(dir, 'a.json')));
    const c = await run(args('2', 'c.json'));
    assert.equal(c.code, 0, c.stderr);
    assert.notDeepEqual(coefOf(join(dir, 'c.json')), coefOf(join(dir, 'a.json')));
  } finally {
    cleanup();
  }
});

test('saga with --penalty l1 gives exact zeros that inspect reports', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'l1.json');
    const t = await run(['train', WINE, '--solver', 'saga', '--penalty', 'l1', '--C', '0.05', '--tol', '1e-3', '-o', model]);
    assert.equal(t.code, 0, t.stderr);
    const zeros = coefOf(model)
      .flat()
      .filter((v) => v === 0).length;
    assert.ok(zeros > 0, 'L1 should give exact zeros');
    const ins = JSON.parse((await run(['inspect', model, '--json'])).stdout);
    assert.equal(ins.options.penalty, 'l1');
    assert.equal(ins.nonzeroCoefficients, 3 * 13 - zeros);
    const text = await run(['inspect', model]);
    assert.match(text.stdout, new RegExp(`^nonzero coef\\s+${3 * 13 - zeros} of 39$`, 'm'));
  } finally {
    cleanup();
  }
});

test('momentum, nesterov, schedule, early stopping, dtype and --no-precondition reach the library', async () => {
  const sgd = await run([
    'train',
    IRIS,
    '--solver',
    'sgd',
    '--momentum',
    '0.9',
    '--nesterov',
    '--schedule',
    'invscaling',
    '--early-stopping',
    '--validation-fraction',
    '0.2',
    '--epochs',
    '20',
    '--json',
  ]);
  assert.equal(sgd.code, 0, sgd.stderr);
  const o = JSON.parse(sgd.stdout).options;
  assert.deepEqual([o.momentum, o.nesterov, o.schedule, o.earlyStopping, o.validationFraction, o.epochs], [0.9, true, 'invscaling', true, 0.2, 20]);
  const raw = await run(['train', IRIS, '--no-precondition', '--dtype', 'float32', '--json']);
  assert.equal(raw.code, 0, raw.stderr);
  const r = JSON.parse(raw.stdout).options;
  assert.equal(r.precondition, false);
  assert.equal(r.dtype, 'float32');
  // Defaults stay the library's when the flags are absent.
  const def = JSON.parse((await run(['train', IRIS, '--json'])).stdout).options;
  assert.equal(def.precondition, true);
  assert.equal(def.dtype, 'float64');
});

test('solver flags are validated by the library: bad values and solvers that do not read them exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--momentum', '1.5', '--solver', 'sgd'], /option 'momentum'/],
    [['--momentum', '0.5'], /option 'momentum'.*only used by solver 'sgd'/],
    [['--batch-size', '16'], /option 'batchSize'.*mini-batch/],
    [['--epochs', '3'], /option 'epochs'/],
    [['--schedule', 'cosine', '--solver', 'sgd'], /option 'schedule'/],
    [['--dtype', 'float16'], /option 'dtype'/],
    [['--validation-fraction', '1.5'], /option 'validationFraction'/],
    [['--nesterov', '--solver', 'sgd'], /option 'nesterov'/],
    [['--batch-size', '0', '--solver', 'sgd'], /--batch-size/],
    [['--learning-rate', 'fast', '--solver', 'sgd'], /--learning-rate/],
  ];
  for (const [flags, msg] of cases) {
    const r = await run(['train', IRIS, ...flags]);
    assert.equal(r.code, 2, `${flags.join(' ')}: exit ${r.code} ${r.stderr}`);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, msg, flags.join(' '));
  }
});

test('cv: one row per (l1 ratio, C), std is the population std of the folds, -o saves the refitted best model', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'best.json');
    const r = await run([
      'cv',
      IRIS,
      '--folds',
      '3',
      '--solver',
      'saga',
      '--penalty',
      'elasticnet',
      '--C',
      '0.1,1',
      '--l1-ratio',
      '0.2,0.8',
      '--tol',
      '1e-3',
      '-o',
      out,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(
      j.results.map((x: { C: number; l1Ratio: number }) => [x.l1Ratio, x.C]),
      [
        [0.2, 0.1],
        [0.2, 1],
        [0.8, 0.1],
        [0.8, 1],
      ],
    );
    for (const row of j.results) {
      assert.equal(row.folds.length, 3);
      const m = row.folds.reduce((s: number, v: number) => s + v, 0) / 3;
      assert.ok(Math.abs(row.mean - m) < 1e-12);
      assert.ok(Math.abs(row.std - Math.sqrt(row.folds.reduce((s: number, v: number) => s + (v - m) ** 2, 0) / 3)) < 1e-12);
    }
    const best = j.results.find((x: { C: number; l1Ratio: number }) => x.C === j.bestC && x.l1Ratio === j.bestL1Ratio);
    assert.equal(best.mean, Math.max(...j.results.map((x: { mean: number }) => x.mean)));
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(saved.options.C, j.bestC);
    assert.equal(saved.options.l1Ratio, j.bestL1Ratio);
    const ev = await run(['eval', '--model', out, IRIS, '--json']);
    assert.equal(ev.code, 0, ev.stderr);
  } finally {
    cleanup();
  }
  const bad = await run(['cv', IRIS, '--l1-ratio', '0.5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /option 'l1Ratios'.*elasticnet/);
  const range = await run(['cv', IRIS, '--penalty', 'elasticnet', '--solver', 'saga', '--l1-ratio', '0.5,2']);
  assert.equal(range.code, 2);
  assert.match(range.stderr, /option 'l1Ratios'/);
});

test('--threads 2 gives the 1-thread fit up to summation order (separate processes)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    // 4,000 x 60 x 10 classes = 2.4e6 multiply-adds per pass: above the size where the pool is used.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const header = [...Array.from({ length: 60 }, (_, j) => `f${j}`), 'label'].join(',');
    const rows = Array.from({ length: 4000 }, (_, i) => {
      const k = i % 10;
      return [...Array.from({ length: 60 }, (_, j) => ((j % 10 === k ? 1.5 : 0) + rand() * 2 - 1).toFixed(4)), String(k)].join(',');
    });
    const file = join(dir, 'blobs.csv');
    writeFileSync(file, [header, ...rows].join('\n') + '\n');
    const one = runProcess(['train', file, '--tol', '1e-8', '--json', '--threads', '1']);
    const two = runProcess(['train', file, '--tol', '1e-8', '--json', '--threads', '2']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(two.stdout);
    assert.ok(Math.abs(a.fit.objective - b.fit.objective) <= 1e-9 * a.fit.objective, `${a.fit.objective} vs ${b.fit.objective}`);
    assert.equal(a.train.accuracy, b.train.accuracy);
    assert.equal(a.threads, 1);
    assert.equal(b.threads, 2);
  } finally {
    cleanup();
  }
});
