/**
 * Streamed fits from files and async iterables (issue 13): the first pass reads the source in blocks,
 * codes the labels, gathers what the fit needs (src/stream/first-pass.ts) and writes the binary cache
 * (cache.ts); the fit then replays the cache block by block (FileBlockStore) as often as the solver asks.
 * Memory: one block of the source, one block of the cache, the solver's O(K d) state.
 */
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { OptionError } from '../../src/errors.js';
import type { Label } from '../../src/core/labels.js';
import type { MatrixLike } from '../../src/model/input.js';
import type { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import type { IterationCallback } from '../../src/solvers/solver.js';
import type { DataBlock } from '../../src/stream/block.js';
import { FirstPass } from '../../src/stream/first-pass.js';
import { checkStreamOptions } from '../../src/model/stream-fit.js';
import { CacheWriter, cacheName, defaultCacheDir, fileKey, findCache, FileBlockStore, type CacheMeta, type PassProgress } from './cache.js';
import { fileSource, iterableBlocks, type RawBlock, type SourceInfo } from './sources.js';
import { randomBytes } from 'node:crypto';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { CSRMatrix } from '../../src/matrix/csr.js';

export interface StreamProgress extends PassProgress {
  /** First pass: bytes of the source read so far and its size (compressed bytes for gzip). */
  bytes?: number;
  totalBytes?: number;
}

export interface StreamSourceOptions {
  /** 'csv', 'libsvm' or 'parquet' (default: from the extension, else sniffed from the first bytes). */
  format?: 'csv' | 'libsvm' | 'parquet';
  /** CSV: label column name or 0-based index (default the last column). */
  label?: string | number | null;
  /** CSV: feature columns by name. */
  features?: string[];
  /** CSV: field delimiter (default: detected from the header). */
  delimiter?: string;
  /** LibSVM: number of features. */
  nFeatures?: number;
  /** Where the cache goes (default: $SOFTMAX_CACHE_DIR, else <os tmpdir>/softmax-regression-cache). */
  cacheDir?: string;
  /** Element type of the cached values (default: the model's dtype option): 'float32' halves the cache. */
  dtype?: 'float64' | 'float32';
  /** Reuse a complete cache of the same unchanged source (default true; files only). */
  reuseCache?: boolean;
  /** Keep the cache after the fit (default: true for files, so a refit skips the parse; false for iterables). */
  keepCache?: boolean;
  /** Rows per block (default: about 8 MiB of float64 values per block, at least 1024 rows). */
  blockRows?: number;
  /** CSV: the numeric byte-level fast path (default true; false forces the general reader). */
  fastCsv?: boolean;
  /** CSV: worker threads parsing in parallel with the fast path (default 0: the main thread parses). */
  workers?: number;
  /** CSV with workers: bytes per chunk given to a thread (default 4 MiB). */
  chunkBytes?: number;
  /** Called after every block of every pass (the CLI's progress bar). */
  onProgress?: (p: StreamProgress) => void;
}

export interface StreamFitOptions extends StreamSourceOptions {
  onIteration?: IterationCallback;
}

/** What a streamed fit did, for reports and benchmarks. */
export interface StreamFitInfo {
  rows: number;
  columns: number;
  cachePath: string;
  cacheReused: boolean;
  cacheBytes: number;
  cacheDtype: 'float64' | 'float32';
  /** Which CSV parser read the source ('fast', 'general', 'fast+general'), when it was read. */
  parser?: string;
  firstPassMs: number;
  fitMs: number;
  /** Passes over the cache made by the fit (the first pass over the source not included). */
  passes: number;
}

/** The first pass: raw blocks -> coded labels, statistics, the cache. */
async function firstPass(
  blocks: AsyncGenerator<RawBlock>,
  info: SourceInfo,
  dir: string,
  name: string,
  key: Record<string, unknown>,
  dtype: 'float64' | 'float32',
  onProgress?: (p: StreamProgress) => void,
  requireLabels = true,
): Promise<{ meta: CacheMeta; binPath: string }> {
  let pass: FirstPass | null = null;
  let writer: CacheWriter | null = null;
  let shift: Float64Array | null = null;
  let rows = 0;
  try {
    for await (const raw of blocks) {
      if (raw.labels === null && requireLabels)
        throw new OptionError('label', `${info.format === 'blocks' ? 'the blocks have' : 'the data have'} no labels: a fit needs a label column`);
      if (pass === null) {
        const d = raw.kind === 'dense' ? (info.d ?? raw.X.length / Math.max(1, raw.rows)) : raw.width;
        if (raw.kind === 'dense' && dtype === 'float32' && raw.rows > 0) {
          // float32 keeps ~7 digits: store x - c with c the first block's column means, so a column with a
          // large mean keeps the digits that vary (the objective puts c back exactly, through the intercept).
          shift = new Float64Array(d);
          for (let i = 0; i < raw.rows; i++) for (let j = 0; j < d; j++) shift[j]! += raw.X[i * d + j]!;
          for (let j = 0; j < d; j++) shift[j]! /= raw.rows;
        }
        pass = new FirstPass(d, raw.kind === 'csr', shift);
        writer = new CacheWriter(dir, name, dtype, d);
      }
      const labels = raw.labels;
      const codes = labels === null ? new Int32Array(raw.rows) : 'codes' in labels ? pass.codesFromText(labels.codes, labels.texts) : pass.codes(labels.values);
      let block: DataBlock;
      if (raw.kind === 'dense') {
        const d = pass.width;
        if (shift) for (let i = 0; i < raw.rows; i++) for (let j = 0; j < d; j++) raw.X[i * d + j]! -= shift[j]!;
        block = { kind: 'dense', rows: raw.rows, X: raw.X, y: codes };
        pass.add(block);
      } else {
        block = { kind: 'csr', rows: raw.rows, indptr: raw.indptr, indices: raw.indices, data: raw.data, y: codes };
        pass.add(block, raw.width);
      }
      writer!.append(block);
      rows += raw.rows;
      onProgress?.({ pass: 1, rows, totalRows: 0, bytes: info.bytesRead, totalBytes: info.totalBytes });
    }
    if (pass === null || writer === null) throw new OptionError('source', 'the data have no rows');
    const { summary, remap } = pass.finish(info.featureNames);
    if (info.d !== null && summary.sparse && info.d > summary.d) summary.d = info.d;
    const meta = writer.finish(key, summary, remap, shift);
    return { meta, binPath: writer.binPath };
  } catch (e) {
    writer?.abort();
    await blocks.return(undefined);
    throw e;
  }
}

function resolveDtype(model: SoftmaxRegression, dtype: StreamSourceOptions['dtype']): 'float64' | 'float32' {
  const dt = dtype ?? model.options.dtype;
  if (dt !== 'float64' && dt !== 'float32') throw new OptionError('dtype', `must be 'float64' or 'float32', got ${JSON.stringify(dt)}`);
  return dt;
}

/** Build (or find) the cache of a file and return a store over it. */
export async function openFileCache(
  path: string,
  opts: StreamSourceOptions & { dtype: 'float64' | 'float32'; requireLabels?: boolean },
): Promise<{ store: FileBlockStore; reused: boolean; firstPassMs: number; parser?: string }> {
  const dir = opts.cacheDir ?? defaultCacheDir();
  const keyOpts = {
    format: opts.format ?? null,
    label: opts.label ?? null,
    features: opts.features ?? null,
    delimiter: opts.delimiter ?? null,
    nFeatures: opts.nFeatures ?? null,
    dtype: opts.dtype,
    blockRows: opts.blockRows ?? null,
    labels: opts.requireLabels !== false,
  };
  const t0 = performance.now();
  const key = fileKey(path, keyOpts);
  const found = opts.reuseCache === false ? null : findCache(dir, key);
  if (found) return { store: new FileBlockStore(found.binPath, found.meta, opts.onProgress), reused: true, firstPassMs: performance.now() - t0 };
  const src = fileSource(path, opts);
  const built = await firstPass(src.blocks, src.info, dir, cacheName(key), key, opts.dtype, opts.onProgress, opts.requireLabels !== false);
  return { store: new FileBlockStore(built.binPath, built.meta, opts.onProgress), reused: false, firstPassMs: performance.now() - t0, parser: src.info.parser };
}

function fitOnStore(
  model: SoftmaxRegression,
  store: FileBlockStore,
  opts: StreamFitOptions,
  firstPassMs: number,
  reused: boolean,
  parser?: string,
): StreamFitInfo {
  const t1 = performance.now();
  model.fitBlocks(store, { onIteration: opts.onIteration });
  return {
    rows: store.summary.n,
    columns: store.summary.d,
    cachePath: store.binPath,
    cacheReused: reused,
    cacheBytes: store.meta.bytes,
    cacheDtype: store.dtype,
    parser,
    firstPassMs,
    fitMs: performance.now() - t1,
    passes: store.passes,
  };
}

/**
 * Fit `model` on a CSV or LibSVM file (plain or gzip) read in blocks, through a binary cache reused while
 * the file is unchanged (cache.ts says what the key holds). Full-batch solvers reach the optimum `fit`
 * reaches on the same rows; see docs/streaming.md.
 */
export async function fitFile(model: SoftmaxRegression, path: string, opts: StreamFitOptions = {}): Promise<StreamFitInfo> {
  checkStreamOptions(model.options);
  const dtype = resolveDtype(model, opts.dtype);
  const { store, reused, firstPassMs, parser } = await openFileCache(path, { ...opts, dtype });
  try {
    return fitOnStore(model, store, opts, firstPassMs, reused, parser);
  } finally {
    if (opts.keepCache === false) removeCache(store);
  }
}

/**
 * Fit `model` on blocks from an async (or plain) iterable of { X, y } (dense or CSR X, one label per row),
 * consumed once; the rows go to a cache file (deleted after the fit unless keepCache) that the solver
 * replays.
 */
export async function fitStream(
  model: SoftmaxRegression,
  source: AsyncIterable<{ X: MatrixLike; y: ArrayLike<Label> }> | Iterable<{ X: MatrixLike; y: ArrayLike<Label> }>,
  opts: StreamFitOptions = {},
): Promise<StreamFitInfo> {
  checkStreamOptions(model.options);
  const dtype = resolveDtype(model, opts.dtype);
  const dir = opts.cacheDir ?? defaultCacheDir();
  const key = { version: 1, source: 'iterable', id: randomBytes(8).toString('hex'), dtype };
  const info: SourceInfo = { format: 'blocks', d: null, featureNames: null, bytesRead: 0, totalBytes: 0 };
  const t0 = performance.now();
  const built = await firstPass(iterableBlocks(source, info), info, dir, cacheName(key), key, dtype, opts.onProgress);
  const store = new FileBlockStore(built.binPath, built.meta, opts.onProgress);
  try {
    return fitOnStore(model, store, opts, performance.now() - t0, false);
  } finally {
    if (opts.keepCache !== true) removeCache(store);
  }
}

/** Delete a cache's two files. */
export function removeCache(store: FileBlockStore): void {
  rmSync(store.binPath, { force: true });
  rmSync(store.binPath.replace(/\.bin$/, '.json'), { force: true });
}

/**
 * The rows of a store as the model's input matrices, block by block (the stored shift added back):
 * for predictions and metrics over data read in blocks.
 */
export function forEachInputBlock(store: FileBlockStore, fn: (X: DenseMatrix | CSRMatrix, y: Int32Array) => void): void {
  for (const { X, y } of inputBlocks(store)) fn(X, y);
}

/** The same, as a generator. */
export function* inputBlocks(store: FileBlockStore): Generator<{ X: DenseMatrix | CSRMatrix; y: Int32Array }> {
  const d = store.summary.d;
  const shift = store.shift;
  for (const b of store.blocks()) {
    if (b.rows === 0) continue;
    if (b.kind === 'dense') {
      const X = new Float64Array(b.rows * d);
      for (let p = 0; p < X.length; p++) X[p] = b.X[p]!;
      if (shift) for (let i = 0; i < b.rows; i++) for (let j = 0; j < d; j++) X[i * d + j]! += shift[j]!;
      yield { X: new DenseMatrix(b.rows, d, X), y: b.y };
    } else yield { X: new CSRMatrix(b.rows, d, b.indptr, b.indices, Float64Array.from(b.data), false), y: b.y };
  }
}

/** Accuracy and mean log-loss of a fitted model over a store's rows (one pass). */
export function streamMetrics(model: SoftmaxRegression, store: FileBlockStore): { rows: number; accuracy: number; logLoss: number } {
  const classes = store.summary.classes;
  const K = model.classes!.length;
  // Store classes -> model classes (the same list after a fit on this store).
  const pos = new Map(model.classes!.map((c, k) => [c, k]));
  const to = classes.map((c) => pos.get(c) ?? -1);
  let hit = 0;
  let ll = 0;
  let n = 0;
  forEachInputBlock(store, (X, y) => {
    const P = model.predictProbaFlat(X);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + best]!) best = k;
      const t = to[y[i]!]!;
      if (best === t) hit++;
      ll -= Math.log(Math.max(t >= 0 ? P[i * K + t]! : 0, 1e-15));
    }
    n += X.rows;
  });
  return { rows: n, accuracy: hit / n, logLoss: ll / n };
}
