/**
 * Seeded, stratified train/test splits and k-fold, and row subsets of a Dataset.
 *
 * Stratified (src/core/stratify.ts): every class is split in the data set's proportions (largest-remainder
 * rounding), so a 20% test set of a 59/71/48 data set holds 12/14/10 rows. The randomness comes from
 * `makeRng(seed)`, so the same labels and seed give the same indices on every engine. Returned indices are sorted ascending
 * (rows keep their file order inside each part).
 */
import { DataError, OptionError } from '../errors.js';
import type { Label } from '../core/labels.js';
import { makeRng } from '../core/random.js';
import { assignStratifiedFolds, groupByClass, stratifiedHoldout, type Split } from '../core/stratify.js';
import type { Dataset } from './dataset.js';

export type { Split };

/**
 * Split rows into train and test, stratified by label. `testSize` in (0, 1) is a fraction of the rows
 * (rounded up, like scikit-learn), an integer >= 1 a number of rows. Both parts get at least one row.
 */
export function stratifiedSplit(y: ArrayLike<Label>, testSize: number, seed: number): Split {
  const n = y.length;
  if (n < 2) throw new DataError('EMPTY_DATA', `cannot split ${n} row(s) into a train and a test part`);
  if (typeof testSize !== 'number' || !Number.isFinite(testSize) || testSize <= 0 || (testSize >= 1 && !Number.isInteger(testSize))) {
    throw new OptionError('testSize', `must be a fraction in (0, 1) or a whole number of rows, got ${testSize}`);
  }
  const nTest = testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (nTest >= n) throw new OptionError('testSize', `asks for ${nTest} test rows out of ${n}: leave at least one for training`);
  return stratifiedHoldout(groupByClass(y), nTest, makeRng(seed));
}

/** k stratified folds (src/core/stratify.ts): fold f's `test` is its rows, `train` the others. */
export function stratifiedKFold(y: ArrayLike<Label>, k: number, seed: number): Split[] {
  const n = y.length;
  if (!Number.isInteger(k) || k < 2) throw new OptionError('folds', `must be an integer >= 2, got ${k}`);
  if (k > n) throw new OptionError('folds', `${k} folds need at least ${k} rows, the data have ${n}`);
  const fold = assignStratifiedFolds(groupByClass(y), n, k, makeRng(seed));
  const out: Split[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    out.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return out;
}

/** The rows `indices` of a Dataset (a copy), labels and names carried along. */
export function subsetDataset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const n = ds.X.rows;
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new DataError('SHAPE_MISMATCH', `subsetDataset: row index ${i} out of range [0, ${n})`);
  }
  const y: Label[] = [];
  if (ds.y.length > 0) for (let r = 0; r < indices.length; r++) y.push(ds.y[indices[r]!]!);
  return {
    X: ds.X.selectRows(indices) as Dataset['X'],
    y,
    featureNames: ds.featureNames ? ds.featureNames.slice() : null,
    source: ds.source,
  };
}
