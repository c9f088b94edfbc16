/**
 * Metrics on predicted probabilities: log loss, top-k accuracy, Brier score, expected calibration error.
 * Each takes the true labels, an n x K probability table whose columns follow `classes` (the model's
 * `classes`, i.e. predictProba's column order), and optional sample weights.
 */
import { DataError, OptionError } from '../errors.js';
import type { Label } from '../core/labels.js';
import { checkProbability, probaInputs, type ProbaLike } from './common.js';

/**
 * Smallest probability log loss takes the log of: -log(1e-15) ~ 34.5 bounds each sample's loss, so a
 * confidently wrong probability 0 (underflow) gives a large finite loss instead of Infinity. The same
 * clip scikit-learn's log_loss used for years (eps=1e-15).
 */
export const LOG_LOSS_EPS = 1e-15;

export interface ProbaMetricOptions {
  sampleWeight?: ArrayLike<number>;
}

export interface LogLossOptions extends ProbaMetricOptions {
  /** The table holds log-probabilities (predictLogProba): no clipping is needed and none is applied. */
  log?: boolean;
  /** Clip for plain probabilities (default LOG_LOSS_EPS). */
  eps?: number;
}

/**
 * Mean (weighted) negative log-likelihood of the true class: -(1/sum w) sum_i w_i log p_{i,y_i}.
 * From log-probabilities it is exact (finite wherever the log-probabilities are); from probabilities,
 * p is clipped below at eps so the result is always finite.
 */
export function logLoss(yTrue: ArrayLike<Label>, proba: ProbaLike, classes: readonly Label[], options: LogLossOptions = {}): number {
  const { P, yi, w } = probaInputs(yTrue, proba, classes, options.sampleWeight, options.log ? 'logProba' : 'proba');
  const eps = options.eps ?? LOG_LOSS_EPS;
  if (!(eps > 0 && eps < 1)) throw new OptionError('eps', `must lie in (0, 1), got ${eps}`);
  let sum = 0;
  let tot = 0;
  for (let i = 0; i < P.rows; i++) {
    const v = P.get(i, yi[i]!);
    let nll: number;
    if (options.log) {
      if (!(v <= 0) || v === -Infinity)
        throw new DataError('NON_FINITE', `logProba[${i}][${yi[i]}] is ${v}: log-probabilities must be finite and <= 0`, { row: i, column: yi[i] });
      nll = -v;
    } else {
      checkProbability(v, i, yi[i]!, 'proba');
      nll = -Math.log(Math.max(v, eps));
    }
    sum += w[i]! * nll;
    tot += w[i]!;
  }
  return sum / tot;
}

/**
 * Fraction (weighted) of samples whose true class is among the k most probable. Classes are ranked by
 * probability, ties broken by column order (the lower index ranks first, as argmax does), so top-1
 * accuracy equals the accuracy of the model's predictions.
 */
export function topKAccuracy(yTrue: ArrayLike<Label>, proba: ProbaLike, classes: readonly Label[], k: number, options: ProbaMetricOptions = {}): number {
  const { P, yi, w } = probaInputs(yTrue, proba, classes, options.sampleWeight);
  if (!Number.isInteger(k) || k < 1) throw new OptionError('k', `must be an integer >= 1, got ${k}`);
  let hit = 0;
  let tot = 0;
  for (let i = 0; i < P.rows; i++) {
    const t = yi[i]!;
    const pt = P.get(i, t);
    if (Number.isNaN(pt)) throw new DataError('NON_FINITE', `proba[${i}][${t}] is NaN`, { row: i, column: t });
    let ahead = 0;
    for (let j = 0; j < P.cols; j++) {
      const pj = P.get(i, j);
      if (pj > pt || (pj === pt && j < t)) ahead++;
    }
    tot += w[i]!;
    if (ahead < k) hit += w[i]!;
  }
  return hit / tot;
}

/**
 * Multiclass Brier score: mean over samples of sum_k (p_ik - y_ik)^2, y_ik = 1 for the true class, else 0.
 * 0 is perfect, 2 is the worst (all mass on one wrong class). For two classes this is twice scikit-learn's
 * binary brier_score_loss (which scores only the positive column).
 */
export function brierScore(yTrue: ArrayLike<Label>, proba: ProbaLike, classes: readonly Label[], options: ProbaMetricOptions = {}): number {
  const { P, yi, w } = probaInputs(yTrue, proba, classes, options.sampleWeight);
  let sum = 0;
  let tot = 0;
  for (let i = 0; i < P.rows; i++) {
    let s = 0;
    for (let k = 0; k < P.cols; k++) {
      const p = P.get(i, k);
      checkProbability(p, i, k, 'proba');
      const e = p - (k === yi[i] ? 1 : 0);
      s += e * e;
    }
    sum += w[i]! * s;
    tot += w[i]!;
  }
  return sum / tot;
}

/** Default number of equal-width confidence bins for calibration (the common choice, e.g. Guo et al. 2017). */
export const DEFAULT_CALIBRATION_BINS = 10;

export interface CalibrationBin {
  /** The bin covers confidences in (lower, upper]; the first bin also includes 0. */
  lower: number;
  upper: number;
  /** (Weighted) number of samples whose confidence falls in the bin. */
  count: number;
  /** Mean confidence (max probability) of those samples; NaN-free: 0 for an empty bin. */
  confidence: number;
  /** Their accuracy (prediction = argmax); 0 for an empty bin. */
  accuracy: number;
}

export interface CalibrationOptions extends ProbaMetricOptions {
  /** Number of equal-width bins on [0, 1] (default 10). */
  bins?: number;
}

/**
 * Reliability table: each sample's confidence is its largest probability and its prediction the argmax
 * (first on ties); samples are grouped into `bins` equal-width bins (lower, upper] on [0, 1].
 */
export function calibrationBins(yTrue: ArrayLike<Label>, proba: ProbaLike, classes: readonly Label[], options: CalibrationOptions = {}): CalibrationBin[] {
  const { P, yi, w } = probaInputs(yTrue, proba, classes, options.sampleWeight);
  const B = options.bins ?? DEFAULT_CALIBRATION_BINS;
  if (!Number.isInteger(B) || B < 1) throw new OptionError('bins', `must be an integer >= 1, got ${B}`);
  const count = new Float64Array(B);
  const conf = new Float64Array(B);
  const hit = new Float64Array(B);
  for (let i = 0; i < P.rows; i++) {
    let best = 0;
    let pmax = P.get(i, 0);
    checkProbability(pmax, i, 0, 'proba');
    for (let k = 1; k < P.cols; k++) {
      const p = P.get(i, k);
      checkProbability(p, i, k, 'proba');
      if (p > pmax) ((pmax = p), (best = k));
    }
    // Bin b holds (b/B, (b+1)/B], p = 0 in bin 0. ceil(p*B) - 1 can be off by one where p*B rounds across
    // an integer, so settle membership against the same bounds the table reports.
    let b = Math.min(B - 1, Math.max(0, Math.ceil(pmax * B) - 1));
    if (b > 0 && pmax <= b / B) b--;
    else if (b < B - 1 && pmax > (b + 1) / B) b++;
    count[b]! += w[i]!;
    conf[b]! += w[i]! * pmax;
    if (best === yi[i]) hit[b]! += w[i]!;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < B; b++) {
    const c = count[b]!;
    out.push({ lower: b / B, upper: (b + 1) / B, count: c, confidence: c > 0 ? conf[b]! / c : 0, accuracy: c > 0 ? hit[b]! / c : 0 });
  }
  return out;
}

/**
 * Expected calibration error: sum_b (n_b / n) |accuracy_b - confidence_b| over the equal-width bins of
 * calibrationBins (default 10 bins on the max probability). 0 means confidence matches accuracy in every bin.
 */
export function expectedCalibrationError(yTrue: ArrayLike<Label>, proba: ProbaLike, classes: readonly Label[], options: CalibrationOptions = {}): number {
  return eceOfBins(calibrationBins(yTrue, proba, classes, options));
}

/** ECE of bins already computed (0 for bins that hold no weight): what the reliability diagram prints. */
export function eceOfBins(bins: readonly CalibrationBin[]): number {
  let n = 0;
  let sum = 0;
  for (const b of bins) {
    n += b.count;
    sum += b.count * Math.abs(b.accuracy - b.confidence);
  }
  return n > 0 ? sum / n : 0;
}
