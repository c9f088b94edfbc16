/**
 * Peer: TensorFlow.js 4.22 (dev dependency) mini-batch epoch on the same data: a dense layer with softmax,
 * categorical cross-entropy, Adam (lr 0.001), batch 128, no penalty; cpu and wasm backends. Median time of
 * `epochs` epochs after one warm-up epoch.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readDataset } from '../node/io.js';
import { median } from './kernels.js';

export async function tfjsEpochs(
  train: string,
  backend: 'cpu' | 'wasm',
  epochs = 3,
  batchSize = 128,
): Promise<{ version: string; median_s: number; epoch_s: number[] } | { missing: string }> {
  let tf: typeof import('@tensorflow/tfjs');
  try {
    tf = await import('@tensorflow/tfjs');
    if (backend === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasm.setWasmPaths(join(dir, 'dist') + '/');
    }
    await tf.setBackend(backend);
    await tf.ready();
  } catch (e) {
    return { missing: `TensorFlow.js ${backend} backend unavailable: ${(e as Error).message}` };
  }
  const tr = readDataset(train);
  const X = tr.X;
  if (X.kind !== 'dense') return { missing: 'dense data only' };
  const classes = [...new Set(tr.y.map(String))].sort();
  const idx = new Map(classes.map((c, i) => [c, i]));
  const n = X.rows;
  const d = X.cols;
  const K = classes.length;
  const xs = tf.tensor2d(Float32Array.from(X.data), [n, d]);
  const yArr = new Float32Array(n * K);
  tr.y.forEach((v, i) => (yArr[i * K + idx.get(String(v))!] = 1));
  const ys = tf.tensor2d(yArr, [n, K]);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: K, inputShape: [d], activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  const per: number[] = [];
  for (let e = 0; e <= epochs; e++) {
    const t0 = performance.now();
    await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
    if (e > 0) per.push((performance.now() - t0) / 1000);
  }
  xs.dispose();
  ys.dispose();
  return { version: tf.version.tfjs, median_s: median(per), epoch_s: per };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await tfjsEpochs(process.argv[2] ?? 'data/mnist10k_train.csv.gz', (process.argv[3] as 'cpu' | 'wasm') ?? 'cpu')));
}
