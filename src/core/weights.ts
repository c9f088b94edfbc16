/** Sample weights s_i: checked once at the API edge (fit, score, metrics) and copied into a Float64Array. */
import { DataError } from '../errors.js';

export function checkSampleWeight(sw: ArrayLike<number>, n: number): Float64Array {
  if (sw.length !== n) throw new DataError('SHAPE_MISMATCH', `sampleWeight has ${sw.length} values but X has ${n} rows`);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = sw[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new DataError('INVALID_SAMPLE_WEIGHT', `sampleWeight[${i}] is ${v}: weights must be finite and >= 0`, { row: i });
    }
    out[i] = v;
    sum += v;
  }
  if (!(sum > 0)) throw new DataError('INVALID_SAMPLE_WEIGHT', `sampleWeight sums to 0: at least one sample needs a positive weight`);
  return out;
}
