/**
 * softmax-regression: the public API. Browser-safe: nothing here imports `node:*` or the DOM
 * (file helpers live in `softmax-regression/node`).
 */
export * from './errors.js';
export type { Matrix, FloatArray } from './matrix/matrix.js';
export { DenseMatrix } from './matrix/dense.js';
export { CSRMatrix } from './matrix/csr.js';
export { logSumExp, softmaxInPlace, logSoftmaxInPlace, softmaxCrossEntropyInPlace } from './kernels/softmax.js';
export type { Objective, HessianOperator, NonSmoothTerm } from './objective/objective.js';
export { ParamLayout } from './objective/layout.js';
export { SoftmaxObjective, chooseLossKernel, type SoftmaxObjectiveOptions } from './objective/softmax-objective.js';
export { MatrixLossKernel, type LossKernel } from './kernels/loss-kernel.js';
export { WasmDenseKernel, type Dtype } from './kernels/dense-wasm.js';
export { wasmAvailable, compileWasmKernelsAsync, setWasmDisabled } from './kernels/wasm.js';
export { setDenseKernelProvider, type DenseKernelProvider } from './kernels/provider.js';
export { checkGradient, type GradientCheckResult, type GradientCheckOptions } from './objective/check-gradient.js';
export type { Solver, SolveOptions, SolveResult, StopReason, IterationInfo, IterationCallback } from './solvers/solver.js';
export { lbfgs, type LbfgsOptions } from './solvers/lbfgs.js';
export { newtonCg, type NewtonCgOptions } from './solvers/newton-cg.js';
export { strongWolfe } from './solvers/line-search.js';
export { SOLVERS, solverNames, type PenaltyName, type SolverEntry } from './solvers/registry.js';
export type { FiniteSumObjective } from './objective/objective.js';
export { LinearFiniteSum, softmaxRowLoss, logisticRowLoss, type RowLoss } from './objective/finite-sum.js';
export { l1Term, groupLassoTerm, splitPenalty, compositeGradientNorm } from './objective/penalty.js';
export { gd, type GdOptions } from './solvers/gd.js';
export { sgd, adam, adagrad, rmsprop, type StochasticOptions } from './solvers/stochastic.js';
export { sgdRule, momentumRule, adamRule, adagradRule, rmspropRule, makeSchedule, type UpdateRule, type UpdateState, type Schedule, type ScheduleName } from './solvers/update-rules.js';
export { newton, NEWTON_MAX_DIMENSION } from './solvers/newton.js';
export { trustRegion, type TrustRegionOptions } from './solvers/trust-region.js';
export { sag, saga, sagStepSize, type SagOptions } from './solvers/sag.js';
export { fista, type ProximalOptions } from './solvers/proximal.js';
export { regularizationPath, defaultCs, type PathPoint, type PathResult } from './model/path.js';
export { SoftmaxRegressionCV, stratifiedFolds, type SoftmaxRegressionCVOptions, type CVScoring } from './model/cv.js';
export { fitScaler, applyScaler, type ScalerState, type ScaleKind } from './preprocess/scaler.js';
export { fitFeatureMap, applyFeatureMap, featureMapNames, checkFeatureMapSpec, splitTerms, type FeatureMapSpec, type FeatureMapState } from './preprocess/features.js';
export { SoftmaxRegression, type FitOptions, type FitResult } from './model/softmax-regression.js';
export { DEFAULT_OPTIONS, resolveOptions, type SoftmaxRegressionOptions, type ClassWeight } from './model/options.js';
export { MODEL_FORMAT, MODEL_VERSION, type ModelJSON, type FitSummaryJSON } from './model/serialize.js';
export type { Label, MatrixLike } from './model/input.js';
export * from './metrics/index.js';
export type { Dataset } from './data/dataset.js';
export { parseCsv, csvColumns, type CsvOptions } from './data/csv.js';
export { parseLibSvm, type LibSvmOptions } from './data/libsvm.js';
export { parseIdx, encodeIdx, mnistFromIdx, type IdxArray, type IdxType, type MnistOptions } from './data/idx.js';
export { parseCifar10, CIFAR_PIXELS, CIFAR_RECORD } from './data/cifar.js';
export { looksGzipped } from './data/gzip.js';
export { stratifiedSplit, stratifiedKFold, subsetDataset, type Split } from './data/split.js';
export { makeRng, makeRngUint32, xoshiro128StarStar, randomInt, shuffleInPlace } from './random.js';
