/**
 * Feature maps (option featureMap, src/preprocess/features.ts): the expansion against hand-computed values and
 * scikit-learn's PolynomialFeatures, a fit against scikit-learn's pipeline, storage in the model file, and
 * the errors a user meets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DenseMatrix, ModelFormatError, OptionError, DataError, SoftmaxRegression } from '../../src/index.js';
import { applyFeatureMap, featureMapNames, fitFeatureMap } from '../../src/preprocess/features.js';
import { toOnnx } from '../../src/onnx/export.js';
import { OnnxError } from '../../src/errors.js';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
// scikit-learn 1.2.1 (scripts/fixtures/feature-map-reference.py).
const REF = JSON.parse(readFileSync(fixture('feature-map/iris_poly2_standard_C1.json'), 'utf8'));

function iris(): { X: number[][]; y: number[]; names: string[] } {
  const lines = readFileSync(fixture('data/iris.csv'), 'utf8').trim().split('\n');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { X: rows.map((r) => r.slice(0, 4)), y: rows.map((r) => r[4]!), names: lines[0]!.split(',').slice(0, 4) };
}

test('poly2 and poly3 list the monomials in scikit-learn PolynomialFeatures order', () => {
  const sk = (names: string[]) => names.map((n) => n.replace(/ /g, '*'));
  assert.deepEqual(fitFeatureMap('poly2', new DenseMatrix(1, 4)).terms, sk(REF.featureNames));
  assert.deepEqual(fitFeatureMap('poly3', new DenseMatrix(1, 3)).terms, sk(REF.poly3Names3));
});

test('terms compute what they say, row by row', () => {
  const X = [
    [0.5, -2],
    [3, 0.25],
  ];
  const s = fitFeatureMap(['x1', 'x2^3', 'x1*x2', 'sin(x1)', 'cos(pi*x2)', 'r', 'rbf(1 -1; 2)'], DenseMatrix.fromArrays(X));
  const out = applyFeatureMap(s, DenseMatrix.fromArrays(X));
  const expect = X.map(([a, b]) => [
    a!,
    b! ** 3,
    a! * b!,
    Math.sin(a!),
    Math.cos(Math.PI * b!),
    Math.hypot(a!, b!),
    Math.exp(-2 * ((a! - 1) ** 2 + (b! + 1) ** 2)),
  ]);
  for (let i = 0; i < 2; i++) for (let t = 0; t < 7; t++) assert.ok(Math.abs(out.get(i, t) - expect[i]![t]!) < 1e-15, `row ${i} term ${s.terms[t]}`);
  // A comma-separated string is the same spec (commas inside rbf(...) separate nothing; centre coordinates use spaces).
  assert.deepEqual(fitFeatureMap('x1, x2^3, x1*x2, sin(x1), cos(pi*x2), r, rbf(1 -1; 2)', DenseMatrix.fromArrays(X)).terms, s.terms);
  // Column names may stand for x1.., and output names use them.
  const named = fitFeatureMap(['a^2', 'a*b'], DenseMatrix.fromArrays(X), ['a', 'b']);
  assert.deepEqual(named.terms, ['x1^2', 'x1*x2']);
  assert.deepEqual(featureMapNames(named), ['a^2', 'a*b']);
});

test('rbfN puts N^d bumps on a grid over the training range, plus the raw columns', () => {
  const X = DenseMatrix.fromArrays([
    [-1, 0],
    [1, 2],
    [0, 1],
  ]);
  const s = fitFeatureMap('rbf3', X);
  assert.equal(s.terms.length, 2 + 9);
  assert.deepEqual(s.terms.slice(0, 2), ['x1', 'x2']);
  // Centres -1, 0, 1 on x1 and 0, 1, 2 on x2; spacing 1 -> gamma 1/2.
  assert.equal(s.terms[2], 'rbf(-1 0; 0.5)');
  assert.equal(s.terms[10], 'rbf(1 2; 0.5)');
});

test('a poly2 fit with scaling matches scikit-learn PolynomialFeatures -> StandardScaler -> LogisticRegression', () => {
  const { X, y, names } = iris();
  const m = new SoftmaxRegression({ featureMap: 'poly2', scale: 'standard', C: 1, tol: 1e-10, maxIter: 10000 }).fit(X, y, { featureNames: names });
  assert.equal(m.nFeatures, 14);
  assert.equal(m.nInputFeatures, 4);
  assert.deepEqual(m.inputFeatureNames, names);
  assert.equal(m.featureNames![4], 'sepal_length_cm^2');
  assert.equal(m.featureNames![5], 'sepal_length_cm*sepal_width_cm');
  m.coef!.forEach((row, k) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - REF.coef[k][j]) < 1e-6 * Math.max(1, Math.abs(REF.coef[k][j])), `coef[${k}][${j}] ${v} vs ${REF.coef[k][j]}`)),
  );
  const P = m.predictProba(REF.probe);
  P.forEach((row, i) => row.forEach((p, k) => assert.ok(Math.abs(p - REF.probeProba[i][k]) < 1e-7, `proba[${i}][${k}] ${p} vs ${REF.probeProba[i][k]}`)));
});

test('the same fit as on hand-expanded columns; a linear model separates circles only with the map', () => {
  // Two rings around the origin: not linearly separable in (x1, x2), separable in x1^2 + x2^2.
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 80; i++) {
    const a = (2 * Math.PI * i) / 80;
    const r = i % 2 === 0 ? 0.3 : 0.8;
    X.push([r * Math.cos(a), r * Math.sin(a)]);
    y.push(i % 2);
  }
  const mapped = new SoftmaxRegression({ featureMap: ['x1', 'x2', 'x1^2', 'x2^2'], C: 10, tol: 1e-10 }).fit(X, y);
  const byHand = new SoftmaxRegression({ C: 10, tol: 1e-10 }).fit(
    X.map(([a, b]) => [a!, b!, a! * a!, b! * b!]),
    y,
  );
  mapped.coef!.forEach((row, k) => row.forEach((v, j) => assert.ok(Math.abs(v - byHand.coef![k]![j]!) < 1e-9, `coef[${k}][${j}]`)));
  assert.equal(mapped.score(X, y), 1);
  assert.ok(new SoftmaxRegression({ C: 10 }).fit(X, y).score(X, y) < 0.7, 'no linear rule in (x1, x2) separates two rings');
});

test('the map is stored in the model file and applied by a loaded model; bad files and inputs are refused', () => {
  const { X, y, names } = iris();
  const m = new SoftmaxRegression({ featureMap: 'poly2', scale: 'standard' }).fit(X, y, { featureNames: names });
  const json = JSON.parse(JSON.stringify(m.toJSON()));
  assert.equal(json.featureMap.inputs, 4);
  assert.deepEqual(json.featureMap.inputNames, names);
  assert.equal(json.featureMap.terms.length, 14);
  const loaded = SoftmaxRegression.fromJSON(json);
  assert.deepEqual(loaded.predictProba(X), m.predictProba(X));
  assert.equal(loaded.nInputFeatures, 4);
  // A model without a map writes no featureMap key (files stay readable by older versions).
  assert.ok(!('featureMap' in new SoftmaxRegression().fit(X, y).toJSON()));

  assert.throws(
    () => loaded.predict([[1, 2, 3]]),
    (e: unknown) => e instanceof DataError && /3 features but the model's feature map reads 4/.test(e.message),
  );
  assert.throws(() => loaded.predict([[1, 2, 3, Infinity]]), DataError);
  const bad = structuredClone(json);
  bad.featureMap.terms[3] = 'x9^2';
  assert.throws(
    () => SoftmaxRegression.fromJSON(bad),
    (e: unknown) => e instanceof ModelFormatError && /featureMap\.terms/.test(e.message) && /x9/.test(e.message),
  );
  const short = structuredClone(json);
  short.featureMap.terms.pop();
  assert.throws(() => SoftmaxRegression.fromJSON(short), ModelFormatError);
});

test('bad specs are refused with the option named', () => {
  assert.throws(
    () => new SoftmaxRegression({ featureMap: 'x1^^2' }),
    (e: unknown) => e instanceof OptionError && /featureMap/.test(e.message),
  );
  assert.throws(() => new SoftmaxRegression({ featureMap: 42 as never }), OptionError);
  assert.throws(() => new SoftmaxRegression({ featureMap: ['x1', ''] }), OptionError);
  assert.throws(
    () =>
      new SoftmaxRegression({ featureMap: ['x3'] }).fit(
        [
          [0, 1],
          [1, 0],
        ],
        [0, 1],
      ),
    (e: unknown) => e instanceof OptionError && /x3 does not exist/.test(e.message),
  );
  assert.throws(
    () =>
      new SoftmaxRegression({ featureMap: ['x1', 'x1'] }).fit(
        [
          [0, 1],
          [1, 0],
        ],
        [0, 1],
      ),
    /twice/,
  );
  assert.throws(
    () =>
      new SoftmaxRegression({ featureMap: 'rbf5' }).fit(
        [
          [0, 1, 2, 3],
          [1, 0, 2, 3],
        ],
        [0, 1],
      ),
    /at most 3 columns/,
  );
});

test('ONNX export refuses a model with a feature map (the graph is linear in its inputs)', () => {
  const m = new SoftmaxRegression({ featureMap: 'poly2' }).fit(
    [
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
    ],
    [0, 1, 1, 0],
  );
  assert.throws(
    () => toOnnx(m),
    (e: unknown) => e instanceof OnnxError && /featureMap/.test(e.message),
  );
});
