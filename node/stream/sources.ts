/**
 * Sources of a streamed fit, read in blocks and never whole: CSV and LibSVM files (plain or gzip, by the
 * magic bytes), and async iterables of { X, y } blocks. Each yields raw blocks (parsed values plus labels
 * as the source has them); node/stream/fit.ts codes the labels, gathers the statistics and writes the cache.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { OptionError, SoftmaxError } from '../../src/errors.js';
import type { Label } from '../../src/core/labels.js';
import { CsvReader, sniffDelimiter } from '../../src/data/csv.js';
import { LibSvmReader } from '../../src/data/libsvm.js';
import { looksGzipped } from '../../src/data/gzip.js';
import { toMatrix, type MatrixLike } from '../../src/model/input.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import type { CSRMatrix } from '../../src/matrix/csr.js';
import { formatFromPath, sniffTextFormat } from '../io.js';
import { looksParquet, openParquetFile } from '../parquet.js';
import { FastCsvParser } from './fast-csv.js';
import { parallelCsvBlocks } from './parallel-csv.js';
import { availableParallelism } from 'node:os';

export type { RawBlock, RawLabels, SourceInfo } from './types.js';
import type { RawBlock, SourceInfo } from './types.js';

export interface FileSourceOptions {
  format?: 'csv' | 'libsvm' | 'parquet';
  label?: string | number | null;
  features?: string[];
  delimiter?: string;
  nFeatures?: number;
  /** Rows per block (default: defaultBlockRows of the width). */
  blockRows?: number;
  /** CSV: try the numeric byte-level parser first (default true). */
  fastCsv?: boolean;
  /**
   * CSV: worker threads parsing chunks in parallel (parallel-csv.ts); default 0, the fast parser on the
   * main thread (on the 2-core machine of docs/streaming.md, under load, threads were slower: see there).
   */
  workers?: number;
  /** Bytes per chunk given to a worker (default 4 MiB; tests use small chunks). */
  chunkBytes?: number;
}

/** Rows per block for d columns: about 8 MiB of float64 values, at least 1024 rows. */
export function defaultBlockRows(d: number): number {
  return Math.max(1024, Math.floor((8 << 20) / (8 * Math.max(1, d))));
}

/** Raw bytes of a file, gunzipped when it starts with the gzip magic. */
async function* fileBytes(path: string, info: SourceInfo): AsyncGenerator<Uint8Array> {
  const magic = Buffer.alloc(2);
  let gzipped: boolean;
  try {
    const fd = openSync(path, 'r');
    try {
      gzipped = readSync(fd, magic, 0, 2, 0) === 2 && looksGzipped(magic);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${why}`);
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  raw.on('data', (c) => (info.bytesRead += c.length));
  const gz = gzipped ? createGunzip({ chunkSize: 1 << 20 }) : null;
  if (gz) {
    raw.on('error', (e) => gz.destroy(e));
    raw.pipe(gz);
  }
  try {
    for await (const chunk of (gz ?? raw) as AsyncIterable<Buffer>) yield chunk;
  } catch (e) {
    if (gz && !(e as NodeJS.ErrnoException).syscall) throw new SoftmaxError('PARSE_ERROR', `${path}: corrupt or truncated gzip data (${(e as Error).message})`);
    throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`);
  } finally {
    raw.destroy();
    gz?.destroy();
  }
}

/** Open a file as a block source; `info` is filled as it is read. */
export function fileSource(path: string, opts: FileSourceOptions): { info: SourceInfo; blocks: AsyncGenerator<RawBlock> } {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
  const pathFormat = formatFromPath(path);
  if (opts.format === 'parquet' || (opts.format === undefined && (pathFormat === 'parquet' || sniffParquetFile(path)))) {
    const info: SourceInfo = { format: 'parquet', d: null, featureNames: null, bytesRead: 0, totalBytes: size, parser: 'parquet' };
    return { info, blocks: parquetBlocks(path, opts, info) };
  }
  if (opts.format === undefined && pathFormat !== undefined && pathFormat !== 'csv' && pathFormat !== 'libsvm') {
    throw new OptionError('format', `${path}: ${pathFormat} files are not read in blocks; streaming reads CSV, LibSVM (plain or .gz) and Parquet`);
  }
  const info: SourceInfo = { format: 'csv', d: null, featureNames: null, bytesRead: 0, totalBytes: size };
  const fmt = opts.format ?? (pathFormat === 'csv' || pathFormat === 'libsvm' ? pathFormat : undefined);
  return { info, blocks: textBlocks(path, fileBytes(path, info), opts, info, fmt) };
}

async function* textBlocks(
  path: string,
  bytes: AsyncGenerator<Uint8Array>,
  opts: FileSourceOptions,
  info: SourceInfo,
  format: 'csv' | 'libsvm' | undefined,
): AsyncGenerator<RawBlock> {
  let B = opts.blockRows ?? 65536;
  // The first 64 KiB decide the format (when neither option nor extension does) and the delimiter.
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let it = await bytes.next();
  while (!it.done && headBytes < 65536) {
    head.push(it.value);
    headBytes += it.value.length;
    if (headBytes < 65536) it = await bytes.next();
  }
  const pending = it.done ? null : it;
  const headBuf = Buffer.concat(head);
  const sample = new TextDecoder().decode(headBuf.subarray(0, Math.min(headBuf.length, 65536)));
  const fmt = format ?? (/\.tsv(\.gz)?$/i.test(path) ? 'csv' : sniffTextFormat(sample));
  info.format = fmt === 'libsvm' ? 'libsvm' : 'csv';
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (headBuf.length > 0) yield headBuf;
    if (pending === null) return;
    for (;;) {
      const n = await bytes.next();
      if (n.done) return;
      yield n.value;
    }
  }
  if (fmt === 'libsvm') {
    if (opts.features !== undefined) throw new OptionError('features', 'LibSVM data have no column names; --features applies to CSV');
    if (typeof opts.label === 'string' || typeof opts.label === 'number') {
      throw new OptionError('label', 'the label of LibSVM data is always the first field of each line; --label applies to CSV');
    }
    const r = new LibSvmReader({ file: path, nFeatures: opts.nFeatures, limits: { maxMemory: Number.MAX_SAFE_INTEGER } });
    const decoder = new TextDecoder('utf-8');
    const take = (): RawBlock => {
      const b = r.takeRows();
      info.d = b.width;
      return {
        kind: 'csr',
        rows: b.rows,
        indptr: b.indptr,
        indices: b.indices,
        data: b.values,
        width: b.width,
        labels: opts.label === null ? null : { values: b.y },
      };
    };
    for await (const chunk of rest()) {
      r.push(decoder.decode(chunk, { stream: true }));
      if (r.pendingRows >= B) yield take();
    }
    const tail = decoder.decode();
    if (tail) r.push(tail);
    r.finish();
    yield take();
    return;
  }
  if (opts.nFeatures !== undefined) throw new OptionError('nFeatures', 'applies to LibSVM data only');
  const delimiter = opts.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : sniffDelimiter(sample));
  const csvOpts = { label: opts.label, features: opts.features, file: path, delimiter, limits: { maxMemory: Number.MAX_SAFE_INTEGER } };
  // The numeric fast path first (fast-csv.ts says why); it hands the rest of the input to the general
  // reader at the first record it cannot read exactly as csv.ts would.
  const fast = opts.fastCsv !== false ? FastCsvParser.create(headBuf, csvOpts) : null;
  const r = new CsvReader(csvOpts);
  const decoder = new TextDecoder('utf-8');
  let general = fast === null;
  info.parser = fast ? 'fast' : 'general';
  if (fast) {
    info.d = fast.d;
    info.featureNames = fast.featureNames;
    B = opts.blockRows ?? defaultBlockRows(fast.d);
  }
  const takeGeneral = (): RawBlock => {
    const b = r.takeRows();
    return { kind: 'dense', rows: b.rows, X: b.X, labels: r.hasLabels ? { codes: b.codes, texts: r.labelTexts() } : null };
  };
  const handOver = () => {
    general = true;
    info.parser = 'fast+general';
    // The general reader gets the header, then every byte from the record the fast path stopped at.
    r.push(decoder.decode(fast!.headerBytes(), { stream: true }));
    r.setLine(fast!.nextLine());
    r.push(decoder.decode(fast!.remaining(), { stream: true }));
  };
  const workers = Math.min(opts.workers ?? 0, availableParallelism());
  if (fast && workers > 0) {
    info.parser = 'fast(threads)';
    const eol = headBuf.indexOf(10);
    yield* parallelCsvBlocks(rest(), headBuf.subarray(0, eol + 1), csvOpts, workers, B, info, opts.chunkBytes);
    return;
  }
  for await (const chunk of rest()) {
    if (!general) {
      fast!.push(chunk);
      yield* fast!.drain(B);
      if (!fast!.failed) continue;
      handOver();
    } else r.push(decoder.decode(chunk, { stream: true }));
    if (info.d === null) {
      info.featureNames = r.featureNames();
      info.d = info.featureNames.length;
      B = opts.blockRows ?? defaultBlockRows(info.d);
    }
    while (r.pendingRows >= B) yield takeGeneral();
  }
  if (!general) {
    fast!.end();
    yield* fast!.drain(B, true);
    if (!fast!.failed) return;
    handOver();
  }
  const tail = decoder.decode();
  if (tail) r.push(tail);
  r.finish();
  if (info.d === null) {
    info.featureNames = r.featureNames();
    info.d = info.featureNames.length;
  }
  while (r.pendingRows > 0) yield takeGeneral();
}

/** Whether a file starts with Parquet's magic bytes. */
function sniffParquetFile(path: string): boolean {
  const head = Buffer.alloc(4);
  try {
    const fd = openSync(path, 'r');
    try {
      return readSync(fd, head, 0, 4, 0) === 4 && looksParquet(head);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * A Parquet file in blocks, through node/parquet.ts's block reader (DuckDB when installed, else
 * hyparquet): row groups are decoded one block at a time, never the whole file.
 */
async function* parquetBlocks(path: string, opts: FileSourceOptions, info: SourceInfo): AsyncGenerator<RawBlock> {
  if (opts.nFeatures !== undefined) throw new OptionError('nFeatures', 'applies to LibSVM data only');
  const reader = await openParquetFile(path, { label: opts.label, features: opts.features, blockRows: opts.blockRows, file: path });
  try {
    info.parser = `parquet (${reader.engine})`;
    info.d = reader.layout.featureNames.length;
    info.featureNames = reader.layout.featureNames;
    const total = Math.max(1, reader.layout.rows);
    for await (const b of reader.blocks()) {
      // Progress in bytes: the share of rows read so far.
      info.bytesRead = Math.round((info.totalBytes * (b.rowStart + b.rows)) / total);
      const X = b.X instanceof Float64Array ? b.X : Float64Array.from(b.X);
      yield { kind: 'dense', rows: b.rows, X, labels: reader.layout.label === null ? null : { values: b.y } };
    }
  } finally {
    await reader.close();
  }
}

/** Blocks from an async (or plain) iterable of { X, y } (the library's streaming input). */
export async function* iterableBlocks(
  source: AsyncIterable<{ X: MatrixLike; y: ArrayLike<Label> }> | Iterable<{ X: MatrixLike; y: ArrayLike<Label> }>,
  info: SourceInfo,
): AsyncGenerator<RawBlock> {
  let index = 0;
  for await (const part of source as AsyncIterable<{ X: MatrixLike; y: ArrayLike<Label> }>) {
    if (!part || typeof part !== 'object' || !('X' in part) || !('y' in part)) {
      throw new OptionError('source', `block ${index} is not an object { X, y }`);
    }
    const M = toMatrix(part.X, `X of block ${index}`);
    if (part.y.length !== M.rows) throw new OptionError('source', `block ${index}: X has ${M.rows} rows but y has ${part.y.length} labels`);
    if (info.d !== null && M.kind === 'dense' && M.cols !== info.d) {
      throw new OptionError('source', `block ${index} has ${M.cols} columns, the first block had ${info.d}`);
    }
    if (M instanceof DenseMatrix) {
      if (info.format === 'blocks' && info.d === null) info.d = M.cols;
      yield { kind: 'dense', rows: M.rows, X: M.data instanceof Float64Array ? M.data : Float64Array.from(M.data), labels: { values: part.y } };
    } else {
      const c = M as CSRMatrix;
      info.d = Math.max(info.d ?? 0, c.cols);
      yield {
        kind: 'csr',
        rows: c.rows,
        indptr: c.indptr,
        indices: c.indices,
        data: c.data instanceof Float64Array ? c.data : Float64Array.from(c.data),
        width: c.cols,
        labels: { values: part.y },
      };
    }
    index++;
  }
}
