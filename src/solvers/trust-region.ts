/**
 * TRON: trust-region Newton with conjugate gradients (Lin & More 1999; Lin, Weng & Keerthi, "Trust region
 * Newton method for large-scale logistic regression", JMLR 2008), as LIBLINEAR implemented it for its
 * logistic-regression solvers (tron.cpp, before 2.40 switched to a line search).
 *
 * Each iteration minimizes the quadratic model q(s) = g.s + s.Hs/2 over ||s|| <= delta by CG on
 * Hessian-vector products (Steihaug: stop at the boundary or when ||r|| <= 0.1 ||g||), then compares the
 * actual reduction f(w) - f(w+s) with the predicted one -q(s):
 *   accept the step when actred > eta0 prered; shrink or grow delta by the ratio
 *   (eta0, eta1, eta2) = (1e-4, 0.25, 0.75), (sigma1, sigma2, sigma3) = (0.25, 0.5, 4),
 * with LIBLINEAR's interpolated factor alpha = max(sigma1, -gs / (2 (f(w+s) - f - gs))).
 * The newton-cg solver is the line-search variant of the same idea; both need only H v.
 */
import { OptionError } from '../errors.js';
import type { Objective } from '../objective/objective.js';
import { dot, maxAbs } from '../kernels/vector.js';
import { SolveRun } from './run.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';

export interface TrustRegionOptions extends SolveOptions {
  /** CG iteration cap per Newton step (default 250, as scipy's trust-ncg-ish cap). */
  maxCgIter?: number;
}

const ETA0 = 1e-4;
const ETA1 = 0.25;
const ETA2 = 0.75;
const SIGMA1 = 0.25;
const SIGMA2 = 0.5;
const SIGMA3 = 4;
/** CG stops when ||r|| <= CG_XI ||g|| (LIBLINEAR's 0.1). */
const CG_XI = 0.1;

export const trustRegion: Solver<TrustRegionOptions> = {
  name: 'trust-region',
  solve(objective: Objective, w0: Float64Array, options: TrustRegionOptions): SolveResult {
    if (!objective.hessianAt) throw new OptionError('solver', `'trust-region' needs an objective with hessianAt()`, 'INCOMPATIBLE_OPTIONS');
    const run = new SolveRun(objective, options);
    const obj = run.objective;
    const n = objective.dimension;
    const maxCg = options.maxCgIter ?? 250;
    let w = Float64Array.from(w0);
    let wT = new Float64Array(n);
    let g = new Float64Array(n);
    let gT = new Float64Array(n);
    const s = new Float64Array(n);
    const r = new Float64Array(n);
    const d = new Float64Array(n);
    const Hd = new Float64Array(n);
    let f = obj.valueAndGradient(w, g);
    let gnorm = maxAbs(g);
    let delta = Math.sqrt(dot(g, g));
    let detail = '';
    let reason: StopReason | null = run.start(f, gnorm);
    let H = reason === null ? obj.hessianAt!(w) : null;
    while (reason === null) {
      if (run.iterations >= options.maxIter) {
        reason = 'max-iterations';
        break;
      }
      run.iterations++;
      // Steihaug CG on H s = -g inside ||s|| <= delta.
      s.fill(0);
      for (let i = 0; i < n; i++) r[i] = d[i] = -g[i]!;
      let rr = dot(r, r);
      const cgTol = CG_XI * Math.sqrt(rr);
      let cgIter = 0;
      for (; cgIter < maxCg && Math.sqrt(rr) > cgTol; cgIter++) {
        H!.apply(d, Hd);
        const dHd = dot(d, Hd);
        const alpha = rr / dHd;
        let hitBoundary = !(dHd > 0);
        if (!hitBoundary) {
          let ss = 0;
          for (let i = 0; i < n; i++) ss += (s[i]! + alpha * d[i]!) ** 2;
          hitBoundary = ss > delta * delta;
        }
        if (hitBoundary) {
          // tau >= 0 with ||s + tau d|| = delta.
          const sd = dot(s, d);
          const dd = dot(d, d);
          const ss = dot(s, s);
          const rad = Math.sqrt(Math.max(0, sd * sd + dd * (delta * delta - ss)));
          const tau = sd >= 0 ? (delta * delta - ss) / (sd + rad) : (rad - sd) / dd;
          for (let i = 0; i < n; i++) {
            s[i]! += tau * d[i]!;
            r[i]! -= tau * Hd[i]!;
          }
          cgIter++;
          break;
        }
        for (let i = 0; i < n; i++) {
          s[i]! += alpha * d[i]!;
          r[i]! -= alpha * Hd[i]!;
        }
        const rrNew = dot(r, r);
        const beta = rrNew / rr;
        rr = rrNew;
        for (let i = 0; i < n; i++) d[i] = r[i]! + beta * d[i]!;
      }
      for (let i = 0; i < n; i++) wT[i] = w[i]! + s[i]!;
      const fNew = obj.valueAndGradient(wT, gT);
      const gs = dot(g, s);
      // r = -g - H s, so s.Hs = -gs - s.r and the model decrease is -(gs + s.Hs/2) = -(gs - s.r)/2.
      const prered = -0.5 * (gs - dot(s, r));
      const actred = f - fNew;
      const snorm = Math.sqrt(dot(s, s));
      if (run.iterations === 1) delta = Math.min(delta, snorm);
      const curv = fNew - f - gs;
      const alpha = curv <= 0 ? SIGMA3 : Math.max(SIGMA1, -0.5 * (gs / curv));
      if (!Number.isFinite(fNew) || actred < ETA0 * prered) delta = Math.min(Math.max(alpha, SIGMA1) * snorm, SIGMA2 * delta);
      else if (actred < ETA1 * prered) delta = Math.max(SIGMA1 * delta, Math.min(alpha * snorm, SIGMA2 * delta));
      else if (actred < ETA2 * prered) delta = Math.max(SIGMA1 * delta, Math.min(alpha * snorm, SIGMA3 * delta));
      else delta = Math.max(delta, Math.min(alpha * snorm, SIGMA3 * delta));
      const fPrev = f;
      const accepted = Number.isFinite(fNew) && actred > ETA0 * prered;
      if (accepted) {
        [w, wT] = [wT, w];
        [g, gT] = [gT, g];
        f = fNew;
        gnorm = maxAbs(g);
      }
      reason = run.endIteration({ value: f, gradientNorm: gnorm, step: snorm, cgIterations: cgIter, trustRadius: delta }, w, fPrev, { decreased: accepted });
      if (reason === null || reason === 'callback') {
        // A rejected step whose reductions are rounding noise, or a collapsed radius: no further progress.
        if (!accepted && Math.abs(actred) <= 1e-14 * Math.abs(f) && Math.abs(prered) <= 1e-14 * Math.abs(f)) {
          reason = 'step-tolerance';
          detail = `predicted and actual reductions below rounding (max|g| = ${gnorm.toExponential(3)})`;
        } else if (delta <= 1e-300) reason = 'step-tolerance';
      }
      if (reason === null && accepted) H = obj.hessianAt!(w);
    }
    return run.result({ w, value: f, gradientNorm: gnorm, reason, detail, note: `, ${obj.hessianVectorProducts} Hessian-vector products` });
  },
};
