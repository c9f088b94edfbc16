/**
 * Scores for prediction, Z = X W^T + b, through the WebAssembly SIMD kernels when X is dense and large
 * enough, else through the matrix's own (TypeScript) product. Wasm-resident X (resident.ts) is read in
 * place. Other X is not copied whole: rows stream through a small workspace CHUNK_ROWS at a time, so
 * prediction adds no memory in proportion to n (beyond the n x K scores).
 */
import { DenseMatrix } from '../matrix/dense.js';
import type { Matrix } from '../matrix/matrix.js';
import { planBytes, wasmAvailable, WasmWorkspace } from '../kernels/wasm.js';
import { asF64 } from '../kernels/dense-js.js';
import { arenaOf, type WasmArena } from '../kernels/resident.js';
import { resolveThreads, threadHost, type Threads } from './provider.js';
import { softmaxInPlace } from '../kernels/softmax.js';

/** Rows per chunk: X chunk (d doubles a row) plus scores stay within L2 for d up to a few thousand. */
const CHUNK_ROWS = 256;
/** Below this many multiply-adds the wasm set-up costs more than it saves. */
const MIN_WORK = 1 << 16;

interface Cached {
  ws: WasmWorkspace;
  d: number;
  K: number;
  f32: boolean;
  pX: number;
  pW: number;
  pW32: number;
  pb: number;
  pZ: number;
}
let cached: Cached | null = null;

function workspace(d: number, K: number, f32: boolean): Cached {
  if (cached && cached.d === d && cached.K === K && cached.f32 === f32) return cached;
  const es = f32 ? 4 : 8;
  const bytes = planBytes(CHUNK_ROWS * d, es) + planBytes(K * d, 8) + planBytes(K * d, 4) + planBytes(K, 8) + planBytes(CHUNK_ROWS * K, 8);
  const ws = new WasmWorkspace(bytes);
  cached = {
    ws,
    d,
    K,
    f32,
    pX: ws.alloc(CHUNK_ROWS * d * es),
    pW: ws.alloc(K * d * 8),
    pW32: ws.alloc(K * d * 4),
    pb: ws.alloc(K * 8),
    pZ: ws.alloc(CHUNK_ROWS * K * 8),
  };
  return cached;
}

/** Per arena: a workspace after X for W, b and the scores of all rows (reused by later predictions). */
interface ResidentCached {
  ws: WasmWorkspace;
  d: number;
  K: number;
  n: number;
  pW: number;
  pW32: number;
  pb: number;
  pZ: number;
}
const residentCache = new WeakMap<WasmArena, ResidentCached>();

/** Scores of wasm-resident X read in place (no copy of X at all). */
function residentScores(arena: WasmArena, X: DenseMatrix, W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array): void {
  const { rows: n, cols: d } = X;
  const f32 = X.data instanceof Float32Array;
  let c = residentCache.get(arena);
  if (!c || c.d !== d || c.K !== K || c.n < n) {
    const bytes = planBytes(K * d, 8) + planBytes(K * d, 4) + planBytes(K, 8) + planBytes(n * K, 8);
    const owner = {};
    const ws = new WasmWorkspace(bytes, 'shared', arena.memory, arena.claim(bytes, owner));
    c = { ws, d, K, n, pW: ws.alloc(K * d * 8), pW32: ws.alloc(K * d * 4), pb: ws.alloc(K * 8), pZ: ws.alloc(n * K * 8) };
    // The cache entry owns its region (the arena keeps it while the entry is alive).
    (c as unknown as { owner: object }).owner = owner;
    residentCache.set(arena, c);
  }
  const ws = c.ws;
  ws.f64(c.pW, K * d).set(asF64(W));
  if (b) ws.f64(c.pb, K).set(asF64(b));
  const pX = X.data.byteOffset;
  if (f32) {
    ws.k.narrowF32(c.pW, c.pW32, K * d);
    ws.k.scoresF32(pX, d, c.pW32, b ? c.pb : 0, K, c.pZ, 0, n);
  } else ws.k.scoresF64(pX, d, c.pW, b ? c.pb : 0, K, c.pZ, 0, n);
  out.set(ws.f64(c.pZ, n * K));
}

/** The thread host (worker threads) takes dense X when the model's `threads` asks for more than one; see provider.ts. */
function provided(X: Matrix, W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array, softmax: boolean, threads: Threads): boolean {
  const h = threadHost();
  if (h === null || !(X instanceof DenseMatrix)) return false;
  const T = resolveThreads(threads, X.rows * X.cols * K, X.rows, false);
  return T > 1 && h.scores(X, asF64(W), K, b ? asF64(b) : null, out, softmax, T);
}

/**
 * out[i*K + k] = softmax(X_i W^T + b)_k for all rows of X: the scores as predictScores, then softmaxInPlace
 * row by row (the threaded provider runs both on each thread's rows, with the same arithmetic).
 */
export function predictProbabilities(
  X: Matrix,
  W: ArrayLike<number>,
  K: number,
  b: ArrayLike<number> | null,
  out: Float64Array,
  threads: Threads = 'auto',
): void {
  if (provided(X, W, K, b, out, true, threads)) return;
  predictScores(X, W, K, b, out, threads);
  for (let i = 0; i < out.length; i += K) softmaxInPlace(out, i, K);
}

/** out[i*K + k] = X_i . W_k + b_k for all rows of X. */
export function predictScores(X: Matrix, W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array, threads: Threads = 'auto'): void {
  if (!(X instanceof DenseMatrix) || X.rows * X.cols * K < MIN_WORK || !wasmAvailable()) {
    X.scores(W, K, b, out);
    return;
  }
  if (provided(X, W, K, b, out, false, threads)) return;
  const arena = arenaOf(X.data);
  if (arena) {
    residentScores(arena, X, W, K, b, out);
    return;
  }
  const { rows: n, cols: d } = X;
  const f32 = X.data instanceof Float32Array;
  const base = workspace(d, K, f32);
  const ws = base.ws;
  ws.f64(base.pW, K * d).set(asF64(W));
  if (b) ws.f64(base.pb, K).set(asF64(b));
  if (f32) ws.k.narrowF32(base.pW, base.pW32, K * d);
  const Zv = ws.f64(base.pZ, CHUNK_ROWS * K);
  const X64 = f32 ? null : ws.f64(base.pX, CHUNK_ROWS * d);
  const X32 = f32 ? ws.f32(base.pX, CHUNK_ROWS * d) : null;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const m = Math.min(CHUNK_ROWS, n - start);
    const src = X.data.subarray(start * d, (start + m) * d);
    if (X64) X64.set(src);
    else X32!.set(src);
    if (f32) ws.k.scoresF32(base.pX, d, base.pW32, b ? base.pb : 0, K, base.pZ, 0, m);
    else ws.k.scoresF64(base.pX, d, base.pW, b ? base.pb : 0, K, base.pZ, 0, m);
    out.set(Zv.subarray(0, m * K), start * K);
  }
}
