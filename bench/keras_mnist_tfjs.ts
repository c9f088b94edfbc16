/**
 * Peer figure for examples/keras-mnist.ts: the Keras tutorial's model, Dense(10, softmax) with Adam (lr 1e-3),
 * batch 32, 5 epochs, sparse categorical cross-entropy, run with TensorFlow.js 4.22 (the JavaScript port of
 * Keras' layers API; a dev dependency) on the same shipped MNIST subset (data/mnist10k_*.csv.gz), glorot-uniform
 * initialization seeded 0..seeds-1, shuffled batches. Prints one JSON line: test accuracy per seed and their mean.
 *
 *   node --import tsx bench/keras_mnist_tfjs.ts [seeds=3]
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadBuiltinDataset } from '../node/datasets.js';
import type { DenseMatrix } from '../src/matrix/dense.js';

async function main(seeds: number) {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  await tf.setBackend('wasm');
  await tf.ready();
  const { train, test } = loadBuiltinDataset('mnist');
  const tensors = (X: DenseMatrix, y: ArrayLike<unknown>) => {
    const ys = new Float32Array(X.rows * 10);
    for (let i = 0; i < X.rows; i++) ys[i * 10 + Number(y[i])] = 1;
    return [tf.tensor2d(Float32Array.from(X.data), [X.rows, X.cols]), tf.tensor2d(ys, [X.rows, 10])] as const;
  };
  const [xs, ys] = tensors(train.X as DenseMatrix, train.y);
  const [xt, yt] = tensors(test.X as DenseMatrix, test.y);
  const accs: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 10, inputShape: [784], activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.fit(xs, ys, { epochs: 5, batchSize: 32, shuffle: true, verbose: 0 });
    const [, acc] = model.evaluate(xt, yt) as import('@tensorflow/tfjs').Scalar[];
    accs.push(Number((await acc!.data())[0]));
    model.dispose();
  }
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  console.log(
    JSON.stringify({
      tfjs: tf.version.tfjs,
      backend: 'wasm',
      model: 'Dense(10, softmax)',
      optimizer: 'adam 1e-3',
      batchSize: 32,
      epochs: 5,
      testAccuracy: accs,
      mean,
    }),
  );
}

await main(Number(process.argv[2] ?? 3));
