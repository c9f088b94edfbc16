/** The strong Wolfe line search on one-dimensional functions whose minimizers are known in closed form. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { searchAlong, strongWolfe } from '../../src/solvers/line-search.js';

const C1 = 1e-4;
const C2 = 0.9;

/** phi(a) = (x0 + a d - m)^2 / 2 along d: a quadratic with its minimum at a* = (m - x0) / d. */
function quadratic(x0: number, d: number, m: number) {
  let evals = 0;
  const phi = (a: number) => {
    evals++;
    const x = x0 + a * d;
    return { f: 0.5 * (x - m) ** 2, df: (x - m) * d };
  };
  return { phi, f0: 0.5 * (x0 - m) ** 2, df0: (x0 - m) * d, count: () => evals };
}

function assertStrongWolfe(f: number, df: number, a: number, f0: number, df0: number): void {
  assert.ok(f <= f0 + C1 * a * df0, `sufficient decrease: f(${a}) = ${f} > ${f0 + C1 * a * df0}`);
  assert.ok(Math.abs(df) <= C2 * Math.abs(df0), `curvature: |phi'(${a})| = ${Math.abs(df)} > ${C2 * Math.abs(df0)}`);
}

describe('strongWolfe', () => {
  it('accepts the first step when it already meets both conditions', () => {
    const q = quadratic(3, -1, 0); // minimum at a = 3
    const r = strongWolfe(q.phi, q.f0, q.df0, 1);
    assert.equal(r.ok, true);
    assert.equal(r.alpha, 1);
    assert.equal(r.evaluations, 1);
    assertStrongWolfe(r.f, r.df, r.alpha, q.f0, q.df0);
  });

  it('zooms back from a step far past the minimum', () => {
    const q = quadratic(3, -1, 0);
    const r = strongWolfe(q.phi, q.f0, q.df0, 100);
    assert.equal(r.ok, true);
    assert.ok(r.alpha > 0 && r.alpha < 6, `alpha ${r.alpha}`);
    assertStrongWolfe(r.f, r.df, r.alpha, q.f0, q.df0);
    assert.equal(r.evaluations, q.count());
  });

  it('expands a step that is far too short', () => {
    const q = quadratic(1000, -1, 0); // minimum at a = 1000
    const r = strongWolfe(q.phi, q.f0, q.df0, 1e-3);
    assert.equal(r.ok, true);
    assertStrongWolfe(r.f, r.df, r.alpha, q.f0, q.df0);
  });

  it('refuses a direction that does not descend, without evaluating', () => {
    const q = quadratic(3, 1, 0); // moving away from the minimum
    const r = strongWolfe(q.phi, q.f0, q.df0, 1);
    assert.equal(r.ok, false);
    assert.equal(r.evaluations, 0);
    assert.match(r.reason ?? '', /descent/);
  });

  it('backs off from a step into overflow', () => {
    // phi is Infinity beyond a = 2; the minimum is at a = 1.
    const phi = (a: number) => (a > 2 ? { f: Infinity, df: Infinity } : { f: (a - 1) ** 2, df: 2 * (a - 1) });
    const r = strongWolfe(phi, 1, -2, 50);
    assert.equal(r.ok, true);
    assert.ok(r.alpha <= 2 && Number.isFinite(r.f));
    assertStrongWolfe(r.f, r.df, r.alpha, 1, -2);
  });
});

describe('searchAlong', () => {
  it('leaves the accepted point and its gradient in the caller buffers', () => {
    // f(w) = ||w - m||^2 / 2 in 2-D, from w = 0 along p = m - w: the full step lands on m.
    const m = Float64Array.of(2, -1);
    const objective = {
      valueAndGradient(w: Float64Array, g: Float64Array) {
        g[0] = w[0]! - m[0]!;
        g[1] = w[1]! - m[1]!;
        return 0.5 * (g[0] ** 2 + g[1] ** 2);
      },
    };
    const w = new Float64Array(2);
    const p = Float64Array.from(m);
    const wT = new Float64Array(2);
    const gT = new Float64Array(2);
    const r = searchAlong(objective, w, 2.5, p, -5, 1, wT, gT);
    assert.equal(r.ok, true);
    assert.deepEqual(Array.from(wT), [2, -1]);
    assert.deepEqual(Array.from(gT), [0, 0]);
    assert.equal(r.f, 0);
  });
});
