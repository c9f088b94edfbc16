/**
 * softmax-regression: the public API. The model, cross-validation, the data readers, metrics and errors;
 * the building blocks under them (objective, solvers, kernels, gradient check) are the
 * `softmax-regression/solvers` entry (src/solvers/index.ts). Browser-safe: nothing here imports `node:*` or
 * the DOM (file helpers and threads are `softmax-regression/node`, plots `softmax-regression/plots`).
 */
export * from './errors.js';

// The model.
export {
  SoftmaxRegression,
  fittedMultiClassFor,
  type FitOptions,
  type FitResult,
  type FittedState,
  type FittedMultiClass,
} from './model/softmax-regression.js';
export { DEFAULT_OPTIONS, type SoftmaxRegressionOptions, type ClassWeight, type Backend } from './model/options.js';
export type { Threads } from './backends/provider.js';
export { MODEL_FORMAT, MODEL_VERSION, MODEL_VERSIONS_READ, type ModelJSON, type FitSummaryJSON } from './model/serialize.js';
export type { Label } from './core/labels.js';
export type { MatrixLike } from './model/input.js';
export type { SolverName, PenaltyName } from './solvers/registry.js';
export type { IterationInfo, IterationCallback, StopReason } from './solvers/solver.js';
export {
  resolveLimits,
  setDefaultLimits,
  defaultLimits,
  estimateFitMemory,
  describeEstimate,
  checkFitMemory,
  formatBytes,
  parseByteSize,
  CORE_DEFAULT_MAX_MEMORY,
  type Limits,
  type FitShape,
  type MemoryEstimate,
} from './core/limits.js';
export { toOnnx, fromOnnx, type ToOnnxOptions } from './onnx/index.js';
export {
  toSparkFiles,
  fromSparkFiles,
  sparkParamMap,
  SPARK_LR_CLASS,
  type SparkModelFiles,
  type ToSparkOptions,
  type FromSparkOptions,
} from './spark/model.js';

// Choosing C: cross-validation and regularization paths.
export { SoftmaxRegressionCV, type SoftmaxRegressionCVOptions, type CVScoring } from './model/cv.js';
export { regularizationPath, defaultCs, type PathPoint, type PathResult } from './model/path.js';

// Data: matrices, readers (text/bytes in; files are softmax-regression/node), splits, scaling.
export type { Matrix, FloatArray } from './matrix/matrix.js';
export { DenseMatrix } from './matrix/dense.js';
export { CSRMatrix } from './matrix/csr.js';
export type { Dataset } from './data/dataset.js';
export { parseCsv, csvColumns, csvTextColumns, sniffDelimiter, CsvReader, type CsvOptions } from './data/csv.js';
export { parseLibSvm, LibSvmReader, type LibSvmOptions } from './data/libsvm.js';
export { parseIdx, encodeIdx, mnistFromIdx, type IdxArray, type IdxType, type MnistOptions } from './data/idx.js';
export { parseCifar10, CIFAR_PIXELS, CIFAR_RECORD } from './data/cifar.js';
export { looksGzipped } from './data/gzip.js';
export {
  openParquet,
  readParquet,
  DEFAULT_BLOCK_ROWS,
  type ParquetSource,
  type ParquetReadOptions,
  type ParquetBlockReader,
  type ParquetLayout,
  type DataBlock,
} from './data/parquet.js';
export { stratifiedSplit, stratifiedKFold, subsetDataset, type Split } from './data/split.js';
export { fitScaler, applyScaler, type ScalerState, type ScaleKind } from './preprocess/scaler.js';
export {
  fitFeatureMap,
  applyFeatureMap,
  featureMapNames,
  checkFeatureMapSpec,
  splitTerms,
  type FeatureMapSpec,
  type FeatureMapState,
} from './preprocess/features.js';

// Types that appear in the signatures above (so the API reference can document them).
export type { CVFitStats } from './model/cv.js';

// Metrics.
export * from './metrics/index.js';
export {
  MemoryBlockStore,
  type BlockStore,
  type DataBlock as StreamDataBlock,
  type DenseBlock,
  type SparseBlock,
  type StreamSummary,
  type ColumnSummary,
} from './stream/block.js';
export { FirstPass } from './stream/first-pass.js';
export { StreamObjective, type StreamObjectiveOptions } from './stream/stream-objective.js';
export { STREAM_SOLVERS, scalerFromSummary, blockStoreFromArrays } from './model/stream-fit.js';
