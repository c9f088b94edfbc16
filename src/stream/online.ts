/**
 * partialFit's state and step: the multinomial model updated online, one call per batch of rows. One call
 * = one pass of mini-batch updates over the batch's rows (seeded shuffle), with the update rule of the
 * model's mini-batch solver (plain SGD when the solver is a full-batch one) and its state carried from call
 * to call, so adam's moments and momentum survive between batches. The penalty is the mean form's
 * l2 / S with S the rows seen so far (the batch included), or the data set's size when the caller says
 * (nSamples: batches replaying a fixed data set over epochs): the objective fit minimizes, divided by S. Unlike scikit-learn's SGDClassifier.partial_fit (one-vs-rest binary problems),
 * this is the softmax model itself, K score rows, for any K >= 2.
 */
import { DenseMatrix } from '../matrix/dense.js';
import type { Matrix } from '../matrix/matrix.js';
import { shuffleInPlace } from '../core/random.js';
import { softmaxRowLoss } from '../objective/finite-sum.js';
import { minibatchPass, type RowSource } from './minibatch.js';
import type { UpdateRule } from '../solvers/update-rules.js';
import { CSRMatrix } from '../matrix/csr.js';

export interface OnlineState {
  rule: UpdateRule;
  ruleState: unknown;
  /** Parameters, K x d then K intercepts (when fitted). */
  w: Float64Array;
  /** Rows seen so far. */
  seen: number;
  /** partialFit calls so far (the schedule's "epoch"). */
  calls: number;
  updates: number;
  rng: () => number;
  learningRate: number;
  schedule: (lr0: number, epoch: number) => number;
  batchSize: number;
}

/** Rows of a matrix (already scaled) as a RowSource. */
export function matrixRows(M: Matrix, y: Int32Array): RowSource {
  if (M instanceof DenseMatrix) {
    const a = M.data;
    return {
      rows: M.rows,
      y,
      scores(i, w, R, d, fi, z) {
        const o = i * d;
        for (let r = 0; r < R; r++) {
          let s = fi ? w[R * d + r]! : 0;
          for (let j = 0; j < d; j++) s += w[r * d + j]! * a[o + j]!;
          z[r] = s;
        }
      },
      addGradient(i, rr, R, d, fi, G) {
        const o = i * d;
        for (let r = 0; r < R; r++) {
          const c = rr[r]!;
          for (let j = 0; j < d; j++) G[r * d + j]! += c * a[o + j]!;
          if (fi) G[R * d + r]! += c;
        }
      },
    };
  }
  const c = M as CSRMatrix;
  return {
    rows: c.rows,
    y,
    scores(i, w, R, d, fi, z) {
      for (let r = 0; r < R; r++) {
        let s = fi ? w[R * d + r]! : 0;
        for (let p = c.indptr[i]!; p < c.indptr[i + 1]!; p++) s += w[r * d + c.indices[p]!]! * c.data[p]!;
        z[r] = s;
      }
    },
    addGradient(i, rr, R, d, fi, G) {
      for (let r = 0; r < R; r++) {
        for (let p = c.indptr[i]!; p < c.indptr[i + 1]!; p++) G[r * d + c.indices[p]!]! += rr[r]! * c.data[p]!;
        if (fi) G[R * d + r]! += rr[r]!;
      }
    },
  };
}

/** One partialFit step on (scaled) rows M with class indices y, updating `st` in place. */
export function onlineStep(st: OnlineState, M: Matrix, y: Int32Array, K: number, o: { fitIntercept: boolean; l2: number; nSamples?: number }): void {
  const n = M.rows;
  if (n === 0) return;
  const d = M.cols;
  st.seen += n;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, st.rng);
  const G = new Float64Array(st.w.length);
  const z = new Float64Array(K);
  const lr = st.schedule(st.learningRate, st.calls);
  const r = minibatchPass(
    matrixRows(M, y),
    order,
    st.w,
    { loss: softmaxRowLoss(K), R: K, d, fitIntercept: o.fitIntercept, l2: o.l2, sumWeights: o.nSamples ?? st.seen, batchSize: st.batchSize },
    st.rule,
    st.ruleState,
    () => lr,
    G,
    z,
  );
  st.ruleState = r.state;
  st.updates += r.updates;
  st.calls++;
}
