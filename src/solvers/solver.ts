/**
 * What every solver takes and returns. How a solve ended is data (SciPy's OptimizeResult): a stop reason,
 * a message and a history, never an exception for non-convergence and never a print.
 */
import type { Objective } from '../objective/objective.js';

export type StopReason =
  /** max |gradient| <= gtol: converged. */
  | 'gradient-tolerance'
  /** The objective stopped decreasing (relative decrease below ftol): converged as far as float64 allows. */
  | 'function-tolerance'
  /** Hit maxIter before converging. */
  | 'max-iterations'
  /** The line search found no acceptable step (rounding dominates, or a bad direction). */
  | 'line-search-failed'
  /** The iteration callback asked to stop. */
  | 'callback'
  /** A value or gradient became NaN/Infinity. */
  | 'non-finite'
  /** Step or parameter change too small to continue. */
  | 'step-tolerance'
  /** Stochastic solvers: the validation loss stopped improving (early stopping; best weights kept). */
  | 'early-stopping';

export interface IterationInfo {
  /** 1-based iteration number. */
  iteration: number;
  value: number;
  /** max_j |g_j| (infinity norm). */
  gradientNorm: number;
  /** Step length taken (line search alpha, or learning rate). */
  step: number;
  /** Cumulative objective evaluations (values, or value+gradient). */
  evaluations: number;
  /** Cumulative passes over the data (when the objective counts them). */
  dataPasses?: number;
  /** Milliseconds since the solve started. */
  elapsedMs: number;
  /** Extra per-solver figures (e.g. CG iterations, validation score). */
  [extra: string]: number | undefined;
}

/** Return 'stop' (or false) to stop the solve after this iteration. */
export type IterationCallback = (info: IterationInfo, w: Float64Array) => void | boolean | 'stop';

export interface SolveOptions {
  /** Converged when max |gradient| <= gtol (absolute; the model scales its `tol` into this). */
  gtol: number;
  /** Stop when the relative decrease (f_prev - f) / max(|f_prev|, |f|, 1) falls below this (0 disables). */
  ftol?: number;
  /**
   * The objective half of the convergence test (0 or unset: off): the gradient test passes only when the
   * solver's own estimate of the decrease still to come, `gap` in its iteration record (L-BFGS: -g.d/2 =
   * g^T H g / 2 with its inverse-Hessian model H, the quasi-Newton decrement), is at most
   * gapTol * max(|f|, 1). Solvers without a curvature model report no gap and test the gradient alone.
   */
  gapTol?: number;
  maxIter: number;
  onIteration?: IterationCallback;
  /** Keep per-iteration history (default true). */
  history?: boolean;
}

export interface SolveResult {
  /** The final parameters (a new array). */
  w: Float64Array;
  value: number;
  /** max|dF/dw| at w, the gradient of the problem as posed (for a non-smooth term: the smallest subgradient). */
  gradientNorm: number;
  /**
   * When the solver ran in preconditioned coordinates u (w = T u, src/objective/standardized.ts): the
   * max|dF/du| its stop test used. gradientNorm is still max|dF/dw|.
   */
  preconditionedGradientNorm?: number;
  iterations: number;
  /** Objective evaluations: function values, and value+gradient pairs. */
  functionEvaluations: number;
  gradientEvaluations: number;
  /** Hessian-vector products (second-order solvers). */
  hessianVectorProducts: number;
  /** Passes over the data, when the objective counts them. */
  dataPasses?: number;
  converged: boolean;
  stopReason: StopReason;
  message: string;
  history: IterationInfo[];
  elapsedMs: number;
}

/** A solver: a function from an objective, a start point and options to a result. */
export interface Solver<O extends SolveOptions = SolveOptions> {
  readonly name: string;
  solve(objective: Objective, w0: Float64Array, options: O): SolveResult;
}

export const now: () => number = typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

export function stopMessage(reason: StopReason, detail: string): string {
  const head: Record<StopReason, string> = {
    'gradient-tolerance': 'converged: gradient norm below tolerance',
    'function-tolerance': 'converged: objective no longer decreasing (relative change below ftol)',
    'max-iterations': 'did not converge: reached the maximum number of iterations',
    'line-search-failed': 'stopped: the line search found no step that decreases the objective',
    callback: 'stopped by the iteration callback',
    'non-finite': 'stopped: the objective or gradient became NaN or Infinity',
    'step-tolerance': 'stopped: step too small to make progress',
    'early-stopping': 'stopped early: the validation loss stopped improving',
  };
  return detail ? `${head[reason]} (${detail})` : head[reason];
}

/** Whether the callback asked to stop. */
export function callbackStops(cb: IterationCallback | undefined, info: IterationInfo, w: Float64Array): boolean {
  if (!cb) return false;
  const r = cb(info, w);
  return r === 'stop' || r === false;
}
