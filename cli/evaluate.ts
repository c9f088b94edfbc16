/** Metrics of a fitted model on a labelled data set, as the commands print and return them. */
import type { Dataset, Label, SoftmaxRegression } from '../src/index.js';
import { accuracy, precisionRecallF1 } from '../src/metrics/classification.js';
import { logLoss } from '../src/metrics/probabilistic.js';
import { alignLabels } from './data.js';
import { num } from './format.js';

export interface SetMetrics {
  rows: number;
  accuracy: number;
  /** null when some true label is not one of the model's classes (no probability for it). */
  logLoss: number | null;
  macroF1: number;
}

export interface Scored {
  yTrue: Label[];
  yPred: Label[];
  /**
   * n x K log-probabilities, columns in model.classes order, flat (row-major): n per-row arrays of K
   * numbers would live on the JS heap (10,000 classes x 20,000 rows: 1.6 GB of it, a heap abort).
   */
  logProba: { rows: number; cols: number; data: Float64Array };
  /** Whether every true label is one of the model's classes. */
  allKnown: boolean;
}

export function score(model: SoftmaxRegression, ds: Dataset, source?: string): Scored {
  const classes = model.classes!;
  const yTrue = alignLabels(ds.y, classes, source ?? ds.source ?? undefined);
  const data = model.predictLogProbaFlat(ds.X);
  const K = classes.length;
  const n = data.length / K;
  const yPred = new Array<Label>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (data[i * K + k]! > data[i * K + best]!) best = k;
    yPred[i] = classes[best]!;
  }
  const known = new Set<Label>(classes);
  return { yTrue, yPred, logProba: { rows: n, cols: K, data }, allKnown: yTrue.every((v) => known.has(v)) };
}

export function metricsOf(model: SoftmaxRegression, s: Scored): SetMetrics {
  return {
    rows: s.yTrue.length,
    accuracy: accuracy(s.yTrue, s.yPred),
    logLoss: s.allKnown ? logLoss(s.yTrue, s.logProba, model.classes!, { log: true }) : null,
    macroF1: precisionRecallF1(s.yTrue, s.yPred).macro.f1,
  };
}

export function metricsLine(m: SetMetrics): string {
  return `accuracy ${num(m.accuracy)}  log loss ${m.logLoss === null ? 'n/a (labels the model has not seen)' : num(m.logLoss)}  macro F1 ${num(m.macroF1)}  (${m.rows} rows)`;
}
