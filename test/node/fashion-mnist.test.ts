import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetNotInstalledError, type DenseMatrix } from '../../src/index.js';
import { BUILTIN_DATASETS, FASHION_MNIST_CLASSES, fashionMnistDir, fashionMnistInstalled, loadBuiltinDataset, loadFashionMnist } from '../../node/datasets.js';
import { assertOneLineError, run as runCli } from '../cli/helpers.js';

const installed = fashionMnistInstalled();

test('fashion-mnist missing: DatasetNotInstalledError naming the file and the install command (path override)', async () => {
  const missing = mkdtempSync(join(tmpdir(), 'softmax-no-fashion-'));
  try {
    assert.equal(fashionMnistInstalled(missing), false);
    assert.throws(
      () => loadFashionMnist({ dir: missing }),
      (e: unknown) =>
        e instanceof DatasetNotInstalledError &&
        e.code === 'DATASET_NOT_INSTALLED' &&
        e.dataset === 'fashion-mnist' &&
        e.path === join(missing, 'train-images-idx3-ubyte.gz') &&
        e.install === 'apt-get install -y dataset-fashion-mnist' &&
        e.message.includes('apt-get install -y dataset-fashion-mnist') &&
        e.message.includes('SOFTMAX_FASHION_MNIST_DIR'),
    );
    // The environment variable is the override the CLI and loadBuiltinDataset read.
    const saved = process.env.SOFTMAX_FASHION_MNIST_DIR;
    process.env.SOFTMAX_FASHION_MNIST_DIR = missing;
    try {
      assert.equal(fashionMnistDir(), missing);
      assert.throws(() => loadBuiltinDataset('fashion-mnist'), DatasetNotInstalledError);
      const r = await runCli(['train', '--dataset', 'fashion-mnist']);
      assert.equal(r.code, 1);
      assertOneLineError(r.stderr);
      assert.match(
        r.stderr,
        /the data set 'fashion-mnist' is not installed: .*train-images-idx3-ubyte\.gz not found; install it with: apt-get install -y dataset-fashion-mnist/,
      );
    } finally {
      if (saved === undefined) delete process.env.SOFTMAX_FASHION_MNIST_DIR;
      else process.env.SOFTMAX_FASHION_MNIST_DIR = saved;
    }
  } finally {
    rmSync(missing, { recursive: true, force: true });
  }
});

test('fashion-mnist is a built-in name with ten class names', () => {
  assert.ok(BUILTIN_DATASETS.includes('fashion-mnist'));
  assert.equal(FASHION_MNIST_CLASSES.length, 10);
});

test(
  'fashion-mnist installed: the official 60,000 / 10,000 x 784 split, pixels in [0, 1], 6,000 / 1,000 per class',
  { skip: installed ? false : 'dataset-fashion-mnist is not installed (apt-get install -y dataset-fashion-mnist; .ci/run installs it)' },
  () => {
    const ds = loadBuiltinDataset('fashion-mnist');
    assert.equal(ds.train.X.rows, 60000);
    assert.equal(ds.test.X.rows, 10000);
    assert.equal(ds.train.X.cols, 784);
    assert.equal(ds.train.featureNames![783], 'px783');
    for (const [part, n] of [
      [ds.train, 6000],
      [ds.test, 1000],
    ] as const) {
      const counts = new Array<number>(10).fill(0);
      for (const y of part.y) counts[y as number]!++;
      assert.deepEqual(counts, new Array<number>(10).fill(n));
    }
    const data = (ds.test.X as DenseMatrix).data;
    let lo = Infinity;
    let hi = -Infinity;
    for (let p = 0; p < data.length; p++) ((lo = Math.min(lo, data[p]!)), (hi = Math.max(hi, data[p]!)));
    assert.equal(lo, 0);
    assert.equal(hi, 1);
  },
);
