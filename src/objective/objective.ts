/**
 * The interface between objectives and solvers. A solver sees only this: it never knows the loss is a
 * softmax, and the loss never knows which solver runs it (LIBLINEAR's `function` class, sklearn's
 * `LinearModelLoss` as used by its solvers).
 */

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
}
