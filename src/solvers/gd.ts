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
import { dot, maxAbs } from '../kernels/vector.js';
import { SolveRun } from './run.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';

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
    const run = new SolveRun(objective, options);
    const obj = run.objective;
    const n = objective.dimension;
    const fixed = options.learningRate ?? null;
    const S = options.scale ?? 1;
    let w = Float64Array.from(w0);
    let wT = new Float64Array(n);
    let g = new Float64Array(n);
    let gT = new Float64Array(n);
    let f = obj.valueAndGradient(w, g);
    let gnorm = maxAbs(g);
    // First Armijo trial: unit step in the infinity norm.
    let t = fixed !== null ? fixed / S : 1 / Math.max(gnorm, 1e-300);
    let detail = '';
    let reason: StopReason | null = run.start(f, gnorm);
    while (reason === null) {
      if (run.iterations >= options.maxIter) {
        reason = 'max-iterations';
        break;
      }
      run.iterations++;
      const gg = dot(g, g);
      let fT: number;
      if (fixed !== null) {
        for (let i = 0; i < n; i++) wT[i] = w[i]! - t * g[i]!;
        fT = obj.valueAndGradient(wT, gT);
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
          fT = obj.valueAndGradient(wT, gT);
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
      // A fixed step that makes F grow without bound: stop and say so (the advice names learningRate).
      const diverging = (): StopReason | null => {
        if (!(fixed !== null && f > fPrev && run.iterations > 10 && f > 2 * Math.abs(fPrev) + 1)) return null;
        detail = `the objective is growing (F = ${f.toPrecision(6)}): learning rate ${fixed} is too large`;
        return 'non-finite';
      };
      reason = run.endIteration({ value: f, gradientNorm: gnorm, step: t }, w, fPrev, { stop: diverging });
    }
    return run.result({ w, value: f, gradientNorm: gnorm, reason, detail });
  },
};
