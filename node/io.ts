/**
 * Data files on disk -> Dataset. Thin wrappers over the browser-safe parsers in src/data: read the bytes,
 * gunzip when they start with the gzip magic (1f 8b), pick the format from the extension (or the option),
 * and let the parser report problems with the file name, line and column (or byte offset).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { OptionError, ParseError, SoftmaxError } from '../src/errors.js';
import type { Dataset } from '../src/data/dataset.js';
import { parseCsv, sniffDelimiter } from '../src/data/csv.js';
import { parseLibSvm } from '../src/data/libsvm.js';
import { mnistFromIdx } from '../src/data/idx.js';
import { parseCifar10 } from '../src/data/cifar.js';
import { looksGzipped } from '../src/data/gzip.js';
import { DenseMatrix } from '../src/matrix/dense.js';

export type DataFormat = 'csv' | 'libsvm' | 'idx' | 'cifar';
export const DATA_FORMATS: readonly DataFormat[] = ['csv', 'libsvm', 'idx', 'cifar'];

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
}

/** Largest file this reader decompresses or decodes: V8 strings stop at about 2^29 characters. */
const MAX_TEXT_BYTES = 512 * 1024 * 1024;

/** The format a path's extension implies (a trailing .gz is ignored), or undefined. */
export function formatFromPath(path: string): DataFormat | undefined {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (/\.(libsvm|svm|svmlight|txt)$/.test(name)) return 'libsvm';
  if (/idx\d-ubyte$/.test(name) || /\.idx\d?$/.test(name)) return 'idx';
  if (/\.bin$/.test(name)) return 'cifar';
  return undefined;
}

/** Read bytes, gunzipping when they are gzip data; errors name the file. */
export function readBytes(path: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${why}`);
  }
  return looksGzipped(raw) ? gunzip(raw, path) : raw;
}

function gunzip(raw: Uint8Array, path: string): Uint8Array {
  try {
    return gunzipSync(raw, { maxOutputLength: MAX_TEXT_BYTES * 4 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new SoftmaxError('TOO_LARGE', `${path}: decompressed data exceed ${MAX_TEXT_BYTES * 4} bytes`);
    }
    throw new ParseError(`corrupt or truncated gzip data (${err.message})`, { file: path });
  }
}

function decodeText(bytes: Uint8Array, path: string): string {
  if (bytes.length > MAX_TEXT_BYTES) {
    throw new SoftmaxError('TOO_LARGE', `${path}: ${bytes.length} bytes of text is more than this reader holds in memory (${MAX_TEXT_BYTES}); split the file`);
  }
  return new TextDecoder('utf-8').decode(bytes);
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

/** Read a data file. Gzipped files (any format) are decompressed first. */
export function readDataset(path: string, opts: ReadDatasetOptions = {}): Dataset {
  if (path === '-') throw new OptionError('path', "'-' (stdin) is read with readDatasetFromText");
  const format = checkFormat(opts.format) ?? formatFromPath(path);
  if (format === 'idx') return readIdxDataset(path, opts);
  const bytes = readBytes(path);
  if (format === 'cifar') {
    if (opts.label !== undefined && opts.label !== null) throw new OptionError('label', 'CIFAR-10 batches carry their labels; --label applies to CSV');
    return finish(parseCifar10(bytes, { file: path, normalize: opts.normalize }), opts);
  }
  const text = decodeText(bytes, path);
  return parseText(text, path, format ?? (/\.(tsv)(\.gz)?$/i.test(path) ? 'csv' : sniffTextFormat(text)), opts);
}

/** Parse data held in memory as text (e.g. read from stdin): CSV or LibSVM, sniffed when `format` is absent. */
export function readDatasetFromText(text: string, opts: ReadDatasetOptions & { file?: string } = {}): Dataset {
  const file = opts.file ?? '<stdin>';
  const format = checkFormat(opts.format) ?? sniffTextFormat(text);
  if (format === 'idx' || format === 'cifar') {
    throw new OptionError('format', `${format} is a binary format: read it from a file (readDataset), not from text`);
  }
  return parseText(text, file, format, opts);
}

function parseText(text: string, file: string, format: DataFormat, opts: ReadDatasetOptions): Dataset {
  if (format === 'libsvm') {
    if (opts.features !== undefined) throw new OptionError('features', 'LibSVM data have no column names; --features applies to CSV');
    if (typeof opts.label === 'string' || typeof opts.label === 'number') {
      throw new OptionError('label', 'the label of LibSVM data is always the first field of each line; --label applies to CSV');
    }
    const ds = parseLibSvm(text, { file, nFeatures: opts.nFeatures });
    if (opts.label === null) ds.y = [];
    return ds;
  }
  if (format !== 'csv') throw new OptionError('format', `${format} is a binary format`);
  if (opts.nFeatures !== undefined) throw new OptionError('nFeatures', 'applies to LibSVM data only');
  const delimiter = opts.delimiter ?? (/\.tsv(\.gz)?$/i.test(file) ? '\t' : sniffDelimiter(text));
  return parseCsv(text, { label: opts.label, features: opts.features, missing: opts.missing, file, delimiter });
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
  const images = readBytes(path);
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
    labels = readBytes(labelsFile);
  }
  return finish(mnistFromIdx(images, labels, { file: path, labelsFile, normalize: opts.normalize }), opts);
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
