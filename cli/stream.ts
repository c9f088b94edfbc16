/**
 * Streaming in the CLI (docs/streaming.md): when `train` and `predict` read a file in blocks instead of
 * whole, and the progress bar of a streamed run.
 *
 * Threshold: a CSV, LibSVM or Parquet file streams by itself when its size (x4 for gzip, a typical
 * compression ratio of numeric text; x2 for Parquet) is above a quarter of the memory budget (--max-memory; default half the
 * machine's memory), and at least 16 MiB. Text parses to roughly its own size in float64 values, and an in-memory fit holds
 * the data about three times (the parsed matrix, its scaled copy, the kernel's copy), so above a quarter
 * of the budget an in-memory fit risks being refused; streamed, memory stays at a few blocks whatever the
 * size. --stream forces streaming, --no-stream forbids it.
 */
import { statSync, openSync, readSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type cliProgressTypes from 'cli-progress';
import { defaultLimits } from '../src/core/limits.js';
import { formatFromPath } from '../node/io.js';
import type { StreamProgress } from '../node/stream/fit.js';
import { UsageError, type CliIO } from './context.js';

/** Assumed expansion of gzip-compressed numeric text, for the automatic threshold. */
export const GZIP_RATIO = 4;
/** Assumed expansion of a Parquet file into float64 values (compressed columns, often 4 bytes a value). */
export const PARQUET_RATIO = 2;

export interface StreamFlags {
  /** true: --stream; false: --no-stream; undefined: by size. */
  stream?: boolean;
  cacheDir?: string;
  rebuildCache?: boolean;
}

/** Whether to read `path` in blocks, and why (for --verbose and errors). */
export function shouldStream(path: string | undefined, f: StreamFlags & { dataFormat?: string; maxMemory?: number; dataset?: string }): boolean {
  if (f.stream === false) return false;
  const isFile = path !== undefined && path !== '-' && f.dataset === undefined;
  const fmt = f.dataFormat ?? (isFile ? formatFromPath(path) : undefined);
  const textFormat = fmt === undefined || fmt === 'csv' || fmt === 'libsvm' || fmt === 'parquet';
  if (f.stream === true) {
    if (!isFile) throw new UsageError('--stream reads a data file in blocks: give a file path (not - or --dataset)');
    if (!textFormat) throw new UsageError(`--stream reads CSV and LibSVM files (plain or .gz) and Parquet; ${path} is ${fmt}`);
    return true;
  }
  if (!isFile || !textFormat) return false;
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false; // the reader reports the missing file
  }
  return size * (isGzip(path) ? GZIP_RATIO : fmt === 'parquet' ? PARQUET_RATIO : 1) > streamThreshold(f.maxMemory);
}

/**
 * Files smaller than this never stream by themselves: the in-memory path is fast for them, and a budget
 * too small for them is reported as such (--stream still streams them).
 */
export const STREAM_MIN_BYTES = 16 * 1024 * 1024;

/** Bytes of (uncompressed) text above which a file streams: a quarter of the memory budget, at least 16 MiB. */
export function streamThreshold(maxMemory?: number): number {
  return Math.max(STREAM_MIN_BYTES, (maxMemory ?? defaultLimits().maxMemory) / 4);
}

function isGzip(path: string): boolean {
  const b = Buffer.alloc(2);
  try {
    const fd = openSync(path, 'r');
    try {
      return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * A progress bar for a streamed run on stderr, only on a terminal: the pass number, how far it is (bytes
 * of the source in the first pass, rows of the cache after), and rows/s of the pass.
 */
export function streamProgress(io: CliIO, enabled: boolean): { onProgress: (p: StreamProgress) => void; stop(): void } | null {
  if (!enabled || !io.stdout.isTTY || !io.stderr.isTTY) return null;
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressTypes;
  const bar = new cliProgress.SingleBar(
    {
      stream: io.stderr as NodeJS.WritableStream,
      format: 'pass {pass} [{bar}] {percentage}%  {rows} rows  {rate} rows/s  {duration}s',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let pass = 0;
  let t0 = 0;
  return {
    onProgress(p) {
      const now = Date.now();
      if (p.pass !== pass) {
        pass = p.pass;
        t0 = now;
      }
      const total = p.pass === 1 ? (p.totalBytes ?? 1) : p.totalRows;
      const value = p.pass === 1 ? (p.bytes ?? 0) : p.rows;
      const rate = now > t0 ? Math.round((p.rows / (now - t0)) * 1000).toLocaleString('en-US') : '-';
      const payload = { pass: p.pass, rows: p.rows.toLocaleString('en-US'), rate };
      if (!started) {
        bar.start(total, value, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(value, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
