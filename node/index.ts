/** Node.js helpers: files, streams, threads. `import { saveModel } from 'softmax-regression/node'`. */
export { nodeDefaultMaxMemory } from './limits.js';
export { saveModel, loadModel, writeFileAtomic, modelFileChunks } from './model-file.js';
export { writeFileSafe, checkWritable, removeStaleTemps, type WriteData } from './safe-write.js';
export { enableThreads, disableThreads, threadsAvailable, threadedKernel, ThreadedDenseKernel, THREADS_MIN_WORK } from './threads.js';
export {
  readDataset,
  readDatasetAsync,
  readDatasetFromText,
  readDatasetFromStream,
  readBytes,
  formatFromPath,
  sniffTextFormat,
  siblingLabelsPath,
  DATA_FORMATS,
  type DataFormat,
  type ReadDatasetOptions,
} from './io.js';
export { saveSparkModel, loadSparkModel, loadModelAsync, isSparkModelDir } from './spark.js';
export { openParquetFile, readParquetFile, parquetFileSource, looksParquet, PARQUET_ENGINES, type ParquetEngine, type ParquetFileOptions } from './parquet.js';
export {
  loadBuiltinDataset,
  loadFashionMnist,
  fashionMnistDir,
  fashionMnistInstalled,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  isBuiltinDataset,
  builtinDataDir,
  BUILTIN_DATASETS,
  BUILTIN_DATASET_INFO,
  type BuiltinDataset,
  type BuiltinDatasetName,
  type BuiltinDatasetInfo,
} from './datasets.js';
export { startServer, formatAccess, type ServeOptions, type RunningServer } from './serve/server.js';
export { createApp, createHandlers, type AppOptions, type AccessEntry, type Handlers, type ServeVars } from './serve/app.js';
export { Metrics, LATENCY_BUCKETS } from './serve/metrics.js';
export { ModelRegistry, parseModelSpec, loadServedModel, type ModelSpec, type ServedModel } from './serve/registry.js';
export {
  fitFile,
  fitStream,
  openFileCache,
  removeCache,
  type StreamFitOptions,
  type StreamSourceOptions,
  type StreamFitInfo,
  type StreamProgress,
} from './stream/fit.js';
export { FileBlockStore, defaultCacheDir, type CacheMeta, type PassProgress } from './stream/cache.js';
