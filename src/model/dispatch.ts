/**
 * From model options to one solver call: the smooth objective plus its non-smooth term, the context every
 * solver may use (tolerance scaled to the summed objective, the seeded stream, the early-stopping split),
 * and the solver's own options, which its registry entry maps from the model's (src/solvers/registry.ts). softmax-regression.ts and ovr.ts both come through here, so every
 * solver sees the same problem whichever multi-class strategy is used.
 */
import type { Matrix } from '../matrix/matrix.js';
import { LinearFiniteSum, softmaxRowLoss } from '../objective/finite-sum.js';
import type { FiniteSumObjective, NonSmoothTerm } from '../objective/objective.js';
import { splitPenalty } from '../objective/penalty.js';
import { SOLVERS, type SolveContext } from '../solvers/registry.js';
import type { IterationCallback, IterationInfo, SolveResult } from '../solvers/solver.js';
import { standardizedFor } from '../objective/standardized.js';
import type { SoftmaxRegressionOptions } from './options.js';
import { groupByClass, stratifiedHoldout } from '../core/stratify.js';

/** Run the configured solver on one (smooth objective, non-smooth term) problem. */
export function runSolver(
  objective: LinearFiniteSum,
  nonSmooth: NonSmoothTerm | null,
  w0: Float64Array,
  o: SoftmaxRegressionOptions,
  rng: () => number,
  onIteration?: IterationCallback,
): SolveResult {
  const entry = SOLVERS[o.solver];
  let train: FiniteSumObjective = objective;
  let validation: FiniteSumObjective | null = null;
  if (entry.minibatch && o.earlyStopping) {
    // The validation rows: scikit-learn's SGD early stopping holds out ceil(fraction x n), stratified.
    const { train: tr, test: va } = stratifiedHoldout(groupByClass(objective.y), Math.ceil(o.validationFraction * objective.y.length), rng);
    if (va.length > 0 && tr.length > 0) {
      train = objective.subset(tr);
      validation = objective.subset(va, 0);
    }
  }
  const gtol = o.tol * train.sumWeights;
  const context: SolveContext = { gtol, tol: o.tol, sumWeights: train.sumWeights, rng, nonSmooth, validation, onIteration };
  // A user-set fixed step (gd's learningRate) is defined in the original coordinates: keep them then.
  const fixedStep = !entry.stochastic && o.learningRate != null;
  if (entry.preconditioned && o.precondition && !nonSmooth && !fixedStep) {
    // Solve for u with w = T u: same optimum, far better conditioned when features have large means or
    // different units. The gradient test (gtol) then applies in these scale-free coordinates.
    const lin = train as LinearFiniteSum;
    const alpha = lin.nOutputs === 1 ? 0.25 : (1 / lin.nOutputs) * (1 - 1 / lin.nOutputs);
    const pre = standardizedFor(lin, lin.layout, lin.X, lin.sampleWeight, lin.l2, alpha);
    const userCb = onIteration;
    const wBuf = new Float64Array(w0.length);
    const cb: IterationCallback | undefined = userCb ? (info: IterationInfo, u: Float64Array) => userCb(info, pre.toOriginal(u, wBuf)) : undefined;
    const r = entry.solver.solve(pre, pre.fromOriginal(w0), entry.configure(o, { ...context, onIteration: cb }));
    return { ...r, w: pre.toOriginal(r.w) };
  }
  return entry.solver.solve(train, w0, entry.configure(o, context));
}

/** The multinomial problem for a model's options. */
export function multinomialProblem(M: Matrix, yIdx: Int32Array, K: number, sampleWeight: Float64Array | null, o: SoftmaxRegressionOptions) {
  const { l2, nonSmooth } = splitPenalty(o.penalty, o.C, o.l1Ratio ?? 0, K, M.cols);
  const objective = new LinearFiniteSum(M, yIdx, softmaxRowLoss(K), { l2, fitIntercept: o.fitIntercept, sampleWeight, kernel: o.backend });
  return { objective, nonSmooth };
}
