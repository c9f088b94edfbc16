/**
 * Newton-CG (truncated Newton; Nocedal & Wright, Algorithm 7.1) with a strong Wolfe line search.
 *
 * Each iteration approximately solves H p = -g by conjugate gradients with Hessian-vector products only,
 * stopping when ||r|| <= eta ||g|| with the forcing term eta = min(0.5, sqrt(||g||)) (superlinear
 * convergence), or at the first direction of non-positive curvature (p then falls back to what CG has so
 * far, or to -g). The softmax Hessian is only positive semi-definite (adding a constant to all intercepts
 * is a null direction); g is orthogonal to that null space, so CG never leaves it.
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

export interface NewtonCgOptions extends SolveOptions {
  /** Cap on CG iterations per Newton step (default: 200, as SciPy's maxiter * 20 heuristic). */
  maxCgIter?: number;
}

export const newtonCg: Solver<NewtonCgOptions> = {
  name: 'newton-cg',
  solve(objective: Objective, w0: Float64Array, options: NewtonCgOptions): SolveResult {
    if (!objective.hessianAt) throw new TypeError('newton-cg needs an objective with hessianAt()');
    const t0 = now();
    const n = objective.dimension;
    const maxCg = options.maxCgIter ?? 200;
    let w = Float64Array.from(w0);
    let g = new Float64Array(n);
    let wT = new Float64Array(n);
    let gT = new Float64Array(n);
    const p = new Float64Array(n);
    const r = new Float64Array(n);
    const q = new Float64Array(n);
    const Hq = new Float64Array(n);
    let fevals = 1;
    let hvp = 0;
    let f = objective.valueAndGradient(w, g);
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
      // CG on H p = -g, from p = 0.
      const H = objective.hessianAt(w);
      const g2 = dot(g, g);
      const eta = Math.min(0.5, Math.sqrt(Math.sqrt(g2)));
      const tolCg = eta * Math.sqrt(g2);
      p.fill(0);
      for (let i = 0; i < n; i++) {
        r[i] = -g[i]!;
        q[i] = r[i]!;
      }
      let rr = g2;
      let cgIter = 0;
      for (; cgIter < maxCg; cgIter++) {
        if (Math.sqrt(rr) <= tolCg) break;
        H.apply(q, Hq);
        hvp++;
        const curv = dot(q, Hq);
        if (!(curv > 0) || !Number.isFinite(curv)) {
          // Non-positive curvature: use what we have (or steepest descent on the first iteration).
          if (cgIter === 0) for (let i = 0; i < n; i++) p[i] = -g[i]!;
          break;
        }
        const a = rr / curv;
        for (let i = 0; i < n; i++) {
          p[i]! += a * q[i]!;
          r[i]! -= a * Hq[i]!;
        }
        const rrNew = dot(r, r);
        const beta = rrNew / rr;
        rr = rrNew;
        for (let i = 0; i < n; i++) q[i] = r[i]! + beta * q[i]!;
      }
      let df0 = dot(g, p);
      if (!(df0 < 0)) {
        for (let i = 0; i < n; i++) p[i] = -g[i]!;
        df0 = -g2;
      }
      const ls = searchAlong(objective, w, f, p, df0, 1, wT, gT);
      fevals += ls.evaluations;
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
      const info: IterationInfo = {
        iteration: iter,
        value: f,
        gradientNorm: gnorm,
        step: ls.alpha,
        evaluations: fevals,
        dataPasses: objective.dataPasses,
        elapsedMs: now() - t0,
        cgIterations: cgIter,
      };
      reason = endIteration(info, w, fPrev, options, history);
    }
    return makeResult(w, f, gnorm, reason, detail || gradDetail(gnorm, options.gtol, iter, `, ${hvp} Hessian-vector products`), { iterations: iter, functionEvaluations: fevals, gradientEvaluations: fevals, hessianVectorProducts: hvp }, objective.dataPasses, history, now() - t0);
  },
};
