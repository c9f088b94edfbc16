/**
 * The interface between objectives and solvers. A solver sees only this: it never knows the loss is a
 * softmax, and the loss never knows which solver runs it (LIBLINEAR's `function` class, sklearn's
 * `LinearModelLoss` as used by its solvers).
 */
import type { SparseRows } from '../matrix/matrix.js';

/** A symmetric linear operator v -> H v, holding whatever it cached at the point it was built for. */
export interface HessianOperator {
  /** out = H v. */
  apply(v: Float64Array, out: Float64Array): void;
}

/** A twice-differentiable function of a flat Float64Array. */
export interface Objective {
  readonly dimension: number;
  value(w: Float64Array): number;
  /** Returns F(w) and writes the gradient into g (caller-owned, length `dimension`). */
  valueAndGradient(w: Float64Array, g: Float64Array): number;
  /** The Hessian at w as an operator (one pass over the data to build, one per product). */
  hessianAt?(w: Float64Array): HessianOperator;
  /**
   * Work counter: how many passes over the data this objective has made (a value or value+gradient counts
   * one; a Hessian-vector product counts one). Solvers report it; benchmarks compare solvers by it.
   */
  readonly dataPasses?: number;
}

/**
 * A convex, possibly non-smooth term R(w) added to a smooth objective (L1, the L1 part of elastic net,
 * group lasso). Proximal solvers use `prox`; it acts on the penalized block only (never intercepts).
 */
export interface NonSmoothTerm {
  readonly name: string;
  value(w: Float64Array): number;
  /** out = argmin_u R(u) * step + ||u - w||^2 / 2  (out may alias w). */
  prox(w: Float64Array, step: number, out: Float64Array): void;
  /** Indices [0, nPenalized) are penalized; the rest (intercepts) pass through prox unchanged. */
  readonly nPenalized: number;
  /**
   * The smallest-norm element of g + dR(w) (the composite problem's "gradient": zero exactly at an optimum),
   * written to out. Solvers use max|out| as the gradient norm of a non-smooth problem.
   */
  minNormSubgradient?(w: Float64Array, g: Float64Array, out: Float64Array): void;
  /**
   * Set when R(w) = l1 * ||w[0:nPenalized)||_1 exactly (prox = soft threshold by step * l1, coordinate by
   * coordinate): lets sag-lazy.ts apply the prox just in time, one coordinate at a time.
   */
  readonly l1?: number;
}

/**
 * A smooth objective that is a finite sum over samples of a loss of linear scores, plus an L2 term:
 *
 *   F(w) = sum_i s_i l(z_i, y_i) + (l2/2) ||W||^2,   z_i = W x_i + b  (K' outputs per row)
 *
 * Stochastic solvers (sgd, adam, sag, saga) work through this view: per-sample scores and residuals
 * r_i = s_i dl/dz_i (K' numbers), so a per-sample gradient is r_i (x) [x_i; 1] without forming it. The
 * solver still never knows which loss it is.
 */
export interface FiniteSumObjective extends Objective {
  readonly nSamples: number;
  /** Outputs per row (K for softmax, 1 for a binary logistic problem). */
  readonly nOutputs: number;
  readonly nFeatures: number;
  readonly fitIntercept: boolean;
  /** Strength of the L2 term on W (the smooth part's own penalty). */
  readonly l2: number;
  /** Sum of s_i. */
  readonly sumWeights: number;
  /** Weight s_i. */
  weight(i: number): number;
  /** ||x_i||^2. */
  rowSquaredNorm(i: number): number;
  /**
   * Upper bound on the largest eigenvalue of d^2 l / dz^2 for one sample (1/2 for softmax, 1/4 for
   * logistic): with ||x_i||^2 it bounds each sample's gradient Lipschitz constant (step-size rules).
   */
  readonly curvatureBound: number;
  /** out = z_i = W x_i + b (nOutputs values). */
  rowScores(i: number, w: Float64Array, out: Float64Array): void;
  /** z (nOutputs) -> r = s_i dl/dz in place; returns s_i l(z_i, y_i). */
  rowResidual(i: number, z: Float64Array): number;
  /** G[W] += scale * r (x) x_i and G[b] += scale * r (G has length `dimension`). */
  addRowGradient(i: number, r: ArrayLike<number>, scale: number, G: Float64Array): void;
  /** The same problem restricted to some rows (early-stopping validation, cross-validation). */
  subset(rows: ArrayLike<number>): FiniteSumObjective;
  /** Dense Hessian (dimension x dimension, row-major) at w, when the objective can build it. */
  denseHessian?(w: Float64Array, out: Float64Array): void;
  /**
   * X's rows as CSR arrays when X is sparse, else null: solvers that update only the features of a row
   * (sag/saga just-in-time updates) read x_i directly and compute scores and residuals themselves
   * (residuals through rowResidual).
   */
  sparseRows?(): SparseRows | null;
  /** Count rows a solver read directly (through sparseRows) in dataPasses. */
  countRows?(rows: number): void;
}

/** Whether an objective offers per-sample access (what sag, saga and the mini-batch solvers need). */
export function isFiniteSum(o: Objective): o is FiniteSumObjective {
  return typeof (o as FiniteSumObjective).rowResidual === 'function' && typeof (o as FiniteSumObjective).addRowGradient === 'function';
}
