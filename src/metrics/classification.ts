/**
 * Metrics on predicted labels: accuracy, confusion matrix, per-class precision / recall / F1 with macro
 * and weighted averages. Conventions follow scikit-learn (rows of the confusion matrix are true labels,
 * columns predicted; a 0/0 precision, recall or F1 is 0, scikit-learn's zero_division=0).
 */
import type { Label } from '../core/labels.js';
import { checkSameLength, labelOrder, weightsOf } from './common.js';

export interface LabelMetricOptions {
  /** Per-sample weights (default 1). */
  sampleWeight?: ArrayLike<number>;
  /** Labels to report and their order (default: sorted union of yTrue and yPred). */
  labels?: readonly Label[];
}

/** Fraction (weighted) of samples whose predicted label equals the true label. */
export function accuracy(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, sampleWeight?: ArrayLike<number>): number {
  checkSameLength(yTrue, yPred.length, 'yPred');
  const w = weightsOf(sampleWeight, yTrue.length);
  let hit = 0;
  let tot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    tot += w[i]!;
    if (yTrue[i] === yPred[i]) hit += w[i]!;
  }
  return hit / tot;
}

export interface ConfusionMatrix {
  /** Row/column order. */
  labels: Label[];
  /** matrix[t][p] = (weighted) count of samples with true label labels[t] predicted as labels[p]. */
  matrix: number[][];
}

/**
 * Confusion matrix, rows = true label, columns = predicted label. Samples whose true or predicted label is
 * not in `labels` (when given) are left out, as in scikit-learn.
 */
export function confusionMatrix(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: LabelMetricOptions = {}): ConfusionMatrix {
  checkSameLength(yTrue, yPred.length, 'yPred');
  const labels = labelOrder(options.labels, yTrue, yPred);
  const w = weightsOf(options.sampleWeight, yTrue.length);
  const index = new Map<Label, number>();
  labels.forEach((l, k) => index.set(l, k));
  const L = labels.length;
  const matrix = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t !== undefined && p !== undefined) matrix[t]![p]! += w[i]!;
  }
  return { labels, matrix };
}

export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
}

export interface PrecisionRecallF1 {
  labels: Label[];
  precision: number[];
  recall: number[];
  f1: number[];
  /** (Weighted) number of samples of each true label. */
  support: number[];
  /** Unweighted mean over labels. */
  macro: AveragedScores;
  /** Mean over labels weighted by support (as scikit-learn's average='weighted'). */
  weighted: AveragedScores;
}

/** x / y, or 0 when y is 0 (scikit-learn's zero_division=0). */
function safeDiv(x: number, y: number): number {
  return y === 0 ? 0 : x / y;
}

/**
 * Per-label precision tp/(tp+fp), recall tp/(tp+fn) and F1 = 2PR/(P+R) (the harmonic mean; 0 when P+R = 0),
 * with macro and support-weighted averages. The averages of F1 average the per-label F1s (scikit-learn's
 * definition), not the F1 of the averaged precision and recall.
 */
export function precisionRecallF1(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: LabelMetricOptions = {}): PrecisionRecallF1 {
  const { labels, matrix } = confusionMatrix(yTrue, yPred, options);
  const L = labels.length;
  // With explicit labels, samples predicted as an unlisted label still count as false negatives of their true
  // label (scikit-learn counts support from y_true), so support and fn come from a direct pass, not the matrix.
  const w = weightsOf(options.sampleWeight, yTrue.length);
  const index = new Map<Label, number>();
  labels.forEach((l, k) => index.set(l, k));
  const support = new Array<number>(L).fill(0);
  const predicted = new Array<number>(L).fill(0);
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t !== undefined) support[t]! += w[i]!;
    if (p !== undefined) predicted[p]! += w[i]!;
  }
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  for (let k = 0; k < L; k++) {
    const tp = matrix[k]![k]!;
    const p = safeDiv(tp, predicted[k]!);
    const r = safeDiv(tp, support[k]!);
    precision.push(p);
    recall.push(r);
    f1.push(safeDiv(2 * p * r, p + r));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / L;
  const totalSupport = support.reduce((a, b) => a + b, 0);
  const wmean = (v: number[]) =>
    safeDiv(
      v.reduce((a, b, k) => a + b * support[k]!, 0),
      totalSupport,
    );
  return {
    labels,
    precision,
    recall,
    f1,
    support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted: { precision: wmean(precision), recall: wmean(recall), f1: wmean(f1) },
  };
}
