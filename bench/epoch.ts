/**
 * Mini-batch epoch time of our Adam on a data set (default the MNIST subset, batch 128, no penalty, as
 * TensorFlow.js's dense + softmax in bench/tfjs_epoch.ts): the median time per epoch over `epochs`
 * epochs (each epoch includes the full-data objective evaluation the solver makes for its stopping test).
 */
import { readDataset } from '../node/io.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { median } from './kernels.js';

export function adamEpochs(train: string, epochs = 5, batchSize = 128): { epoch_s: number[]; median_s: number; test_acc?: number } {
  const tr = readDataset(train);
  const m = new SoftmaxRegression({ solver: 'adam', penalty: 'none', batchSize, maxIter: epochs, tol: 1e-12, learningRate: 0.001 } as never);
  const stamps: number[] = [];
  const t0 = performance.now();
  m.fit(tr.X, tr.y, {
    onIteration: () => {
      stamps.push(performance.now());
    },
  });
  const per: number[] = [];
  let prev = t0;
  for (const s of stamps) {
    per.push((s - prev) / 1000);
    prev = s;
  }
  return { epoch_s: per, median_s: median(per) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(adamEpochs(process.argv[2] ?? 'data/mnist10k_train.csv.gz', Number(process.argv[3] ?? 5))));
}
