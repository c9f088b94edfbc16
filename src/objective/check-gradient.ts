/**
 * Finite-difference check of an objective's gradient and Hessian-vector product (public, so users can
 * check their own objectives too). Central differences have error O(h^2); h is scaled to each coordinate,
 * h_j = eps * max(1, |w_j|) with eps = cbrt(machine epsilon) ~ 6e-6, which balances truncation against
 * rounding for a smooth function.
 */
import type { Objective } from './objective.js';

export interface GradientCheckOptions {
  /** Relative step (default cbrt(2^-52)). */
  eps?: number;
  /** Check the Hessian-vector product along this many random directions (default 3; 0 skips). */
  hessianDirections?: number;
  /** Seed for the random directions (default 1). */
  seed?: number;
}

export interface GradientCheckResult {
  /** max_j |g_j - fd_j| / max(1, max |g|). */
  gradientError: number;
  /** max over directions of max_j |Hv_j - fd_j| / max(1, max |Hv|); NaN without hessianAt. */
  hessianError: number;
  /** The analytic gradient and the finite-difference one, for inspection. */
  gradient: Float64Array;
  numericGradient: Float64Array;
}

export function checkGradient(f: Objective, w: Float64Array, opts: GradientCheckOptions = {}): GradientCheckResult {
  const n = f.dimension;
  const eps = opts.eps ?? Math.cbrt(2 ** -52);
  const g = new Float64Array(n);
  f.valueAndGradient(w, g);
  const fd = new Float64Array(n);
  const wp = Float64Array.from(w);
  for (let j = 0; j < n; j++) {
    const h = eps * Math.max(1, Math.abs(w[j]!));
    wp[j] = w[j]! + h;
    const fp = f.value(wp);
    wp[j] = w[j]! - h;
    const fm = f.value(wp);
    wp[j] = w[j]!;
    fd[j] = (fp - fm) / (2 * h);
  }
  const gScale = Math.max(1, maxAbs(g));
  let gradientError = 0;
  for (let j = 0; j < n; j++) gradientError = Math.max(gradientError, Math.abs(g[j]! - fd[j]!) / gScale);

  let hessianError = NaN;
  const nDir = opts.hessianDirections ?? 3;
  if (f.hessianAt && nDir > 0) {
    hessianError = 0;
    const H = f.hessianAt(w);
    let state = (opts.seed ?? 1) >>> 0 || 1;
    const rand = () => {
      // xorshift32: a fixed, dependency-free source of directions.
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 4294967296 - 0.5;
    };
    const v = new Float64Array(n);
    const Hv = new Float64Array(n);
    const gp = new Float64Array(n);
    const gm = new Float64Array(n);
    for (let t = 0; t < nDir; t++) {
      for (let j = 0; j < n; j++) v[j] = rand();
      H.apply(v, Hv);
      // Hv ~ (g(w + h v) - g(w - h v)) / 2h
      const h = (eps * Math.max(1, maxAbs(w))) / Math.max(1e-300, maxAbs(v));
      for (let j = 0; j < n; j++) wp[j] = w[j]! + h * v[j]!;
      f.valueAndGradient(wp, gp);
      for (let j = 0; j < n; j++) wp[j] = w[j]! - h * v[j]!;
      f.valueAndGradient(wp, gm);
      const scale = Math.max(1, maxAbs(Hv));
      for (let j = 0; j < n; j++) hessianError = Math.max(hessianError, Math.abs(Hv[j]! - (gp[j]! - gm[j]!) / (2 * h)) / scale);
    }
    wp.set(w);
  }
  return { gradientError, hessianError, gradient: g, numericGradient: fd };
}

function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}
