/**
 * The first pass of a large numeric CSV on several threads: the main thread reads the file (or its gzip
 * stream), cuts it into chunks of whole records, and worker threads parse them with the fast parser
 * (fast-csv.ts), two chunks in flight per worker; the rows come back in file order. Parsing is the first
 * pass's cost; on an idle multi-core machine threads divide it. Opt-in (`workers`): on the shared 2-core
 * machine where it was measured, threads were slower than the main thread alone (docs/streaming.md).
 *
 * A chunk the fast path cannot read to the end (quotes, text, a ragged row) ends the parallel part: from
 * that record on, the main thread's general reader (CsvReader) reads everything (it reports any error with
 * the right line, as the sequential path does).
 */
import { Worker } from 'node:worker_threads';
import { CsvReader, type CsvOptions } from '../../src/data/csv.js';
import { SoftmaxError } from '../../src/errors.js';
import type { RawBlock, SourceInfo } from './types.js';

/** Bytes per chunk sent to a worker. */
export const PARALLEL_CHUNK_BYTES = 4 << 20;

interface Result {
  seq: number;
  blocks?: Array<{ rows: number; X: Float64Array; codes: Int32Array | null }>;
  texts?: string[];
  failedAt?: number;
  linesBefore?: number;
  error?: string;
}

function startWorker(header: Uint8Array, opts: CsvOptions): Worker {
  // From TypeScript sources (tests, benchmarks under tsx) the worker registers tsx itself (as threads.ts).
  const fromTs = import.meta.url.endsWith('.ts');
  const url = new URL(`./csv-worker${fromTs ? '.ts' : '.js'}`, import.meta.url);
  const workerData = { header, opts: { ...opts, limits: undefined } };
  return fromTs
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData })
    : new Worker(url, { workerData });
}

/**
 * Blocks of a CSV whose header the fast parser accepted, parsed on `workers` threads. `bytes` is the
 * input from its first byte (header included).
 */
export async function* parallelCsvBlocks(
  bytes: AsyncIterable<Uint8Array>,
  header: Uint8Array,
  csvOpts: CsvOptions,
  workers: number,
  blockRows: number,
  info: SourceInfo,
  chunkBytes = PARALLEL_CHUNK_BYTES,
): AsyncGenerator<RawBlock> {
  const pool: Worker[] = [];
  const waiting = new Map<number, (r: Result) => void>();
  const results = new Map<number, Result>();
  let failure: Error | null = null;
  for (let i = 0; i < workers; i++) {
    const w = startWorker(header, csvOpts);
    w.on('message', (r: Result) => {
      const cb = waiting.get(r.seq);
      if (cb) {
        waiting.delete(r.seq);
        cb(r);
      } else results.set(r.seq, r);
    });
    w.on('error', (e) => {
      failure = e;
      for (const cb of waiting.values()) cb({ seq: -1, error: e.message });
    });
    pool.push(w);
  }
  const inflight: Array<{ seq: number; bytes: Uint8Array }> = [];
  let seq = 0;
  let headerLeft = true;
  let carry: Uint8Array = new Uint8Array(0);
  const pendingParts: Uint8Array[] = [];
  let pendingBytes = 0;
  let line = 2;
  let fallback: CsvReader | null = null;
  const decoder = new TextDecoder('utf-8');
  const result = (s: number) =>
    new Promise<Result>((res) => {
      const r = results.get(s);
      if (r) {
        results.delete(s);
        res(r);
      } else if (failure) res({ seq: s, error: (failure as Error).message });
      else waiting.set(s, res);
    });
  const dispatch = (piece: Uint8Array) => {
    const s = seq++;
    inflight.push({ seq: s, bytes: piece });
    pool[s % workers]!.postMessage({ seq: s, bytes: piece });
  };
  const takeGeneral = (r: CsvReader): RawBlock => {
    const b = r.takeRows();
    return { kind: 'dense', rows: b.rows, X: b.X, labels: r.hasLabels ? { codes: b.codes, texts: r.labelTexts() } : null };
  };
  /** The oldest chunk's rows; on a fast-path failure, the general reader takes over from its record. */
  async function* settle(): AsyncGenerator<RawBlock> {
    const head = inflight.shift()!;
    const r = await result(head.seq);
    if (r.error) throw new SoftmaxError('IO_ERROR', `a CSV parsing thread failed: ${r.error}`);
    for (const b of r.blocks!) yield { kind: 'dense', rows: b.rows, X: b.X, labels: b.codes ? { codes: b.codes, texts: r.texts! } : null };
    if (r.failedAt! >= 0) {
      info.parser = 'fast(threads)+general';
      const g = new CsvReader(csvOpts);
      g.push(decoder.decode(header, { stream: true }));
      g.setLine(line + r.linesBefore!);
      g.push(decoder.decode(head.bytes.subarray(r.failedAt!), { stream: true }));
      // Chunks already sent go to the general reader too, in order; their results are dropped.
      for (const later of inflight.splice(0)) g.push(decoder.decode(later.bytes, { stream: true }));
      fallback = g;
      return;
    }
    line += r.linesBefore!;
  }
  try {
    for await (const chunk of bytes) {
      if (fallback) {
        (fallback as CsvReader).push(decoder.decode(chunk, { stream: true }));
        while ((fallback as CsvReader).pendingRows >= blockRows) yield takeGeneral(fallback);
        continue;
      }
      pendingParts.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < chunkBytes && !headerLeft) continue;
      let data: Uint8Array = Buffer.concat([carry, ...pendingParts]);
      pendingParts.length = 0;
      pendingBytes = 0;
      if (headerLeft) {
        const eol = data.indexOf(10);
        if (eol < 0) {
          carry = data.slice();
          continue;
        }
        data = data.subarray(eol + 1);
        headerLeft = false;
      }
      const cut = data.lastIndexOf(10) + 1;
      if (cut === 0) {
        carry = data;
        continue;
      }
      dispatch(data.subarray(0, cut));
      carry = data.slice(cut);
      while (inflight.length >= 2 * workers && !fallback) yield* settle();
      if (fallback) {
        (fallback as CsvReader).push(decoder.decode(carry, { stream: true }));
        carry = new Uint8Array(0);
      }
    }
    if (!fallback) {
      const last = Buffer.concat([carry, ...pendingParts]);
      if (headerLeft) {
        const eol = last.indexOf(10);
        if (eol >= 0 && eol + 1 < last.length) dispatch(last.subarray(eol + 1));
      } else if (last.length > 0) dispatch(last);
    } else if (pendingParts.length) for (const part of pendingParts) (fallback as CsvReader).push(decoder.decode(part, { stream: true }));
    while (inflight.length > 0 && !fallback) yield* settle();
    if (fallback) {
      const g = fallback as CsvReader;
      const tail = decoder.decode();
      if (tail) g.push(tail);
      g.finish();
      while (g.pendingRows > 0) yield takeGeneral(g);
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
