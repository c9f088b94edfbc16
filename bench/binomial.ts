/**
 * The binomial (two-class) fit and its loss+gradient evaluation on breast_cancer (455 x 30, standardized,
 * C = 1): median time of warm default fits with backend 'js' and 'auto', and of one evaluation with each
 * kernel ('js': the TypeScript rows of LinearFiniteSum; 'wasm': src/backends/binomial-wasm.ts). Run: node --import tsx bench/binomial.ts [--fits 30] [--evals 2000]
 * Figures in docs/performance.md (binomial kernel).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DenseMatrix } from '../src/matrix/dense.js';
import { applyScaler, fitScaler } from '../src/preprocess/scaler.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { binomialRowLoss, LinearFiniteSum } from '../src/objective/finite-sum.js';
import { wasmAvailable } from '../src/kernels/wasm.js';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const FITS = arg('fits', 30);
const EVALS = arg('evals', 2000);

const lines = readFileSync(join(ROOT, 'data', 'breast_cancer_train.csv'), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1);
const d = lines[0]!.split(',').length - 1;
const raw = new Float64Array(lines.length * d);
const y: string[] = [];
lines.forEach((line, i) => {
  const f = line.split(',');
  for (let j = 0; j < d; j++) raw[i * d + j] = Number(f[j]);
  y.push(f[d]!);
});
const X0 = new DenseMatrix(lines.length, d, raw);
const X = applyScaler(fitScaler('standard', X0), X0) as DenseMatrix;

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;

// Default fits, warm (a few first, untimed), alternating the backends ('js': the TypeScript rows).
const backends = wasmAvailable() ? (['js', 'auto'] as const) : (['js'] as const);
const times = new Map<string, number[]>(backends.map((b) => [b, []]));
let last: SoftmaxRegression | null = null;
for (let r = 0; r < FITS + 5; r++) {
  for (const backend of backends) {
    const t0 = performance.now();
    last = new SoftmaxRegression({ C: 1, backend }).fit(X, y);
    if (r >= 5) times.get(backend)!.push(performance.now() - t0);
  }
}
const fr = last!.fitResult!;
console.log(
  `breast_cancer ${X.rows} x ${X.cols}, C = 1, default fit (${fr.iterations} iterations, ${fr.functionEvaluations} evaluations, objective ${fr.value.toPrecision(15)}), median of ${FITS} warm fits:`,
);
for (const backend of backends) console.log(`  backend '${backend}': ${median(times.get(backend)!).toFixed(3)} ms`);

// One loss+gradient evaluation at the fitted point, per kernel.
const classes = last!.classes!;
const y01 = Int32Array.from(y, (v) => (v === String(classes[1]) ? 1 : 0));
const w = new Float64Array(d + 1);
w.set(last!.coef![0]!);
w[d] = last!.intercept![0]!;
for (const kernel of wasmAvailable() ? (['js', 'wasm'] as const) : (['js'] as const)) {
  const f = new LinearFiniteSum(X, y01, binomialRowLoss, { l2: 1, fitIntercept: true, kernel });
  const g = new Float64Array(d + 1);
  let v = 0;
  for (let r = 0; r < 200; r++) v = f.valueAndGradient(w, g);
  const batches: number[] = [];
  for (let b = 0; b < 7; b++) {
    const t0 = performance.now();
    for (let r = 0; r < EVALS; r++) v = f.valueAndGradient(w, g);
    batches.push(((performance.now() - t0) / EVALS) * 1000);
  }
  const us = median(batches);
  const madds = 2 * X.rows * X.cols;
  console.log(`  kernel '${kernel}': ${us.toFixed(2)} us per loss+gradient (${(madds / us / 1000).toFixed(2)} Gmadd/s), F = ${v.toPrecision(15)}`);
  (f as { dispose?: () => void }).dispose?.();
}
