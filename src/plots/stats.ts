/**
 * The few summaries the plots need (confusion counts, reliability bins), computed from class indices and
 * probabilities. Kept here so the plots depend only on the model API.
 */
import { DataError } from '../errors.js';

/** counts[t][p] = number of rows with true class t predicted as p. */
export function confusionCounts(trueIdx: ArrayLike<number>, predIdx: ArrayLike<number>, K: number): number[][] {
  if (trueIdx.length !== predIdx.length) throw new DataError('SHAPE_MISMATCH', `${trueIdx.length} true labels but ${predIdx.length} predictions`);
  const m = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < trueIdx.length; i++) {
    const t = trueIdx[i]!;
    const p = predIdx[i]!;
    if (!(t >= 0 && t < K && p >= 0 && p < K)) throw new DataError('INVALID_LABEL', `row ${i}: class index out of range 0..${K - 1}`, { row: i });
    m[t]![p]!++;
  }
  return m;
}

export interface ReliabilityBin {
  /** Bin edges on the confidence axis. */
  lo: number;
  hi: number;
  /** Rows whose confidence (max probability) falls in the bin. */
  count: number;
  /** Mean confidence and fraction correct of those rows (NaN when the bin is empty). */
  confidence: number;
  accuracy: number;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Expected calibration error: sum_b (n_b / n) |accuracy_b - confidence_b| (Guo et al. 2017). */
  ece: number;
  n: number;
}

/**
 * Top-label reliability: bin rows by their confidence max_k p_ik into equal-width bins on [0, 1]; in each bin
 * compare mean confidence with the fraction of rows whose argmax is the true class.
 */
export function reliabilityBins(proba: ArrayLike<number>, K: number, trueIdx: ArrayLike<number>, nBins = 10): Reliability {
  const n = trueIdx.length;
  if (proba.length !== n * K) throw new DataError('SHAPE_MISMATCH', `probabilities have ${proba.length} values, expected ${n} x ${K}`);
  const count = new Float64Array(nBins);
  const conf = new Float64Array(nBins);
  const hit = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (proba[i * K + k]! > proba[i * K + best]!) best = k;
    const c = proba[i * K + best]!;
    // Bins are (lo, hi]; confidence 1 lands in the last bin, and confidence >= 1/K > 0 never needs bin -1.
    const b = Math.min(nBins - 1, Math.max(0, Math.ceil(c * nBins) - 1));
    count[b]!++;
    conf[b]! += c;
    if (best === trueIdx[i]) hit[b]!++;
  }
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < nBins; b++) {
    const cnt = count[b]!;
    const confidence = cnt > 0 ? conf[b]! / cnt : NaN;
    const accuracy = cnt > 0 ? hit[b]! / cnt : NaN;
    if (cnt > 0) ece += (cnt / n) * Math.abs(accuracy - confidence);
    bins.push({ lo: b / nBins, hi: (b + 1) / nBins, count: cnt, confidence, accuracy });
  }
  return { bins, ece, n };
}
