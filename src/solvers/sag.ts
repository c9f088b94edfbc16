/**
 * SAG (Schmidt, Le Roux & Bach 2017) and SAGA (Defazio, Bach & Lacoste-Julien 2014) on the mean form
 * f(w) = (1/n) sum_i f_i(w) + R(w)/S, with f_i = (n s_i / S) l_i(w) + (alpha/2)||W||^2, alpha = l2/S
 * (so f = F/S). For a linear model grad l_i = r_i (x) [x_i; 1] with r_i = dl/dz (K numbers), so the memory
 * is the n x K table of the last r_i seen, not n gradients; sumG = sum_i r_i (x) [x_i; 1].
 *
 * One step, sample i drawn uniformly with replacement (seeded), delta = r_i(w) - r_i(memory):
 *   SAG:   sumG += delta (x) x_i;   W <- (1 - gamma alpha) W - gamma sumG_W / n;   b <- b - gamma sumG_b / n
 *   SAGA:  w <- prox_{gamma R/S}( w - gamma (delta (x) x_i + sumG / n + alpha W) );   sumG += delta (x) x_i
 * The memory starts with one full pass at w0 (so both estimators average all n gradients from the start).
 *
 * Step size, scikit-learn's get_auto_step_size:
 *   L = 0.25 (max_i c_i (||x_i||^2 + fitIntercept)) + alpha,  c_i = n s_i / S  (1 without weights)
 *   SAG: gamma = 1 / L;   SAGA: gamma = 1 / (2 L + min(2 n alpha, L))
 * 0.25 is the logistic curvature bound; scikit-learn uses it for multinomial too, where the true bound is
 * 0.5 (the stepSizeScale option can halve the step if a problem oscillates). The c_i factor (not in
 * scikit-learn) keeps the step safe with large sample weights.
 *
 * Stopping: the SAG average sumG/n + alpha W estimates grad f at stale points; once its (composite) max
 * norm times S is below gtol, one exact pass checks the true gradient, and only that ends the solve.
 *
 * Dense X: each step updates all K (d+1) parameters. Sparse X (CSR): just-in-time updates (sag-lazy.ts)
 * touch only the row's features, K (nnz_i + 1) per step, with the same steps in exact arithmetic.
 */
import { OptionError } from '../errors.js';
import { isFiniteSum, type FiniteSumObjective, type NonSmoothTerm, type Objective } from '../objective/objective.js';
import { compositeGradientNorm } from '../objective/penalty.js';
import { SolveRun } from './run.js';
import { LazySag, lazyRows, type LazySagParams } from './sag-lazy.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';

export interface SagOptions extends SolveOptions {
  rng: () => number;
  nonSmooth?: NonSmoothTerm | null;
  /** Multiply the automatic step by this (default 1). */
  stepSizeScale?: number;
  /**
   * Just-in-time updates on sparse X (default true: WebAssembly loops where available). For tests: false
   * forces the dense steps, 'js' the TypeScript loops.
   */
  lazy?: boolean | 'js';
}

/** scikit-learn's curvature constant in get_auto_step_size for log losses. */
const SKLEARN_LOG_CURVATURE = 0.25;

export function sagStepSize(P: FiniteSumObjective, saga: boolean): number {
  const n = P.nSamples;
  const S = P.sumWeights;
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, ((n * P.weight(i)) / S) * (P.rowSquaredNorm(i) + (P.fitIntercept ? 1 : 0)));
  const alpha = P.l2 / S;
  const L = SKLEARN_LOG_CURVATURE * m + alpha;
  return saga ? 1 / (2 * L + Math.min(2 * n * alpha, L)) : 1 / L;
}

function makeSag(saga: boolean): Solver<SagOptions> {
  const name = saga ? 'saga' : 'sag';
  return {
    name,
    solve(objective: Objective, w0: Float64Array, options: SagOptions): SolveResult {
      if (!isFiniteSum(objective)) throw new OptionError('solver', `'${name}' needs a finite-sum objective (per-sample access)`, 'INCOMPATIBLE_OPTIONS');
      const run = new SolveRun(objective, options);
      const obj = run.objective;
      const P = objective;
      const R = saga ? (options.nonSmooth ?? null) : null;
      if (!saga && options.nonSmooth)
        throw new OptionError('penalty', `solver 'sag' does not support a non-smooth penalty; use 'saga'`, 'INCOMPATIBLE_OPTIONS');
      const n = P.nSamples;
      const dim = P.dimension;
      const K = P.nOutputs;
      const nc = K * P.nFeatures;
      const S = P.sumWeights;
      const alpha = P.l2 / S;
      const gamma = sagStepSize(P, saga) * (options.stepSizeScale ?? 1);
      const w = Float64Array.from(w0);
      const mem = new Float64Array(n * K);
      const lossMem = new Float64Array(n);
      const sumG = new Float64Array(dim);
      const step = new Float64Array(dim);
      const est = new Float64Array(dim);
      const gFull = new Float64Array(dim);
      const scratch = new Float64Array(dim);
      const z = new Float64Array(K);
      const delta = new Float64Array(K);
      const cScale = n / S;
      const sparse = options.lazy === false ? null : lazyRows(P, R, saga);
      const lazyParams: LazySagParams = { saga, gamma, alpha, tau: R ? (gamma * R.l1!) / S : 0, cScale };
      const lazy = sparse && LazySag.usable(lazyParams) ? new LazySag(P, sparse, lazyParams, w, options.lazy === 'js' ? 'js' : 'auto') : null;
      // Memory from one pass at w0.
      if (lazy) {
        lazy.init(mem, lossMem);
        lazy.writeSumG(sumG);
      } else {
        for (let i = 0; i < n; i++) {
          P.rowScores(i, w, z);
          lossMem[i] = P.rowResidual(i, z);
          for (let k = 0; k < K; k++) mem[i * K + k] = cScale * z[k]!;
          P.addRowGradient(i, mem.subarray(i * K, i * K + K), 1, sumG);
        }
      }
      let reason: StopReason | null = null;
      let F = NaN;
      let gnorm = Infinity;
      let lastExactEpoch = -1;
      const penaltyValue = (v: Float64Array) => {
        let s2 = 0;
        for (let j = 0; j < nc; j++) s2 += v[j]! * v[j]!;
        return 0.5 * P.l2 * s2 + (R ? R.value(v) : 0);
      };
      while (reason === null) {
        // Gradient estimate at the current point from the memory: (sumG/n + alpha W) * S (summed scale).
        for (let j = 0; j < dim; j++) est[j] = (sumG[j]! / n + (j < nc ? alpha * w[j]! : 0)) * S;
        const estNorm = compositeGradientNorm(R, w, est, scratch);
        let lossSum = 0;
        for (let i = 0; i < n; i++) lossSum += lossMem[i]!;
        let Fest = lossSum + penaltyValue(w);
        let exact = false;
        if (estNorm <= options.gtol && lastExactEpoch !== run.iterations) {
          F = obj.valueAndGradient(w, gFull);
          lastExactEpoch = run.iterations;
          gnorm = compositeGradientNorm(R, w, gFull, scratch);
          if (R) F += R.value(w);
          Fest = F;
          exact = true;
        } else gnorm = estNorm;
        // Convergence is decided on an exact gradient only; the estimate just says when to compute one.
        if (run.iterations > 0) reason = run.endIteration({ value: Fest, gradientNorm: gnorm, step: gamma }, w, NaN, { gradientFresh: exact });
        // At the start the memory is one full pass at w0, so the estimate is exact: the usual start test.
        else reason = run.start(Fest, gnorm);
        if (reason !== null) break;
        if (run.iterations >= options.maxIter) {
          reason = 'max-iterations';
          break;
        }
        run.iterations++;
        if (lazy) {
          lazy.epoch(options.rng, mem, lossMem);
          lazy.writeParams(w);
          lazy.writeSumG(sumG);
          continue;
        }
        for (let it = 0; it < n; it++) {
          const i = Math.floor(options.rng() * n);
          P.rowScores(i, w, z);
          lossMem[i] = P.rowResidual(i, z);
          const off = i * K;
          for (let k = 0; k < K; k++) {
            const rk = cScale * z[k]!;
            delta[k] = rk - mem[off + k]!;
            mem[off + k] = rk;
          }
          if (saga) {
            // step = delta (x) x_i + sumG/n + alpha W, using sumG before this sample's update.
            for (let j = 0; j < dim; j++) step[j] = sumG[j]! / n;
            for (let j = 0; j < nc; j++) step[j]! += alpha * w[j]!;
            P.addRowGradient(i, delta, 1, step);
            for (let j = 0; j < dim; j++) w[j]! -= gamma * step[j]!;
            if (R) R.prox(w, gamma / S, w);
            P.addRowGradient(i, delta, 1, sumG);
          } else {
            P.addRowGradient(i, delta, 1, sumG);
            const shrink = 1 - gamma * alpha;
            for (let j = 0; j < nc; j++) w[j] = shrink * w[j]! - (gamma / n) * sumG[j]!;
            for (let j = nc; j < dim; j++) w[j]! -= (gamma / n) * sumG[j]!;
          }
        }
      }
      if (!Number.isFinite(F) || lastExactEpoch !== run.iterations) {
        F = obj.valueAndGradient(w, gFull);
        gnorm = compositeGradientNorm(R, w, gFull, scratch);
        if (R) F += R.value(w);
      }
      return run.result({ w, value: F, gradientNorm: gnorm, reason, note: ` (epochs), step ${gamma.toExponential(3)}` });
    },
  };
}

export const sag = makeSag(false);
export const saga = makeSag(true);
