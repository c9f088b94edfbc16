/**
 * Mini-batch epochs over a BlockStore, and the online update behind partialFit. The same update rules as
 * the in-memory mini-batch solvers (src/solvers/stochastic.ts: the rule turns a mini-batch gradient into a
 * step) and the same mean-form gradient
 *
 *   g_B = (1 / |B|) sum_{i in B} grad l_i(w) + (l2 / S) W        (S = rows in the problem)
 *
 * but visiting rows as they are stored: blocks in order, rows shuffled within each block (a full shuffle
 * would need random access to the whole file; Vowpal Wabbit does not shuffle at all). After every epoch
 * the exact objective and gradient take one more pass (history and the stop test are about the true
 * problem), as in the in-memory loop.
 */
import type { RowLoss } from '../objective/finite-sum.js';
import { shuffleInPlace } from '../core/random.js';
import { SolveRun } from '../solvers/run.js';
import type { SolveResult, StopReason } from '../solvers/solver.js';
import type { StochasticOptions } from '../solvers/stochastic.js';
import { makeSchedule, type UpdateRule } from '../solvers/update-rules.js';
import type { BlockStore, DataBlock } from './block.js';
import type { StreamObjective } from './stream-objective.js';

/** Rows of one block in the model's (scaled) coordinates, read row by row. */
export interface RowSource {
  readonly rows: number;
  readonly y: Int32Array;
  /** z[k] = W_k . x_i + b_k for the R score rows. */
  scores(i: number, w: Float64Array, R: number, d: number, fitIntercept: boolean, z: Float64Array): void;
  /** G[W_k] += r_k x_i, G[b_k] += r_k. */
  addGradient(i: number, r: Float64Array, R: number, d: number, fitIntercept: boolean, G: Float64Array): void;
}

/** A block in scaled coordinates: x' = (x~ - offset) * invScale (x~ the stored values). */
export function scaledRows(block: DataBlock, d: number, offset: Float64Array | null, invScale: Float64Array | null, buf: Float64Array): RowSource {
  if (block.kind === 'dense') {
    const X = block.X;
    const n = block.rows;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) {
        const v = X[i * d + j]!;
        buf[i * d + j] = (offset ? v - offset[j]! : v) * (invScale ? invScale[j]! : 1);
      }
    return {
      rows: n,
      y: block.y,
      scores(i, w, R, dd, fi, z) {
        const o = i * dd;
        for (let r = 0; r < R; r++) {
          let s = fi ? w[R * dd + r]! : 0;
          const wo = r * dd;
          for (let j = 0; j < dd; j++) s += w[wo + j]! * buf[o + j]!;
          z[r] = s;
        }
      },
      addGradient(i, rr, R, dd, fi, G) {
        const o = i * dd;
        for (let r = 0; r < R; r++) {
          const c = rr[r]!;
          if (c === 0) continue;
          const wo = r * dd;
          for (let j = 0; j < dd; j++) G[wo + j]! += c * buf[o + j]!;
          if (fi) G[R * dd + r]! += c;
        }
      },
    };
  }
  // Sparse data are only scaled (no centering): they stay sparse, as fitScaler's CSR case.
  const { indptr, indices, data } = block;
  return {
    rows: block.rows,
    y: block.y,
    scores(i, w, R, dd, fi, z) {
      for (let r = 0; r < R; r++) {
        let s = fi ? w[R * dd + r]! : 0;
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
          const j = indices[p]!;
          s += w[r * dd + j]! * data[p]! * (invScale ? invScale[j]! : 1);
        }
        z[r] = s;
      }
    },
    addGradient(i, rr, R, dd, fi, G) {
      for (let r = 0; r < R; r++) {
        const c = rr[r]!;
        for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
          const j = indices[p]!;
          G[r * dd + j]! += c * data[p]! * (invScale ? invScale[j]! : 1);
        }
        if (fi) G[R * dd + r]! += c;
      }
    },
  };
}

/** What one online step needs besides the rows. */
export interface OnlineProblem {
  loss: RowLoss;
  /** Score rows (1 binomial, K otherwise). */
  R: number;
  d: number;
  fitIntercept: boolean;
  l2: number;
  /** S in the mean-form penalty l2 / S. */
  sumWeights: number;
  batchSize: number;
}

/**
 * One pass of mini-batch updates over `rows` in the given order: w and the rule state are updated in
 * place / returned. Returns the rule state and the number of updates made.
 */
export function minibatchPass(
  src: RowSource,
  order: Int32Array,
  w: Float64Array,
  p: OnlineProblem,
  rule: UpdateRule,
  ruleState: unknown,
  learningRate: (rowsDone: number) => number,
  G: Float64Array,
  z: Float64Array,
): { state: unknown; updates: number } {
  const n = order.length;
  const nc = p.R * p.d;
  const B = Math.max(1, p.batchSize);
  let state = ruleState;
  let updates = 0;
  for (let start = 0; start < n; start += B) {
    const end = Math.min(n, start + B);
    G.fill(0);
    for (let t = start; t < end; t++) {
      const i = order[t]!;
      src.scores(i, w, p.R, p.d, p.fitIntercept, z);
      p.loss.lossGrad(z, 0, src.y[i]!);
      src.addGradient(i, z, p.R, p.d, p.fitIntercept, G);
    }
    const inv = 1 / (end - start);
    for (let q = 0; q < G.length; q++) G[q]! *= inv;
    if (p.l2 !== 0) for (let q = 0; q < nc; q++) G[q]! += (p.l2 / p.sumWeights) * w[q]!;
    state = rule.update(G, state, { learningRate: learningRate(start) }).state;
    for (let q = 0; q < G.length; q++) w[q]! -= G[q]!;
    updates++;
  }
  return { state, updates };
}

/**
 * Epochs of mini-batch updates over a store (the streamed counterpart of minibatchSolver). Stopping: the
 * gradient tolerance, scikit-learn's plateau rule (plateauTol), the epoch cap, a non-finite objective.
 */
export function streamMinibatch(
  objective: StreamObjective,
  store: BlockStore,
  w0: Float64Array,
  options: StochasticOptions,
  rule: UpdateRule,
  loss: RowLoss,
  scaling: { offset: Float64Array | null; invScale: Float64Array | null },
): SolveResult {
  const run = new SolveRun(objective, options);
  const obj = run.objective;
  const { d, R, fitIntercept, l2 } = objective;
  const n = objective.nSamples;
  const S = objective.sumWeights;
  const dim = objective.dimension;
  const w = Float64Array.from(w0);
  const G = new Float64Array(dim);
  const g = new Float64Array(dim);
  const z = new Float64Array(Math.max(2, R));
  const buf = new Float64Array(store.summary.sparse ? 0 : store.maxBlockRows * d);
  const order = new Int32Array(store.maxBlockRows);
  const schedule = options.schedule ?? makeSchedule('constant');
  const patience = options.nIterNoChange ?? 5;
  const plateauTol = options.plateauTol ?? 0;
  const problem: OnlineProblem = { loss, R, d, fitIntercept, l2, sumWeights: S, batchSize: options.batchSize ?? 32 };
  let ruleState: unknown = rule.init(dim);
  let updates = 0;
  const exact = (): [number, number] => {
    const f = obj.valueAndGradient(w, g);
    let m = 0;
    for (let q = 0; q < dim; q++) m = Math.max(m, Math.abs(g[q]!));
    return [f, m];
  };
  let [F, gnorm] = exact();
  let bestF = F;
  let noImprove = 0;
  let lr = options.learningRate;
  let detail = '';
  let reason: StopReason | null = run.start(F, gnorm);
  while (reason === null) {
    if (run.iterations >= options.maxIter) {
      reason = 'max-iterations';
      break;
    }
    const epoch = run.iterations;
    let seen = 0;
    store.forEachBlock((block) => {
      if (block.rows === 0) return;
      const src = scaledRows(block, d, scaling.offset, scaling.invScale, buf);
      const ord = order.subarray(0, block.rows);
      for (let i = 0; i < block.rows; i++) ord[i] = i;
      shuffleInPlace(ord, options.rng);
      const base = seen;
      const r = minibatchPass(src, ord, w, problem, rule, ruleState, (start) => (lr = schedule(options.learningRate, epoch + (base + start) / n)), G, z);
      ruleState = r.state;
      updates += r.updates;
      seen += block.rows;
    });
    run.iterations++;
    const fPrev = F;
    [F, gnorm] = exact();
    const ownStop = (): StopReason | null => {
      if (plateauTol > 0) {
        if (F < bestF - plateauTol * S) noImprove = 0;
        else if (++noImprove >= patience) {
          detail = `the objective improved by less than tol x S for ${patience} epochs (max|g| = ${gnorm.toExponential(3)})`;
          return 'function-tolerance';
        }
      }
      bestF = Math.min(bestF, F);
      return null;
    };
    reason = run.endIteration({ value: F, gradientNorm: gnorm, step: lr }, w, fPrev, { stop: ownStop });
    if (reason === 'non-finite')
      detail = `learning rate ${options.learningRate} is too large for this problem: lower learningRate (or standardize the features)`;
  }
  return run.result({ w, value: F, gradientNorm: gnorm, reason, detail, note: ` (epochs, streamed), ${updates} updates` });
}
