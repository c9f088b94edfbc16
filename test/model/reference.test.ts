/**
 * Issue 2's correctness bar: both solvers reach scikit-learn's optimum (polished to ~12 digits) on every L2
 * reference file: objective within 1e-9 relative; coefficients and centered intercepts within 1e-5 of the
 * largest coefficient on standardized data, 1e-3 on unscaled (ill-conditioned) data.
 */
import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SoftmaxRegression } from '../../src/index.js';
import { FIXTURES, loadReference, referenceData } from '../helpers.js';

const L2_FILES = readdirSync(join(FIXTURES, 'reference'))
  .map((f) => f.replace(/\.json$/, ''))
  .filter((f) => /_(standard|unscaled)_C[\d.]+$|_weighted_C[\d.]+$/.test(f))
  .sort();

describe('L2 references from scikit-learn', () => {
  it('covers every L2 reference file', () => {
    assert.equal(L2_FILES.length, 19);
  });
  for (const name of L2_FILES) {
    for (const solver of ['lbfgs', 'newton-cg'] as const) {
      it(`${name} with ${solver}`, () => {
        const ref = loadReference(name);
        const { X, y, sampleWeight } = referenceData(ref);
        const model = new SoftmaxRegression({
          C: ref.C,
          solver,
          tol: 1e-10,
          maxIter: 20000,
          classWeight: ref.class_weight ? 'balanced' : null,
        });
        model.fit(X, y, { sampleWeight });
        const r = model.fitResult!;
        assert.deepEqual(model.classes, ref.classes);
        const rel = Math.abs(r.value - ref.objective) / Math.abs(ref.objective);
        assert.ok(rel <= 1e-9, `objective ${r.value} vs reference ${ref.objective}: relative difference ${rel}`);
        let wmax = 0;
        for (const row of ref.W) for (const v of row) wmax = Math.max(wmax, Math.abs(v));
        let diff = 0;
        ref.W.forEach((row, k) => row.forEach((v, j) => (diff = Math.max(diff, Math.abs(model.coef![k]![j]! - v)))));
        // The references use the gauge sum_k b_k = 0; so does the model.
        ref.b.forEach((v, k) => (diff = Math.max(diff, Math.abs(model.intercept![k]! - v))));
        const bound = ref.scaling === 'unscaled' ? 1e-3 : 1e-5;
        assert.ok(diff <= bound * wmax, `max coefficient difference ${diff} > ${bound} x ${wmax}`);
        const sumB = model.intercept!.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sumB) < 1e-10 * Math.max(1, wmax), `intercepts sum to ${sumB}`);
        const P = model.predictProba(X.slice(0, 10));
        P.forEach((row, i) => row.forEach((p, k) => assert.ok(Math.abs(p - ref.predict_proba_first10[i]![k]!) < 1e-5, `proba[${i}][${k}]`)));
      });
    }
  }
});
