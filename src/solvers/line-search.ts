/**
 * Line search for the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and 3.6, with cubic
 * interpolation in the zoom phase as in MINPACK/SciPy):
 *
 *   sufficient decrease:  phi(a) <= phi(0) + c1 a phi'(0)
 *   curvature (strong):   |phi'(a)| <= c2 |phi'(0)|
 *
 * where phi(a) = f(x + a d). Near an optimum the decrease c1 a phi'(0) falls below the rounding error of f,
 * and the test above can no longer be decided from function values. There we also accept Hager & Zhang's
 * approximate Wolfe conditions (SIAM J. Optim. 16, 2005), which use derivatives only:
 *   phi(a) <= phi(0) + eps |phi(0)|   and   (2 c1 - 1) phi'(0) >= phi'(a) >= c2 phi'(0)
 * so L-BFGS can drive the gradient to 1e-10 and below instead of stalling at sqrt(machine epsilon).
 */

export interface LineFunction {
  /** Evaluate at x + a d: returns phi(a) and phi'(a); the trial point and its gradient stay in caller buffers. */
  (a: number): { f: number; df: number };
}

export interface LineSearchOptions {
  c1?: number;
  c2?: number;
  maxEvaluations?: number;
  alphaMax?: number;
}

export interface LineSearchResult {
  ok: boolean;
  alpha: number;
  f: number;
  df: number;
  evaluations: number;
  /** True when the accepted point is the last one evaluated (so caller buffers hold it). */
  lastEvaluated: boolean;
  reason?: string;
}

/** Relative rounding allowance on f for the approximate Wolfe test. */
const APPROX_WOLFE_EPS = 1e-10;

interface Pt {
  a: number;
  f: number;
  df: number;
}

function cubicMin(p: Pt, q: Pt): number {
  const d1 = p.df + q.df - (3 * (p.f - q.f)) / (p.a - q.a);
  const rad = d1 * d1 - p.df * q.df;
  if (!(rad >= 0)) return NaN;
  const d2 = Math.sign(q.a - p.a) * Math.sqrt(rad);
  return q.a - ((q.a - p.a) * (q.df + d2 - d1)) / (q.df - p.df + 2 * d2);
}

export function strongWolfe(phi: LineFunction, f0: number, df0: number, alpha1: number, opts: LineSearchOptions = {}): LineSearchResult {
  const c1 = opts.c1 ?? 1e-4;
  const c2 = opts.c2 ?? 0.9;
  const maxEval = opts.maxEvaluations ?? 40;
  const alphaMax = opts.alphaMax ?? 1e20;
  const epsF = APPROX_WOLFE_EPS * Math.abs(f0);
  let evals = 0;

  const armijo = (pt: Pt) => pt.f <= f0 + c1 * pt.a * df0;
  const curvature = (pt: Pt) => Math.abs(pt.df) <= -c2 * df0;
  const approxWolfe = (pt: Pt) => pt.f <= f0 + epsF && (2 * c1 - 1) * df0 >= pt.df && pt.df >= c2 * df0;
  const evalAt = (a: number): Pt => {
    evals++;
    const r = phi(a);
    return { a, f: r.f, df: r.df };
  };
  const done = (pt: Pt): LineSearchResult => ({ ok: true, alpha: pt.a, f: pt.f, df: pt.df, evaluations: evals, lastEvaluated: true });

  const zoom = (lo: Pt, hi: Pt): LineSearchResult => {
    while (evals < maxEval) {
      const lower = Math.min(lo.a, hi.a);
      const upper = Math.max(lo.a, hi.a);
      const width = upper - lower;
      if (width <= 1e-16 * upper) break;
      let a = cubicMin(lo, hi);
      // Safeguard: stay inside the bracket, away from its ends (else bisect).
      if (!Number.isFinite(a) || a < lower + 0.1 * width || a > upper - 0.1 * width) a = 0.5 * (lo.a + hi.a);
      const pt = evalAt(a);
      if (Number.isFinite(pt.f) && approxWolfe(pt) && !armijo(pt)) return done(pt);
      if (!Number.isFinite(pt.f) || !armijo(pt) || pt.f >= lo.f) {
        hi = pt;
      } else {
        if (curvature(pt)) return done(pt);
        if (pt.df * (hi.a - lo.a) >= 0) hi = lo;
        lo = pt;
      }
    }
    // Bracket collapsed or budget spent: fall back to the best sufficient-decrease point, if any.
    if (lo.a > 0 && lo.f < f0)
      return { ok: true, alpha: lo.a, f: lo.f, df: lo.df, evaluations: evals, lastEvaluated: false, reason: 'curvature condition not met' };
    return { ok: false, alpha: 0, f: f0, df: df0, evaluations: evals, lastEvaluated: false, reason: 'no step decreased the objective' };
  };

  if (!(df0 < 0)) return { ok: false, alpha: 0, f: f0, df: df0, evaluations: 0, lastEvaluated: false, reason: 'not a descent direction' };

  let prev: Pt = { a: 0, f: f0, df: df0 };
  let a = Math.min(alpha1, alphaMax);
  for (let i = 1; evals < maxEval; i++) {
    const cur = evalAt(a);
    if (!Number.isFinite(cur.f) || !Number.isFinite(cur.df)) {
      // Overshot into overflow: shrink toward the last good point.
      return zoom(prev, { a: cur.a, f: Infinity, df: Infinity });
    }
    if (approxWolfe(cur) && !armijo(cur)) return done(cur);
    if (!armijo(cur) || (i > 1 && cur.f >= prev.f)) return zoom(prev, cur);
    if (curvature(cur)) return done(cur);
    if (cur.df >= 0) return zoom(cur, prev);
    if (a >= alphaMax) return { ok: true, alpha: cur.a, f: cur.f, df: cur.df, evaluations: evals, lastEvaluated: true, reason: 'reached alphaMax' };
    prev = cur;
    a = Math.min(4 * a, alphaMax);
  }
  if (prev.a > 0 && prev.f < f0)
    return { ok: true, alpha: prev.a, f: prev.f, df: prev.df, evaluations: evals, lastEvaluated: false, reason: 'evaluation budget spent' };
  return { ok: false, alpha: 0, f: f0, df: df0, evaluations: evals, lastEvaluated: false, reason: 'evaluation budget spent' };
}

/** What a solver needs of the objective for a line search. */
export interface Differentiable {
  valueAndGradient(w: Float64Array, g: Float64Array): number;
}

/**
 * One strong Wolfe search from w along the direction p (df0 = g . p < 0), starting at step alpha1. On
 * success the accepted point and its gradient are in wT and gT (re-evaluated if the search ended on an
 * earlier trial point), and `evaluations` counts every value+gradient it made.
 */
export function searchAlong(
  objective: Differentiable,
  w: Float64Array,
  f: number,
  p: Float64Array,
  df0: number,
  alpha1: number,
  wT: Float64Array,
  gT: Float64Array,
): LineSearchResult {
  const n = w.length;
  const phi = (a: number) => {
    for (let i = 0; i < n; i++) wT[i] = w[i]! + a * p[i]!;
    const fv = objective.valueAndGradient(wT, gT);
    let df = 0;
    for (let i = 0; i < n; i++) df += gT[i]! * p[i]!;
    return { f: fv, df };
  };
  const ls = strongWolfe(phi, f, df0, alpha1);
  if (ls.ok && !ls.lastEvaluated) {
    phi(ls.alpha);
    return { ...ls, evaluations: ls.evaluations + 1, lastEvaluated: true };
  }
  return ls;
}
