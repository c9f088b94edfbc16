/**
 * Seeded, stratified train/test splits and k-fold, and row subsets of a Dataset.
 *
 * Stratified: every class is split in the data set's proportions (largest-remainder rounding), so a 20%
 * test set of a 59/71/48 data set holds 12/14/10 rows. The randomness comes from `makeRng(seed)`, so the
 * same labels and seed give the same indices on every engine. Returned indices are sorted ascending
 * (rows keep their file order inside each part).
 */
import { DataError, OptionError } from '../errors.js';
import type { Label } from '../model/input.js';
import { makeRng, shuffleInPlace } from '../random.js';
import type { Dataset } from './dataset.js';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** Row indices of each class, classes in order of first appearance. */
function groupByClass(y: ArrayLike<Label>): number[][] {
  const groups = new Map<Label, number[]>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v !== 'number' && typeof v !== 'string') {
      throw new DataError('INVALID_LABEL', `y[${i}] is ${v === null ? 'null' : typeof v}: labels must be numbers or strings`, { row: i });
    }
    let g = groups.get(v);
    if (!g) groups.set(v, (g = []));
    g.push(i);
  }
  // Sort the classes so the result does not depend on which class happens to come first in the file.
  const keys = Array.from(groups.keys()).sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return keys.map((k) => groups.get(k)!);
}

function sorted(a: number[]): Int32Array {
  return Int32Array.from(a).sort();
}

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
  const rng = makeRng(seed);
  const groups = groupByClass(y);
  // Largest-remainder allocation of nTest over the classes (ties to the larger class, then class order).
  const quota = groups.map((g) => (g.length * nTest) / n);
  const take = quota.map((q) => Math.floor(q));
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const order = groups.map((_, c) => c).sort((a, b) => quota[b]! - take[b]! - (quota[a]! - take[a]!) || groups[b]!.length - groups[a]!.length || a - b);
  for (let t = 0; left > 0 && t < order.length; t++) {
    const c = order[t]!;
    if (take[c]! < groups[c]!.length) {
      take[c]!++;
      left--;
    }
  }
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, c) => {
    const idx = shuffleInPlace(g.slice(), rng);
    for (let t = 0; t < idx.length; t++) (t < take[c]! ? test : train).push(idx[t]!);
  });
  return { train: sorted(train), test: sorted(test) };
}

/**
 * Fold index per row, stratified: each group's rows (one group per class, in class order) are shuffled with
 * `rng` and dealt round-robin over the k folds, continuing from one class to the next, so every fold has
 * nearly the class proportions of the whole and fold sizes differ by at most one. The one fold assignment
 * behind stratifiedKFold and SoftmaxRegressionCV.
 */
export function assignStratifiedFolds(groups: readonly (readonly number[])[], n: number, k: number, rng: () => number): Int32Array {
  const fold = new Int32Array(n);
  let p = 0;
  for (const g of groups) {
    for (const i of shuffleInPlace(g.slice(), rng)) fold[i] = p++ % k;
  }
  return fold;
}

/** k stratified folds (see assignStratifiedFolds): fold f's `test` is its rows, `train` the others. */
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
