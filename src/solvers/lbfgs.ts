/**
 * L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with a strong Wolfe line search.
 *
 * The direction is d = -H g, with H the inverse-Hessian approximation built by the two-loop recursion from
 * the last m pairs s = w_{k+1} - w_k, y = g_{k+1} - g_k, starting from H0 = (s.y / y.y) I. Pairs with
 * s.y <= eps ||s|| ||y|| are skipped, so H stays positive definite even after a step that met only the
 * sufficient-decrease test. The first step is scaled to length 1 in the infinity norm.
 */
import type { Objective } from '../objective/objective.js';
import { searchAlong } from './line-search.js';
import { endIteration, gradDetail, initialStop, makeResult } from './result.js';
import {
  dot,
  maxAbs,
  now,
  type IterationInfo,
  type SolveOptions,
  type SolveResult,
  type Solver,
  type StopReason,
} from './solver.js';

export interface LbfgsOptions extends SolveOptions {
  /** Number of correction pairs kept (default 10; SciPy's default is 10 too). */
  memory?: number;
}

export const lbfgs: Solver<LbfgsOptions> = {
  name: 'lbfgs',
  solve(objective: Objective, w0: Float64Array, options: LbfgsOptions): SolveResult {
    const t0 = now();
    const n = objective.dimension;
    const m = options.memory ?? 10;
    const S: Float64Array[] = [];
    const Y: Float64Array[] = [];
    const rho: number[] = [];
    const alphaBuf = new Float64Array(m);

    let w = Float64Array.from(w0);
    let g = new Float64Array(n);
    let wT = new Float64Array(n);
    let gT = new Float64Array(n);
    const d = new Float64Array(n);
    let fevals = 0;
    let f = objective.valueAndGradient(w, g);
    fevals++;
    let gnorm = maxAbs(g);
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
      // Two-loop recursion: d = -H g.
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      const mk = S.length;
      for (let j = mk - 1; j >= 0; j--) {
        const a = rho[j]! * dot(S[j]!, d);
        alphaBuf[j] = a;
        const yj = Y[j]!;
        for (let i = 0; i < n; i++) d[i]! -= a * yj[i]!;
      }
      if (mk > 0) {
        const gamma = dot(S[mk - 1]!, Y[mk - 1]!) / dot(Y[mk - 1]!, Y[mk - 1]!);
        for (let i = 0; i < n; i++) d[i]! *= gamma;
      }
      for (let j = 0; j < mk; j++) {
        const beta = rho[j]! * dot(Y[j]!, d);
        const sj = S[j]!;
        const c = alphaBuf[j]! - beta;
        for (let i = 0; i < n; i++) d[i]! += c * sj[i]!;
      }
      let df0 = dot(g, d);
      if (!(df0 < 0)) {
        // Lost descent (rounding in H): restart from steepest descent.
        S.length = Y.length = rho.length = 0;
        for (let i = 0; i < n; i++) d[i] = -g[i]!;
        df0 = dot(g, d);
      }
      const alpha1 = S.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(d), 1e-300)) : 1;
      const ls = searchAlong(objective, w, f, d, df0, alpha1, wT, gT);
      fevals += ls.evaluations;
      if (!ls.ok) {
        // A stale curvature model can make a poor direction; retry once from steepest descent before giving up.
        if (S.length > 0) {
          S.length = Y.length = rho.length = 0;
          iter--;
          continue;
        }
        reason = 'line-search-failed';
        detail = ls.reason ?? '';
        break;
      }
      // New pair.
      const s = new Float64Array(n);
      const yv = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = wT[i]! - w[i]!;
        yv[i] = gT[i]! - g[i]!;
      }
      const sy = dot(s, yv);
      if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
        if (S.length === m) {
          S.shift();
          Y.shift();
          rho.shift();
        }
        S.push(s);
        Y.push(yv);
        rho.push(1 / sy);
      }
      const fPrev = f;
      [w, wT] = [wT, w];
      [g, gT] = [gT, g];
      f = ls.f;
      gnorm = maxAbs(g);
      const info: IterationInfo = {
        iteration: iter,
        value: f,
        gradientNorm: gnorm,
        step: ls.alpha,
        evaluations: fevals,
        dataPasses: objective.dataPasses,
        elapsedMs: now() - t0,
      };
      reason = endIteration(info, w, fPrev, options, history);
    }
    return makeResult(w, f, gnorm, reason, detail || gradDetail(gnorm, options.gtol, iter), { iterations: iter, functionEvaluations: fevals, gradientEvaluations: fevals, hessianVectorProducts: 0 }, objective.dataPasses, history, now() - t0);
  },
};
