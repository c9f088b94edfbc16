// `--feature-map`: train stores the map in the model file; predict and eval read the input columns and apply it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IRIS, parsePredictCsv, run, tempDir } from './helpers.js';
import { SoftmaxRegression } from '../../src/index.js';

test('train --feature-map poly2 -o M, then predict and eval with M apply the stored map', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'model.json');
    const t = await run(['train', IRIS, '--feature-map', 'poly2', '-o', model, '--json']);
    assert.equal(t.code, 0, t.stderr);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.options.featureMap, 'poly2');
    assert.equal(saved.featureMap.inputs, 4);
    assert.equal(saved.nFeatures, 14);
    assert.ok(saved.featureNames.includes('petal_length_cm*petal_width_cm'), saved.featureNames.join(' '));

    // The library with the CLI's options (standardized by default) on the same rows gives the same probabilities.
    const lines = readFileSync(IRIS, 'utf8').trim().split('\n');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    const X = rows.map((r) => r.slice(0, 4));
    const ref = new SoftmaxRegression({ featureMap: 'poly2', scale: 'standard' }).fit(
      X,
      rows.map((r) => r[4]!),
    );
    const p = await run(['predict', '--model', model, IRIS]);
    assert.equal(p.code, 0, p.stderr);
    const out = parsePredictCsv(p.stdout);
    const cols = ['p_0', 'p_1', 'p_2'].map((c) => out.header.indexOf(c));
    assert.ok(
      cols.every((c) => c >= 0),
      out.header.join(','),
    );
    const P = ref.predictProba(X);
    out.rows.forEach((r, i) => cols.forEach((c, k) => assert.ok(Math.abs(Number(r[c]) - P[i]![k]!) < 1e-6, `row ${i} p_${k}`)));

    const e = await run(['eval', '--model', model, IRIS, '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(
      JSON.parse(e.stdout).accuracy ?? JSON.parse(e.stdout).metrics?.accuracy,
      ref.score(
        X,
        rows.map((r) => r[4]!),
      ),
    );
  } finally {
    cleanup();
  }
});

test('a bad --feature-map names the option and the term', async () => {
  const r = await run(['train', IRIS, '--feature-map', 'x7^2']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /featureMap/);
  assert.match(r.stderr, /x7/);
});

test('report --model M on a feature-mapped model reads the input columns', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'model.json');
    assert.equal((await run(['train', IRIS, '--feature-map', 'poly2', '-o', model])).code, 0);
    const out = join(dir, 'report.html');
    const r = await run(['report', '--model', model, IRIS, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(out, 'utf8'), /petal_length_cm\*petal_width_cm|petal_length_cm\^2/);
  } finally {
    cleanup();
  }
});
