/**
 * The reference comparison table for the README: every L2 reference optimum (scikit-learn, polished to
 * ~12 digits) against our lbfgs and newton-cg at tol 1e-10. Prints a Markdown table.
 *   node --import tsx bench/reference-table.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SoftmaxRegression } from '../src/index.js';
import { FIXTURES, loadReference, referenceData } from '../test/helpers.js';

const files = readdirSync(join(FIXTURES, 'reference'))
  .map((f) => f.replace(/\.json$/, ''))
  .filter((f) => /_(standard|unscaled)_C[\d.]+$|_weighted_C[\d.]+$/.test(f))
  .sort();

console.log('| reference | solver | iterations | objective rel. diff | max coef diff / max abs coef | time (ms) |');
console.log('|---|---|---|---|---|---|');
for (const name of files) {
  const ref = loadReference(name);
  const { X, y, sampleWeight } = referenceData(ref);
  for (const solver of ['lbfgs', 'newton-cg'] as const) {
    const m = new SoftmaxRegression({ C: ref.C, solver, tol: 1e-10, maxIter: 20000, classWeight: ref.class_weight ? 'balanced' : null });
    const t0 = performance.now();
    m.fit(X, y, { sampleWeight });
    const ms = performance.now() - t0;
    let wmax = 0;
    let diff = 0;
    ref.W.forEach((row, k) =>
      row.forEach((v, j) => {
        wmax = Math.max(wmax, Math.abs(v));
        diff = Math.max(diff, Math.abs(m.coef![k]![j]! - v));
      }),
    );
    ref.b.forEach((v, k) => (diff = Math.max(diff, Math.abs(m.intercept![k]! - v))));
    const rel = Math.abs(m.fitResult!.value - ref.objective) / ref.objective;
    console.log(`| ${name} | ${solver} | ${m.nIter} | ${rel.toExponential(1)} | ${(diff / wmax).toExponential(1)} | ${ms.toFixed(0)} |`);
  }
}
