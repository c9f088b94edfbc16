/**
 * L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with a strong Wolfe line search.
 *
 * The direction is d = -H g, with H the inverse-Hessian approximation built by the two-loop recursion from
 * the last m pairs s = w_{k+1} - w_k, y = g_{k+1} - g_k, starting from H0 = (s.y / y.y) I. Pairs with
 * s.y <= eps ||s|| ||y|| are skipped, so H stays positive definite even after a step that met only the
 * sufficient-decrease test. The first step is scaled to length 1 in the infinity norm.
 */
import type { Objective } from '../objective/objective.js';
import { dot, maxAbs } from '../kernels/vector.js';
import { searchAlong } from './line-search.js';
import { SolveRun } from './run.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';

export interface LbfgsOptions extends SolveOptions {
  /** Number of correction pairs kept (default 10; SciPy's default is 10 too). */
  memory?: number;
}

export const lbfgs: Solver<LbfgsOptions> = {
  name: 'lbfgs',
  solve(objective: Objective, w0: Float64Array, options: LbfgsOptions): SolveResult {
    const run = new SolveRun(objective, options);
    const obj = run.objective;
    const n = objective.dimension;
    const m = options.memory ?? 10;
    // Correction pairs, oldest first, with rho = 1/(s.y), s.y and y.y kept (H0's scale: s.y/y.y of the newest).
    // Their buffers are recycled through `spare` (no allocation per iteration: with a million parameters
    // that was 16 MB an iteration for the collector).
    const S: Float64Array[] = [];
    const Y: Float64Array[] = [];
    const rho: number[] = [];
    const syOf: number[] = [];
    const yyOf: number[] = [];
    const spare: Float64Array[] = [];
    const reset = () => {
      spare.push(...S, ...Y);
      S.length = Y.length = rho.length = syOf.length = yyOf.length = 0;
    };
    const alphaBuf = new Float64Array(m);

    let w = Float64Array.from(w0);
    let g = new Float64Array(n);
    let wT = new Float64Array(n);
    let gT = new Float64Array(n);
    const d = new Float64Array(n);
    /**
     * d = -H g by the two-loop recursion, returning g.d (< 0). Each sweep over d applies one pair's update
     * and takes the dot product the next pair needs (the same operations in the same order as separate
     * loops, so the same rounding, in half the passes over the n-vectors). Computed right after the
     * gradient, before the stop test: -g.d/2 is the model's estimate of the decrease still to come.
     */
    const direction = (): number => {
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      const mk = S.length;
      if (mk > 0) {
        let sd = dot(S[mk - 1]!, d);
        for (let j = mk - 1; j >= 0; j--) {
          const a = rho[j]! * sd;
          alphaBuf[j] = a;
          const yj = Y[j]!;
          if (j > 0) {
            const sn = S[j - 1]!;
            let acc = 0;
            for (let i = 0; i < n; i++) {
              const v = d[i]! - a * yj[i]!;
              d[i] = v;
              acc += sn[i]! * v;
            }
            sd = acc;
          } else for (let i = 0; i < n; i++) d[i]! -= a * yj[i]!;
        }
        const gamma = syOf[mk - 1]! / yyOf[mk - 1]!;
        const y0 = Y[0]!;
        let yd = 0;
        for (let i = 0; i < n; i++) {
          const v = d[i]! * gamma;
          d[i] = v;
          yd += y0[i]! * v;
        }
        for (let j = 0; j < mk; j++) {
          const c = alphaBuf[j]! - rho[j]! * yd;
          const sj = S[j]!;
          if (j + 1 < mk) {
            const yn = Y[j + 1]!;
            let acc = 0;
            for (let i = 0; i < n; i++) {
              const v = d[i]! + c * sj[i]!;
              d[i] = v;
              acc += yn[i]! * v;
            }
            yd = acc;
          } else for (let i = 0; i < n; i++) d[i]! += c * sj[i]!;
        }
      }
      let gd = dot(g, d);
      if (!(gd < 0)) {
        // Lost descent (rounding in H): restart from steepest descent.
        reset();
        for (let i = 0; i < n; i++) d[i] = -g[i]!;
        gd = dot(g, d);
      }
      return gd;
    };

    let f = obj.valueAndGradient(w, g);
    let gnorm = maxAbs(g);
    let detail = '';
    let reason: StopReason | null = run.start(f, gnorm);
    let df0 = reason === null ? direction() : 0;

    while (reason === null) {
      if (run.iterations >= options.maxIter) {
        reason = 'max-iterations';
        break;
      }
      run.iterations++;
      const alpha1 = S.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(d), 1e-300)) : 1;
      const ls = searchAlong(obj, w, f, d, df0, alpha1, wT, gT);
      if (!ls.ok) {
        // A stale curvature model can make a poor direction; retry once from steepest descent before giving up.
        if (S.length > 0) {
          reset();
          run.iterations--;
          df0 = direction();
          continue;
        }
        reason = 'line-search-failed';
        detail = ls.reason ?? '';
        break;
      }
      // New pair (s.y, s.s, y.y in the same sweep).
      const s = spare.pop() ?? new Float64Array(n);
      const yv = spare.pop() ?? new Float64Array(n);
      let sy = 0;
      let ss = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        const si = wT[i]! - w[i]!;
        const yi = gT[i]! - g[i]!;
        s[i] = si;
        yv[i] = yi;
        sy += si * yi;
        ss += si * si;
        yy += yi * yi;
      }
      if (sy > 1e-10 * Math.sqrt(ss * yy)) {
        if (S.length === m) {
          spare.push(S.shift()!, Y.shift()!);
          rho.shift();
          syOf.shift();
          yyOf.shift();
        }
        S.push(s);
        Y.push(yv);
        rho.push(1 / sy);
        syOf.push(sy);
        yyOf.push(yy);
      } else spare.push(s, yv);
      const fPrev = f;
      [w, wT] = [wT, w];
      [g, gT] = [gT, g];
      f = ls.f;
      gnorm = maxAbs(g);
      df0 = direction();
      // The quasi-Newton decrement (no estimate before the first curvature pair).
      const gap = S.length > 0 ? -0.5 * df0 : undefined;
      reason = run.endIteration({ value: f, gradientNorm: gnorm, step: ls.alpha, gap }, w, fPrev);
    }
    return run.result({ w, value: f, gradientNorm: gnorm, reason, detail });
  },
};
