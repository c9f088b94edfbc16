/**
 * Peak resident memory during a fit, sampled at every iteration (the fit is synchronous, so a timer could
 * not sample it), against the bytes of X as the fit holds it. Run in its own process by bench/run.ts.
 *   node --import tsx bench/memory.ts (TRAIN | --random 60000x784x10 [--x-dtype float32]) [--scale none] [--C 0.1] [--dtype float64] [--threads 2]
 */
import { readDataset } from '../node/io.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { disableThreads, enableThreads } from '../node/threads.js';
import { randomProblem } from './kernels.js';

const a = process.argv.slice(2);
const get = (k: string) => {
  const i = a.indexOf(`--${k}`);
  return i >= 0 ? a[i + 1] : undefined;
};
// '--random NxDxK' builds X straight into a Float64Array, so no parser's garbage inflates the baseline.
const shape = get('random')?.split('x').map(Number);
const tr = shape
  ? (() => {
      const p = randomProblem(shape[0]!, shape[1]!, shape[2]!, 0, (get('x-dtype') ?? 'float64') as 'float64');
      return { X: p.X, y: Array.from(p.y) };
    })()
  : readDataset(a[0]!);
const X = tr.X;
const xBytes = X.kind === 'dense' ? X.data.byteLength : X.nnz * 12 + (X.rows + 1) * 4;
const threads = Number(get('threads') ?? 1);
if (threads > 1) {
  enableThreads(threads);
  // The pool's workers start asynchronously (their runtime is tens of MB): one small threaded fit waits for
  // them, so the baseline below includes the pool, which outlives any one fit.
  const w = randomProblem(4000, 100, 10, 1);
  new SoftmaxRegression({ maxIter: 2 } as never).fit(w.X, Array.from(w.y));
}
(globalThis as { gc?: () => void }).gc?.();
const before = process.memoryUsage().rss;
let peak = before;
const m = new SoftmaxRegression({
  C: Number(get('C') ?? 0.1),
  scale: (get('scale') ?? 'none') as 'none',
  maxIter: Number(get('max-iter') ?? 30),
  dtype: (get('dtype') ?? 'float64') as 'float64',
} as never);
m.fit(X, tr.y, {
  onIteration: () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  },
});
peak = Math.max(peak, process.memoryUsage().rss);
if (threads > 1) await disableThreads();
console.log(JSON.stringify({ x_bytes: xBytes, rss_before_fit: before, peak_rss_during_fit: peak, growth: peak - before, limit: 1.5 * xBytes + 100e6 }));
