/**
 * `softmax-regression/solvers`: the building blocks under the model, for running a solver on your own
 * objective, checking a gradient, or composing an update rule. The model, CV, readers, metrics and errors
 * are the root entry (src/index.ts). Browser-safe like the root.
 */
// The objective: the one interface solvers see, the softmax loss behind it, penalties, gradient check.
export type { Objective, HessianOperator, NonSmoothTerm, FiniteSumObjective } from '../objective/objective.js';
export { ParamLayout } from '../objective/layout.js';
export { SoftmaxObjective, type SoftmaxObjectiveOptions } from '../objective/softmax-objective.js';
export { LinearFiniteSum, softmaxRowLoss, logisticRowLoss, binomialRowLoss, type RowLoss, type LinearFiniteSumOptions } from '../objective/finite-sum.js';
export type { SparseRows } from '../matrix/matrix.js';
export { l1Term, groupLassoTerm, splitPenalty, compositeGradientNorm, type PenaltySplit } from '../objective/penalty.js';
export { checkGradient, type GradientCheckResult, type GradientCheckOptions } from '../objective/check-gradient.js';

// The solvers, their contract, the registry that describes them, and the pieces they are made of.
export type { Solver, SolveOptions, SolveResult, StopReason, IterationInfo, IterationCallback } from './solver.js';
export {
  SOLVERS,
  SOLVER_TABLE,
  SOLVER_NAMES,
  PENALTIES,
  solverNames,
  solversReading,
  solversFor,
  type PenaltyName,
  type SolverEntry,
  type SolverName,
  type SolverKnobs,
  type SolverOptionName,
  type SolveContext,
  type MultiClass,
} from './registry.js';
export { SolveRun, CountedObjective, type IterationFields, type EndFlags, type ResultFields } from './run.js';
export { lbfgs, type LbfgsOptions } from './lbfgs.js';
export { newtonCg, type NewtonCgOptions } from './newton-cg.js';
export { newton, NEWTON_MAX_DIMENSION } from './newton.js';
export { trustRegion, type TrustRegionOptions } from './trust-region.js';
export { gd, type GdOptions } from './gd.js';
export { fista, type ProximalOptions } from './proximal.js';
export { sag, saga, sagStepSize, type SagOptions } from './sag.js';
export { sgd, adam, adagrad, rmsprop, minibatchSolver, type StochasticOptions } from './stochastic.js';
export { strongWolfe, searchAlong, type Differentiable, type LineFunction, type LineSearchOptions, type LineSearchResult } from './line-search.js';
export {
  chain,
  traceMomentum,
  scaleByAdam,
  scaleByAdagrad,
  scaleByRms,
  scaleByLearningRate,
  sgdRule,
  adamRule,
  adagradRule,
  rmspropRule,
  makeSchedule,
  type GradientTransformation,
  type UpdateRule,
  type UpdateContext,
  type Schedule,
  type ScheduleName,
  type ScheduleOptions,
  type MomentumState,
  type AccumulatorState,
  type AdamState,
} from './update-rules.js';

// Kernels: plain loops on typed arrays, and the WebAssembly backends the objective picks per fit.
export { logSumExp, softmaxInPlace, logSoftmaxInPlace, softmaxCrossEntropyInPlace } from '../kernels/softmax.js';
export { dot, axpy, scale, maxAbs } from '../kernels/vector.js';
export { wasmAvailable, compileWasmKernelsAsync, type WasmVariant } from '../kernels/wasm.js';
export { MatrixLossKernel, type LossKernel } from '../backends/loss-kernel.js';
export { WasmDenseKernel, type Dtype } from '../backends/dense-wasm.js';
export { AUTO_THREADS_MIN_WORK, POOL_START_MIN_WORK, resolveThreads, setThreadHost, threadHost, type ThreadHost, type Threads } from '../backends/provider.js';

// The core helpers: label encoding, seeded randomness, the stratified folds the model's CV uses.
export { uniqueSortedLabels, encodeLabels } from '../core/labels.js';
export { makeRng, makeRngUint32, xoshiro128StarStar, randomInt, shuffleInPlace } from '../core/random.js';
export { stratifiedFolds } from '../core/stratify.js';
