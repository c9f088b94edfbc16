/**
 * One-vs-rest: K independent binary logistic regressions, class k against the rest, each
 *   F_k(w_k, b_k) = sum_i s_i log(1 + exp(-t_ik (w_k . x_i + b_k))) + penalty(w_k),  t_ik = +1 if y_i = k else -1
 * solved by the same solver as the multinomial model would use. Probabilities are normalized as
 * scikit-learn does: p_ik = sigmoid(z_ik) / sum_l sigmoid(z_il) (not a softmax of the same scores).
 */
import { logSoftmaxInPlace, softmaxInPlace } from '../kernels/softmax.js';
import type { Matrix } from '../matrix/matrix.js';
import { LinearFiniteSum, logisticRowLoss } from '../objective/finite-sum.js';
import { splitPenalty } from '../objective/penalty.js';
import type { IterationCallback, SolveResult } from '../solvers/solver.js';
import { runSolver } from './dispatch.js';
import type { SoftmaxRegressionOptions } from './options.js';

export interface OvrFit {
  /** K x d coefficients then K intercepts (the multinomial layout). */
  w: Float64Array;
  result: SolveResult;
  perClass: SolveResult[];
  sumWeights: number;
}

export function fitOneVsRest(
  M: Matrix,
  yIdx: Int32Array,
  K: number,
  sampleWeight: Float64Array | null,
  o: SoftmaxRegressionOptions,
  rng: () => number,
  w0: Float64Array | null,
  onIteration?: IterationCallback,
): OvrFit {
  const d = M.cols;
  const fi = o.fitIntercept;
  const w = new Float64Array(K * d + (fi ? K : 0));
  const perClass: SolveResult[] = [];
  let sumWeights = 0;
  for (let k = 0; k < K; k++) {
    const yk = new Int32Array(yIdx.length);
    for (let i = 0; i < yIdx.length; i++) yk[i] = yIdx[i] === k ? 1 : 0;
    const { l2, nonSmooth } = splitPenalty(o.penalty, o.C, o.l1Ratio ?? 0, 1, d);
    const objective = new LinearFiniteSum(M, yk, logisticRowLoss, { l2, fitIntercept: fi, sampleWeight, kernel: o.backend });
    sumWeights = objective.sumWeights;
    const start = new Float64Array(objective.dimension);
    if (w0) {
      start.set(w0.subarray(k * d, (k + 1) * d));
      if (fi) start[d] = w0[K * d + k]!;
    }
    let r: SolveResult;
    try {
      r = runSolver(objective, nonSmooth, start, o, rng, onIteration);
    } finally {
      // Each class's wasm copy of X goes back to the pool for the next class's (src/kernels/wasm.ts, release).
      objective.dispose();
    }
    w.set(r.w.subarray(0, d), k * d);
    if (fi) w[K * d + k] = r.w[d]!;
    perClass.push(r);
  }
  return { w, result: mergeResults(perClass), perClass, sumWeights };
}

/** One summary of K binary fits: totals of the work, the worst gradient, converged only if all did. */
function mergeResults(rs: SolveResult[]): SolveResult {
  const bad = rs.find((r) => !r.converged);
  const sum = (f: (r: SolveResult) => number) => rs.reduce((a, r) => a + f(r), 0);
  return {
    w: new Float64Array(0),
    value: sum((r) => r.value),
    gradientNorm: Math.max(...rs.map((r) => r.gradientNorm)),
    iterations: Math.max(...rs.map((r) => r.iterations)),
    functionEvaluations: sum((r) => r.functionEvaluations),
    gradientEvaluations: sum((r) => r.gradientEvaluations),
    hessianVectorProducts: sum((r) => r.hessianVectorProducts),
    dataPasses: sum((r) => r.dataPasses ?? 0),
    converged: !bad,
    stopReason: (bad ?? rs[0]!).stopReason,
    message: `one-vs-rest, ${rs.length} binary problems: ` + rs.map((r, k) => `class ${k}: ${r.message}`).join('; '),
    history: rs.flatMap((r, k) => r.history.map((h) => ({ ...h, class: k }))),
    elapsedMs: sum((r) => r.elapsedMs),
  };
}

/**
 * Scores -> scikit-learn's one-vs-rest probabilities, in place: p_k = sigmoid(z_k) / sum_l sigmoid(z_l),
 * computed as a softmax of log sigmoid(z_k) = -softplus(-z_k), so rows whose sigmoids all underflow (scores
 * below -745) still get the right ratios instead of 0/0.
 */
export function ovrProbaInPlace(Z: Float64Array, off: number, K: number): void {
  ovrLogSigmoidInPlace(Z, off, K);
  softmaxInPlace(Z, off, K);
}

/** log of the one-vs-rest probabilities, in place. */
export function ovrLogProbaInPlace(Z: Float64Array, off: number, K: number): void {
  ovrLogSigmoidInPlace(Z, off, K);
  logSoftmaxInPlace(Z, off, K);
}

function ovrLogSigmoidInPlace(Z: Float64Array, off: number, K: number): void {
  for (let k = 0; k < K; k++) {
    const v = Z[off + k]!;
    Z[off + k] = v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
  }
}
