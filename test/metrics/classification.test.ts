// Label metrics and the classification report, against values worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../fc-setup.js';
import {
  accuracy,
  confusionMatrix,
  precisionRecallF1,
  classificationReport,
  formatClassificationReport,
  formatConfusionMatrix,
  DataError,
} from '../../src/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

// Case A: y = [0,0,1,1,2,2], pred = [0,1,1,1,2,0].
// Confusion (rows true): [[1,1,0],[0,2,0],[1,0,1]]. Correct: 4 of 6.
// Precision: c0 1/2, c1 2/3, c2 1/1. Recall: c0 1/2, c1 2/2, c2 1/2.
// F1: c0 0.5, c1 2(2/3)(1)/(5/3) = 0.8, c2 2(1)(1/2)/(3/2) = 2/3.
// Supports all 2, so weighted = macro: P 13/18, R 2/3, F1 (0.5 + 0.8 + 2/3)/3 = 59/90.
const yA = [0, 0, 1, 1, 2, 2];
const pA = [0, 1, 1, 1, 2, 0];

test('accuracy: hand case and weights', () => {
  close(accuracy(yA, pA), 4 / 6);
  // weights 1..6: correct rows 0,2,3,4 -> (1+3+4+5)/21
  close(accuracy(yA, pA, [1, 2, 3, 4, 5, 6]), 13 / 21);
  assert.equal(accuracy(['a', 'b'], ['a', 'b']), 1);
});

test('confusionMatrix: rows are true labels, columns predicted', () => {
  const cm = confusionMatrix(yA, pA);
  assert.deepEqual(cm.labels, [0, 1, 2]);
  assert.deepEqual(cm.matrix, [
    [1, 1, 0],
    [0, 2, 0],
    [1, 0, 1],
  ]);
  // Explicit labels reorder and drop: rows/cols [2, 0]. True 2: 2->2, 2->0. True 0: 0->0 (0->1 is dropped).
  assert.deepEqual(confusionMatrix(yA, pA, { labels: [2, 0] }).matrix, [
    [1, 1],
    [0, 1],
  ]);
  // Labels seen only in predictions still get a row and a column.
  assert.deepEqual(confusionMatrix(['a', 'a'], ['a', 'z']), {
    labels: ['a', 'z'],
    matrix: [
      [1, 1],
      [0, 0],
    ],
  });
});

test('precisionRecallF1: hand case', () => {
  const r = precisionRecallF1(yA, pA);
  assert.deepEqual(r.labels, [0, 1, 2]);
  [0.5, 2 / 3, 1].forEach((v, k) => close(r.precision[k]!, v));
  [0.5, 1, 0.5].forEach((v, k) => close(r.recall[k]!, v));
  [0.5, 0.8, 2 / 3].forEach((v, k) => close(r.f1[k]!, v));
  assert.deepEqual(r.support, [2, 2, 2]);
  close(r.macro.precision, 13 / 18);
  close(r.macro.recall, 2 / 3);
  close(r.macro.f1, 59 / 90);
  close(r.weighted.f1, 59 / 90);
});

test('precisionRecallF1: zero division gives 0 and weighted average uses support', () => {
  // a: tp 2, predicted 3, support 2 -> P 2/3, R 1, F1 0.8; b: never predicted -> P 0 (0/0), R 0, F1 0.
  const r = precisionRecallF1(['a', 'a', 'b'], ['a', 'a', 'a']);
  assert.deepEqual(
    r.precision.map((v) => +v.toFixed(12)),
    [+(2 / 3).toFixed(12), 0],
  );
  assert.deepEqual(r.recall, [1, 0]);
  close(r.f1[0]!, 0.8);
  assert.equal(r.f1[1], 0);
  close(r.macro.precision, 1 / 3);
  close(r.weighted.precision, (2 / 3) * (2 / 3)); // (2/3 * 2 + 0 * 1) / 3
  close(r.weighted.f1, 1.6 / 3);
  // A label listed but absent everywhere: all zeros, support 0, and it lowers the macro average.
  const z = precisionRecallF1(['a', 'a'], ['a', 'a'], { labels: ['a', 'q'] });
  assert.deepEqual(z.f1, [1, 0]);
  assert.equal(z.macro.f1, 0.5);
  assert.equal(z.weighted.f1, 1);
});

test('metrics reject mismatched or empty inputs with typed errors', () => {
  assert.throws(
    () => accuracy([1, 2], [1]),
    (e: unknown) => e instanceof DataError && e.code === 'SHAPE_MISMATCH',
  );
  assert.throws(
    () => accuracy([], []),
    (e: unknown) => e instanceof DataError && e.code === 'EMPTY_DATA',
  );
  assert.throws(
    () => accuracy([1], [1], [-1]),
    (e: unknown) => e instanceof DataError && e.code === 'INVALID_SAMPLE_WEIGHT',
  );
  assert.throws(
    () => confusionMatrix([1, 'a'], [1, 'a']),
    (e: unknown) => e instanceof DataError && e.code === 'INVALID_LABEL',
  );
});

test('classification report: structure and scikit-learn text layout', () => {
  const rep = classificationReport(yA, pA);
  assert.equal(rep.classes.length, 3);
  close(rep.accuracy, 4 / 6);
  assert.equal(rep.macro.support, 6);
  // scikit-learn's classification_report(yA, pA) prints exactly this (digits=2).
  const expected = [
    '              precision    recall  f1-score   support',
    '',
    '           0       0.50      0.50      0.50         2',
    '           1       0.67      1.00      0.80         2',
    '           2       1.00      0.50      0.67         2',
    '',
    '    accuracy                           0.67         6',
    '   macro avg       0.72      0.67      0.66         6',
    'weighted avg       0.72      0.67      0.66         6',
    '',
  ].join('\n');
  assert.equal(formatClassificationReport(rep), expected);
  // Long labels widen the first column.
  const long = formatClassificationReport(classificationReport(['a-very-long-label', 'b'], ['a-very-long-label', 'b']));
  assert.ok(long.split('\n')[2]!.startsWith('a-very-long-label  '));
  assert.equal(long.split('\n')[0]!.length, long.split('\n')[2]!.length);
});

test('formatConfusionMatrix prints rows as true labels', () => {
  const txt = formatConfusionMatrix(confusionMatrix(yA, pA));
  assert.deepEqual(txt.trimEnd().split('\n'), ['true \\ pred 0 1 2', '0           1 1 0', '1           0 2 0', '2           1 0 1']);
});

test('cross-checks against the definitions on random labelings', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 40 }), (pairs) => {
      const y = pairs.map((p) => p[0]);
      const p = pairs.map((q) => q[1]);
      const cm = confusionMatrix(y, p);
      const L = cm.labels.length;
      let trace = 0;
      let total = 0;
      for (let t = 0; t < L; t++) for (let q = 0; q < L; q++) ((total += cm.matrix[t]![q]!), t === q && (trace += cm.matrix[t]![q]!));
      assert.equal(total, y.length);
      close(accuracy(y, p), trace / total);
      const r = precisionRecallF1(y, p);
      // Support-weighted recall is the accuracy (sum_k tp_k / n).
      close(r.weighted.recall, trace / total, 1e-12);
      for (let k = 0; k < L; k++) {
        const rowSum = cm.matrix[k]!.reduce((a, b) => a + b, 0);
        const colSum = cm.matrix.reduce((a, row) => a + row[k]!, 0);
        close(r.recall[k]!, rowSum ? cm.matrix[k]![k]! / rowSum : 0);
        close(r.precision[k]!, colSum ? cm.matrix[k]![k]! / colSum : 0);
        assert.ok(r.f1[k]! <= Math.max(r.precision[k]!, r.recall[k]!) + 1e-15);
      }
    }),
    { numRuns: 200 },
  );
});
