/** The model API: options, fit results, stopping, labels, errors. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DataError, DenseMatrix, NotFittedError, OptionError, SoftmaxError, SoftmaxRegression } from '../../src/index.js';
import { lbfgs, newtonCg, SoftmaxObjective } from '../../src/solvers/index.js';
import { blobs, loadFixtureCsv } from '../helpers.js';

const iris = loadFixtureCsv('iris');

function throwsCode(fn: () => unknown, code: string, re?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SoftmaxError, `expected a SoftmaxError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

describe('options are validated in the constructor', () => {
  it('rejects an unknown option, naming it', () => {
    assert.throws(
      () => new SoftmaxRegression({ Cee: 1 } as never),
      (e: unknown) => e instanceof OptionError && e.option === 'Cee',
    );
  });
  it('rejects bad values, naming the option', () => {
    for (const [k, v] of [
      ['C', 0],
      ['C', -1],
      ['C', NaN],
      ['tol', -1],
      ['maxIter', 1.5],
      ['solver', 'nope'],
      ['penalty', 'l3'],
      ['fitIntercept', 'yes'],
      ['classWeight', 'weird'],
    ] as const) {
      assert.throws(
        () => new SoftmaxRegression({ [k]: v } as never),
        (e: unknown) => e instanceof OptionError && e.option === k,
        `${k}=${String(v)}`,
      );
    }
  });
  it('rejects an incompatible solver/penalty pair', () => {
    throwsCode(() => new SoftmaxRegression({ solver: 'lbfgs', penalty: 'l1' }), 'INCOMPATIBLE_OPTIONS', /penalty/);
  });
  it('fills defaults', () => {
    const m = new SoftmaxRegression();
    assert.equal(m.options.C, 1);
    assert.equal(m.options.solver, 'lbfgs');
    assert.equal(m.options.penalty, 'l2');
    assert.equal(m.options.fitIntercept, true);
  });
});

describe('fit and predict', () => {
  it('string labels keep their values and sort; predictions are labels', () => {
    const names = ['setosa', 'versicolor', 'virginica'];
    const y = iris.y.map((v) => names[Number(v)]!);
    const m = new SoftmaxRegression({ scale: 'standard' }).fit(iris.X, y);
    assert.deepEqual(m.classes, names);
    assert.ok(m.score(iris.X, y) > 0.95);
    assert.ok(m.predict(iris.X).every((p) => names.includes(p as string)));
  });

  it('numeric labels sort numerically (10 after 9)', () => {
    const { X, y } = blobs(60, 2, 3, 3);
    const labels = y.map((k) => [9, 10, 2][k]!);
    const m = new SoftmaxRegression().fit(X, labels);
    assert.deepEqual(m.classes, [2, 9, 10]);
    assert.equal(typeof m.predict(X)[0], 'number');
  });

  it('accepts a DenseMatrix and gives the same fit as number[][]', () => {
    const a = new SoftmaxRegression().fit(iris.X, iris.y);
    const b = new SoftmaxRegression().fit(DenseMatrix.fromArrays(iris.X), iris.y);
    assert.deepEqual(a.coef, b.coef);
  });

  it('probabilities sum to 1, log-probabilities match, decision function has K columns', () => {
    const m = new SoftmaxRegression().fit(iris.X, iris.y);
    const P = m.predictProba(iris.X);
    const L = m.predictLogProba(iris.X);
    const Z = m.decisionFunction(iris.X);
    assert.equal(m.coef!.length, 3);
    assert.equal(m.coef![0]!.length, 4);
    assert.equal(m.intercept!.length, 3);
    P.forEach((row, i) => {
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
      row.forEach((p, k) => assert.ok(Math.abs(Math.log(p) - L[i]![k]!) < 1e-9));
      assert.equal(Z[i]!.length, 3);
    });
  });

  it('reports the fit result: iterations, evaluations, stop reason, history', () => {
    const m = new SoftmaxRegression({ tol: 1e-8 }).fit(iris.X, iris.y);
    const r = m.fitResult!;
    assert.equal(r.converged, true);
    assert.equal(r.stopReason, 'gradient-tolerance');
    assert.ok(r.iterations > 0 && r.iterations === m.nIter);
    assert.ok(r.functionEvaluations >= r.iterations);
    assert.equal(r.history.length, r.iterations);
    assert.ok(r.gradientNorm <= 1e-8 * 150);
    // The objective decreases monotonically along the history (a line-search method).
    for (let i = 1; i < r.history.length; i++) assert.ok(r.history[i]!.value <= r.history[i - 1]!.value);
    assert.match(r.message, /converged/);
  });

  it('reports non-convergence without throwing', () => {
    for (const solver of ['lbfgs', 'newton-cg'] as const) {
      // Column 0 in different units (x1000): the advice should name the scale problem.
      const Xs = iris.X.map((r) => [r[0]! * 1000, ...r.slice(1)]);
      const m = new SoftmaxRegression({ solver, maxIter: 2, tol: 1e-12 }).fit(Xs, iris.y);
      assert.equal(m.fitResult!.converged, false);
      assert.equal(m.fitResult!.stopReason, 'max-iterations');
      assert.match(m.fitResult!.message, /did not converge/);
      assert.ok(m.fitResult!.advice.some((a) => /maxIter/.test(a)));
      assert.ok(
        m.fitResult!.advice.some((a) => /scale/.test(a) && /column 0/.test(a)),
        m.fitResult!.advice.join('; '),
      );
    }
  });

  it('an iteration callback can stop a fit', () => {
    for (const solver of ['lbfgs', 'newton-cg'] as const) {
      let calls = 0;
      const m = new SoftmaxRegression({ solver, tol: 1e-12 }).fit(iris.X, iris.y, {
        onIteration: (info) => {
          calls++;
          return info.iteration >= 3 ? 'stop' : undefined;
        },
      });
      assert.equal(m.fitResult!.stopReason, 'callback');
      assert.equal(m.nIter, 3);
      assert.equal(calls, 3);
    }
  });

  it('separable data with no penalty: stops with a clear reason and advice, no NaN', () => {
    const X = [
      [0, 0],
      [0, 1],
      [1, 0],
      [5, 5],
      [5, 6],
      [6, 5],
      [10, 0],
      [10, 1],
      [11, 0],
    ];
    const y = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    for (const solver of ['lbfgs', 'newton-cg'] as const) {
      const m = new SoftmaxRegression({ penalty: 'none', solver, maxIter: 300 }).fit(X, y);
      const r = m.fitResult!;
      assert.ok(r.stopReason.length > 0 && r.message.length > 0);
      assert.ok(m.coef!.flat().every(Number.isFinite));
      assert.ok(m.predictProba(X).flat().every(Number.isFinite));
      assert.deepEqual(m.predict(X), y);
      assert.ok(
        r.advice.some((a) => /separable/.test(a)),
        `advice: ${r.advice.join('; ')}`,
      );
    }
  });

  it('penalty none: W and b are centered across classes (the free directions fixed)', () => {
    const { X, y } = blobs(90, 3, 3, 11, 4);
    const m = new SoftmaxRegression({ penalty: 'none', maxIter: 50 }).fit(X, y);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(m.coef!.reduce((s, r) => s + r[j]!, 0)) < 1e-9);
    assert.ok(Math.abs(m.intercept!.reduce((s, v) => s + v, 0)) < 1e-9);
  });

  it('warm start begins at the previous solution', () => {
    const m = new SoftmaxRegression({ warmStart: true, tol: 1e-8 }).fit(iris.X, iris.y);
    const first = m.nIter;
    m.fit(iris.X, iris.y);
    assert.ok(m.nIter <= 1, `second fit took ${m.nIter} iterations after ${first}`);
  });

  it('class weights: a map and balanced', () => {
    const { X, y } = blobs(90, 2, 3, 5, 3);
    const a = new SoftmaxRegression({ classWeight: { '0': 5 } }).fit(X, y);
    const b = new SoftmaxRegression().fit(X, y);
    assert.notDeepEqual(a.coef, b.coef);
    // Balanced weights on balanced classes are all 1: same fit as unweighted.
    const c = new SoftmaxRegression({ classWeight: 'balanced' }).fit(X, y);
    assert.ok(Math.abs(c.fitResult!.value - b.fitResult!.value) < 1e-9);
    assert.throws(
      () => new SoftmaxRegression({ classWeight: { '7': 2 } }).fit(X, y),
      (e: unknown) => e instanceof OptionError && e.option === 'classWeight',
    );
    // Sample weights of 2 everywhere equal C doubled.
    const d = new SoftmaxRegression({ tol: 1e-10 }).fit(X, y, { sampleWeight: X.map(() => 2) });
    const e = new SoftmaxRegression({ C: 2, tol: 1e-10 }).fit(X, y);
    d.coef!.flat().forEach((v, i) => assert.ok(Math.abs(v - e.coef!.flat()[i]!) < 1e-6));
  });

  it('the solvers see only the objective interface (usable on any objective)', () => {
    // A quadratic: f(w) = sum (w_i - i)^2 / 2.
    const quad = {
      dimension: 5,
      value: (w: Float64Array) => w.reduce((s, v, i) => s + 0.5 * (v - i) ** 2, 0),
      valueAndGradient(w: Float64Array, g: Float64Array) {
        w.forEach((v, i) => (g[i] = v - i));
        return this.value(w);
      },
      hessianAt: () => ({ apply: (v: Float64Array, out: Float64Array) => out.set(v) }),
    };
    for (const s of [lbfgs, newtonCg]) {
      const r = s.solve(quad, new Float64Array(5), { gtol: 1e-10, maxIter: 100 });
      assert.ok(r.converged);
      r.w.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-9));
    }
    assert.ok(SoftmaxObjective);
  });
});

describe('errors say what and where', () => {
  const X = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];
  const y = [0, 1, 0];
  it('empty data', () => throwsCode(() => new SoftmaxRegression().fit([], []), 'EMPTY_DATA'));
  it('X and y lengths differ', () => throwsCode(() => new SoftmaxRegression().fit(X, [0, 1]), 'SHAPE_MISMATCH', /3 rows but y has 2/));
  it('ragged rows', () => {
    assert.throws(
      () => new SoftmaxRegression().fit([[1, 2], [3], [5, 6]], y),
      (e: unknown) => e instanceof DataError && e.code === 'RAGGED_ROWS' && e.row === 1,
    );
  });
  it('NaN or Infinity in X', () => {
    assert.throws(
      () =>
        new SoftmaxRegression().fit(
          [
            [1, 2],
            [3, NaN],
            [5, 6],
          ],
          y,
        ),
      (e: unknown) => e instanceof DataError && e.code === 'NON_FINITE' && e.row === 1 && e.column === 1,
    );
    throwsCode(
      () =>
        new SoftmaxRegression().fit(
          [
            [1, 2],
            [3, 4],
            [Infinity, 6],
          ],
          y,
        ),
      'NON_FINITE',
      /\[2\]\[0\]/,
    );
  });
  it('fewer than two classes', () => throwsCode(() => new SoftmaxRegression().fit(X, [1, 1, 1]), 'TOO_FEW_CLASSES'));
  it('negative or non-finite sample weights', () => {
    throwsCode(() => new SoftmaxRegression().fit(X, y, { sampleWeight: [1, -1, 1] }), 'INVALID_SAMPLE_WEIGHT', /sampleWeight\[1\]/);
    throwsCode(() => new SoftmaxRegression().fit(X, y, { sampleWeight: [1, NaN, 1] }), 'INVALID_SAMPLE_WEIGHT');
    throwsCode(() => new SoftmaxRegression().fit(X, y, { sampleWeight: [1, 1] }), 'SHAPE_MISMATCH');
  });
  it('predict before fit', () => {
    assert.throws(() => new SoftmaxRegression().predict(X), NotFittedError);
    assert.throws(
      () => new SoftmaxRegression().predictProba(X),
      (e: unknown) => e instanceof SoftmaxError && e.code === 'NOT_FITTED',
    );
  });
  it('predict with the wrong number of features', () => {
    const m = new SoftmaxRegression().fit(X, y);
    throwsCode(() => m.predict([[1, 2, 3]]), 'FEATURE_MISMATCH', /3 features but the model was fitted with 2/);
    throwsCode(() => m.predict([[1, NaN]]), 'NON_FINITE');
  });
});

describe('predictions are never NaN', () => {
  it('finite X whose scores overflow float64 is a clear error, not NaN', () => {
    const m = new SoftmaxRegression({ penalty: 'none' }).fit(
      [
        [0, 0],
        [1, 1],
        [2, 0],
        [3, 1],
      ],
      [0, 0, 1, 1],
    );
    for (const method of ['predict', 'predictProba', 'predictLogProba', 'decisionFunction'] as const) {
      assert.throws(
        () =>
          m[method]([
            [0, 0],
            [1e308, 1e308],
          ]),
        (e: unknown) => e instanceof DataError && e.code === 'NON_FINITE' && e.row === 1 && /overflow/.test(e.message),
        method,
      );
    }
    // Large but representable inputs still predict, with finite probabilities.
    assert.ok(
      m
        .predictProba([[1e300, -1e300]])
        .flat()
        .every(Number.isFinite),
    );
  });
});
