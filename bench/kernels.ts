/**
 * Our side of the kernel benchmark: time of one loss+gradient evaluation (the objective's
 * valueAndGradient, penalty included) per kernel and shape, median of reps, on random data like
 * ../shared/bench/numpy_lossgrad.py (X standard normal, W 0.01 N(0,1)).
 */
import { DenseMatrix } from '../src/matrix/dense.js';
import { SoftmaxObjective } from '../src/objective/softmax-objective.js';
import type { LossKernel } from '../src/backends/loss-kernel.js';

export interface KernelTiming {
  shape: [number, number, number];
  kernel: string;
  dtype: 'float64' | 'float32';
  ms: number[];
  medianMs: number;
}

export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export function randomProblem(n: number, d: number, K: number, seed = 0, xDtype: 'float64' | 'float32' = 'float64') {
  const g = gaussian(seed);
  // Built in place in a DenseMatrix's own buffer (wasm-resident where possible, as the library's readers
  // and toMatrix make it), so a fit reads it without a copy.
  const M = DenseMatrix.zeros(n, d, xDtype);
  const X = M.data;
  for (let i = 0; i < X.length; i++) X[i] = g();
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = Math.min(K - 1, Math.floor(K * (0.5 + 0.5 * Math.tanh(g()))));
  return { X: M, y };
}

export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Build an objective for one kernel choice; `make` lets the node layer inject a threaded kernel. */
export function timeObjective(obj: SoftmaxObjective, reps: number): number[] {
  const g = gaussian(1);
  const w = new Float64Array(obj.dimension);
  for (let i = 0; i < w.length; i++) w[i] = 0.01 * g();
  const grad = new Float64Array(obj.dimension);
  obj.valueAndGradient(w, grad); // warm-up (JIT, page faults)
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    obj.valueAndGradient(w, grad);
    out.push(performance.now() - t0);
  }
  return out;
}

export function kernelObjective(
  X: DenseMatrix,
  y: Int32Array,
  K: number,
  kernel: 'js' | 'wasm',
  dtype: 'float64' | 'float32',
  lossKernel?: LossKernel,
): SoftmaxObjective {
  return new SoftmaxObjective(X, y, K, { l2: 1, fitIntercept: true, kernel, dtype, lossKernel });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const shapes = (process.argv[2] ?? '8000x784x10').split(',').map((s) => s.split('x').map(Number) as [number, number, number]);
  const kinds = (process.argv[3] ?? 'js:float64,wasm:float64,wasm:float32').split(',');
  for (const [n, d, K] of shapes) {
    const { X, y } = randomProblem(n, d, K);
    for (const kind of kinds) {
      const [kernel, dtype] = kind.split(':') as ['js' | 'wasm', 'float64' | 'float32'];
      const obj = kernelObjective(X, y, K, kernel, dtype);
      const ms = timeObjective(obj, kernel === 'js' ? 3 : 7);
      console.log(`${n}x${d}x${K} ${obj.kernel.name.padEnd(14)} median ${median(ms).toFixed(1)} ms  (${ms.map((m) => m.toFixed(0)).join(' ')})`);
    }
  }
}
