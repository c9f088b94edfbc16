/** Preconditioning by change of variables: exact (same objective values, checked derivatives, same optimum). */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DenseMatrix, SoftmaxRegression } from '../../src/index.js';
import { checkGradient, SoftmaxObjective } from '../../src/solvers/index.js';
import { columnMoments, standardizedFor } from '../../src/objective/standardized.js';
import { loadFixtureCsv, rng } from '../helpers.js';

describe('preconditioned coordinates', () => {
  const wine = loadFixtureCsv('wine');
  const X = DenseMatrix.fromArrays(wine.X);
  const y = Int32Array.from(wine.y.map(Number));

  for (const fitIntercept of [true, false]) {
    it(`is an exact change of variables (fitIntercept=${fitIntercept})`, () => {
      const obj = new SoftmaxObjective(X, y, 3, { l2: 1, fitIntercept });
      const pre = standardizedFor(obj, obj.layout, X, null, 1);
      const r = rng(3);
      const u = Float64Array.from({ length: obj.dimension }, () => 0.01 * (r() - 0.5));
      // F(T u) is what the wrapper reports, and T^{-1} T = identity.
      const w = pre.toOriginal(u);
      assert.equal(pre.value(u), obj.value(w));
      const back = pre.fromOriginal(w);
      back.forEach((v, i) => assert.ok(Math.abs(v - u[i]!) < 1e-12 * Math.max(1, Math.abs(u[i]!))));
      const c = checkGradient(pre, u, { hessianDirections: 3 });
      assert.ok(c.gradientError < 1e-6, `gradient ${c.gradientError}`);
      assert.ok(c.hessianError < 1e-5, `Hessian ${c.hessianError}`);
    });
  }

  it('column moments are the weighted mean and population variance', () => {
    const M = DenseMatrix.fromArrays([
      [1, 10],
      [3, 10],
      [5, 40],
    ]);
    const { mean, variance, sumWeights } = columnMoments(M, Float64Array.from([1, 1, 2]));
    assert.equal(sumWeights, 4);
    assert.deepEqual(Array.from(mean), [3.5, 25]);
    // (1-3.5)^2 + (3-3.5)^2 + 2 (5-3.5)^2 = 6.25 + 0.25 + 4.5 = 11 -> 11/4; (15^2*2 + 15^2*2)/4 = 225
    assert.ok(Math.abs(variance[0]! - 2.75) < 1e-12);
    assert.ok(Math.abs(variance[1]! - 225) < 1e-9);
  });

  it('reaches the same optimum as the plain coordinates, in fewer iterations on unscaled data', () => {
    for (const solver of ['lbfgs', 'newton-cg', 'trust-region'] as const) {
      const a = new SoftmaxRegression({ solver, tol: 1e-9, maxIter: 50000, precondition: true }).fit(wine.X, wine.y);
      const b = new SoftmaxRegression({ solver, tol: 1e-9, maxIter: 50000, precondition: false }).fit(wine.X, wine.y);
      const rel = Math.abs(a.fitResult!.value - b.fitResult!.value) / b.fitResult!.value;
      assert.ok(rel < 1e-9, `${solver}: ${a.fitResult!.value} vs ${b.fitResult!.value}`);
      assert.ok(a.nIter < b.nIter, `${solver}: ${a.nIter} preconditioned vs ${b.nIter} plain iterations`);
    }
  });

  it('the iteration callback sees weights in the original coordinates', () => {
    let last: Float64Array | null = null;
    const m = new SoftmaxRegression({ tol: 1e-8 }).fit(wine.X, wine.y, { onIteration: (_i, w) => void (last = w.slice()) });
    const d = wine.X[0]!.length;
    m.coef!.forEach((row, k) => row.forEach((v, j) => assert.ok(Math.abs(v - last![k * d + j]!) < 1e-9)));
  });
});
