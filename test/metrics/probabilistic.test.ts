// Probability metrics, against values worked out by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import '../fc-setup.js';
import {
  logLoss,
  topKAccuracy,
  brierScore,
  expectedCalibrationError,
  calibrationBins,
  accuracy,
  DataError,
  OptionError,
  LOG_LOSS_EPS,
} from '../../src/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

test('logLoss: hand case, weights, flat tables, string classes', () => {
  const P = [
    [0.8, 0.2],
    [0.4, 0.6],
  ];
  close(logLoss([0, 1], P, [0, 1]), -(Math.log(0.8) + Math.log(0.6)) / 2);
  close(logLoss([0, 1], P, [0, 1], { sampleWeight: [1, 3] }), -(Math.log(0.8) + 3 * Math.log(0.6)) / 4);
  close(logLoss(['x', 'y'], { rows: 2, cols: 2, data: [0.8, 0.2, 0.4, 0.6] }, ['x', 'y']), -(Math.log(0.8) + Math.log(0.6)) / 2);
});

test('logLoss stays finite: clipped probabilities and exact log-probabilities', () => {
  // A confidently wrong probability 0 is clipped at 1e-15: -ln(1e-15) = 15 ln 10.
  close(logLoss([0], [[0, 1]], [0, 1]), 15 * Math.LN10, 1e-9);
  assert.equal(LOG_LOSS_EPS, 1e-15);
  // From log-probabilities no clip applies: a log-probability of -1000 is a loss of 1000.
  assert.equal(
    logLoss(
      [0, 1],
      [
        [-1000, 0],
        [-1000, 0],
      ],
      [0, 1],
      { log: true },
    ),
    500,
  );
  assert.throws(
    () => logLoss([0], [[NaN, 1]], [0, 1]),
    (e: unknown) => e instanceof DataError && e.code === 'NON_FINITE',
  );
  assert.throws(() => logLoss([0], [[-Infinity, 0]], [0, 1], { log: true }), DataError);
  assert.throws(
    () => logLoss([2], [[0.5, 0.5]], [0, 1]),
    (e: unknown) => e instanceof DataError && e.code === 'INVALID_LABEL',
  );
  assert.throws(
    () => logLoss([0], [[0.5, 0.5]], [0, 1, 2]),
    (e: unknown) => e instanceof DataError && e.code === 'SHAPE_MISMATCH',
  );
  assert.throws(() => logLoss([0], [[0.5, 0.5]], [0, 1], { eps: 0 }), OptionError);
});

test('topKAccuracy: ranks by probability, ties to the lower column', () => {
  // Row 1: true 2 is second -> miss at k=1, hit at k=2. Row 2: tie 0.5/0.5, true 1 ranks after 0.
  const P = [
    [0.1, 0.5, 0.4],
    [0.5, 0.5, 0],
    [0.5, 0.5, 0],
  ];
  const y = [2, 1, 0];
  close(topKAccuracy(y, P, [0, 1, 2], 1), 1 / 3);
  close(topKAccuracy(y, P, [0, 1, 2], 2), 1);
  close(topKAccuracy(y, P, [0, 1, 2], 3), 1);
  close(topKAccuracy(y, P, [0, 1, 2], 1, { sampleWeight: [1, 1, 2] }), 2 / 4);
  assert.throws(() => topKAccuracy(y, P, [0, 1, 2], 0), OptionError);
});

test('brierScore: mean over samples of the sum over classes', () => {
  // [0.8,0.2] true 0: 0.04 + 0.04 = 0.08. [0.1,0.5,0.4] true 2 (3 classes, separate call): 0.01 + 0.25 + 0.36 = 0.62.
  close(brierScore([0], [[0.8, 0.2]], [0, 1]), 0.08);
  close(brierScore([2], [[0.1, 0.5, 0.4]], [0, 1, 2]), 0.62);
  close(
    brierScore(
      [2, 0],
      [
        [0.1, 0.5, 0.4],
        [1, 0, 0],
      ],
      [0, 1, 2],
    ),
    0.31,
  );
  assert.equal(brierScore(['b'], [[1, 0]], ['a', 'b']), 2);
  assert.throws(() => brierScore([0], [[1.5, -0.5]], [0, 1]), DataError);
});

test('expectedCalibrationError: equal-width bins on the max probability', () => {
  // conf 0.95 right, 0.95 wrong -> bin (0.9,1]: acc 0.5, conf 0.95, gap 0.45, weight 2/4.
  // conf 0.65 right -> bin (0.6,0.7]: gap 0.35, weight 1/4. conf 0.55 wrong -> bin (0.5,0.6]: gap 0.55, weight 1/4.
  // ECE = 0.225 + 0.0875 + 0.1375 = 0.45.
  const P = [
    [0.95, 0.05],
    [0.95, 0.05],
    [0.35, 0.65],
    [0.55, 0.45],
  ];
  const y = [0, 1, 1, 1];
  close(expectedCalibrationError(y, P, [0, 1]), 0.45);
  const bins = calibrationBins(y, P, [0, 1]);
  assert.equal(bins.length, 10);
  assert.deepEqual(
    bins.map((b) => b.count),
    [0, 0, 0, 0, 0, 1, 1, 0, 0, 2],
  );
  close(bins[9]!.confidence, 0.95);
  // Bins are (lower, upper]: a confidence of exactly 0.7 belongs to (0.6, 0.7], 0.5 to (0.4, 0.5].
  assert.deepEqual(
    calibrationBins(
      [0, 0],
      [
        [0.7, 0.3],
        [0.5, 0.5],
      ],
      [0, 1],
    ).map((b) => b.count),
    [0, 0, 0, 0, 1, 0, 1, 0, 0, 0],
  );
  // One bin: ECE = |accuracy - mean confidence| = |0.5 - 0.775|.
  close(expectedCalibrationError(y, P, [0, 1], { bins: 1 }), Math.abs(0.5 - (0.95 + 0.95 + 0.65 + 0.55) / 4));
  // Perfectly confident and right: 0.
  assert.equal(
    expectedCalibrationError(
      [0, 1],
      [
        [1, 0],
        [0, 1],
      ],
      [0, 1],
    ),
    0,
  );
});

const probaRows = (K: number) =>
  fc.array(fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: K, maxLength: K }), { minLength: 1, maxLength: 30 }).map((rows) =>
    rows.map((r) => {
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((v) => v / s);
    }),
  );

test('cross-checks against the definitions on random probability tables', () => {
  const K = 4;
  const classes = [0, 1, 2, 3];
  fc.assert(
    fc.property(probaRows(K), fc.infiniteStream(fc.integer({ min: 0, max: K - 1 })), (P, ys) => {
      const y = P.map(() => ys.next().value as number);
      const argmax = P.map((r) => r.indexOf(Math.max(...r)));
      close(topKAccuracy(y, P, classes, 1), accuracy(y, argmax));
      assert.equal(topKAccuracy(y, P, classes, K), 1);
      // Brier expanded: sum_k p_k^2 - 2 p_y + 1.
      const brier = P.reduce((a, r, i) => a + r.reduce((s, v) => s + v * v, 0) - 2 * r[y[i]!]! + 1, 0) / P.length;
      close(brierScore(y, P, classes), brier, 1e-12);
      close(logLoss(y, P, classes), -P.reduce((a, r, i) => a + Math.log(r[y[i]!]!), 0) / P.length, 1e-12);
      close(
        logLoss(
          y,
          P.map((r) => r.map(Math.log)),
          classes,
          { log: true },
        ),
        logLoss(y, P, classes),
        1e-12,
      );
      const ece = expectedCalibrationError(y, P, classes);
      assert.ok(ece >= 0 && ece <= 1);
      // Every sample lands in exactly one bin, inside the bin's bounds.
      const bins = calibrationBins(y, P, classes);
      assert.equal(
        bins.reduce((a, b) => a + b.count, 0),
        P.length,
      );
      for (const b of bins) if (b.count) assert.ok(b.confidence > b.lower - 1e-15 && b.confidence <= b.upper + 1e-15);
    }),
    { numRuns: 200 },
  );
});
