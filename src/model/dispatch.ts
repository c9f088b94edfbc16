/**
 * From model options to one solver call: the smooth objective plus its non-smooth term, the context every
 * solver may use (tolerance scaled to the summed objective, the seeded stream, the early-stopping split),
 * and the solver's own options, which its registry entry maps from the model's (src/solvers/registry.ts). softmax-regression.ts and ovr.ts both come through here, so every
 * solver sees the same problem whichever multi-class strategy is used.
 */
import type { Matrix } from '../matrix/matrix.js';
import { binomialRowLoss, LinearFiniteSum, softmaxRowLoss } from '../objective/finite-sum.js';
import type { FiniteSumObjective, NonSmoothTerm } from '../objective/objective.js';
import { compositeGradientNorm, splitPenalty } from '../objective/penalty.js';
import { SOLVERS, type SolveContext } from '../solvers/registry.js';
import { stopMessage, type IterationCallback, type IterationInfo, type SolveResult } from '../solvers/solver.js';
import { maxAbs } from '../kernels/vector.js';
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
  if (o.maxIter === 0 && (!entry.stochastic || o.epochs === null)) return startingPoint(objective, nonSmooth, w0);
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
  const context: SolveContext = { gtol, gapTol: gapTolerance(o.tol), tol: o.tol, sumWeights: train.sumWeights, rng, nonSmooth, validation, onIteration };
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
    // The solver tests max|dF/du| (u = T^-1 w) against its tolerance; the fit is converged only when
    // max|dF/dw|, the gradient of the user's problem, is below gtol. g_w = T^-T g_u can be larger than g_u
    // (by up to max_j s_j + |m_j|), so when the first is not yet small enough the solve continues from
    // where it stopped with the scaled tolerance tightened by the observed ratio (a few rounds at most;
    // each costs one extra pass for g_w).
    const g = new Float64Array(w0.length);
    let u = pre.fromOriginal(w0);
    let tolU = gtol;
    let used = 0;
    let r: SolveResult | null = null;
    let w = w0;
    let gw = Infinity;
    const history: IterationInfo[] = [];
    const totals = { functionEvaluations: 0, gradientEvaluations: 0, hessianVectorProducts: 0, elapsedMs: 0 };
    for (let round = 0; round < 6; round++) {
      const ri = entry.solver.solve(pre, u, entry.configure({ ...o, maxIter: Math.max(1, o.maxIter - used) }, { ...context, gtol: tolU, onIteration: cb }));
      for (const h of ri.history) history.push({ ...h, iteration: h.iteration + used });
      used += ri.iterations;
      totals.functionEvaluations += ri.functionEvaluations + 1;
      totals.gradientEvaluations += ri.gradientEvaluations + 1;
      totals.hessianVectorProducts += ri.hessianVectorProducts;
      totals.elapsedMs += ri.elapsedMs;
      r = ri;
      u = ri.w;
      w = pre.toOriginal(u);
      train.valueAndGradient(w, g);
      gw = maxAbs(g);
      if (ri.stopReason !== 'gradient-tolerance' || gw <= gtol || used >= o.maxIter || !(ri.gradientNorm > 0)) break;
      tolU = Math.min(tolU, ri.gradientNorm) * (gtol / gw) * 0.5;
    }
    const last = r!;
    const converged = last.converged && (last.stopReason !== 'gradient-tolerance' || gw <= gtol);
    return {
      ...last,
      ...totals,
      w,
      iterations: used,
      history,
      converged,
      dataPasses: train.dataPasses,
      gradientNorm: gw,
      preconditionedGradientNorm: last.gradientNorm,
      message: `${converged || last.stopReason !== 'gradient-tolerance' ? last.message : 'did not converge: the preconditioned gradient met its tolerance, the original one did not'}; max|dF/dw| = ${gw.toExponential(3)} (tol ${gtol.toExponential(3)}) in the original coordinates, max|dF/du| = ${last.gradientNorm.toExponential(3)} in the preconditioned ones the solver tests`,
    };
  }
  return entry.solver.solve(train, w0, entry.configure(o, context));
}

/**
 * The objective half of the default stopping rule, from the same `tol`: a solver with a curvature model
 * (lbfgs) is converged only when, besides max|dF/dw| <= tol * sum(s), its estimate of the decrease still to
 * come is at most GAP_FACTOR * tol^2 relative to the objective (1e-9 at the default tol 1e-4), floored at
 * 1e-15 (the rounding of a summed objective). The gradient test alone left the default fit up to 6e-4 above
 * the optimum on digits (the gap after a gradient test scales as dimension x tol^2 x sum(s) / curvature);
 * scikit-learn 1.2.1's lbfgs (gtol 1e-4 on the summed objective, SciPy's ftol 2.2e-9 on the decrease) ends
 * within about 1e-7 of it. See docs/solvers.md (stopping rule).
 */
export const GAP_FACTOR = 0.1;
export function gapTolerance(tol: number): number {
  return tol > 0 ? Math.max(GAP_FACTOR * tol * tol, 1e-15) : 0;
}

/**
 * maxIter 0: no iteration, the starting point as it is (zeros, or the warm start), with its objective and
 * gradient norm: a way to inspect the starting state (scikit-learn accepts max_iter=0 for that).
 */
function startingPoint(objective: LinearFiniteSum, nonSmooth: NonSmoothTerm | null, w0: Float64Array): SolveResult {
  const g = new Float64Array(w0.length);
  const value = objective.valueAndGradient(w0, g) + (nonSmooth ? nonSmooth.value(w0) : 0);
  const gradientNorm = compositeGradientNorm(nonSmooth, w0, g, new Float64Array(w0.length));
  return {
    w: Float64Array.from(w0),
    value,
    gradientNorm,
    iterations: 0,
    functionEvaluations: 1,
    gradientEvaluations: 1,
    hessianVectorProducts: 0,
    dataPasses: objective.dataPasses,
    converged: false,
    stopReason: 'max-iterations',
    message: stopMessage('max-iterations', `maxIter is 0: the starting point, max|dF/dw| = ${gradientNorm.toExponential(3)}`),
    history: [],
    elapsedMs: 0,
  };
}

/**
 * The binomial problem (two classes, scikit-learn's binary model): one score z = w.x + b per row,
 * F(w, b) = sum_i s_i log(1 + exp(-t_i z_i)) + penalty(w), y01[i] = 1 for classes[1] (t_i = +1), else 0.
 */
export function binomialProblem(M: Matrix, y01: Int32Array, sampleWeight: Float64Array | null, o: SoftmaxRegressionOptions) {
  const { l2, nonSmooth } = splitPenalty(o.penalty, o.C, o.l1Ratio ?? 0, 1, M.cols);
  const objective = new LinearFiniteSum(M, y01, binomialRowLoss, { l2, fitIntercept: o.fitIntercept, sampleWeight, kernel: o.backend });
  return { objective, nonSmooth };
}

/** The multinomial problem for a model's options. */
export function multinomialProblem(M: Matrix, yIdx: Int32Array, K: number, sampleWeight: Float64Array | null, o: SoftmaxRegressionOptions) {
  const { l2, nonSmooth } = splitPenalty(o.penalty, o.C, o.l1Ratio ?? 0, K, M.cols);
  const objective = new LinearFiniteSum(M, yIdx, softmaxRowLoss(K), { l2, fitIntercept: o.fitIntercept, sampleWeight, kernel: o.backend, threads: o.threads });
  return { objective, nonSmooth };
}
