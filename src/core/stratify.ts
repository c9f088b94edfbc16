/**
 * The one stratified splitter. Every split by class goes through here: the train/test split and k-fold of
 * data/split.ts, the folds of SoftmaxRegressionCV and the early-stopping hold-out of the mini-batch
 * solvers. Each class's rows are shuffled with the caller's generator (the one `shuffleInPlace`), then
 *   - a hold-out takes a largest-remainder share of every class (scikit-learn's StratifiedShuffleSplit,
 *     whose test size is ceil(fraction x n)), so each part keeps the class proportions to within one row;
 *   - k-fold deals the shuffled rows round-robin over the folds, one class after the other, so fold sizes
 *     differ by at most one and every fold has nearly the class proportions of the whole.
 * Classes are visited in sorted order, so the result does not depend on which class comes first in a file.
 */
import { DataError } from '../errors.js';
import type { Label } from './labels.js';
import { shuffleInPlace } from './random.js';

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** Row indices of each class (ascending), classes sorted: numbers numerically, strings by code unit. */
export function groupByClass(y: ArrayLike<Label>): number[][] {
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
  const keys = Array.from(groups.keys()).sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  );
  return keys.map((k) => groups.get(k)!);
}

/**
 * Largest-remainder allocation of nTest rows over the classes: floor of each class's share, then one more
 * to the classes with the largest remainders (ties to the larger class, then class order).
 */
function testCounts(groups: readonly (readonly number[])[], nTest: number, n: number): number[] {
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
  return take;
}

/** Hold out nTest of the n grouped rows, stratified (see the file comment); indices sorted ascending. */
export function stratifiedHoldout(groups: readonly (readonly number[])[], nTest: number, rng: () => number): Split {
  const n = groups.reduce((a, g) => a + g.length, 0);
  const take = testCounts(groups, nTest, n);
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, c) => {
    const idx = shuffleInPlace(g.slice(), rng);
    for (let t = 0; t < idx.length; t++) (t < take[c]! ? test : train).push(idx[t]!);
  });
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

/** Fold index per row: each class's rows shuffled with `rng` and dealt round-robin over k folds. */
export function assignStratifiedFolds(groups: readonly (readonly number[])[], n: number, k: number, rng: () => number): Int32Array {
  const fold = new Int32Array(n);
  let p = 0;
  for (const g of groups) {
    for (const i of shuffleInPlace(g.slice(), rng)) fold[i] = p++ % k;
  }
  return fold;
}

/** Stratified k-fold on encoded labels with a given generator: the fold index of each row. */
export function stratifiedFolds(yIdx: Int32Array, k: number, rng: () => number): Int32Array {
  return assignStratifiedFolds(groupByClass(yIdx), yIdx.length, k, rng);
}
