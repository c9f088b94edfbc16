/**
 * Newton-CG (truncated Newton; Nocedal & Wright, Algorithm 7.1) with a strong Wolfe line search.
 *
 * Each iteration approximately solves H p = -g by conjugate gradients with Hessian-vector products only,
 * stopping when ||r|| <= eta ||g|| with the forcing term eta = min(0.5, sqrt(||g||)) (superlinear
 * convergence), or at the first direction of non-positive curvature (p then falls back to what CG has so
 * far, or to -g). The softmax Hessian is only positive semi-definite (adding a constant to all intercepts
 * is a null direction); g is orthogonal to that null space, so CG never leaves it.
 */
import { OptionError } from '../errors.js';
import type { Objective } from '../objective/objective.js';
import { searchAlong } from './line-search.js';
import { dot, maxAbs } from '../kernels/vector.js';
import { SolveRun } from './run.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';

export interface NewtonCgOptions extends SolveOptions {
  /** Cap on CG iterations per Newton step (default: 200, as SciPy's maxiter * 20 heuristic). */
  maxCgIter?: number;
}

export const newtonCg: Solver<NewtonCgOptions> = {
  name: 'newton-cg',
  solve(objective: Objective, w0: Float64Array, options: NewtonCgOptions): SolveResult {
    if (!objective.hessianAt) throw new OptionError('solver', `'newton-cg' needs an objective with hessianAt()`, 'INCOMPATIBLE_OPTIONS');
    const run = new SolveRun(objective, options);
    const obj = run.objective;
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
      // CG on H p = -g, from p = 0.
      const H = obj.hessianAt!(w);
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
      reason = run.endIteration({ value: f, gradientNorm: gnorm, step: ls.alpha, cgIterations: cgIter }, w, fPrev);
    }
    return run.result({ w, value: f, gradientNorm: gnorm, reason, detail, note: `, ${obj.hessianVectorProducts} Hessian-vector products` });
  },
};
