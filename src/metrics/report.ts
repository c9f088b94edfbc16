/**
 * The classification report: per-label precision, recall, F1 and support, accuracy, macro and weighted
 * averages, as a structured object (for --json and code) and as scikit-learn's text layout.
 */
import type { Label } from '../core/labels.js';
import { accuracy, precisionRecallF1, type AveragedScores, type ConfusionMatrix, type LabelMetricOptions } from './classification.js';

export interface ClassReportRow {
  label: Label;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  classes: ClassReportRow[];
  accuracy: number;
  macro: AveragedScores & { support: number };
  weighted: AveragedScores & { support: number };
}

export function classificationReport(yTrue: ArrayLike<Label>, yPred: ArrayLike<Label>, options: LabelMetricOptions = {}): ClassificationReport {
  const prf = precisionRecallF1(yTrue, yPred, options);
  const total = prf.support.reduce((a, b) => a + b, 0);
  return {
    classes: prf.labels.map((label, k) => ({ label, precision: prf.precision[k]!, recall: prf.recall[k]!, f1: prf.f1[k]!, support: prf.support[k]! })),
    accuracy: accuracy(yTrue, yPred, options.sampleWeight),
    macro: { ...prf.macro, support: total },
    weighted: { ...prf.weighted, support: total },
  };
}

function fixed(v: number, digits: number): string {
  return v.toFixed(digits);
}

function supportText(v: number): string {
  // Whole counts print as integers; weighted supports keep two decimals.
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/**
 * scikit-learn's classification_report text: right-aligned label column as wide as the longest label
 * (at least 'weighted avg'), then four 9-wide columns after a space.
 */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  const names = report.classes.map((c) => String(c.label));
  const width = Math.max('weighted avg'.length, ...names.map((s) => s.length));
  const col = (s: string) => ' ' + s.padStart(9);
  const head = ''.padStart(width) + ' ' + ['precision', 'recall', 'f1-score', 'support'].map(col).join('');
  const lines = [head, ''];
  const row = (name: string, p: string, r: string, f: string, s: string) => name.padStart(width) + ' ' + col(p) + col(r) + col(f) + col(s);
  report.classes.forEach((c, k) =>
    lines.push(row(names[k]!, fixed(c.precision, digits), fixed(c.recall, digits), fixed(c.f1, digits), supportText(c.support))),
  );
  lines.push('');
  lines.push(row('accuracy', '', '', fixed(report.accuracy, digits), supportText(report.macro.support)));
  for (const [name, a] of [
    ['macro avg', report.macro],
    ['weighted avg', report.weighted],
  ] as const) {
    lines.push(row(name, fixed(a.precision, digits), fixed(a.recall, digits), fixed(a.f1, digits), supportText(a.support)));
  }
  return lines.join('\n') + '\n';
}

/** A confusion matrix as text: rows = true label, columns = predicted, with a header naming the columns. */
export function formatConfusionMatrix(cm: ConfusionMatrix): string {
  const names = cm.labels.map(String);
  const cells = cm.matrix.map((r) => r.map(supportText));
  const w = Math.max(...names.map((s) => s.length), ...cells.flat().map((s) => s.length));
  const first = Math.max('true \\ pred'.length, ...names.map((s) => s.length));
  const lines = ['true \\ pred'.padEnd(first) + names.map((s) => ' ' + s.padStart(w)).join('')];
  cells.forEach((r, t) => lines.push(names[t]!.padEnd(first) + r.map((s) => ' ' + s.padStart(w)).join('')));
  return lines.join('\n') + '\n';
}
