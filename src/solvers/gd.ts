/**
 * Full-batch gradient descent, w <- w - t grad F(w), two ways to pick t:
 *
 * - fixed: t = learningRate / S, with S = sum of sample weights, i.e. a step of `learningRate` on the
 *   mean objective F/S (the scale course notes and Keras use, independent of n). Too large a rate makes F
 *   grow; the solver then stops with reason 'non-finite' or 'step-tolerance' and says the rate is too large.
 * - armijo (default): backtracking line search (Nocedal & Wright, Alg. 3.1): accept the first t with
 *   F(w - t g) <= F(w) - c1 t ||g||^2, halving from the previous accepted step times 2 (so the step
 *   tracks 1/L without being told L).
 *
 * Linear convergence at rate (1 - mu/L): slow on ill-conditioned problems; here as the baseline every
 * course starts from and as a check of the other solvers.
 */
import type { Objective } from '../objective/objective.js';
import { endIteration, gradDetail, initialStop, makeResult } from './result.js';
import { dot, maxAbs, now, type IterationInfo, type SolveOptions, type SolveResult, type Solver, type StopReason } from './solver.js';

export interface GdOptions extends SolveOptions {
  /** Fixed step on the mean objective; omit (or null) for Armijo backtracking. */
  learningRate?: number | null;
  /** Sum of sample weights S (the fixed step is learningRate / S); default 1. */
  scale?: number;
}

/** Sufficient-decrease constant (Nocedal & Wright's usual 1e-4). */
const ARMIJO_C1 = 1e-4;
/** Backtracking gives up below this step (relative to the first one): no decrease is representable. */
const MIN_STEP_RATIO = 1e-20;

export const gd: Solver<GdOptions> = {
  name: 'gd',
  solve(objective: Objective, w0: Float64Array, options: GdOptions): SolveResult {
    const t0 = now();
    const n = objective.dimension;
    const fixed = options.learningRate ?? null;
    const S = options.scale ?? 1;
    let w = Float64Array.from(w0);
    let wT = new Float64Array(n);
    let g = new Float64Array(n);
    let gT = new Float64Array(n);
    let f = objective.valueAndGradient(w, g);
    let fevals = 1;
    let gnorm = maxAbs(g);
    // First Armijo trial: unit step in the infinity norm.
    let t = fixed !== null ? fixed / S : 1 / Math.max(gnorm, 1e-300);
    const history: IterationInfo[] = [];
    let iter = 0;
    let reason: StopReason | null = null;
    let detail = '';
    reason = initialStop(f, gnorm, options.gtol);
    while (reason === null) {
      if (iter >= options.maxIter) {
        reason = 'max-iterations';
        break;
      }
      iter++;
      const gg = dot(g, g);
      let fT: number;
      if (fixed !== null) {
        for (let i = 0; i < n; i++) wT[i] = w[i]! - t * g[i]!;
        fT = objective.valueAndGradient(wT, gT);
        fevals++;
        if (!Number.isFinite(fT)) {
          reason = 'non-finite';
          detail = `the fixed learning rate ${fixed} is too large: the objective overflowed; lower learningRate or omit it for a line search`;
          break;
        }
      } else {
        t *= 2;
        const tFirst = t;
        for (;;) {
          for (let i = 0; i < n; i++) wT[i] = w[i]! - t * g[i]!;
          fT = objective.valueAndGradient(wT, gT);
          fevals++;
          if (Number.isFinite(fT) && fT <= f - ARMIJO_C1 * t * gg) break;
          t *= 0.5;
          if (t < MIN_STEP_RATIO * tFirst) break;
        }
        if (!(fT <= f - ARMIJO_C1 * t * gg)) {
          reason = 'step-tolerance';
          detail = 'no step along the gradient decreases the objective (rounding level reached)';
          break;
        }
      }
      const fPrev = f;
      [w, wT] = [wT, w];
      [g, gT] = [gT, g];
      f = fT;
      gnorm = maxAbs(g);
      const info: IterationInfo = { iteration: iter, value: f, gradientNorm: gnorm, step: t, evaluations: fevals, dataPasses: objective.dataPasses, elapsedMs: now() - t0 };
      reason = endIteration(info, w, fPrev, options, history);
      // A fixed step that makes F grow without bound: stop and say so (the advice names learningRate).
      if (reason !== 'non-finite' && reason !== 'gradient-tolerance' && fixed !== null && f > fPrev && iter > 10 && f > 2 * Math.abs(fPrev) + 1) {
        reason = 'non-finite';
        detail = `the objective is growing (F = ${f.toPrecision(6)}): learning rate ${fixed} is too large`;
      }
    }
    return makeResult(w, f, gnorm, reason, detail || gradDetail(gnorm, options.gtol, iter), { iterations: iter, functionEvaluations: fevals, gradientEvaluations: fevals, hessianVectorProducts: 0 }, objective.dataPasses, history, now() - t0);
  },
};
