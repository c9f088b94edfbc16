/**
 * Non-smooth penalties as NonSmoothTerm (value + proximal operator), acting on the coefficient block W
 * (indices [0, K*d)); intercepts are never penalized. The smooth part (including elastic net's L2 half)
 * stays in the smooth objective, so proximal solvers see F(w) = smooth(w) + R(w):
 *
 *   l1:          R(W) = lambda ||W||_1                   prox: soft-threshold  sign(w) max(|w| - t lambda, 0)
 *   elasticnet:  R(W) = lambda r ||W||_1 (L2 half (1-r) lambda/2 ||W||^2 in the smooth part)
 *   group-lasso: R(W) = lambda sum_j ||W[:, j]||_2       (one Euclidean norm per feature across its K class
 *                coefficients: glmnet's "grouped" multinomial; a feature is in or out for every class)
 *                prox: block soft-threshold  W[:, j] max(1 - t lambda / ||W[:, j]||, 0)
 *
 * with lambda = 1/C in the summed-loss convention (scikit-learn's: sum_i nll_i + (1/C)||W||_1).
 */
import { OptionError } from '../errors.js';
import type { NonSmoothTerm } from './objective.js';

/** lambda ||w[0:nPenalized)||_1. */
export function l1Term(lambda: number, nPenalized: number): NonSmoothTerm {
  return {
    name: 'l1',
    nPenalized,
    l1: lambda,
    value(w) {
      let s = 0;
      for (let j = 0; j < nPenalized; j++) s += Math.abs(w[j]!);
      return lambda * s;
    },
    prox(w, step, out) {
      const t = step * lambda;
      for (let j = 0; j < nPenalized; j++) {
        const v = w[j]!;
        out[j] = v > t ? v - t : v < -t ? v + t : 0;
      }
      if (out !== w) for (let j = nPenalized; j < w.length; j++) out[j] = w[j]!;
    },
    minNormSubgradient(w, g, out) {
      for (let j = 0; j < nPenalized; j++) {
        const v = w[j]!;
        const gj = g[j]!;
        if (v > 0) out[j] = gj + lambda;
        else if (v < 0) out[j] = gj - lambda;
        else out[j] = gj > lambda ? gj - lambda : gj < -lambda ? gj + lambda : 0;
      }
      for (let j = nPenalized; j < w.length; j++) out[j] = g[j]!;
    },
  };
}

/**
 * lambda sum_j sqrt(sum_k W[k, j]^2), W stored row-major K x d (w[k*d + j]).
 */
export function groupLassoTerm(lambda: number, K: number, d: number): NonSmoothTerm {
  const nPenalized = K * d;
  const norm = (w: Float64Array, j: number) => {
    let s = 0;
    for (let k = 0; k < K; k++) s += w[k * d + j]! ** 2;
    return Math.sqrt(s);
  };
  return {
    name: 'group-lasso',
    nPenalized,
    value(w) {
      let s = 0;
      for (let j = 0; j < d; j++) s += norm(w, j);
      return lambda * s;
    },
    prox(w, step, out) {
      const t = step * lambda;
      for (let j = 0; j < d; j++) {
        const nj = norm(w, j);
        const f = nj > t ? 1 - t / nj : 0;
        for (let k = 0; k < K; k++) out[k * d + j] = f * w[k * d + j]!;
      }
      if (out !== w) for (let j = nPenalized; j < w.length; j++) out[j] = w[j]!;
    },
    minNormSubgradient(w, g, out) {
      for (let j = 0; j < d; j++) {
        const nj = norm(w, j);
        if (nj > 0) {
          for (let k = 0; k < K; k++) out[k * d + j] = g[k * d + j]! + (lambda * w[k * d + j]!) / nj;
        } else {
          const gn = norm(g, j);
          const f = gn > lambda ? 1 - lambda / gn : 0;
          for (let k = 0; k < K; k++) out[k * d + j] = f * g[k * d + j]!;
        }
      }
      for (let j = nPenalized; j < w.length; j++) out[j] = g[j]!;
    },
  };
}

export interface PenaltySplit {
  /** L2 strength for the smooth objective. */
  l2: number;
  /** The non-smooth part, or null for a smooth problem. */
  nonSmooth: NonSmoothTerm | null;
}

/**
 * Split a model penalty into its smooth L2 part and its non-smooth part (summed-loss convention):
 *   l2: (1/(2C))||W||^2;  l1: (1/C)||W||_1;  elasticnet: (1/C)(r||W||_1 + (1-r)/2 ||W||^2);
 *   group-lasso: (1/C) sum_j ||W[:, j]||.
 */
export function splitPenalty(penalty: string, C: number, l1Ratio: number, K: number, d: number): PenaltySplit {
  const lambda = 1 / C;
  switch (penalty) {
    case 'none':
      return { l2: 0, nonSmooth: null };
    case 'l2':
      return { l2: lambda, nonSmooth: null };
    case 'l1':
      return { l2: 0, nonSmooth: l1Term(lambda, K * d) };
    case 'elasticnet':
      return { l2: lambda * (1 - l1Ratio), nonSmooth: l1Ratio > 0 ? l1Term(lambda * l1Ratio, K * d) : null };
    case 'group-lasso':
      return { l2: 0, nonSmooth: groupLassoTerm(lambda, K, d) };
    default:
      throw new OptionError('penalty', `unknown penalty '${penalty}'`);
  }
}

/** max |g + dR(w)| (smallest subgradient), or max |g| for a smooth problem. */
export function compositeGradientNorm(term: NonSmoothTerm | null, w: Float64Array, g: Float64Array, scratch: Float64Array): number {
  if (!term) {
    let m = 0;
    for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]!));
    return m;
  }
  if (term.minNormSubgradient) term.minNormSubgradient(w, g, scratch);
  else {
    // Prox-gradient mapping with a tiny step: (w - prox(w - t g)) / t -> the smallest subgradient as t -> 0.
    const t = 1e-10;
    for (let i = 0; i < w.length; i++) scratch[i] = w[i]! - t * g[i]!;
    term.prox(scratch, t, scratch);
    for (let i = 0; i < w.length; i++) scratch[i] = (w[i]! - scratch[i]!) / t;
  }
  let m = 0;
  for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(scratch[i]!));
  return m;
}
