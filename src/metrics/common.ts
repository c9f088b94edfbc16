/** Input checks shared by the metrics: labels, weights, and probability tables. */
import { DataError, listForMessage } from '../errors.js';
import type { Label } from '../core/labels.js';
import { encodeLabels, uniqueSortedLabels } from '../core/labels.js';
import { checkSampleWeight } from '../core/weights.js';

/** An n x K table of scores (probabilities or log-probabilities): rows of numbers, or a flat row-major array. */
export type ProbaLike = ArrayLike<ArrayLike<number>> | { rows: number; cols: number; data: ArrayLike<number> };

/** Row accessor over a ProbaLike, with its shape checked once. */
export interface ProbaTable {
  rows: number;
  cols: number;
  get(i: number, k: number): number;
}

export function probaTable(p: ProbaLike, what = 'proba'): ProbaTable {
  if (p && typeof p === 'object' && 'data' in p && typeof (p as { cols: unknown }).cols === 'number') {
    const { rows, cols, data } = p as { rows: number; cols: number; data: ArrayLike<number> };
    if (data.length !== rows * cols) throw new DataError('SHAPE_MISMATCH', `${what} has ${data.length} values, expected ${rows} x ${cols}`);
    return { rows, cols, get: (i, k) => data[i * cols + k]! };
  }
  const a = p as ArrayLike<ArrayLike<number>>;
  if (!a || typeof a.length !== 'number') throw new DataError('SHAPE_MISMATCH', `${what} must be an n x K array of numbers`);
  const cols = a.length > 0 ? a[0]!.length : 0;
  for (let i = 0; i < a.length; i++) {
    if (!a[i] || a[i]!.length !== cols) throw new DataError('RAGGED_ROWS', `${what} row ${i} has ${a[i]?.length ?? 0} values, row 0 has ${cols}`, { row: i });
  }
  return { rows: a.length, cols, get: (i, k) => a[i]![k]! };
}

export function checkSameLength(yTrue: ArrayLike<unknown>, other: number, what: string): void {
  if (yTrue.length !== other) throw new DataError('SHAPE_MISMATCH', `yTrue has ${yTrue.length} labels but ${what} has ${other}`);
  if (yTrue.length === 0) throw new DataError('EMPTY_DATA', 'no samples: metrics need at least one');
}

/** Sample weights (default all 1), checked as fit() checks them (finite, >= 0, positive sum). */
export function weightsOf(sampleWeight: ArrayLike<number> | undefined, n: number): Float64Array {
  return sampleWeight ? checkSampleWeight(sampleWeight, n) : new Float64Array(n).fill(1);
}

/** Labels in a fixed order: `labels` when given, else the sorted union of the arrays (scikit-learn's unique_labels). */
export function labelOrder(labels: readonly Label[] | undefined, ...ys: ArrayLike<Label>[]): Label[] {
  if (labels) {
    if (labels.length === 0) throw new DataError('EMPTY_DATA', 'labels is empty');
    if (new Set(labels).size !== labels.length)
      throw new DataError(
        'INVALID_LABEL',
        `labels has duplicates: ${listForMessage(
          labels.filter((l, i) => labels.indexOf(l) !== i).map((c) => JSON.stringify(c)),
          { quote: '' },
        )}`,
      );
    return [...labels];
  }
  const all: Label[] = [];
  for (const y of ys) for (let i = 0; i < y.length; i++) all.push(y[i]!);
  return uniqueSortedLabels(all);
}

/** Column index of each true label in `classes`; a label with no column is an error (its probability is unknown). */
export function classIndex(yTrue: ArrayLike<Label>, classes: readonly Label[]): Int32Array {
  try {
    return encodeLabels(yTrue, classes);
  } catch (e) {
    // Same lookup as the model's; the message says why a metric cannot use the row.
    if (!(e instanceof DataError) || e.code !== 'INVALID_LABEL' || e.row === undefined) throw e;
    const i = e.row;
    throw new DataError(
      'INVALID_LABEL',
      `yTrue[${i}] = ${JSON.stringify(yTrue[i])} is not one of the classes (${listForMessage(
        classes.map((c) => JSON.stringify(c)),
        { quote: '' },
      )}; no probability column for it)`,
      { row: i },
    );
  }
}

export function checkClassesMatch(table: ProbaTable, classes: readonly Label[], what: string): void {
  if (table.cols !== classes.length) {
    throw new DataError('SHAPE_MISMATCH', `${what} has ${table.cols} columns but there are ${classes.length} classes`);
  }
}

export function checkProbability(v: number, i: number, k: number, what: string): void {
  if (!(v >= 0 && v <= 1)) throw new DataError('NON_FINITE', `${what}[${i}][${k}] is ${v}: probabilities must lie in [0, 1]`, { row: i, column: k });
}

/**
 * What every probability metric starts from, checked: the n x K table (columns in `classes` order), each
 * row's class index and the sample weights.
 */
export function probaInputs(
  yTrue: ArrayLike<Label>,
  proba: ProbaLike,
  classes: readonly Label[],
  sampleWeight: ArrayLike<number> | undefined,
  what = 'proba',
): { P: ProbaTable; yi: Int32Array; w: Float64Array } {
  const P = probaTable(proba, what);
  checkSameLength(yTrue, P.rows, 'proba');
  checkClassesMatch(P, classes, 'proba');
  return { P, yi: classIndex(yTrue, classes), w: weightsOf(sampleWeight, P.rows) };
}
