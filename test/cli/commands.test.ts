// End-to-end tests of the `softmax` command line: files in, files out, exit codes, messages, --json, stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneLineError, IRIS, parsePredictCsv, ROOT, run, runProcess, tempDir } from './helpers.js';

const irisRows = readFileSync(IRIS, 'utf8').trim().split('\n');
const irisLabels = irisRows.slice(1).map((l) => l.split(',').at(-1)!);

test('train --dataset iris: fit summary, train and test metrics; --json parses', async () => {
  const r = await run(['train', '--dataset', 'iris']);
  assert.equal(r.code, 0, r.stderr);
  for (const key of ['solver', 'stopped', 'objective', 'fit time', 'train', 'test']) assert.match(r.stdout, new RegExp(`^${key}\\s`, 'm'));
  assert.match(r.stdout, /converged \(gradient-tolerance\)/);
  const j = await run(['train', '--dataset', 'iris', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const out = JSON.parse(j.stdout);
  assert.equal(out.fit.converged, true);
  assert.deepEqual(out.classes, [0, 1, 2]);
  assert.equal(out.train.rows, 120);
  assert.equal(out.testMetrics.rows, 30);
  // scikit-learn's LogisticRegression reaches 0.9667 on this split (standardized, C=1): 29 of 30.
  assert.ok(out.testMetrics.accuracy >= 29 / 30 - 1e-12, `test accuracy ${out.testMetrics.accuracy}`);
  assert.ok(out.testMetrics.logLoss > 0 && Number.isFinite(out.testMetrics.logLoss));
});

test('train -o, then inspect, eval and predict use the saved model', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'model.json');
    const t = await run(['train', IRIS, '--C', '0.5', '--label', 'label', '-o', model, '--json']);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(JSON.parse(t.stdout).testMetrics, null); // no test option: trains on every row, no test metrics
    assert.equal(JSON.parse(t.stdout).train.rows, 150);
    assert.ok(existsSync(model));
    assert.deepEqual(readdirSync(dir), ['model.json']); // no temp file left behind

    const ins = await run(['inspect', model]);
    assert.equal(ins.code, 0, ins.stderr);
    assert.match(ins.stdout, /classes\s+3: 0, 1, 2/);
    assert.match(ins.stdout, /petal_width_cm/);
    assert.match(ins.stdout, /C 0\.5/);
    const insJ = JSON.parse((await run(['inspect', model, '--json', '--top', '2'])).stdout);
    assert.equal(insJ.largestCoefficients.length, 3);
    assert.equal(insJ.largestCoefficients[0].largest.length, 2);
    assert.equal(insJ.options.C, 0.5);
    // Largest by |coef|: the listed ones dominate the rest of their row.
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.ok(saved.format);

    // predict: one row per input row, label + one probability column per class, probabilities sum to 1,
    // label = most probable class.
    const p = await run(['predict', '--model', model, IRIS]);
    assert.equal(p.code, 0, p.stderr);
    const { header, rows } = parsePredictCsv(p.stdout);
    assert.deepEqual(header, ['predicted', 'p_0', 'p_1', 'p_2']);
    assert.equal(rows.length, 150);
    let agree = 0;
    rows.forEach((r, i) => {
      const pr = r.slice(1).map(Number);
      assert.ok(Math.abs(pr.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      assert.equal(r[0], String(pr.indexOf(Math.max(...pr))));
      if (r[0] === irisLabels[i]) agree++;
    });

    // eval: accuracy matches the agreement of predict's labels with the file's labels.
    const e = await run(['eval', '--model', model, IRIS]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /precision\s+recall\s+f1-score\s+support/);
    assert.match(e.stdout, /confusion matrix/);
    const ej = JSON.parse((await run(['eval', '--model', model, IRIS, '--json'])).stdout);
    assert.equal(ej.accuracy, agree / 150);
    assert.equal(
      ej.confusionMatrix.matrix.flat().reduce((a: number, b: number) => a + b, 0),
      150,
    );
    assert.equal(ej.report.classes.length, 3);
    assert.ok(ej.probabilistic.logLoss > 0 && ej.probabilistic.brier > 0);

    // -o writes the same text atomically; jsonl has one object per row.
    const out = join(dir, 'pred.csv');
    const po = await run(['predict', '--model', model, IRIS, '-o', out]);
    assert.equal(po.code, 0, po.stderr);
    assert.equal(readFileSync(out, 'utf8'), p.stdout);
    const jl = await run(['predict', '--model', model, IRIS, '--format', 'jsonl']);
    const lines = jl.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 150);
    assert.equal(String(lines[0].predicted), rows[0]![0]);
    assert.equal(lines[0].proba['1'], Number(rows[0]![2]));
    // --json on predict without -o means JSON lines on stdout.
    assert.equal((await run(['predict', '--model', model, IRIS, '--json'])).stdout, jl.stdout);
    // With -o, --json prints a summary.
    assert.deepEqual(JSON.parse((await run(['predict', '--model', model, IRIS, '-o', out, '--json'])).stdout), {
      rows: 150,
      classes: [0, 1, 2],
      output: out,
      format: 'csv',
    });
  } finally {
    cleanup();
  }
});

test('predict ignores extra columns and reorders columns by the model feature names', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    assert.equal((await run(['train', IRIS, '-o', model])).code, 0);
    // Same rows, columns reversed and an id column added, no label.
    const head = irisRows[0]!.split(',');
    const shuffled = [
      ['id', ...head.slice(0, 4).reverse()].join(','),
      ...irisRows.slice(1).map((l, i) => [String(i), ...l.split(',').slice(0, 4).reverse()].join(',')),
    ].join('\n');
    const f = join(dir, 'x.csv');
    writeFileSync(f, shuffled + '\n');
    const a = await run(['predict', '--model', model, IRIS]);
    const b = await run(['predict', '--model', model, f]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, a.stdout);
  } finally {
    cleanup();
  }
});

test("'-' reads CSV from stdin (train and predict)", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    const text = readFileSync(IRIS, 'utf8');
    const t = await run(['train', '-', '-o', model, '--json'], text);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(JSON.parse(t.stdout).train.rows, 150);
    const p = await run(['predict', '--model', model, '-'], irisRows.slice(0, 4).join('\n') + '\n');
    assert.equal(p.code, 0, p.stderr);
    assert.equal(parsePredictCsv(p.stdout).rows.length, 3);
    // A real process with a real pipe, too.
    const rp = runProcess(['predict', '--model', model, '-', '--format', 'jsonl'], irisRows.slice(0, 3).join('\n') + '\n');
    assert.equal(rp.code, 0, rp.stderr);
    assert.equal(rp.stdout.trimEnd().split('\n').length, 2);
    assert.equal(JSON.parse(rp.stdout.split('\n')[0]!).predicted, 0);
  } finally {
    cleanup();
  }
});

test('train --test FILE and --test-size report test metrics; the split is seeded', async () => {
  const a = JSON.parse((await run(['train', IRIS, '--test-size', '0.2', '--seed', '3', '--json'])).stdout);
  const b = JSON.parse((await run(['train', IRIS, '--test-size', '0.2', '--seed', '3', '--json'])).stdout);
  assert.equal(a.train.rows, 120);
  assert.equal(a.testMetrics.rows, 30);
  assert.deepEqual(a.testMetrics, b.testMetrics);
  const c = JSON.parse((await run(['train', IRIS, '--test', IRIS, '--json'])).stdout);
  assert.equal(c.testMetrics.rows, 150);
  assert.equal(c.testMetrics.accuracy, c.train.accuracy); // same rows, same model
});

test('cv prints a score per C and the best C', async () => {
  const r = await run(['cv', IRIS, '--folds', '3', '--C', '0.01,1', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(
    j.results.map((x: { C: number }) => x.C),
    [0.01, 1],
  );
  for (const row of j.results) {
    assert.equal(row.folds.length, 3);
    assert.ok(Math.abs(row.mean - row.folds.reduce((s: number, v: number) => s + v, 0) / 3) < 1e-12);
  }
  // Iris is nearly separable: C=1 beats the heavily regularized C=0.01.
  assert.equal(j.bestC, 1);
  const ll = JSON.parse((await run(['cv', IRIS, '--folds', '3', '--C', '0.01,1', '--scoring', 'log-loss', '--json'])).stdout);
  assert.equal(ll.bestC, 1);
  assert.ok(ll.results[0].mean > ll.results[1].mean);
  const text = await run(['cv', IRIS, '--folds', '3', '--C', '0.1,1']);
  assert.match(text.stdout, /best C = /);
});

test('--help on every command, --version from package.json', async () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const v = await run(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), version);
  const top = await run(['--help']);
  assert.equal(top.code, 0);
  for (const cmd of ['train', 'predict', 'eval', 'cv', 'inspect']) {
    assert.match(top.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'));
    const h = await run([cmd, '--help']);
    assert.equal(h.code, 0, `${cmd} --help`);
    assert.match(h.stdout, new RegExp(`^Usage: softmax ${cmd}`));
    assert.match(h.stdout, /--json/);
  }
  assert.equal(readFileSync(join(ROOT, 'cli', 'main.ts'), 'utf8').split('\n')[0], '#!/usr/bin/env node');
});

const usageCases: Array<[string[], RegExp]> = [
  [[], /./],
  [['bogus'], /unknown command 'bogus'/],
  [['train'], /missing training data/],
  [['train', IRIS, '--frob'], /unknown option '--frob'/],
  [['train', IRIS, '--C', 'abc'], /'abc' is not a finite number/],
  [['train', IRIS, '--C', '-1'], /must be > 0/],
  [['train', IRIS, '--max-iter', '2.5'], /not an integer/],
  [['train', IRIS, '--solver', 'nope'], /option 'solver'/],
  [['train', IRIS, '--scale', 'log'], /option 'scale'/],
  [['train', IRIS, '--dataset', 'iris'], /not both/],
  [['train', IRIS, '--test', IRIS, '--test-size', '0.2'], /not both/],
  [['train', IRIS, '--label', 'nope'], /nope/],
  [['train', IRIS, '--class-weight', '{bad'], /--class-weight/],
  [['train', IRIS, '--option', 'frobnicate=1'], /no option 'frobnicate'/],
  [['predict', IRIS], /--model/],
  [['predict', '--model', 'm.json', IRIS, '--format', 'xml'], /--format/],
  [['eval', '--model'], /argument missing/],
  [['cv', IRIS, '--scoring', 'f1'], /--scoring/],
  [['cv', IRIS, '--folds', '1'], /--folds/],
  [['inspect'], /missing required argument/],
  [['train', '--dataset', 'nope'], /unknown data set 'nope'/],
  [['inspect', 'a.json', 'b.json'], /too many arguments/],
];

test('bad usage exits 2 with one line on stderr', async () => {
  for (const [argv, msg] of usageCases) {
    const r = await run(argv);
    assert.equal(r.code, 2, `${argv.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
    assert.equal(r.stdout, '', argv.join(' '));
    if (argv.length > 0) assertOneLineError(r.stderr);
    assert.match(r.stderr, msg, argv.join(' '));
  }
});

test('runtime errors exit 1 with a one-line message that says what and where', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,label\n1,2,x\n3,oops,y\n');
    const notJson = join(dir, 'model.json');
    writeFileSync(notJson, '{"format": "softmax-regression", "version": 1');
    const cases: Array<[string[], RegExp]> = [
      [['train', join(dir, 'missing.csv')], /missing\.csv/],
      [['train', bad], /bad\.csv.*line 3/],
      [['inspect', notJson], /model\.json/],
      [['inspect', join(dir, 'nope.json')], /nope\.json/],
      [['eval', '--model', notJson, IRIS], /model\.json/],
    ];
    for (const [argv, msg] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 1, `${argv.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, msg);
    }
    // --debug adds the stack trace.
    const d = await run(['train', bad, '--debug']);
    assert.equal(d.code, 1);
    assert.match(d.stderr, /\n\s+at /);
  } finally {
    cleanup();
  }
});

test('a failed predict leaves no output file, and keeps an existing one intact', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    assert.equal((await run(['train', IRIS, '-o', model])).code, 0);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, irisRows.slice(0, 5).join('\n') + '\n5.0,3.1,NaN?,0.2,0\n');
    const out = join(dir, 'out.csv');
    const r = await run(['predict', '--model', model, bad, '-o', out]);
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr);
    assert.equal(existsSync(out), false);
    writeFileSync(out, 'previous\n');
    assert.equal((await run(['predict', '--model', model, bad, '-o', out])).code, 1);
    assert.equal(readFileSync(out, 'utf8'), 'previous\n');
    // Features missing from the file: the model's feature names are not all there.
    const few = join(dir, 'few.csv');
    writeFileSync(few, 'sepal_length_cm,label\n5.1,0\n');
    const f = await run(['predict', '--model', model, few, '-o', out]);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /petal|sepal_width|column/);
    assert.equal(readFileSync(out, 'utf8'), 'previous\n');
    assert.deepEqual(readdirSync(dir).sort(), ['bad.csv', 'few.csv', 'm.json', 'out.csv']);
  } finally {
    cleanup();
  }
});

test('the real process: exit codes and one-line errors', () => {
  const ok = runProcess(['--version']);
  assert.equal(ok.code, 0);
  const usage = runProcess(['train', '--frob']);
  assert.equal(usage.code, 2);
  assertOneLineError(usage.stderr);
  const rt = runProcess(['inspect', join(ROOT, 'package.json')]);
  assert.equal(rt.code, 1);
  assertOneLineError(rt.stderr);
});

test('LibSVM: train, then predict a file whose largest index is below the model width', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const lib = join(dir, 'iris.libsvm');
    writeFileSync(
      lib,
      irisRows
        .slice(1)
        .map((l) => {
          const f = l.split(',');
          return `${f[4]} ${f
            .slice(0, 4)
            .map((v, j) => `${j + 1}:${v}`)
            .join(' ')}`;
        })
        .join('\n') + '\n',
    );
    const model = join(dir, 'm.json');
    const t = await run(['train', lib, '-o', model, '--json']);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(JSON.parse(t.stdout).nFeatures, 4);
    const few = join(dir, 'few.libsvm');
    // Features 3 and 4 absent (zero): the row is padded to the model's 4 features.
    writeFileSync(few, '0 1:5.1 2:3.5\n');
    const p = await run(['predict', '--model', model, few]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(parsePredictCsv(p.stdout).rows.length, 1);
    const ins = JSON.parse((await run(['inspect', model, '--json'])).stdout);
    assert.equal(ins.featureNames, null);
    assert.equal(ins.largestCoefficients[0].largest[0].feature.startsWith('x'), true);
  } finally {
    cleanup();
  }
});
