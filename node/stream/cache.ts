/**
 * The binary cache of a streamed fit (Vowpal Wabbit's idea: parse the text once, replay binary blocks).
 *
 * Two files in the cache directory, named by a hash of the key (below):
 *   NAME.bin   the blocks, one after another; each is a 16-byte header (magic "SMXB", rows u32, nnz u32,
 *              0 u32) and then, every section padded to 8 bytes: dense X (rows x d, float32 or float64,
 *              row-major) or CSR indptr (rows + 1 int32), indices (nnz int32), data (nnz float32/64);
 *              then y (rows int32: label codes in first-seen order).
 *   NAME.json  what the first pass learnt (StreamSummary), the code -> class table, the per-column shift,
 *              dtype, block offsets, and the key. Written last, after the .bin is complete and renamed into
 *              place: a cache without its .json (a killed first pass) is never read.
 * The key: the source's absolute path, size, mtime (ms), a SHA-256 of its first 64 KiB, and every reader
 * option that changes what is parsed (format, label, features, delimiter, nFeatures, dtype). Any change
 * to the file that keeps size, mtime and header would go unnoticed: pass reuseCache: false (CLI
 * --no-cache-reuse) after rewriting a file in place with a preserved mtime.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SoftmaxError } from '../../src/errors.js';
import type { BlockStore, DataBlock, StreamSummary } from '../../src/stream/block.js';

export const CACHE_VERSION = 1;
const MAGIC = 0x42584d53; // "SMXB" little-endian
const HEADER = 16;

/** Default cache directory: $SOFTMAX_CACHE_DIR, else <os tmpdir>/softmax-regression-cache. */
export function defaultCacheDir(): string {
  return process.env.SOFTMAX_CACHE_DIR || join(tmpdir(), 'softmax-regression-cache');
}

const pad8 = (n: number) => (n + 7) & ~7;

export interface CacheMeta {
  version: number;
  key: Record<string, unknown>;
  summary: StreamSummary;
  remap: number[];
  shift: number[] | null;
  dtype: 'float64' | 'float32';
  maxBlockRows: number;
  /** Byte offset and rows of every block. */
  blocks: Array<{ offset: number; rows: number; nnz: number; bytes: number }>;
  bytes: number;
}

/** Bytes of one block in the file. */
function blockBytes(kind: 'dense' | 'csr', rows: number, d: number, nnz: number, es: number): number {
  if (kind === 'dense') return HEADER + pad8(rows * d * es) + pad8(rows * 4);
  return HEADER + pad8((rows + 1) * 4) + pad8(nnz * 4) + pad8(nnz * es) + pad8(rows * 4);
}

/** The cache key of a source file (see the file comment). */
export function fileKey(path: string, options: Record<string, unknown>): Record<string, unknown> {
  const abs = resolve(path);
  const st = statSync(abs);
  const head = Buffer.alloc(Math.min(65536, st.size));
  const fd = openSync(abs, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return { version: CACHE_VERSION, path: abs, size: st.size, mtimeMs: st.mtimeMs, head: createHash('sha256').update(head).digest('hex'), ...options };
}

export function cacheName(key: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

/** Writes blocks as they come (first pass), then the metadata. */
export class CacheWriter {
  readonly binPath: string;
  readonly metaPath: string;
  private readonly tmpBin: string;
  private fd: number | null;
  private offset = 0;
  private readonly blocks: CacheMeta['blocks'] = [];
  private maxRows = 1;
  private buf = new Uint8Array(0);

  constructor(
    dir: string,
    name: string,
    readonly dtype: 'float64' | 'float32',
    private readonly d: number,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new SoftmaxError('IO_ERROR', `cannot create the cache directory ${dir}: ${(e as Error).message} (choose another with cacheDir / --cache-dir)`);
    }
    this.binPath = join(dir, `${name}.bin`);
    this.metaPath = join(dir, `${name}.json`);
    this.tmpBin = `${this.binPath}.${process.pid}.tmp`;
    try {
      this.fd = openSync(this.tmpBin, 'w');
    } catch (e) {
      throw new SoftmaxError(
        'IO_ERROR',
        `cannot write the cache ${this.tmpBin}: ${(e as Error).message} (choose another directory with cacheDir / --cache-dir)`,
      );
    }
  }

  get bytes(): number {
    return this.offset;
  }

  /** Append a block (y = first-seen codes); dense rows are written as `dtype` (narrowed when float32). */
  append(block: DataBlock): void {
    const es = this.dtype === 'float64' ? 8 : 4;
    const rows = block.rows;
    const nnz = block.kind === 'csr' ? block.indptr[rows]! : 0;
    const size = blockBytes(block.kind, rows, this.d, nnz, es);
    if (this.buf.byteLength < size) this.buf = new Uint8Array(Math.max(size, Math.ceil(this.buf.byteLength * 1.5)));
    const ab = this.buf.buffer;
    const h = new Uint32Array(ab, 0, 4);
    h[0] = MAGIC;
    h[1] = rows;
    h[2] = nnz;
    h[3] = 0;
    let at = HEADER;
    const put = (src: ArrayLike<number>, kind: 'f64' | 'f32' | 'i32', count: number) => {
      const view = kind === 'f64' ? new Float64Array(ab, at, count) : kind === 'f32' ? new Float32Array(ab, at, count) : new Int32Array(ab, at, count);
      view.set(src as ArrayLike<number> & Float64Array);
      at += pad8(count * (kind === 'f64' ? 8 : 4));
    };
    const fk = es === 8 ? 'f64' : 'f32';
    if (block.kind === 'dense') put(block.X.subarray(0, rows * this.d), fk, rows * this.d);
    else {
      put(block.indptr.subarray(0, rows + 1), 'i32', rows + 1);
      put(block.indices.subarray(0, nnz), 'i32', nnz);
      put(block.data.subarray(0, nnz), fk, nnz);
    }
    put(block.y.subarray(0, rows), 'i32', rows);
    this.write(this.buf.subarray(0, size));
    this.blocks.push({ offset: this.offset, rows, nnz, bytes: size });
    this.offset += size;
    if (rows > this.maxRows) this.maxRows = rows;
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      let n: number;
      try {
        n = writeSync(this.fd!, bytes, done, bytes.length - done);
      } catch (e) {
        this.abort();
        throw new SoftmaxError(
          'IO_ERROR',
          `cannot write the cache ${this.tmpBin}: ${(e as Error).message} (a full disk? choose another directory with cacheDir / --cache-dir)`,
        );
      }
      if (n <= 0) {
        this.abort();
        throw new SoftmaxError('IO_ERROR', `cannot write the cache ${this.tmpBin}: short write (a full disk?)`);
      }
      done += n;
    }
  }

  /** Remove the unfinished cache (an error in the first pass). */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    rmSync(this.tmpBin, { force: true });
  }

  /** Complete the cache: the .bin renamed into place, then its .json. */
  finish(key: Record<string, unknown>, summary: StreamSummary, remap: Int32Array, shift: Float64Array | null): CacheMeta {
    fsyncSync(this.fd!);
    closeSync(this.fd!);
    this.fd = null;
    rmSync(this.metaPath, { force: true });
    renameSync(this.tmpBin, this.binPath);
    const meta: CacheMeta = {
      version: CACHE_VERSION,
      key,
      summary,
      remap: Array.from(remap),
      shift: shift ? Array.from(shift) : null,
      dtype: this.dtype,
      maxBlockRows: this.maxRows,
      blocks: this.blocks,
      bytes: this.offset,
    };
    const tmp = `${this.metaPath}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(meta));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.metaPath);
    return meta;
  }
}

/** The metadata of a complete cache with this key, or null (absent, other key, unreadable, truncated). */
export function findCache(dir: string, key: Record<string, unknown>): { meta: CacheMeta; binPath: string; metaPath: string } | null {
  const name = cacheName(key);
  const metaPath = join(dir, `${name}.json`);
  const binPath = join(dir, `${name}.bin`);
  if (!existsSync(metaPath) || !existsSync(binPath)) return null;
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as CacheMeta;
    if (meta.version !== CACHE_VERSION || JSON.stringify(meta.key) !== JSON.stringify(key)) return null;
    if (statSync(binPath).size !== meta.bytes) return null;
    return { meta, binPath, metaPath };
  } catch {
    return null;
  }
}

export interface PassProgress {
  /** 1-based pass over the data (the first pass, reading the source, is 1). */
  pass: number;
  rows: number;
  totalRows: number;
}

/**
 * A BlockStore over a cache file: each forEachBlock reads the blocks in order with readSync into one reused
 * buffer (memory: the largest block), so solvers call it synchronously.
 */
export class FileBlockStore implements BlockStore {
  readonly summary: StreamSummary;
  readonly shift: Float64Array | null;
  readonly maxBlockRows: number;
  readonly dtype: 'float64' | 'float32';
  passes = 0;
  private readonly remap: Int32Array;
  private readonly buf: ArrayBuffer;
  private readonly y: Int32Array;
  /** Pass numbers reported to onProgress start after this many passes (the first pass read the source). */
  passOffset = 1;

  constructor(
    readonly binPath: string,
    readonly meta: CacheMeta,
    private readonly onProgress?: (p: PassProgress) => void,
  ) {
    this.summary = meta.summary;
    this.shift = meta.shift ? Float64Array.from(meta.shift) : null;
    this.maxBlockRows = meta.maxBlockRows;
    this.dtype = meta.dtype;
    this.remap = Int32Array.from(meta.remap);
    const maxBytes = meta.blocks.reduce((m, b) => Math.max(m, b.bytes), HEADER);
    this.buf = new ArrayBuffer(maxBytes);
    this.y = new Int32Array(Math.max(1, meta.maxBlockRows));
  }

  forEachBlock(fn: (block: DataBlock, index: number) => void): void {
    let index = 0;
    for (const block of this.blocks()) fn(block, index++);
  }

  /** The blocks in order, as a generator (each valid until the next is asked for). */
  *blocks(): Generator<DataBlock> {
    const { meta, buf } = this;
    const d = meta.summary.d;
    const es = meta.dtype === 'float64' ? 8 : 4;
    let fd: number;
    try {
      fd = openSync(this.binPath, 'r');
    } catch (e) {
      throw new SoftmaxError('IO_ERROR', `cannot read the cache ${this.binPath}: ${(e as Error).message}`);
    }
    const pass = this.passes + 1 + this.passOffset;
    let rowsDone = 0;
    try {
      const bytes = new Uint8Array(buf);
      for (let index = 0; index < meta.blocks.length; index++) {
        const b = meta.blocks[index]!;
        let got = 0;
        while (got < b.bytes) {
          const n = readSync(fd, bytes, got, b.bytes - got, b.offset + got);
          if (n <= 0) throw new SoftmaxError('IO_ERROR', `the cache ${this.binPath} is truncated at block ${index}: delete it and fit again`);
          got += n;
        }
        const h = new Uint32Array(buf, 0, 4);
        if (h[0] !== MAGIC || h[1] !== b.rows)
          throw new SoftmaxError('IO_ERROR', `the cache ${this.binPath} is corrupt at block ${index}: delete it and fit again`);
        const rows = b.rows;
        let at = HEADER;
        const take = <T>(make: (at: number, count: number) => T, count: number, size: number): T => {
          const v = make(at, count);
          at += pad8(count * size);
          return v;
        };
        const F = (o: number, c: number): Float64Array | Float32Array => (es === 8 ? new Float64Array(buf, o, c) : new Float32Array(buf, o, c));
        const I = (o: number, c: number) => new Int32Array(buf, o, c);
        const y = this.y.subarray(0, rows);
        if (meta.summary.sparse) {
          const indptr = take(I, rows + 1, 4);
          const indices = take(I, b.nnz, 4);
          const data = take(F, b.nnz, es);
          const codes = take(I, rows, 4);
          for (let i = 0; i < rows; i++) y[i] = this.remap[codes[i]!] ?? 0;
          yield { kind: 'csr', rows, indptr, indices, data, y };
        } else {
          const X = take(F, rows * d, es);
          const codes = take(I, rows, 4);
          for (let i = 0; i < rows; i++) y[i] = this.remap[codes[i]!] ?? 0;
          yield { kind: 'dense', rows, X, y };
        }
        rowsDone += rows;
        this.onProgress?.({ pass, rows: rowsDone, totalRows: meta.summary.n });
      }
    } finally {
      closeSync(fd);
    }
    this.passes++;
  }
}
