/**
 * Class labels: what y may hold, the sorted class list and the label -> index encoding. Shared by the
 * readers (data/), the metrics and the model, so it sits below all of them.
 */
import { DataError, listForMessage } from '../errors.js';

export type Label = string | number;

/** Sorted distinct labels: numbers numerically, strings by code unit; mixing the two is an error. */
export function uniqueSortedLabels(y: ArrayLike<Label>): Label[] {
  let nNum = 0;
  let nStr = 0;
  const seen = new Set<Label>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new DataError('INVALID_LABEL', `y[${i}] is ${v}: labels must be finite numbers or strings`, { row: i });
      nNum++;
    } else if (typeof v === 'string') nStr++;
    else throw new DataError('INVALID_LABEL', `y[${i}] is ${v === null ? 'null' : typeof v}: labels must be numbers or strings`, { row: i });
    seen.add(v as Label);
  }
  if (nNum > 0 && nStr > 0) throw new DataError('INVALID_LABEL', `y mixes number and string labels; use one type`);
  const out = Array.from(seen);
  if (nNum > 0) (out as number[]).sort((a, b) => a - b);
  else (out as string[]).sort();
  return out;
}

export function encodeLabels(y: ArrayLike<Label>, classes: readonly Label[]): Int32Array {
  const index = new Map<Label, number>();
  classes.forEach((c, k) => index.set(c, k));
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const k = index.get(y[i]!);
    if (k === undefined)
      throw new DataError(
        'INVALID_LABEL',
        `y[${i}] = ${JSON.stringify(y[i])} is not one of the model's classes (${listForMessage(
          classes.map((c) => JSON.stringify(c)),
          { quote: '' },
        )})`,
        { row: i },
      );
    out[i] = k;
  }
  return out;
}
