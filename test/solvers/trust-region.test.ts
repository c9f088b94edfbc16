/** Trust-region Newton-CG (TRON) on quadratics whose minimizers are computed independently. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { trustRegion } from '../../src/solvers/trust-region.js';
import { exampleQuadratic, Quadratic } from './quadratic.js';

describe('trust-region', () => {
  it('reaches the minimizer of an ill-conditioned quadratic', () => {
    const q = exampleQuadratic();
    const r = trustRegion.solve(q, new Float64Array(4), { gtol: 1e-10, maxIter: 100 });
    assert.equal(r.stopReason, 'gradient-tolerance');
    assert.equal(r.converged, true);
    const x = q.solution();
    r.w.forEach((v, i) => assert.ok(Math.abs(v - x[i]!) < 1e-9 * Math.max(1, Math.abs(x[i]!)), `w[${i}] = ${v}, expected ${x[i]}`));
    // Every CG step is one Hessian-vector product, and the history says how many per iteration.
    const cg = r.history.reduce((s, h) => s + (h.cgIterations ?? 0), 0);
    assert.equal(r.hessianVectorProducts, cg);
  });

  it('keeps the first step inside the initial radius ||g0|| and grows the radius after good steps', () => {
    // Far from the minimum of a well-conditioned quadratic: the Newton step is longer than ||g0||? No: the
    // radius starts at ||g0|| and is capped by the first step; the model is exact, so every step is accepted.
    const q = new Quadratic(
      [
        [0.01, 0],
        [0, 0.01],
      ],
      [10, 10],
    ); // minimum at (1000, 1000), ||g0|| = 14.1
    const r = trustRegion.solve(q, new Float64Array(2), { gtol: 1e-9, maxIter: 200 });
    assert.equal(r.stopReason, 'gradient-tolerance');
    const g0 = Math.hypot(10, 10);
    assert.ok(r.history[0]!.step <= g0 * (1 + 1e-12), `first step ${r.history[0]!.step} > ||g0|| = ${g0}`);
    assert.ok(r.history.length > 1, 'the boundary stops the first step short of the minimum');
    for (let i = 1; i < r.history.length; i++) assert.ok(r.history[i]!.value <= r.history[i - 1]!.value, 'values never increase');
    assert.ok(r.history.at(-1)!.trustRadius! > g0, 'the radius grew');
    r.w.forEach((v) => assert.ok(Math.abs(v - 1000) < 1e-6));
  });

  it('stops with a reason, not an exception, when the start is not finite', () => {
    const r = trustRegion.solve(exampleQuadratic(), Float64Array.of(NaN, 0, 0, 0), { gtol: 1e-8, maxIter: 10 });
    assert.equal(r.stopReason, 'non-finite');
    assert.equal(r.iterations, 0);
  });
});
