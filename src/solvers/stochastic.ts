/**
 * Mini-batch stochastic gradient methods (sgd, momentum, Nesterov, adam, adagrad, rmsprop) on a
 * finite-sum objective. They minimize the mean form f(w) = F(w) / S (S = sum of sample weights), so the
 * learning rate means the same thing whatever n is. One epoch = one seeded shuffle of the rows, then
 * ceil(n / batchSize) updates w <- w - rule(g_B), with the unbiased mini-batch gradient
 *
 *   g_B = (n / (S |B|)) sum_{i in B} s_i grad l_i(w) + (l2 / S) W
 *
 * and, for penalties with a prox (L1, elastic net, group lasso; plain sgd only), a proximal step
 * w <- prox_{lr R / S}(w) after each update (proximal SGD).
 *
 * After every epoch the exact objective and gradient are computed (one pass: history and the stop rule
 * are about the true problem, not a noisy estimate). Stopping, in this order:
 *   - max|grad F| <= gtol                                     -> 'gradient-tolerance' (converged)
 *   - early stopping (a validation objective given): its loss has not improved by more than
 *     earlyStoppingTol * S_val for nIterNoChange epochs; the best weights seen are restored -> 'early-stopping'
 *   - otherwise scikit-learn's plateau rule: F has not improved by more than plateauTol * S for
 *     nIterNoChange epochs                                      -> 'function-tolerance'
 *   - maxIter epochs                                            -> 'max-iterations'
 * A constant learning rate leaves noise of order lr in the solution: use a decaying schedule (or sag/saga)
 * to get close to the exact optimum.
 */
import type { FiniteSumObjective, NonSmoothTerm, Objective } from '../objective/objective.js';
import { compositeGradientNorm } from '../objective/penalty.js';
import { shuffleInPlace } from '../core/random.js';
import { gradDetail, makeResult } from './result.js';
import { callbackStops, now, type IterationInfo, type SolveOptions, type SolveResult, type Solver, type StopReason } from './solver.js';
import { makeSchedule, type Schedule, type UpdateRule } from './update-rules.js';

export interface StochasticOptions extends SolveOptions {
  /** Uniform [0, 1) generator; the only source of randomness (seed it for repeatable runs). */
  rng: () => number;
  rule: UpdateRule;
  /** Initial learning rate on the mean objective. */
  learningRate: number;
  schedule?: Schedule;
  /** Rows per update (default 32, Keras' default). */
  batchSize?: number;
  /** Epochs without improvement before stopping (default 5, scikit-learn's n_iter_no_change). */
  nIterNoChange?: number;
  /** Plateau tolerance on the mean objective (0 disables; default 0). */
  plateauTol?: number;
  /** Held-out objective for early stopping (its value is the validation loss). */
  validation?: Objective | null;
  /** Validation improvement tolerance on the mean validation loss (default 1e-4). */
  earlyStoppingTol?: number;
  nonSmooth?: NonSmoothTerm | null;
}

export function isFiniteSum(o: Objective): o is FiniteSumObjective {
  return typeof (o as FiniteSumObjective).rowResidual === 'function' && typeof (o as FiniteSumObjective).addRowGradient === 'function';
}

function makeStochastic(name: string): Solver<StochasticOptions> {
  return {
    name,
    solve(objective: Objective, w0: Float64Array, options: StochasticOptions): SolveResult {
      if (!isFiniteSum(objective)) throw new TypeError(`${name} needs a finite-sum objective (per-sample access)`);
      const t0 = now();
      const P = objective;
      const n = P.nSamples;
      const dim = P.dimension;
      const K = P.nOutputs;
      const nc = K * P.nFeatures;
      const S = P.sumWeights;
      const B = Math.max(1, Math.min(options.batchSize ?? 32, n));
      const schedule = options.schedule ?? makeSchedule('constant');
      const patience = options.nIterNoChange ?? 5;
      const plateauTol = options.plateauTol ?? 0;
      const R = options.nonSmooth ?? null;
      const val = options.validation ?? null;
      const valScale = val && 'sumWeights' in val ? (val as FiniteSumObjective).sumWeights : 1;
      const esTol = options.earlyStoppingTol ?? 1e-4;
      const keepHistory = options.history !== false;
      const state = options.rule.init(dim);
      const w = Float64Array.from(w0);
      const G = new Float64Array(dim);
      const gFull = new Float64Array(dim);
      const scratch = new Float64Array(dim);
      const z = new Float64Array(K);
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const history: IterationInfo[] = [];
      let fevals = 0;
      let updates = 0;
      let F = objective.valueAndGradient(w, gFull);
      fevals++;
      let gnorm = compositeGradientNorm(R, w, gFull, scratch);
      if (R) F += R.value(w);
      let bestF = F;
      let bestVal = val ? val.value(w) : Infinity;
      const bestW = val ? Float64Array.from(w) : null;
      let noImprove = 0;
      let epoch = 0;
      let lr = options.learningRate;
      let reason: StopReason | null = null;
      let detail = '';
      if (!Number.isFinite(F)) reason = 'non-finite';
      else if (gnorm <= options.gtol) reason = 'gradient-tolerance';
      while (reason === null) {
        if (epoch >= options.maxIter) {
          reason = 'max-iterations';
          break;
        }
        // A seeded shuffle of the visiting order, continuing from the previous epoch's order.
        shuffleInPlace(order, options.rng);
        for (let start = 0; start < n; start += B) {
          const end = Math.min(n, start + B);
          lr = schedule(options.learningRate, epoch + start / n);
          G.fill(0);
          for (let t = start; t < end; t++) {
            const i = order[t]!;
            P.rowScores(i, w, z);
            P.rowResidual(i, z);
            P.addRowGradient(i, z, 1, G);
          }
          const c = n / (S * (end - start));
          for (let j = 0; j < dim; j++) G[j]! *= c;
          if (P.l2 !== 0) for (let j = 0; j < nc; j++) G[j]! += (P.l2 / S) * w[j]!;
          updates++;
          state.apply(G, lr, updates);
          for (let j = 0; j < dim; j++) w[j]! -= G[j]!;
          if (R) R.prox(w, lr / S, w);
        }
        epoch++;
        F = objective.valueAndGradient(w, gFull);
        fevals++;
        gnorm = compositeGradientNorm(R, w, gFull, scratch);
        if (R) F += R.value(w);
        const info: IterationInfo = { iteration: epoch, value: F, gradientNorm: gnorm, step: lr, evaluations: fevals, dataPasses: objective.dataPasses, elapsedMs: now() - t0 };
        let vloss: number | undefined;
        if (val) {
          vloss = val.value(w);
          info.validationLoss = vloss / valScale;
        }
        if (keepHistory) history.push(info);
        if (!Number.isFinite(F) || !Number.isFinite(gnorm)) {
          reason = 'non-finite';
          detail = `learning rate ${options.learningRate} is too large for this problem: lower learningRate (or standardize the features)`;
          break;
        }
        if (gnorm <= options.gtol) {
          reason = 'gradient-tolerance';
          break;
        }
        if (val) {
          if (vloss! < bestVal - esTol * valScale) {
            bestVal = vloss!;
            bestW!.set(w);
            noImprove = 0;
          } else if (++noImprove >= patience) {
            reason = 'early-stopping';
            detail = `validation loss did not improve for ${patience} epochs; kept the best weights (validation loss ${(bestVal / valScale).toPrecision(6)})`;
            w.set(bestW!);
            F = objective.valueAndGradient(w, gFull);
            fevals++;
            gnorm = compositeGradientNorm(R, w, gFull, scratch);
            if (R) F += R.value(w);
            break;
          }
        } else if (plateauTol > 0) {
          if (F < bestF - plateauTol * S) noImprove = 0;
          else if (++noImprove >= patience) {
            reason = 'function-tolerance';
            detail = `the objective improved by less than tol x S for ${patience} epochs (max|g| = ${gnorm.toExponential(3)})`;
            break;
          }
        }
        bestF = Math.min(bestF, F);
        if (callbackStops(options.onIteration, info, w)) reason = 'callback';
      }
      return makeResult(w, F, gnorm, reason, detail || gradDetail(gnorm, options.gtol, epoch, ` (epochs), ${updates} updates`), { iterations: epoch, functionEvaluations: fevals, gradientEvaluations: fevals, hessianVectorProducts: 0 }, objective.dataPasses, history, now() - t0);
    },
  };
}

export const sgd = makeStochastic('sgd');
export const adam = makeStochastic('adam');
export const adagrad = makeStochastic('adagrad');
export const rmsprop = makeStochastic('rmsprop');
