/** The proximal operators of the non-smooth penalties, against their closed forms and their definition. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { groupLassoTerm, l1Term } from '../../src/objective/penalty.js';
import { rng } from '../helpers.js';

describe('group-lasso prox', () => {
  // K = 2 classes, d = 3 features, then 2 intercepts: w = [W row 0 | W row 1 | b].
  const K = 2;
  const d = 3;
  const w = Float64Array.of(3, 0.3, 0, 4, 0.4, 0, 7, -7);

  it('shrinks each feature column by max(1 - t lambda / ||W[:, j]||, 0) and leaves intercepts alone', () => {
    const term = groupLassoTerm(2, K, d);
    const out = new Float64Array(w.length);
    term.prox(w, 0.5, out); // t lambda = 1
    // Column 0 = (3, 4), norm 5 -> x 0.8; column 1 = (0.3, 0.4), norm 0.5 < 1 -> 0; column 2 is 0.
    const expected = [2.4, 0, 0, 3.2, 0, 0, 7, -7];
    out.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-15 * Math.max(1, Math.abs(expected[i]!)), `[${i}] ${v}`));
  });

  it('works in place', () => {
    const term = groupLassoTerm(2, K, d);
    const a = Float64Array.from(w);
    term.prox(a, 0.5, a);
    const b = new Float64Array(w.length);
    term.prox(w, 0.5, b);
    assert.deepEqual(Array.from(a), Array.from(b));
  });

  it('is the minimizer of t R(u) + ||u - w||^2 / 2 (no random perturbation does better)', () => {
    const lambda = 0.7;
    const t = 1.3;
    const term = groupLassoTerm(lambda, K, d);
    const r = rng(5);
    const v = Float64Array.from({ length: w.length }, () => 2 * (r() - 0.5));
    const p = new Float64Array(v.length);
    term.prox(v, t, p);
    const moreau = (u: Float64Array) => {
      let s = 0;
      for (let i = 0; i < u.length; i++) s += (u[i]! - v[i]!) ** 2;
      return t * term.value(u) + 0.5 * s;
    };
    const best = moreau(p);
    for (let trial = 0; trial < 200; trial++) {
      const u = Float64Array.from(p, (x) => x + 1e-3 * (r() - 0.5));
      assert.ok(moreau(u) >= best - 1e-15, `trial ${trial}: ${moreau(u)} < ${best}`);
    }
  });

  it('value is lambda times the sum of column norms', () => {
    assert.ok(Math.abs(groupLassoTerm(2, K, d).value(w) - 2 * (5 + 0.5)) < 1e-12);
  });
});

describe('l1 prox', () => {
  it('soft-thresholds the penalized block only', () => {
    const term = l1Term(1, 3);
    const out = new Float64Array(4);
    term.prox(Float64Array.of(2, -0.5, -3, 9), 1, out);
    assert.deepEqual(Array.from(out), [1, 0, -2, 9]);
  });
});
