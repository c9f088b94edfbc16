/**
 * Parquet -> typed-array blocks and Datasets, browser-safe (no `node:*`). The decoding is hyparquet's (pure
 * JavaScript, an optional package loaded on first use); this module picks the label and feature columns,
 * checks their types, and transposes Parquet's columns into row-major blocks.
 *
 * Blocks follow the file's row groups: a row group is the unit Parquet compresses, so it is decoded once and
 * then cut into blocks of at most `blockRows` rows (asking hyparquet for a smaller row range would decode the
 * same pages again for every block). Memory is therefore one row group's columns plus one block.
 *
 * The Node layer (node/parquet.ts) has a second engine on DuckDB with the same block interface: it decodes
 * about ten times faster but is Node-only (a native binary).
 */
import { DataError, ParseError, OptionError, MissingDependencyError, listForMessage } from '../errors.js';
import type { Label } from '../core/labels.js';
import { checkMemory, resolveLimits, MAX_JS_ARRAY_LENGTH } from '../core/limits.js';
import { DenseMatrix } from '../matrix/dense.js';
import type { Dataset } from './dataset.js';
import { importOptional } from '../optional.js';

/** hyparquet's AsyncBuffer: a byte length and a (possibly async) slice. An ArrayBuffer is one. */
export interface ParquetSource {
  byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}

export interface ParquetReadOptions {
  /** Label column by name or 0-based index; default the last column (as for CSV); null = no label column. */
  label?: string | number | null;
  /** Feature columns by name, in this order (default: every column but the label). */
  features?: string[];
  /** File name for messages. */
  file?: string;
  /** Most rows in one block (default 65,536). */
  blockRows?: number;
  /** Blocks hold Float32Array features instead of Float64Array. */
  float32?: boolean;
  /** Memory budget in bytes for a whole-file read (readParquet); default the library's budget. */
  maxMemory?: number;
}

/** Rows of a data source as one row-major block of features and their labels. */
export interface DataBlock {
  /** rows x cols features, row-major. */
  X: Float64Array | Float32Array;
  /** One label per row (empty when there is no label column). */
  y: Label[];
  rows: number;
  cols: number;
  /** Index of the block's first row in the file (0-based). */
  rowStart: number;
}

/** What a Parquet file holds, read from its footer alone. */
export interface ParquetLayout {
  /** Total rows. */
  rows: number;
  /** Rows per row group, in file order. */
  rowGroups: number[];
  /** Every top-level column, in file order. */
  columns: string[];
  /** The feature columns chosen, in the order of the blocks' columns. */
  featureNames: string[];
  /** The label column chosen, or null. */
  label: string | null;
}

/** A Parquet file opened for reading in blocks. */
export interface ParquetBlockReader {
  readonly layout: ParquetLayout;
  /** Which decoder reads it: 'hyparquet' or 'duckdb'. */
  readonly engine: string;
  /** The rows in blocks, in file order; each call starts again from the first row. */
  blocks(): AsyncIterable<DataBlock>;
  /** Release what the engine holds (a no-op for hyparquet). */
  close(): Promise<void>;
}

export const DEFAULT_BLOCK_ROWS = 65536;

type Hyparquet = typeof import('hyparquet');

async function loadHyparquet(): Promise<Hyparquet> {
  return importOptional(() => import('hyparquet'), 'hyparquet', 'Parquet input');
}

type Compressors = Parameters<Hyparquet['parquetRead']>[0]['compressors'];

/**
 * hyparquet decodes Snappy (Spark's and DuckDB's default) and uncompressed files itself; gzip, zstd, brotli
 * and LZ4 need `hyparquet-compressors`, loaded when installed (a missing one is reported when a file needs it).
 */
async function loadCompressors(): Promise<Compressors | undefined> {
  try {
    return (await import('hyparquet-compressors')).compressors as Compressors;
  } catch {
    return undefined;
  }
}

/** A column as the footer describes it: enough to say whether it can be a feature or the label. */
export interface ParquetColumnInfo {
  name: string;
  /** Physical type (INT32, INT64, DOUBLE, ...) or 'group' for nested columns. */
  physical: string;
  /** Converted or logical type when there is one (UTF8, DATE, DECIMAL, ...). */
  annotation?: string;
}

/** 'numeric' (a feature), 'text' (a label only), or why it is neither. */
export function columnKind(c: ParquetColumnInfo): 'numeric' | 'text' | string {
  if (c.physical === 'group') return 'a nested column (struct, list or map)';
  const a = c.annotation;
  if (a && /DATE|TIME|INTERVAL|JSON|BSON|UUID|ENUM|MAP|LIST|FLOAT16|VARIANT|GEO/i.test(a)) return `of type ${a}`;
  if (c.physical === 'BYTE_ARRAY' || c.physical === 'FIXED_LEN_BYTE_ARRAY') {
    if (a && /DECIMAL/i.test(a)) return 'numeric';
    return 'text';
  }
  if (c.physical === 'INT96') return 'of type INT96 (a legacy timestamp)';
  return 'numeric';
}

/**
 * Pick the label and feature columns as the CSV reader does: the label by name or index (default the last
 * column, unless `features` names it), the features by name (default every other column). Features must
 * be numeric; a text label is fine.
 */
export function resolveParquetColumns(
  cols: ParquetColumnInfo[],
  opts: Pick<ParquetReadOptions, 'label' | 'features' | 'file'>,
): { label: ParquetColumnInfo | null; features: ParquetColumnInfo[] } {
  const where = opts.file ? ` in ${opts.file}` : '';
  const names = cols.map((c) => c.name);
  if (cols.length === 0) throw new DataError('EMPTY_DATA', `no columns${where}`);
  let label: ParquetColumnInfo | null;
  const lab = opts.label;
  if (lab === null) label = null;
  else if (lab === undefined) {
    const last = cols[cols.length - 1]!;
    label = opts.features?.includes(last.name) ? null : last;
  } else if (typeof lab === 'number') {
    if (!Number.isInteger(lab) || lab < 0 || lab >= cols.length) {
      throw new OptionError('label', `column index ${lab} is out of range: ${opts.file ?? 'the file'} has ${cols.length} columns (0-based)`);
    }
    label = cols[lab]!;
  } else if (typeof lab === 'string') {
    let i = names.indexOf(lab.trim());
    if (i < 0 && /^\d+$/.test(lab.trim()) && Number(lab) < cols.length) i = Number(lab);
    if (i < 0) throw new OptionError('label', `no column named '${lab}'${where}; columns are ${listForMessage(names)}`);
    label = cols[i]!;
  } else throw new OptionError('label', `must be a column name, a 0-based index or null, got ${typeof lab}`);
  if (label) {
    const kind = columnKind(label);
    if (kind !== 'numeric' && kind !== 'text')
      throw new DataError('INVALID_LABEL', `label column '${label.name}'${where} is ${kind}: labels must be numbers or text`);
  }
  let features: ParquetColumnInfo[];
  if (opts.features === undefined) {
    features = cols.filter((c) => c !== label);
    const bad = features.filter((c) => columnKind(c) !== 'numeric');
    if (bad.length > 0) {
      const c = bad[0]!;
      const kind = columnKind(c);
      throw new DataError(
        'FEATURE_MISMATCH',
        `column '${c.name}'${where} is ${kind === 'text' ? 'text' : kind}: features must be numeric columns; choose the feature columns (features / --features)${bad.length > 1 ? ` (also not numeric: ${listForMessage(bad.slice(1).map((b) => b.name))})` : ''}, or make it the label (--label)`,
      );
    }
  } else {
    if (!Array.isArray(opts.features) || opts.features.length === 0) throw new OptionError('features', 'must be a non-empty list of column names');
    const byName = new Map(cols.map((c) => [c.name, c]));
    const seen = new Set<string>();
    features = opts.features.map((nm) => {
      const c = byName.get(String(nm).trim());
      if (!c) throw new OptionError('features', `no column named '${nm}'${where}; columns are ${listForMessage(names)}`);
      if (seen.has(c.name)) throw new OptionError('features', `column '${c.name}' is listed twice`);
      seen.add(c.name);
      const kind = columnKind(c);
      if (kind !== 'numeric') throw new OptionError('features', `column '${c.name}'${where} is ${kind}: features must be numeric columns`);
      return c;
    });
  }
  if (features.length === 0) throw new DataError('EMPTY_DATA', `no feature columns${where}: the only column is the label`);
  return { label, features };
}

/** A feature value as a number: numbers, bigints (INT64) and booleans; anything else says where it is. */
export function featureValue(v: unknown, row: number, column: string, file: string | undefined): number {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new ParseError(`NaN in feature column '${column}' at row ${row + 1}: features must be finite numbers`, { file });
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) {
    throw new ParseError(`missing value (null) in feature column '${column}' at row ${row + 1}: fill or drop the missing values first`, { file });
  }
  throw new ParseError(`non-numeric value ${JSON.stringify(String(v)).slice(0, 40)} in feature column '${column}' at row ${row + 1}`, { file });
}

/** A label value: numbers as numbers (INT64 too), text as text, booleans as 'true'/'false'. */
export function labelValue(v: unknown, row: number, column: string, file: string | undefined): Label {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new ParseError(`label ${v} in column '${column}' at row ${row + 1}: labels must be finite`, { file });
    return v;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) throw new ParseError(`missing label (null) in column '${column}' at row ${row + 1}`, { file });
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  throw new ParseError(`label of unsupported type in column '${column}' at row ${row + 1}`, { file });
}

function checkBlockRows(n: number | undefined): number {
  if (n === undefined) return DEFAULT_BLOCK_ROWS;
  if (!Number.isInteger(n) || n < 1) throw new OptionError('blockRows', `must be a positive integer, got ${n}`);
  return n;
}

interface SchemaElementLike {
  name: string;
  type?: string;
  num_children?: number;
  converted_type?: string;
  logical_type?: { type: string };
}

/** Top-level columns of a footer's flattened schema (children of nested columns skipped). */
export function topLevelColumns(schema: SchemaElementLike[]): ParquetColumnInfo[] {
  const out: ParquetColumnInfo[] = [];
  let i = 1;
  const root = schema[0];
  const n = root?.num_children ?? 0;
  const skip = (at: number): number => {
    // Index just past the subtree rooted at `at`.
    const k = schema[at]!.num_children ?? 0;
    let j = at + 1;
    for (let c = 0; c < k; c++) j = skip(j);
    return j;
  };
  for (let c = 0; c < n && i < schema.length; c++) {
    const el = schema[i]!;
    const nested = (el.num_children ?? 0) > 0;
    out.push({
      name: el.name,
      physical: nested ? 'group' : String(el.type),
      annotation: el.logical_type?.type ?? el.converted_type ?? undefined,
    });
    i = skip(i);
  }
  return out;
}

/** Open a Parquet source (bytes in memory, or any AsyncBuffer) for reading in blocks with hyparquet. */
export async function openParquet(source: ParquetSource, opts: ParquetReadOptions = {}): Promise<ParquetBlockReader> {
  const hp = await loadHyparquet();
  const compressors = await loadCompressors();
  const file = opts.file;
  const blockRows = checkBlockRows(opts.blockRows);
  let metadata: Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>;
  try {
    metadata = await hp.parquetMetadataAsync(source);
  } catch (e) {
    throw new ParseError(`not a readable Parquet file (${(e as Error).message})`, { file });
  }
  const cols = topLevelColumns(metadata.schema as unknown as SchemaElementLike[]);
  const { label, features } = resolveParquetColumns(cols, opts);
  const rowGroups = metadata.row_groups.map((g) => Number(g.num_rows));
  const layout: ParquetLayout = {
    rows: Number(metadata.num_rows),
    rowGroups,
    columns: cols.map((c) => c.name),
    featureNames: features.map((c) => c.name),
    label: label?.name ?? null,
  };
  const wanted = features.map((c) => c.name).concat(label ? [label.name] : []);
  const d = features.length;
  async function* blocks(): AsyncGenerator<DataBlock> {
    let start = 0;
    for (const groupRows of rowGroups) {
      if (groupRows === 0) continue;
      const end = start + groupRows;
      // Column name -> pieces of the row group's values (hyparquet delivers a column in one or more chunks).
      const got = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
      try {
        await hp.parquetRead({
          file: source,
          metadata,
          compressors,
          columns: wanted,
          rowStart: start,
          rowEnd: end,
          onChunk: (c) => {
            let list = got.get(c.columnName);
            if (!list) got.set(c.columnName, (list = []));
            list.push({ rowStart: c.rowStart, data: c.columnData });
          },
        });
      } catch (e) {
        const msg = (e as Error).message;
        if (!compressors && /compression codec/i.test(msg)) {
          throw new MissingDependencyError(`decompressing ${file ?? 'this Parquet file'} (${msg})`, ['hyparquet-compressors']);
        }
        throw new ParseError(`cannot decode rows ${start + 1}-${end} (${msg})`, { file });
      }
      const column = (name: string) => (row: number) => {
        const pieces = got.get(name);
        return pieces ? valueAt(pieces, row) : undefined;
      };
      const featureAt = features.map((c) => column(c.name));
      const labelAt = label ? column(label.name) : null;
      for (let b = start; b < end; b += blockRows) {
        const rows = Math.min(blockRows, end - b);
        const X = opts.float32 ? new Float32Array(rows * d) : new Float64Array(rows * d);
        for (let j = 0; j < d; j++) {
          const at = featureAt[j]!;
          const name = features[j]!.name;
          for (let i = 0; i < rows; i++) X[i * d + j] = featureValue(at(b + i), b + i, name, file);
        }
        const y: Label[] = [];
        if (labelAt) for (let i = 0; i < rows; i++) y.push(labelValue(labelAt(b + i), b + i, label!.name, file));
        yield { X, y, rows, cols: d, rowStart: b };
      }
      start = end;
    }
  }
  return { layout, engine: 'hyparquet', blocks, close: async () => {} };
}

/** Value of absolute row `row` among a column's pieces (sorted by rowStart; usually one piece). */
function valueAt(pieces: { rowStart: number; data: ArrayLike<unknown> }[], row: number): unknown {
  for (let p = pieces.length - 1; p >= 0; p--) {
    const piece = pieces[p]!;
    if (row >= piece.rowStart) return piece.data[row - piece.rowStart];
  }
  return undefined;
}

/**
 * Every block of a reader gathered into one Dataset (dense, Float64), within the memory budget. Shared by
 * both engines' whole-file reads.
 */
export async function readAllBlocks(reader: ParquetBlockReader, opts: Pick<ParquetReadOptions, 'maxMemory' | 'file'> = {}): Promise<Dataset> {
  const { rows, featureNames, label } = reader.layout;
  const d = featureNames.length;
  const limits = resolveLimits({ maxMemory: opts.maxMemory });
  checkMemory(8 * rows * d + (label ? 16 * rows : 0), limits, `${opts.file ?? 'the Parquet data'} (${rows.toLocaleString('en-US')} rows x ${d} features)`);
  if (label && rows > MAX_JS_ARRAY_LENGTH) {
    throw new DataError(
      'TOO_LARGE',
      `${opts.file ?? 'the Parquet data'}: more than ${MAX_JS_ARRAY_LENGTH} rows, the most a whole-file read holds: read it in blocks`,
    );
  }
  if (rows === 0) throw new DataError('EMPTY_DATA', `${opts.file ?? 'the Parquet data'} has no rows`);
  const X = new Float64Array(rows * d);
  const y: Label[] = [];
  let at = 0;
  for await (const blk of reader.blocks()) {
    X.set(blk.X, at * d);
    for (const v of blk.y) y.push(v);
    at += blk.rows;
  }
  if (at !== rows) throw new ParseError(`the footer says ${rows} rows but ${at} were read (a truncated file?)`, { file: opts.file });
  checkLabelTypes(y, label, opts.file);
  return { X: new DenseMatrix(rows, d, X), y, featureNames: featureNames.slice(), source: opts.file };
}

function checkLabelTypes(y: Label[], label: string | null, file: string | undefined): void {
  if (y.length === 0) return;
  const t = typeof y[0];
  for (let i = 1; i < y.length; i++) {
    if (typeof y[i] !== t) throw new ParseError(`label column '${label}' mixes numbers and text (row ${i + 1})`, { file });
  }
}

/** A whole Parquet file (bytes or an AsyncBuffer) as a Dataset, decoded by hyparquet. */
export async function readParquet(source: ParquetSource | Uint8Array, opts: ParquetReadOptions = {}): Promise<Dataset> {
  const src: ParquetSource = source instanceof Uint8Array ? toArrayBuffer(source) : source;
  const reader = await openParquet(src, opts);
  try {
    return await readAllBlocks(reader, opts);
  } finally {
    await reader.close();
  }
}

/** The bytes as an ArrayBuffer of their own (a view's buffer may hold more than the view). */
export function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  if (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && u.buffer instanceof ArrayBuffer) return u.buffer;
  // A copy (Node's Buffer#slice would be a view of the same memory).
  const out = new Uint8Array(u.byteLength);
  out.set(u);
  return out.buffer;
}
