/**
 * FISTA (Beck & Teboulle 2009) for F(w) = f(w) + R(w), f smooth (the objective), R non-smooth with a
 * cheap prox (L1, elastic net's L1 half, group lasso; R = 0 gives Nesterov's accelerated gradient):
 *
 *   x+ = prox_{R/L}(y - grad f(y) / L)           (proximal gradient step from the extrapolated point y)
 *   L doubles until f(x+) <= f(y) + g.(x+ - y) + L/2 ||x+ - y||^2   (backtracking: L is never given)
 *   t+ = (1 + sqrt(1 + 4 t^2)) / 2,  y+ = x+ + ((t - 1)/t+)(x+ - x)
 *
 * with two practical changes: L shrinks by 10% before each backtrack (so it can follow a smaller local
 * curvature), and the momentum restarts (t = 1) whenever F increases (O'Donoghue & Candes 2015), which
 * restores linear convergence on strongly convex problems. Optimality is measured by the smallest
 * subgradient max|grad f + dR| (zero exactly at the optimum, equal to max|grad f| without R), checked with
 * an extra gradient evaluation only once the cheap gradient-mapping estimate L||y - x+|| is below tol.
 */
import type { NonSmoothTerm, Objective } from '../objective/objective.js';
import { compositeGradientNorm } from '../objective/penalty.js';
import { maxAbs } from '../kernels/vector.js';
import { SolveRun } from './run.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';

export interface ProximalOptions extends SolveOptions {
  /** The non-smooth term R; omitted means R = 0. */
  nonSmooth?: NonSmoothTerm | null;
}

/** Per-iteration shrink of the Lipschitz estimate before backtracking. */
const L_SHRINK = 0.9;

export const fista: Solver<ProximalOptions> = {
  name: 'fista',
  solve(objective: Objective, w0: Float64Array, options: ProximalOptions): SolveResult {
    const run = new SolveRun(objective, options);
    const obj = run.objective;
    const n = objective.dimension;
    const R = options.nonSmooth ?? null;
    const Rv = (w: Float64Array) => (R ? R.value(w) : 0);
    const prox = (v: Float64Array, step: number, out: Float64Array) => (R ? R.prox(v, step, out) : out.set(v));
    const x = Float64Array.from(w0);
    const xNew = new Float64Array(n);
    const y = Float64Array.from(w0);
    const gy = new Float64Array(n);
    const scratch = new Float64Array(n);
    const gx = new Float64Array(n);
    // Start: F and the optimality measure at w0.
    let fx = obj.valueAndGradient(x, gx);
    let Fx = fx + Rv(x);
    let gnorm = compositeGradientNorm(R, x, gx, scratch);
    let L = Math.max(maxAbs(gx), 1e-12); // first step moves the largest coordinate by about 1
    let t = 1;
    let reason: StopReason | null = run.start(Fx, gnorm);
    let fy = fx;
    gy.set(gx);
    let gyFresh = true; // gy = grad f(y)
    let gxFresh = true; // gx = grad f(x)
    while (reason === null) {
      if (run.iterations >= options.maxIter) {
        reason = 'max-iterations';
        break;
      }
      run.iterations++;
      if (!gyFresh) {
        fy = obj.valueAndGradient(y, gy);
        gyFresh = true;
      }
      L *= L_SHRINK;
      let fNew: number;
      let diff2: number;
      for (;;) {
        for (let i = 0; i < n; i++) scratch[i] = y[i]! - gy[i]! / L;
        prox(scratch, 1 / L, xNew);
        let lin = 0;
        diff2 = 0;
        for (let i = 0; i < n; i++) {
          const dlt = xNew[i]! - y[i]!;
          lin += gy[i]! * dlt;
          diff2 += dlt * dlt;
        }
        fNew = obj.value(xNew);
        // Relative slack keeps rounding in f from forcing L up forever near the optimum.
        if (Number.isFinite(fNew) && fNew <= fy + lin + 0.5 * L * diff2 + 1e-12 * Math.abs(fy)) break;
        L *= 2;
        if (!(L < 1e300)) break;
      }
      if (!Number.isFinite(fNew)) {
        reason = 'non-finite';
        break;
      }
      const FNew = fNew + Rv(xNew);
      if (FNew > Fx && t > 1) {
        // Momentum overshot: restart at x with a plain proximal-gradient step (O'Donoghue & Candes).
        t = 1;
        y.set(x);
        if (gxFresh) {
          fy = fx;
          gy.set(gx);
        } else gyFresh = false;
        run.iterations--;
        continue;
      }
      // Gradient-mapping estimate of optimality at y (no extra pass).
      let gm = 0;
      for (let i = 0; i < n; i++) gm = Math.max(gm, Math.abs(L * (y[i]! - xNew[i]!)));
      const tNew = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      const beta = (t - 1) / tNew;
      const FPrev = Fx;
      for (let i = 0; i < n; i++) {
        const xi = xNew[i]!;
        y[i] = xi + beta * (xi - x[i]!);
        x[i] = xi;
      }
      t = tNew;
      Fx = FNew;
      fx = fNew;
      gxFresh = false;
      gyFresh = false;
      if (beta === 0 || gm <= options.gtol) {
        // Exact optimality check at x (its gradient is also the next step's when y = x).
        fx = obj.valueAndGradient(x, gx);
        gxFresh = true;
        gnorm = compositeGradientNorm(R, x, gx, scratch);
        if (beta === 0) {
          fy = fx;
          gy.set(gx);
          gyFresh = true;
        }
      } else gnorm = gm;
      reason = run.endIteration({ value: Fx, gradientNorm: gnorm, step: 1 / L }, x, FPrev, { gradientFresh: gxFresh });
    }
    return run.result({ w: x, value: Fx, gradientNorm: gnorm, reason });
  },
};
