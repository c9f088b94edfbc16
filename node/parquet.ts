/**
 * Parquet files on disk, in blocks or whole, with one of two engines behind the same interface
 * (`ParquetBlockReader` in src/data/parquet.ts):
 *
 * - 'duckdb': embedded DuckDB (`@duckdb/node-api`, an optional package with a native binary of about
 *   70 MB). It decodes in C++ and hands over each column as a Float64Array, about ten times faster than
 *   the JavaScript decoder (see docs/data-formats.md for the figures), so it is the default when installed.
 * - 'hyparquet': pure JavaScript (also in the browser), reading the file through positioned reads, so only
 *   the footer and one row group's column chunks are in memory at a time.
 *
 * Both read the same columns with the same rules (label and features chosen as for CSV, features numeric,
 * nulls refused with the row and column) and yield the same numbers.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { OptionError, ParseError, SoftmaxError } from '../src/errors.js';
import type { Label } from '../src/core/labels.js';
import type { Dataset } from '../src/data/dataset.js';
import {
  DEFAULT_BLOCK_ROWS,
  featureValue,
  labelValue,
  openParquet,
  readAllBlocks,
  resolveParquetColumns,
  type DataBlock,
  type ParquetBlockReader,
  type ParquetColumnInfo,
  type ParquetLayout,
  type ParquetReadOptions,
  type ParquetSource,
} from '../src/data/parquet.js';
import { isMissingPackage } from '../src/optional.js';
import { MissingDependencyError } from '../src/errors.js';

export type ParquetEngine = 'auto' | 'duckdb' | 'hyparquet';
export const PARQUET_ENGINES: readonly ParquetEngine[] = ['auto', 'duckdb', 'hyparquet'];

export interface ParquetFileOptions extends ParquetReadOptions {
  /** 'auto' (default): DuckDB when `@duckdb/node-api` is installed, else hyparquet. */
  engine?: ParquetEngine;
  /** DuckDB's memory limit in bytes (default 256 MiB): what its decoder may buffer. */
  duckdbMemory?: number;
}

/**
 * A file as hyparquet's AsyncBuffer: positioned reads of just the byte ranges asked for (the footer, then
 * one column chunk at a time), so a file of any size is read without holding it whole.
 */
export function parquetFileSource(path: string): ParquetSource & { close(): void } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new SoftmaxError('IO_ERROR', `cannot read ${path}: ${why}`);
  }
  let size: number;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new SoftmaxError('IO_ERROR', `cannot read ${path}: it is a directory`);
    size = st.size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  let open = true;
  return {
    byteLength: size,
    slice(start: number, end = size): ArrayBuffer {
      const s = Math.max(0, start < 0 ? size + start : start);
      const e = Math.min(size, end < 0 ? size + end : end);
      const out = new Uint8Array(Math.max(0, e - s));
      let at = 0;
      while (at < out.length) {
        const n = readSync(fd, out, at, out.length - at, s + at);
        if (n === 0) throw new ParseError(`unexpected end of file at byte ${s + at}`, { file: path });
        at += n;
      }
      return out.buffer;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

type DuckDB = typeof import('@duckdb/node-api');

async function loadDuckDB(required: boolean): Promise<DuckDB | null> {
  try {
    return await import('@duckdb/node-api');
  } catch (e) {
    if (isMissingPackage(e, '@duckdb/node-api')) {
      if (required) throw new MissingDependencyError("the Parquet engine 'duckdb'", ['@duckdb/node-api']);
      return null;
    }
    // Installed but its native binary does not load (another platform): say so when it was asked for.
    if (required) throw new SoftmaxError('MISSING_DEPENDENCY', `@duckdb/node-api is installed but does not load here (${(e as Error).message})`);
    return null;
  }
}

/** SQL string literal. */
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** SQL identifier. */
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** A DuckDB column type as the footer-level description the column rules read. */
function duckColumn(name: string, type: string): ParquetColumnInfo {
  const t = type.toUpperCase();
  if (/^(STRUCT|MAP|UNION)\b|\[\]$|\[\d+\]$/.test(t)) return { name, physical: 'group' };
  if (t === 'VARCHAR') return { name, physical: 'BYTE_ARRAY', annotation: 'STRING' };
  if (t === 'BLOB') return { name, physical: 'BYTE_ARRAY' };
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|BOOLEAN)$/.test(t))
    return { name, physical: 'DOUBLE' };
  if (/^DECIMAL/.test(t)) return { name, physical: 'FIXED_LEN_BYTE_ARRAY', annotation: 'DECIMAL' };
  return { name, physical: 'INT64', annotation: t };
}

async function openDuckDB(duck: DuckDB, path: string, opts: ParquetFileOptions): Promise<ParquetBlockReader> {
  const file = opts.file ?? path;
  const blockRows = opts.blockRows ?? DEFAULT_BLOCK_ROWS;
  if (!Number.isInteger(blockRows) || blockRows < 1) throw new OptionError('blockRows', `must be a positive integer, got ${blockRows}`);
  const mem = Math.max(64, Math.round((opts.duckdbMemory ?? 256 * 1024 ** 2) / 1024 ** 2));
  const instance = await duck.DuckDBInstance.create(':memory:', { memory_limit: `${mem}MB`, threads: '2', preserve_insertion_order: 'true' });
  const conn = await instance.connect();
  const close = async () => {
    conn.closeSync();
    instance.closeSync();
  };
  try {
    const src = `read_parquet(${lit(path)})`;
    let cols: ParquetColumnInfo[];
    let rowGroups: number[];
    try {
      const desc = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
      cols = desc.getRowObjectsJS().map((r) => duckColumn(String(r['column_name']), String(r['column_type'])));
      const groups = await conn.runAndReadAll(
        `SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata(${lit(path)}) GROUP BY row_group_id ORDER BY row_group_id`,
      );
      rowGroups = groups.getRowObjectsJS().map((r) => Number(r['n']));
    } catch (e) {
      throw duckError(e, file);
    }
    const { label, features } = resolveParquetColumns(cols, { ...opts, file });
    const layout: ParquetLayout = {
      rows: rowGroups.reduce((a, b) => a + b, 0),
      rowGroups,
      columns: cols.map((c) => c.name),
      featureNames: features.map((c) => c.name),
      label: label?.name ?? null,
    };
    const d = features.length;
    const select = features.map((c) => `CAST(${ident(c.name)} AS DOUBLE)`).concat(label ? [ident(label.name)] : []);
    // DuckDB's preserve_insertion_order (on by default, and set below) keeps the file's row order without a
    // sort, even when two threads decode row groups.
    const sql = `SELECT ${select.join(', ')} FROM ${src}`;
    async function* blocks(): AsyncGenerator<DataBlock> {
      let result;
      try {
        result = await conn.stream(sql);
      } catch (e) {
        throw duckError(e, file);
      }
      let X = opts.float32 ? new Float32Array(blockRows * d) : new Float64Array(blockRows * d);
      let y: Label[] = [];
      let filled = 0;
      let rowStart = 0;
      for (;;) {
        let chunk;
        try {
          chunk = await result.fetchChunk();
        } catch (e) {
          throw duckError(e, file);
        }
        if (!chunk || chunk.rowCount === 0) break;
        const n = chunk.rowCount;
        let done = 0;
        while (done < n) {
          const take = Math.min(n - done, blockRows - filled);
          const base = rowStart + filled;
          for (let j = 0; j < d; j++) {
            const v = chunk.getColumnVector(j) as unknown as { items: Float64Array; validity: { data: unknown; itemValid(i: number): boolean } };
            const items = v.items;
            if (v.validity.data) {
              for (let i = 0; i < take; i++) if (!v.validity.itemValid(done + i)) featureValue(null, base + i, features[j]!.name, file);
            }
            for (let i = 0; i < take; i++) {
              const x = items[done + i]!;
              if (x !== x) featureValue(x, base + i, features[j]!.name, file);
              X[(filled + i) * d + j] = x;
            }
          }
          if (label) {
            const v = chunk.getColumnVector(d);
            for (let i = 0; i < take; i++) y.push(labelValue(jsValue(v.getItem(done + i)), base + i, label.name, file));
          }
          filled += take;
          done += take;
          if (filled === blockRows) {
            yield { X, y, rows: filled, cols: d, rowStart };
            rowStart += filled;
            filled = 0;
            X = opts.float32 ? new Float32Array(blockRows * d) : new Float64Array(blockRows * d);
            y = [];
          }
        }
      }
      if (filled > 0) yield { X: X.subarray(0, filled * d), y, rows: filled, cols: d, rowStart };
    }
    return { layout, engine: 'duckdb', blocks, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** DuckDB values for labels: numbers, bigints, strings; others (decimals, blobs) by their text. */
function jsValue(v: unknown): unknown {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return v;
  const o = v as { bytes?: Uint8Array; toDouble?: () => number; toString(): string };
  if (o.bytes instanceof Uint8Array) return o.bytes;
  if (typeof o.toDouble === 'function') return o.toDouble();
  return String(v);
}

function duckError(e: unknown, file: string): SoftmaxError {
  if (e instanceof SoftmaxError) return e;
  const msg = (e as Error).message ?? String(e);
  if (/No files found|does not exist|Cannot open file/i.test(msg)) return new SoftmaxError('IO_ERROR', `cannot read ${file}: no such file`);
  return new ParseError(`not a readable Parquet file (${msg.split('\n')[0]})`, { file });
}

/**
 * Open a Parquet file for reading in blocks: `for await (const { X, y, rows } of reader.blocks())`. Close
 * the reader when done (`await reader.close()`).
 */
export async function openParquetFile(path: string, opts: ParquetFileOptions = {}): Promise<ParquetBlockReader> {
  const engine = opts.engine ?? 'auto';
  if (!PARQUET_ENGINES.includes(engine))
    throw new OptionError('engine', `unknown Parquet engine '${String(engine)}'; use one of ${PARQUET_ENGINES.join(', ')}`);
  if (engine !== 'hyparquet') {
    const duck = await loadDuckDB(engine === 'duckdb');
    if (duck) return openDuckDB(duck, path, opts);
  }
  const source = parquetFileSource(path);
  try {
    const reader = await openParquet(source, { ...opts, file: opts.file ?? path });
    return { layout: reader.layout, engine: reader.engine, blocks: () => reader.blocks(), close: async () => source.close() };
  } catch (e) {
    source.close();
    throw e;
  }
}

/** A whole Parquet file as a Dataset (dense Float64 features), within the memory budget. */
export async function readParquetFile(path: string, opts: ParquetFileOptions = {}): Promise<Dataset> {
  const reader = await openParquetFile(path, opts);
  try {
    const ds = await readAllBlocks(reader, { maxMemory: opts.maxMemory, file: opts.file ?? path });
    if (opts.label === null) ds.y = [];
    return ds;
  } finally {
    await reader.close();
  }
}

/** Whether a file starts with Parquet's magic bytes (PAR1). */
export function looksParquet(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;
}
