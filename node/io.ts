/**
 * Data files on disk -> Dataset. Thin wrappers over the browser-safe parsers in src/data: read the bytes,
 * gunzip when they start with the gzip magic (1f 8b), pick the format from the extension (or the option),
 * and let the parser report problems with the file name, line and column (or byte offset).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { OptionError, ParseError, SoftmaxError } from '../src/errors.js';
import type { Dataset } from '../src/data/dataset.js';
import { CsvReader, sniffDelimiter } from '../src/data/csv.js';
import { LibSvmReader } from '../src/data/libsvm.js';
import { checkMemory, formatBytes, RAISE_MEMORY, resolveLimits, type Limits } from '../src/core/limits.js';
import { LimitError } from '../src/errors.js';
import { mnistFromIdx } from '../src/data/idx.js';
import { parseCifar10 } from '../src/data/cifar.js';
import { looksGzipped } from '../src/data/gzip.js';
import { DenseMatrix } from '../src/matrix/dense.js';
import './limits.js';
import { readWholeFile } from './read-file.js';
import { looksParquet, readParquetFile, type ParquetEngine } from './parquet.js';

// node:zlib is loaded when a gzipped file arrives, not at start-up (docs/performance.md, "Cold start").
const lazyRequire = createRequire(import.meta.url);

export type DataFormat = 'csv' | 'libsvm' | 'idx' | 'cifar' | 'parquet';
export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'libsvm', 'idx', 'cifar', 'parquet'];

export interface ReadDatasetOptions {
  /** File format; default from the extension (see `formatFromPath`). */
  format?: DataFormat;
  /** CSV: label column name or 0-based index (default the last column); null = no labels (any format). */
  label?: string | number | null;
  /** Feature columns by name (CSV; for IDX/CIFAR the generated names px0.. / r0..). */
  features?: string[];
  /** CSV: 'error' (default) or 'mean' imputation of missing values. */
  missing?: 'error' | 'mean';
  /** IDX: the labels file (default: the sibling `*labels-idx1-ubyte[.gz]` of the images file). */
  labelsPath?: string;
  /** LibSVM: number of features (pads the width; a larger index is an error). */
  nFeatures?: number;
  /** CSV: field delimiter (default: tab for .tsv files, else detected from the header among ',', ';' and tab). */
  delimiter?: string;
  /** IDX / CIFAR: divide 8-bit pixels by 255 (default true). */
  normalize?: boolean;
  /**
   * Memory budget in bytes for what is read (default: the library default, half the machine's memory
   * under Node). Text is parsed as it streams in; decompression stops at the budget; binary files bigger
   * than the budget are refused before they are read.
   */
  maxMemory?: number;
  /** Other reader limits: widest CSV header or IDX image (maxColumns), longest record (maxLineLength). */
  limits?: Partial<Pick<Limits, 'maxColumns' | 'maxLineLength'>>;
}

/** Bytes read from a file (or fed from stdin) per step of the streaming readers. */
const CHUNK_BYTES = 1 << 20;

/** Decompressed gzip data are held as one Buffer: at most 2 GiB of it (and never more than the budget). */
const MAX_TEXT_BYTES = 512 * 1024 * 1024;

/** The format a path's extension implies (a trailing .gz is ignored), or undefined. */
export function formatFromPath(path: string): DataFormat | undefined {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (/\.(libsvm|svm|svmlight|txt)$/.test(name)) return 'libsvm';
  if (/idx\d-ubyte$/.test(name) || /\.idx\d?$/.test(name)) return 'idx';
  if (/\.bin$/.test(name)) return 'cifar';
  if (/\.(parquet|parq|pq)$/.test(basename(path).toLowerCase())) return 'parquet';
  return undefined;
}

/** Read bytes, gunzipping when they are gzip data; errors name the file. Refused beyond the memory budget. */
export function readBytes(path: string, maxMemory?: number): Uint8Array {
  const limits = resolveLimits({ maxMemory });
  let size = -1;
  try {
    size = statSync(path).size;
  } catch {
    // readWholeFile names the problem (missing file, permission).
  }
  // Checked before reading: a file larger than the budget is not loaded at all.
  if (size >= 0) checkMemory(size, limits, `${path} (${formatBytes(size)})`);
  // Typed errors for a missing file, a directory, and files of 2 GiB and more.
  const raw = readWholeFile(path);
  return looksGzipped(raw) ? gunzip(raw, path, limits) : raw;
}

/**
 * Decompress, stopping as soon as the output passes the budget (zlib's maxOutputLength ends the inflation
 * there), so a gzip bomb costs at most the budget, not the gigabytes it expands to.
 */
function gunzip(raw: Uint8Array, path: string, limits: Limits): Uint8Array {
  const cap = Math.min(limits.maxMemory, MAX_TEXT_BYTES * 4);
  try {
    return (lazyRequire('node:zlib') as typeof import('node:zlib')).gunzipSync(raw, { maxOutputLength: cap });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new LimitError(
        'maxMemory',
        cap + 1,
        cap,
        `${path}: the decompressed data exceed ${formatBytes(cap)}${cap === limits.maxMemory ? `, the memory budget: ${RAISE_MEMORY}` : ', the most this reader decompresses: decompress the file first'} (a gzip bomb?)`,
      );
    }
    throw new ParseError(`corrupt or truncated gzip data (${err.message})`, { file: path });
  }
}

/**
 * Sniff a text format when neither the option nor the extension says: LibSVM when the first data line is
 * a number followed only by index:value (or qid:n) tokens; CSV otherwise (a CSV header is not a number).
 */
const LIBSVM_LINE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(\s+(qid|\d+):\S+)*$/;
export function sniffTextFormat(text: string): DataFormat {
  for (const raw of text.slice(0, 65536).split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line !== '') return LIBSVM_LINE.test(line) ? 'libsvm' : 'csv';
  }
  return 'csv';
}

function checkFormat(format: string | undefined): DataFormat | undefined {
  if (format === undefined) return undefined;
  if (!(DATA_FORMATS as readonly string[]).includes(format)) {
    throw new OptionError('format', `unknown data format '${format}'; use one of ${DATA_FORMATS.join(', ')}`);
  }
  return format as DataFormat;
}

/** Read a data file. Gzipped files (any format) are decompressed first (up to the memory budget). */
export function readDataset(path: string, opts: ReadDatasetOptions = {}): Dataset {
  if (path === '-') throw new OptionError('path', "'-' (stdin) is read with readDatasetFromStream or readDatasetFromText");
  const format = checkFormat(opts.format) ?? formatFromPath(path);
  if (format === 'idx') return readIdxDataset(path, opts);
  if (format === 'parquet') {
    // Parquet decoders (hyparquet, DuckDB) are asynchronous.
    throw new OptionError('format', `${path}: Parquet files are read asynchronously: use readDatasetAsync (or readParquetFile / openParquetFile for blocks)`);
  }
  if (format === 'cifar') {
    if (opts.label !== undefined && opts.label !== null) throw new OptionError('label', 'CIFAR-10 batches carry their labels; --label applies to CSV');
    const bytes = readBytes(path, opts.maxMemory);
    return finish(parseCifar10(bytes, { file: path, normalize: opts.normalize, limits: { ...opts.limits, maxMemory: opts.maxMemory } }), opts);
  }
  return readTextFile(path, format, opts);
}

/**
 * Read a data file of any format, Parquet included (which only reads asynchronously); the other formats
 * are read as by readDataset. `engine` picks the Parquet decoder (default: DuckDB when installed).
 */
export async function readDatasetAsync(path: string, opts: ReadDatasetOptions & { engine?: ParquetEngine } = {}): Promise<Dataset> {
  if (path === '-') throw new OptionError('path', "'-' (stdin) is read with readDatasetFromStream or readDatasetFromText");
  const format = checkFormat(opts.format) ?? formatFromPath(path) ?? (sniffParquet(path) ? 'parquet' : undefined);
  if (format !== 'parquet') return readDataset(path, { ...opts, format });
  for (const k of ['missing', 'labelsPath', 'nFeatures', 'delimiter'] as const) {
    if (opts[k] !== undefined) throw new OptionError(k, 'does not apply to Parquet data');
  }
  const label = typeof opts.label === 'string' || typeof opts.label === 'number' || opts.label === null ? opts.label : undefined;
  return readParquetFile(path, { label, features: opts.features, maxMemory: opts.maxMemory, engine: opts.engine });
}

/** Whether the file at `path` starts with Parquet's magic bytes (a .parquet file under another name). */
function sniffParquet(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && looksParquet(head);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * A text file (CSV or LibSVM), streamed: read CHUNK_BYTES at a time, decoded, pushed to the format's
 * reader. Only the parsed data stay in memory, never the whole text (nor, for gzip, more than the
 * decompressed bytes, which the budget bounds).
 */
function readTextFile(path: string, format: DataFormat | undefined, opts: ReadDatasetOptions): Dataset {
  const limits = resolveLimits({ ...opts.limits, maxMemory: opts.maxMemory });
  let fd: number | null = null;
  try {
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
      throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${why}`);
    }
    const head = Buffer.alloc(2);
    const got = readChunk(fd, head, path);
    let source: (buf: Buffer) => number;
    let first: Uint8Array;
    let budget = limits;
    if (got === 2 && looksGzipped(head)) {
      closeSync(fd);
      fd = null;
      const bytes = readBytes(path, limits.maxMemory);
      let at = 0;
      source = (buf) => {
        const n = Math.min(buf.length, bytes.length - at);
        buf.set(bytes.subarray(at, at + n));
        at += n;
        return n;
      };
      first = new Uint8Array(0);
      // The decompressed bytes stay in memory while they are parsed: the data get what is left of the budget.
      budget = { ...limits, maxMemory: Math.max(1, limits.maxMemory - bytes.length) };
    } else {
      const f = fd;
      source = (buf) => readChunk(f, buf, path);
      first = head.subarray(0, got);
    }
    return streamText(path, format, opts, budget, first, source);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function readChunk(fd: number, buf: Uint8Array, path: string): number {
  try {
    return readSync(fd, buf, 0, buf.length, null);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${err.code === 'EISDIR' ? 'it is a directory' : err.message}`);
  }
}

interface TextSink {
  push(chunk: string): void;
  end(): Dataset;
}

/** Pull bytes from `source` (0 = end), decode UTF-8, sniff the format on the first 64 KB, parse as they come. */
function streamText(
  path: string,
  format: DataFormat | undefined,
  opts: ReadDatasetOptions,
  limits: Limits,
  first: Uint8Array,
  source: (buf: Buffer) => number,
): Dataset {
  const decoder = new TextDecoder('utf-8');
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let sink: TextSink | null = null;
  let head = first.length > 0 ? decoder.decode(first, { stream: true }) : '';
  const pick = (sample: string) => (sink = textSink(path, format ?? (/\.(tsv)(\.gz)?$/i.test(path) ? 'csv' : sniffTextFormat(sample)), opts, limits, sample));
  for (;;) {
    const n = source(buf);
    if (n === 0) break;
    const text = decoder.decode(buf.subarray(0, n), { stream: true });
    if (sink === null) {
      head += text;
      if (head.length < 65536) continue;
      pick(head).push(head);
      head = '';
    } else (sink as TextSink).push(text);
  }
  const tail = decoder.decode();
  if (sink === null) {
    head += tail;
    pick(head).push(head);
  } else if (tail) (sink as TextSink).push(tail);
  return (sink as unknown as TextSink).end();
}

/** Parse data held in memory as text: CSV or LibSVM, sniffed when `format` is absent. */
export function readDatasetFromText(text: string, opts: ReadDatasetOptions & { file?: string } = {}): Dataset {
  const file = opts.file ?? '<stdin>';
  const format = checkFormat(opts.format) ?? sniffTextFormat(text);
  if (format === 'idx' || format === 'cifar' || format === 'parquet') {
    throw new OptionError('format', `${format} is a binary format: read it from a file (readDataset${format === 'parquet' ? 'Async' : ''}), not from text`);
  }
  const sink = textSink(file, format, opts, resolveLimits({ ...opts.limits, maxMemory: opts.maxMemory }), text);
  sink.push(text);
  return sink.end();
}

/**
 * Read CSV or LibSVM from a stream of chunks (process.stdin, a socket, a fetch body), parsing as they
 * arrive. The input itself is limited to the memory budget: an endless stream is refused there.
 */
export async function readDatasetFromStream(stream: AsyncIterable<string | Uint8Array>, opts: ReadDatasetOptions & { file?: string } = {}): Promise<Dataset> {
  const file = opts.file ?? '<stdin>';
  const format = checkFormat(opts.format);
  if (format === 'idx' || format === 'cifar' || format === 'parquet') {
    throw new OptionError('format', `${format} is a binary format: read it from a file (readDataset${format === 'parquet' ? 'Async' : ''}), not from a stream`);
  }
  const limits = resolveLimits({ ...opts.limits, maxMemory: opts.maxMemory });
  const decoder = new TextDecoder('utf-8');
  let sink: TextSink | null = null;
  let head = '';
  let total = 0;
  for await (const c of stream) {
    total += c.length;
    if (total > limits.maxMemory) {
      throw new LimitError(
        'maxMemory',
        total,
        limits.maxMemory,
        `${file}: more than ${formatBytes(limits.maxMemory)} of input, the memory budget (an endless stream?): ${RAISE_MEMORY}, or read from a file`,
      );
    }
    const text = typeof c === 'string' ? c : decoder.decode(c, { stream: true });
    if (sink === null) {
      head += text;
      if (head.length < 65536) continue;
      sink = textSink(file, format ?? sniffTextFormat(head), opts, limits, head);
      sink.push(head);
      head = '';
    } else sink.push(text);
  }
  const tail = decoder.decode();
  if (sink === null) {
    head += tail;
    sink = textSink(file, format ?? sniffTextFormat(head), opts, limits, head);
    sink.push(head);
  } else if (tail) sink.push(tail);
  return sink.end();
}

function textSink(file: string, format: DataFormat, opts: ReadDatasetOptions, limits: Limits, sample: string): TextSink {
  if (format === 'libsvm') {
    if (opts.features !== undefined) throw new OptionError('features', 'LibSVM data have no column names; --features applies to CSV');
    if (typeof opts.label === 'string' || typeof opts.label === 'number') {
      throw new OptionError('label', 'the label of LibSVM data is always the first field of each line; --label applies to CSV');
    }
    const r = new LibSvmReader({ file, nFeatures: opts.nFeatures, limits });
    return {
      push: (t) => r.push(t),
      end: () => {
        const ds = r.end();
        if (opts.label === null) ds.y = [];
        return ds;
      },
    };
  }
  if (format !== 'csv') throw new OptionError('format', `${format} is a binary format`);
  if (opts.nFeatures !== undefined) throw new OptionError('nFeatures', 'applies to LibSVM data only');
  // The delimiter is read off the header, which the first chunk (up to 64 KB) holds.
  const delimiter = opts.delimiter ?? (/\.tsv(\.gz)?$/i.test(file) ? '\t' : sniffDelimiter(sample));
  return new CsvReader({ label: opts.label, features: opts.features, missing: opts.missing, file, delimiter, limits });
}

/** Candidate label files for an MNIST-style images file: train-images-idx3-ubyte -> train-labels-idx1-ubyte. */
export function siblingLabelsPath(imagesPath: string): string[] {
  const dir = dirname(imagesPath);
  const name = basename(imagesPath);
  const base = name.replace(/\.gz$/i, '').replace(/images([.-])idx3-ubyte$/i, 'labels$1idx1-ubyte');
  if (base === name.replace(/\.gz$/i, '')) return [];
  return [join(dir, base), join(dir, `${base}.gz`)];
}

function readIdxDataset(path: string, opts: ReadDatasetOptions): Dataset {
  if (typeof opts.label === 'string' || typeof opts.label === 'number') {
    throw new OptionError('label', 'IDX labels come from a labels file (labelsPath / --labels); --label applies to CSV');
  }
  const images = readBytes(path, opts.maxMemory);
  let labels: Uint8Array | null = null;
  let labelsFile: string | undefined;
  if (opts.label !== null) {
    if (opts.labelsPath !== undefined) labelsFile = opts.labelsPath;
    else {
      const candidates = siblingLabelsPath(path);
      labelsFile = candidates.find((p) => existsSync(p));
      if (labelsFile === undefined) {
        throw new SoftmaxError(
          'IO_ERROR',
          `${path}: no labels file found${candidates.length ? ` (looked for ${candidates.join(', ')})` : ''}; pass labelsPath (--labels FILE), or label: null for images without labels`,
        );
      }
    }
    labels = readBytes(labelsFile, opts.maxMemory);
  }
  return finish(
    mnistFromIdx(images, labels, { file: path, labelsFile, normalize: opts.normalize, limits: { ...opts.limits, maxMemory: opts.maxMemory } }),
    opts,
  );
}

/** Apply `features` (by name) and `label: null` to a data set read from a format without those options. */
function finish(ds: Dataset, opts: ReadDatasetOptions): Dataset {
  if (opts.label === null) ds.y = [];
  if (opts.features === undefined) return ds;
  if (ds.featureNames && ds.featureNames.length === opts.features.length && ds.featureNames.every((nm, j) => nm === opts.features![j])) return ds;
  const names = ds.featureNames ?? [];
  const X = ds.X as DenseMatrix;
  const pos = new Map(names.map((nm, j) => [nm, j]));
  const cols = opts.features.map((nm) => {
    const j = pos.get(nm);
    if (j === undefined) throw new OptionError('features', `no feature named '${nm}' in ${ds.source ?? 'the data'}`);
    return j;
  });
  const n = X.rows;
  const out = new Float64Array(n * cols.length);
  for (let i = 0; i < n; i++) for (let t = 0; t < cols.length; t++) out[i * cols.length + t] = X.data[i * X.cols + cols[t]!]!;
  return { ...ds, X: new DenseMatrix(n, cols.length, out), featureNames: opts.features.slice() };
}
