/** node/io.ts (files, gzip, format choice) and node/datasets.ts (built-in data sets and their fixed splits). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatFromPath, readDataset, readDatasetFromText, sniffTextFormat } from '../../node/io.js';
import { BUILTIN_DATASETS, loadBuiltinDataset } from '../../node/datasets.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { DataError, OptionError, ParseError, SoftmaxError } from '../../src/errors.js';

test('formatFromPath', () => {
  assert.equal(formatFromPath('a/b.csv'), 'csv');
  assert.equal(formatFromPath('b.CSV.gz'), 'csv');
  assert.equal(formatFromPath('b.tsv'), 'csv');
  for (const p of ['x.libsvm', 'x.svm', 'x.svmlight', 'x.txt', 'x.svm.gz']) assert.equal(formatFromPath(p), 'libsvm', p);
  assert.equal(formatFromPath('train-images-idx3-ubyte'), 'idx');
  assert.equal(formatFromPath('t10k-images.idx3-ubyte.gz'), 'idx');
  assert.equal(formatFromPath('data_batch_1.bin'), 'cifar');
  assert.equal(formatFromPath('data'), undefined);
});

test('sniffTextFormat', () => {
  assert.equal(sniffTextFormat('a,b,label\n1,2,3\n'), 'csv');
  assert.equal(sniffTextFormat('# c\n\n+1 1:2 3:4\n'), 'libsvm');
  assert.equal(sniffTextFormat('-1 qid:2 7:0.5\n'), 'libsvm');
  assert.equal(sniffTextFormat('1\n0 1:1\n'), 'libsvm');
  assert.equal(sniffTextFormat('label\n1\n'), 'csv');
});

test('readDataset: csv, csv.gz, tsv, libsvm and libsvm.gz; errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-io-'));
  try {
    const csv = 'a,b,label\n1,2,x\n3,4,y\n';
    writeFileSync(join(dir, 'd.csv'), csv);
    writeFileSync(join(dir, 'd.csv.gz'), gzipSync(csv));
    writeFileSync(join(dir, 'd.tsv'), csv.replaceAll(',', '\t'));
    const a = readDataset(join(dir, 'd.csv'));
    const b = readDataset(join(dir, 'd.csv.gz'));
    const c = readDataset(join(dir, 'd.tsv'));
    for (const ds of [a, b, c]) {
      assert.deepEqual((ds.X as DenseMatrix).toArrays(), [
        [1, 2],
        [3, 4],
      ]);
      assert.deepEqual(ds.y, ['x', 'y']);
    }
    assert.deepEqual(readDataset(join(dir, 'd.csv'), { label: 'a', features: ['b'] }).y, [1, 3]);

    const svm = '1 1:1 3:2\n2 2:5\n';
    writeFileSync(join(dir, 's.svm'), svm);
    writeFileSync(join(dir, 's.libsvm.gz'), gzipSync(svm));
    writeFileSync(join(dir, 'noext'), svm);
    for (const p of ['s.svm', 's.libsvm.gz', 'noext']) {
      const ds = readDataset(join(dir, p), { nFeatures: 4 });
      assert.ok(ds.X instanceof CSRMatrix, p);
      assert.equal(ds.X.cols, 4);
      assert.deepEqual(ds.y, [1, 2]);
    }
    // The same libsvm text forced to CSV fails as CSV, naming the file.
    writeFileSync(join(dir, 'bad.csv'), 'a,label\n1,0\nz,1\n');
    const e = (() => {
      try {
        readDataset(join(dir, 'bad.csv'));
      } catch (err) {
        return err;
      }
    })();
    assert.ok(e instanceof ParseError);
    assert.equal(e.file, join(dir, 'bad.csv'));
    assert.equal(e.line, 3);
    assert.ok(e.message.startsWith(join(dir, 'bad.csv')));

    writeFileSync(join(dir, 'broken.csv.gz'), gzipSync(csv).subarray(0, 20));
    assert.throws(
      () => readDataset(join(dir, 'broken.csv.gz')),
      (err: unknown) => err instanceof ParseError && /gzip/.test(err.message) && err.file === join(dir, 'broken.csv.gz'),
    );
    assert.throws(
      () => readDataset(join(dir, 'missing.csv')),
      (err: unknown) => err instanceof SoftmaxError && err.code === 'IO_ERROR' && /missing\.csv: no such file/.test(err.message),
    );
    assert.throws(
      () => readDataset(dir),
      (err: unknown) => err instanceof SoftmaxError && err.code === 'IO_ERROR',
    );
    assert.throws(() => readDataset(join(dir, 'd.csv'), { format: 'xls' as never }), OptionError);
    assert.throws(() => readDataset(join(dir, 's.svm'), { label: 'a' }), OptionError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readDatasetFromText (stdin): csv and libsvm sniffed, named <stdin> in errors', () => {
  assert.deepEqual(readDatasetFromText('a,label\n1,0\n').y, [0]);
  assert.ok(readDatasetFromText('1 1:1\n').X instanceof CSRMatrix);
  assert.deepEqual(readDatasetFromText('a,b\n1,2\n', { label: null }).X.cols, 2);
  assert.throws(
    () => readDatasetFromText('a,label\nq,0\n'),
    (e: unknown) => e instanceof ParseError && e.file === '<stdin>' && e.line === 2,
  );
  assert.throws(() => readDatasetFromText('x', { format: 'idx' }), OptionError);
});

test('built-in data sets: names, shapes, the fixed splits shipped in data/', () => {
  assert.deepEqual([...BUILTIN_DATASETS], ['iris', 'wine', 'breast_cancer', 'digits', 'mnist', 'fashion-mnist']);
  const expected: Record<string, [number, number, number, number]> = {
    iris: [120, 30, 4, 3],
    wine: [142, 36, 13, 3],
    breast_cancer: [455, 114, 30, 2],
    digits: [1437, 360, 64, 10],
  };
  for (const [name, [ntr, nte, d, K]] of Object.entries(expected)) {
    const ds = loadBuiltinDataset(name);
    assert.equal(ds.train.X.rows, ntr, name);
    assert.equal(ds.test.X.rows, nte, name);
    assert.equal(ds.full!.X.rows, ntr + nte, name);
    assert.equal(ds.train.X.cols, d, name);
    assert.equal(new Set(ds.full!.y).size, K, name);
    assert.ok(ds.description.length > 20);
    assert.deepEqual(ds.train.featureNames, ds.test.featureNames);
  }
  // The train file's first row is exactly the first data line of data/iris_train.csv.
  const firstLine = readFileSync(new URL('../../data/iris_train.csv', import.meta.url), 'utf8')
    .split('\n')[1]!
    .split(',');
  const iris = loadBuiltinDataset('iris');
  assert.deepEqual((iris.train.X as DenseMatrix).toArrays()[0], firstLine.slice(0, 4).map(Number));
  assert.equal(iris.train.y[0], Number(firstLine[4]));
});

test('built-in mnist: 8000 / 2000 x 784 in [0, 1], ten digits', () => {
  const ds = loadBuiltinDataset('mnist');
  assert.equal(ds.train.X.rows, 8000);
  assert.equal(ds.test.X.rows, 2000);
  assert.equal(ds.train.X.cols, 784);
  assert.equal(ds.full, undefined);
  assert.equal(new Set(ds.test.y).size, 10);
  const data = (ds.train.X as DenseMatrix).data;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < data.length; p++) {
    lo = Math.min(lo, data[p]!);
    hi = Math.max(hi, data[p]!);
  }
  assert.equal(lo, 0);
  assert.equal(hi, 1);
  assert.equal(ds.train.featureNames![783], 'px783');
});

test('unknown data set: DataError UNKNOWN_DATASET listing the names', () => {
  assert.throws(
    () => loadBuiltinDataset('cifar'),
    (e: unknown) => e instanceof DataError && e.code === 'UNKNOWN_DATASET' && /iris, wine, breast_cancer, digits, mnist/.test(e.message),
  );
});
