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
import { OptionError } from '../errors.js';
import { isFiniteSum, type NonSmoothTerm, type Objective } from '../objective/objective.js';
import { compositeGradientNorm } from '../objective/penalty.js';
import { shuffleInPlace } from '../core/random.js';
import { axpy, scale } from '../kernels/vector.js';
import { SolveRun } from './run.js';
import type { SolveOptions, SolveResult, Solver, StopReason } from './solver.js';
import { adagradRule, adamRule, makeSchedule, rmspropRule, sgdRule, type Schedule, type UpdateRule } from './update-rules.js';

export interface StochasticOptions extends SolveOptions {
  /** Uniform [0, 1) generator; the only source of randomness (seed it for repeatable runs). */
  rng: () => number;
  /** Initial learning rate on the mean objective. */
  learningRate: number;
  /** The update rule (update-rules.ts); default: the solver's own, e.g. adamRule() for adam. */
  rule?: UpdateRule;
  /** sgd's heavy-ball momentum beta in [0, 1) and Nesterov's variant (the default rule of sgd reads them). */
  momentum?: number;
  nesterov?: boolean;
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

/**
 * The mini-batch loop around an update rule. Each exported solver is this loop composed with its rule
 * (optax's alias.py): the loop knows nothing of momentum or moments, the rule nothing of batches.
 */
export function minibatchSolver(
  name: string,
  defaultRule: (o: StochasticOptions) => UpdateRule,
): Solver<StochasticOptions> & { defaultRule: (o: StochasticOptions) => UpdateRule } {
  return {
    name,
    // Exposed so loops over other data layouts (streamed epochs, partialFit in src/stream) use the same rule.
    defaultRule,
    solve(objective: Objective, w0: Float64Array, options: StochasticOptions): SolveResult {
      if (!isFiniteSum(objective)) throw new OptionError('solver', `'${name}' needs a finite-sum objective (per-sample access)`, 'INCOMPATIBLE_OPTIONS');
      const run = new SolveRun(objective, options);
      const obj = run.objective;
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
      const valScale = val && 'sumWeights' in val ? (val as { sumWeights: number }).sumWeights : 1;
      const esTol = options.earlyStoppingTol ?? 1e-4;
      const rule = options.rule ?? defaultRule(options);
      let ruleState: unknown = rule.init(dim);
      const w = Float64Array.from(w0);
      const G = new Float64Array(dim);
      const gFull = new Float64Array(dim);
      const scratch = new Float64Array(dim);
      const z = new Float64Array(K);
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      let updates = 0;
      /** F (with R) and the composite gradient norm at w, from one exact pass. */
      const exact = (): [number, number] => {
        let f = obj.valueAndGradient(w, gFull);
        const gn = compositeGradientNorm(R, w, gFull, scratch);
        if (R) f += R.value(w);
        return [f, gn];
      };
      let [F, gnorm] = exact();
      let bestF = F;
      let bestVal = val ? val.value(w) : Infinity;
      const bestW = val ? Float64Array.from(w) : null;
      let noImprove = 0;
      let lr = options.learningRate;
      let detail = '';
      let reason: StopReason | null = run.start(F, gnorm);
      while (reason === null) {
        if (run.iterations >= options.maxIter) {
          reason = 'max-iterations';
          break;
        }
        const epoch = run.iterations;
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
          scale(n / (S * (end - start)), G);
          if (P.l2 !== 0) axpy(P.l2 / S, w.subarray(0, nc), G.subarray(0, nc));
          updates++;
          // The rule turns G into the step, in place.
          ruleState = rule.update(G, ruleState, { learningRate: lr }).state;
          axpy(-1, G, w);
          if (R) R.prox(w, lr / S, w);
        }
        run.iterations++;
        const fPrev = F;
        [F, gnorm] = exact();
        const fields: { value: number; gradientNorm: number; step: number; validationLoss?: number } = { value: F, gradientNorm: gnorm, step: lr };
        const vloss = val ? val.value(w) : NaN;
        if (val) fields.validationLoss = vloss / valScale;
        // After the shared tests: early stopping on the validation loss, else scikit-learn's plateau rule.
        const ownStop = (): StopReason | null => {
          if (val) {
            if (vloss < bestVal - esTol * valScale) {
              bestVal = vloss;
              bestW!.set(w);
              noImprove = 0;
            } else if (++noImprove >= patience) {
              detail = `validation loss did not improve for ${patience} epochs; kept the best weights (validation loss ${(bestVal / valScale).toPrecision(6)})`;
              return 'early-stopping';
            }
          } else if (plateauTol > 0) {
            if (F < bestF - plateauTol * S) noImprove = 0;
            else if (++noImprove >= patience) {
              detail = `the objective improved by less than tol x S for ${patience} epochs (max|g| = ${gnorm.toExponential(3)})`;
              return 'function-tolerance';
            }
          }
          bestF = Math.min(bestF, F);
          return null;
        };
        reason = run.endIteration(fields, w, fPrev, { stop: ownStop });
        if (reason === 'non-finite')
          detail = `learning rate ${options.learningRate} is too large for this problem: lower learningRate (or standardize the features)`;
        if (reason === 'early-stopping') {
          w.set(bestW!);
          [F, gnorm] = exact();
        }
      }
      return run.result({ w, value: F, gradientNorm: gnorm, reason, detail, note: ` (epochs), ${updates} updates` });
    },
  };
}

export const sgd = minibatchSolver('sgd', (o) => sgdRule(o.momentum ?? 0, o.nesterov ?? false));
export const adam = minibatchSolver('adam', () => adamRule());
export const adagrad = minibatchSolver('adagrad', () => adagradRule());
export const rmsprop = minibatchSolver('rmsprop', () => rmspropRule());
