/** Single-thread vs worker-thread kernel time per loss+gradient (median of reps), per shape and dtype. */
import { kernelObjective, median, randomProblem, timeObjective } from './kernels.js';
import { disableThreads, threadedKernel } from '../node/threads.js';

const shapes = (process.argv[2] ?? '8000x784x10,160000x100x10').split(',').map((s) => s.split('x').map(Number) as [number, number, number]);
for (const [n, d, K] of shapes) {
  const { X, y } = randomProblem(n, d, K);
  for (const dtype of ['float64', 'float32'] as const) {
    const single = kernelObjective(X, y, K, 'wasm', dtype);
    const thr = kernelObjective(X, y, K, 'wasm', dtype, threadedKernel(X, y, K, null, dtype, 2));
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < 5; r++) {
      a.push(...timeObjective(single, 1));
      b.push(...timeObjective(thr, 1));
    }
    console.log(`${n}x${d}x${K} ${dtype}: 1 thread ${median(a).toFixed(1)} ms, 2 threads ${median(b).toFixed(1)} ms`);
  }
}
await disableThreads();
