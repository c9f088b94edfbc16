/**
 * Newton's method with the exact Hessian: p solves (H + mu I) p = -g by Cholesky, then a strong Wolfe line
 * search from the unit step. mu starts at MIN_DAMPING x max(diag H) (the softmax Hessian is singular
 * along the free intercept direction; g is orthogonal to it, so a tiny mu changes nothing else) and grows
 * tenfold until the factorization succeeds (Levenberg-Marquardt style damping). Quadratic convergence
 * near the optimum: typically 5-10 iterations to 1e-10.
 *
 * The Hessian is dense, dimension^2 doubles, and factorizing it costs dimension^3 / 3 flops, so the solver
 * refuses problems with more than NEWTON_MAX_DIMENSION parameters (K (d + 1)): use newton-cg or
 * trust-region there, which need only Hessian-vector products.
 */
import { OptionError } from '../errors.js';
import type { FiniteSumObjective, Objective } from '../objective/objective.js';
import { searchAlong } from './line-search.js';
import { dot, maxAbs } from '../kernels/vector.js';
import { SolveRun } from './run.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';

/** 2500 parameters: a 50 MB Hessian and ~5 Gflop per factorization (seconds in JavaScript). */
export const NEWTON_MAX_DIMENSION = 2500;
/** Relative damping always added (keeps the factorization defined along the free direction). */
const MIN_DAMPING = 1e-12;

/** In-place Cholesky A = L L^T (lower triangle of A overwritten by L). Returns false if not positive definite. */
export function cholesky(A: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = A[rj + j]!;
    for (let k = 0; k < j; k++) s -= A[rj + k]! * A[rj + k]!;
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    A[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = A[ri + j]!;
      for (let k = 0; k < j; k++) t -= A[ri + k]! * A[rj + k]!;
      A[ri + j] = t / ljj;
    }
  }
  return true;
}

/** Solve L L^T x = b in place (b becomes x), L from `cholesky`. */
export function choleskySolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
}

/** The dense Hessian at w: the objective's own dense form, else (counted) from `counted`'s products. */
function buildHessian(objective: Objective, counted: Objective, w: Float64Array, H: Float64Array): void {
  const n = objective.dimension;
  const fs = objective as FiniteSumObjective;
  if (typeof fs.denseHessian === 'function') {
    fs.denseHessian(w, H);
    return;
  }
  // Column by column from Hessian-vector products (n passes): only for objectives without a dense form.
  const op = counted.hessianAt!(w);
  const e = new Float64Array(n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    op.apply(e, col);
    for (let i = 0; i < n; i++) H[i * n + j] = col[i]!;
  }
}

export const newton: Solver = {
  name: 'newton',
  solve(objective: Objective, w0: Float64Array, options: SolveOptions): SolveResult {
    const n = objective.dimension;
    if (n > NEWTON_MAX_DIMENSION) {
      throw new OptionError(
        'solver',
        `'newton' forms the dense ${n} x ${n} Hessian (K (d + 1) = ${n} parameters), above its limit of ${NEWTON_MAX_DIMENSION}; use 'newton-cg', 'trust-region' or 'lbfgs'`,
        'TOO_LARGE',
      );
    }
    if (!(objective as FiniteSumObjective).denseHessian && !objective.hessianAt)
      throw new OptionError('solver', `'newton' needs an objective with a Hessian (denseHessian or hessianAt)`, 'INCOMPATIBLE_OPTIONS');
    const run = new SolveRun(objective, options);
    const obj = run.objective;
    let w = Float64Array.from(w0);
    let g = new Float64Array(n);
    let wT = new Float64Array(n);
    let gT = new Float64Array(n);
    const H = new Float64Array(n * n);
    const p = new Float64Array(n);
    let f = obj.valueAndGradient(w, g);
    let gnorm = maxAbs(g);
    let detail = '';
    let reason: StopReason | null = run.start(f, gnorm);
    while (reason === null) {
      if (run.iterations >= options.maxIter) {
        reason = 'max-iterations';
        break;
      }
      run.iterations++;
      buildHessian(objective, obj, w, H);
      let dmax = 0;
      for (let i = 0; i < n; i++) dmax = Math.max(dmax, H[i * n + i]!);
      let mu = MIN_DAMPING * Math.max(dmax, 1e-300);
      const diag = new Float64Array(n);
      for (let i = 0; i < n; i++) diag[i] = H[i * n + i]!;
      let ok = false;
      for (let attempt = 0; attempt < 30 && !ok; attempt++) {
        // Restore the lower triangle from the (untouched) upper one, then factorize H + mu I.
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < i; j++) H[i * n + j] = H[j * n + i]!;
          H[i * n + i] = diag[i]! + mu;
        }
        ok = cholesky(H, n);
        if (!ok) mu *= 10;
      }
      if (!ok) {
        reason = 'non-finite';
        detail = 'the Hessian could not be factorized even with damping';
        break;
      }
      for (let i = 0; i < n; i++) p[i] = -g[i]!;
      choleskySolve(H, n, p);
      let df0 = dot(g, p);
      if (!(df0 < 0)) {
        for (let i = 0; i < n; i++) p[i] = -g[i]!;
        df0 = -dot(g, g);
      }
      const ls = searchAlong(obj, w, f, p, df0, 1, wT, gT);
      if (!ls.ok) {
        reason = 'line-search-failed';
        detail = ls.reason ?? '';
        break;
      }
      const fPrev = f;
      [w, wT] = [wT, w];
      [g, gT] = [gT, g];
      f = ls.f;
      gnorm = maxAbs(g);
      reason = run.endIteration({ value: f, gradientNorm: gnorm, step: ls.alpha, damping: mu }, w, fPrev);
    }
    return run.result({ w, value: f, gradientNorm: gnorm, reason, detail });
  },
};
