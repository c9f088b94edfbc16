/**
 * Both cores for dense loss+gradient (and prediction): worker_threads over one shared WebAssembly memory. X is copied into
 * the shared memory once per fit; each evaluation splits the rows between the main thread and the workers
 * (rows [0, n0) on the main thread), each accumulates its gradient into its own buffer, and the main
 * thread sums them. Synchronization is Atomics.wait/notify on a small control block per worker, so an
 * evaluation stays a synchronous call and the solvers are unchanged.
 *
 * Importing this module (softmax-regression/node does, and so does the package root when imported in Node)
 * registers the thread host: each fit then chooses its threads through its own `threads` option ('auto':
 * all cores for passes of at least THREADS_MIN_WORK multiply-adds, src/backends/provider.ts). The pool
 * starts at the first fit that wants it. Workers are unref'd (they never keep the process alive) and
 * reused across fits.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { DenseMatrix } from '../src/matrix/dense.js';
import { residentLayout, WasmDenseWorkspaceView, type Dtype, type WasmDenseLayout } from '../src/backends/dense-wasm.js';
import type { LossKernel } from '../src/backends/loss-kernel.js';
import { AUTO_THREADS_MIN_WORK, setThreadHost, type ThreadHost } from '../src/backends/provider.js';
import { WasmCsrView } from '../src/backends/csr-wasm.js';
import type { CSRMatrix } from '../src/matrix/csr.js';
import { arenaOf, type WasmArena } from '../src/kernels/resident.js';
import { wasmModule } from '../src/kernels/wasm.js';
import { CTRL, OP, csrShare, denseShare } from './threads-protocol.js';

/** Below this many multiply-adds per pass, waking a worker costs more than it saves (~tens of microseconds). */
export const THREADS_MIN_WORK = AUTO_THREADS_MIN_WORK;

/** A worker's first answer includes its start-up (module load, wasm compile): generous. */
const WORKER_TIMEOUT_MS = 60_000;
const WAIT_SLICE_MS = 1000;

interface PoolWorker {
  worker: Worker;
  port: MessagePort;
  c: Int32Array;
  res: Float64Array;
  seq: number;
}

class Pool {
  readonly workers: PoolWorker[] = [];
  /** The problem (fit kernel or predictor) whose workspace the workers are attached to. */
  owner: object | null = null;
  failure: unknown = null;

  constructor(n: number) {
    // Run from TypeScript sources (tests, benchmarks under tsx), the worker registers tsx itself: loader
    // hooks of the main thread do not reach a worker's entry module on Node 20.
    const fromTs = import.meta.url.endsWith('.ts');
    const url = new URL(`./threads-worker${fromTs ? '.ts' : '.js'}`, import.meta.url);
    for (let i = 0; i < n; i++) {
      const ctrl = new SharedArrayBuffer(CTRL.BYTES);
      const { port1, port2 } = new MessageChannel();
      const opts = { workerData: { ctrl, port: port2, index: i }, transferList: [port2] };
      const worker = fromTs
        ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`, { ...opts, eval: true })
        : new Worker(url, opts);
      worker.on('error', (e) => {
        this.failure = e;
      });
      worker.unref();
      port1.unref();
      this.workers.push({ worker, port: port1, c: new Int32Array(ctrl, 0, CTRL.INTS), res: new Float64Array(ctrl, CTRL.RESULT_BYTE, 1), seq: 0 });
    }
  }

  post(w: PoolWorker, op: number, start = 0, end = 0, hasB = false): void {
    w.c[CTRL.OP] = op;
    w.c[CTRL.START] = start;
    w.c[CTRL.END] = end;
    w.c[CTRL.HASB] = hasB ? 1 : 0;
    w.seq++;
    Atomics.store(w.c, CTRL.SEQ, w.seq);
    Atomics.notify(w.c, CTRL.SEQ);
  }

  /**
   * Split one operation over the pool: worker t takes rows [bounds[t+1], bounds[t+2]), the calling thread
   * rows [bounds[0], bounds[1]) through `main`; returns the sum of all parts' results.
   */
  split(
    op: number,
    bounds: number[],
    hasB: boolean,
    main: (start: number, end: number) => number,
    share: (t: number, start: number, end: number) => number,
  ): number {
    if (this.failure) throw new Error(`worker thread failed: ${String(this.failure)}`);
    // Until every worker has attached to the current problem (a new pool's workers first load their code and
    // compile the kernels: tens to hundreds of ms), the calling thread computes the workers' shares itself,
    // into their buffers and in their order (`share`, node/threads-protocol.ts): a fit never waits for the
    // pool, and its results are the same bits whenever the workers joined.
    this.parallel = this.attached();
    if (!this.parallel) {
      let total = main(bounds[0]!, bounds[1]!);
      for (let t = 0; t < this.workers.length; t++) total += share(t, bounds[t + 1]!, bounds[t + 2]!);
      return total;
    }
    this.workers.forEach((w, t) => this.post(w, op, bounds[t + 1]!, bounds[t + 2]!, hasB));
    let total = main(bounds[0]!, bounds[1]!);
    for (const w of this.workers) total += this.wait(w);
    return total;
  }

  private result(w: PoolWorker): number {
    this.checkFailed(w);
    return w.res[0]!;
  }

  /** Block until every worker has attached to the current problem (a fit that asked for a thread count). */
  waitAttached(): void {
    for (const w of this.workers) this.wait(w);
  }

  /** Whether the last split() ran on the workers (false: the calling thread computed their shares). */
  parallel = false;

  private attached(): boolean {
    for (const w of this.workers) {
      this.checkFailed(w);
      if (Atomics.load(w.c, CTRL.DONE) !== w.seq) return false;
    }
    return true;
  }

  /** A worker whose operation threw has flagged it (node/threads-worker.ts) and ended: no result will come. */
  private checkFailed(w: PoolWorker): void {
    if (Atomics.load(w.c, CTRL.FAILED) !== 0) {
      throw new Error(
        `worker thread ${this.workers.indexOf(w)} failed${this.failure ? `: ${String(this.failure)}` : ' (its error follows as an uncaught exception in the worker)'}`,
      );
    }
  }

  wait(w: PoolWorker): number {
    // The worker's share usually ends within microseconds of ours: look before sleeping (a futex round trip
    // costs tens of microseconds, a sizeable part of a small problem's evaluation).
    for (let i = 0; i < 2048; i++) if (Atomics.load(w.c, CTRL.DONE) === w.seq) return this.result(w);
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(w.c, CTRL.DONE);
      if (done === w.seq) return this.result(w);
      // Timed waits: a worker that failed to start never answers, and this thread, blocked here, would
      // never see its error event.
      if (Atomics.wait(w.c, CTRL.DONE, done, WAIT_SLICE_MS) === 'timed-out' && Date.now() - t0 > WORKER_TIMEOUT_MS) {
        throw new Error(`worker thread did not answer within ${WORKER_TIMEOUT_MS} ms${this.failure ? `: ${String(this.failure)}` : ''}`);
      }
    }
  }

  /**
   * Ask every worker to attach to `view` (a no-op when `owner` is already attached), without waiting:
   * split() runs on the calling thread alone until they have. A worker still busy with an earlier attach
   * sees only the latest request and reads the latest message (node/threads-worker.ts).
   */
  attach(owner: object, view: { layout: object; ws: { memory: unknown } }): void {
    if (this.owner === owner) return;
    for (const w of this.workers) {
      w.port.postMessage({ layout: view.layout, workers: this.workers.length, memory: view.ws.memory });
      this.post(w, OP.ATTACH);
    }
    this.owner = owner;
  }

  async close(): Promise<void> {
    for (const w of this.workers) this.post(w, OP.EXIT);
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

let pool: Pool | null = null;

export class ThreadedDenseKernel implements LossKernel {
  readonly name: string;
  readonly view: WasmDenseWorkspaceView;
  private readonly pool: Pool;
  /** Row ranges: [0] main thread, [t+1] worker t. */
  private readonly bounds: number[];

  constructor(X: DenseMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, dtype: Dtype, p: Pool, wait = true) {
    this.pool = p;
    const T = p.workers.length;
    this.name = `wasm-${dtype}-threads${T + 1}`;
    const L: WasmDenseLayout = { n: X.rows, d: X.cols, K, dtype, weighted: sampleWeight !== null };
    // Wasm-resident X (src/kernels/resident.ts): the workers attach to X's own memory, no copy.
    const resident = residentLayout(X, L, T, this);
    this.view = resident ? new WasmDenseWorkspaceView(resident.layout, 'shared', T, resident.memory) : new WasmDenseWorkspaceView(L, 'shared', T);
    this.view.load(X, y, sampleWeight);
    // Equal shares, boundaries on multiples of 4 (the kernels' row block).
    const n = X.rows;
    const share = Math.ceil(n / (T + 1) / 4) * 4;
    this.bounds = [];
    for (let t = 0; t <= T + 1; t++) this.bounds.push(Math.min(n, t * share));
    this.attach();
    if (wait) p.waitAttached();
  }

  private attach(): void {
    this.pool.attach(this, this.view);
  }

  /** Threads the passes so far ran on: 1 until the workers have attached (Pool.split). */
  threadsUsed = 1;

  private disposed = false;

  /** The fit is over: a small workspace's shared memory may serve the next threaded fit (WasmWorkspace.release). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.view.ws.release();
  }

  /** Run op on every worker's rows and on the main thread's (via `main`); returns the sum of results. */
  private run(op: number, main: (start: number, end: number) => number): number {
    if (this.disposed) throw new Error(`${this.name} kernel used after dispose()`);
    this.attach();
    const total = this.pool.split(op, this.bounds, this.view.hasB, main, (t, s, e) => denseShare(this.view, t, op, s, e));
    if (this.pool.parallel) this.threadsUsed = this.bounds.length - 1;
    return total;
  }

  /** Add the workers' gradient buffers into view.G / view.gb. */
  private reduce(): void {
    const v = this.view;
    const m = v.K * v.d;
    for (const pG of v.pWorkerG) {
      const part = v.ws.f64(pG, m + v.K);
      const G = v.G;
      for (let j = 0; j < m; j++) G[j]! += part[j]!;
      for (let k = 0; k < v.K; k++) v.gb[k]! += part[m + k]!;
    }
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    const v = this.view;
    v.setParams(W, b);
    v.G.fill(0);
    v.gb.fill(0);
    const total = this.run(OP.LOSSGRAD, (s, e) => v.lossGradRows(s, e, v.pG, v.pgb));
    this.reduce();
    G.set(v.G);
    if (gb) gb.set(v.gb);
    return total;
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    const v = this.view;
    v.setParams(W, b);
    return this.run(OP.LOSS, (s, e) => v.lossRows(s, e));
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const v = this.view;
    v.setParams(W, b);
    this.run(OP.PROB, (s, e) => (v.probabilitiesRows(s, e), 0));
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const v = this.view;
    v.setParams(V, vb);
    v.G.fill(0);
    v.gb.fill(0);
    this.run(OP.HVP, (s, e) => (v.hvpRows(s, e, v.pG, v.pgb), 0));
    this.reduce();
    out.set(v.G);
    if (ob) ob.set(v.gb);
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    if (this.disposed) throw new Error(`${this.name} kernel used after dispose()`);
    const v = this.view;
    v.setParams(W, b);
    const K = v.K;
    // Prediction-time path (rare during a fit): single thread through the P region.
    const pZ = v.pP;
    if (v.dtype === 'float64') v.k.scoresF64(v.pX, v.d, v.pW, v.hasB ? v.pb : 0, K, pZ, start, end);
    else v.k.scoresF32(v.pX, v.d, v.pW32, v.hasB ? v.pb : 0, K, pZ, start, end);
    out.set(v.P.subarray(0, (end - start) * K));
  }
}

/**
 * CSR X over the pool: the CSR arrays copied once into a shared memory (as WasmCsrKernel copies them into
 * its own), rows split so each thread gets about the same number of nonzeros. Each thread adds its rows'
 * gradient into its own GT (d x K); the main thread sums them and transposes once.
 */
export class ThreadedCsrKernel implements LossKernel {
  readonly name: string;
  readonly view: WasmCsrView;
  private readonly pool: Pool;
  /** Row ranges: [0] main thread, [t+1] worker t. */
  private readonly bounds: number[];

  constructor(X: CSRMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, p: Pool, wait = true) {
    this.pool = p;
    const T = p.workers.length;
    this.name = `wasm-csr-threads${T + 1}`;
    this.view = new WasmCsrView({ kind: 'csr', n: X.rows, d: X.cols, K, nnz: X.nnz, weighted: sampleWeight !== null, workers: T }, 'shared');
    this.view.load(X, y, sampleWeight);
    // Boundaries at equal shares of the nonzeros (plus one per row, for the per-row softmax work).
    const n = X.rows;
    const total = X.nnz + n;
    this.bounds = [0];
    let i = 0;
    for (let t = 1; t <= T; t++) {
      const goal = (total * t) / (T + 1);
      while (i < n && X.indptr[i]! + i < goal) i++;
      this.bounds.push(i);
    }
    this.bounds.push(n);
    this.pool.attach(this, this.view);
    if (wait) p.waitAttached();
  }

  /** Threads the passes so far ran on: 1 until the workers have attached (Pool.split). */
  threadsUsed = 1;

  private run(op: number, main: (start: number, end: number) => number): number {
    this.pool.attach(this, this.view);
    const total = this.pool.split(op, this.bounds, this.view.hasB, main, (t, s, e) => csrShare(this.view, t, op, s, e));
    if (this.pool.parallel) this.threadsUsed = this.bounds.length - 1;
    return total;
  }

  /** Add the workers' GT and gb into the main ones. */
  private reduce(): void {
    const v = this.view;
    const m = v.K * v.d;
    const GT = v.ws.f64(v.pGT, m);
    const gb = v.ws.f64(v.pgb, v.K);
    for (const pG of v.pWorkerGT) {
      const part = v.ws.f64(pG, m + v.K);
      for (let q = 0; q < m; q++) GT[q]! += part[q]!;
      for (let k = 0; k < v.K; k++) gb[k]! += part[m + k]!;
    }
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    const v = this.view;
    v.setParams(W, b);
    v.zeroGrad();
    const total = this.run(OP.LOSSGRAD, (s, e) => v.lossGradRows(s, e, v.pGT, v.pgb));
    this.reduce();
    v.gradOut(G, gb);
    return total;
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    const v = this.view;
    v.setParams(W, b);
    return this.run(OP.LOSS, (s, e) => v.lossGradRows(s, e, 0, 0));
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const v = this.view;
    v.setParams(W, b);
    this.run(OP.PROB, (s, e) => (v.probabilitiesRows(s, e), 0));
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const v = this.view;
    v.setParams(V, vb);
    v.zeroGrad();
    this.run(OP.HVP, (s, e) => (v.hvpRows(s, e, v.pGT, v.pgb), 0));
    this.reduce();
    v.gradOut(out, ob);
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    // Prediction-time path (rare during a fit): single thread through the P region.
    const v = this.view;
    v.setParams(W, b);
    v.k.csrScoresF64(v.pIndptr, v.pIndices, v.pData, v.pWT, v.hasB ? v.pb : 0, v.K, v.pP, start, end);
    out.set(v.ws.f64(v.pP, (end - start) * v.K));
  }
}

/**
 * Prediction on wasm-resident X over the pool: one workspace (W, b, the n x K output; X read in place)
 * claimed after X in X's arena, the rows split as in a fit. Each thread runs the same row kernels as the
 * single-thread path (scoresF64/F32, then the same softmax as softmaxInPlace), so the result is identical.
 */
class ThreadedPredictor {
  readonly view: WasmDenseWorkspaceView;

  constructor(
    X: DenseMatrix,
    readonly K: number,
    readonly pool: Pool,
  ) {
    const dtype: Dtype = X.data instanceof Float32Array ? 'float32' : 'float64';
    const L: WasmDenseLayout = { n: X.rows, d: X.cols, K, dtype, weighted: false };
    const resident = residentLayout(X, L, pool.workers.length, this)!;
    this.view = new WasmDenseWorkspaceView(resident.layout, 'shared', pool.workers.length, resident.memory);
  }

  fits(X: DenseMatrix, K: number, p: Pool): boolean {
    const v = this.view;
    return (
      p === this.pool &&
      v.K === K &&
      v.n === X.rows &&
      v.d === X.cols &&
      v.pX === X.data.byteOffset &&
      (v.dtype === 'float32') === X.data instanceof Float32Array
    );
  }

  run(W: Float64Array, b: Float64Array | null, out: Float64Array, softmax: boolean): void {
    const p = this.pool;
    const v = this.view;
    p.attach(this, v);
    v.setParams(W, b);
    const n = v.n;
    const T = p.workers.length;
    // Boundaries on multiples of 4 (the kernels' row block).
    const share = Math.ceil(n / (T + 1) / 4) * 4;
    const op = softmax ? OP.PROB : OP.SCORES;
    const bounds = Array.from({ length: T + 2 }, (_, t) => Math.min(n, t * share));
    bounds[T + 1] = n;
    p.split(
      op,
      bounds,
      v.hasB,
      (start, end) => {
        if (softmax) v.probabilitiesRows(start, end);
        else v.scoresRows(start, end);
        return 0;
      },
      (t, start, end) => denseShare(v, t, op, start, end),
    );
    out.set(v.P);
  }
}

/** One predictor per arena (the region it claimed is reused by later predictions on the same X). */
const predictors = new WeakMap<WasmArena, ThreadedPredictor>();

function threadedScores(
  p: Pool,
  threads: number,
  X: DenseMatrix,
  W: Float64Array,
  K: number,
  b: Float64Array | null,
  out: Float64Array,
  softmax: boolean,
): boolean {
  const arena = arenaOf(X.data);
  if (!arena || X.rows * X.cols * K < THREADS_MIN_WORK || X.rows < 8 * threads) return false;
  let pr = predictors.get(arena);
  if (!pr || !pr.fits(X, K, p)) {
    pr = new ThreadedPredictor(X, K, p);
    predictors.set(arena, pr);
  }
  pr.run(W, b, out, softmax);
  return true;
}

/** Whether worker threads over shared wasm memory can run here. */
export function threadsAvailable(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && wasmModule('shared') !== null;
}

/** Threads a fit with `threads: 'auto'` uses above the threshold: the cores, or what enableThreads() set. */
let autoThreads = availableParallelism();

/** The pool with `threads - 1` workers (made on first use; remade when a fit asks for another count). */
function poolFor(threads: number): Pool {
  if (!pool || pool.workers.length !== threads - 1) {
    void closePool();
    pool = new Pool(threads - 1);
  }
  return pool;
}

const nodeHost: ThreadHost = {
  get autoThreads() {
    return autoThreads;
  },
  get running() {
    return pool !== null && pool.workers.length > 0;
  },
  denseKernel: (X, y, K, sw, dtype, threads, wait) => (threadsAvailable() ? new ThreadedDenseKernel(X, y, K, sw, dtype, poolFor(threads), wait) : null),
  csrKernel: (X, y, K, sw, threads, wait) => (threadsAvailable() ? new ThreadedCsrKernel(X, y, K, sw, poolFor(threads), wait) : null),
  scores: (X, W, K, b, out, softmax, threads) => threadsAvailable() && threadedScores(poolFor(threads), threads, X, W, K, b, out, softmax),
};
setThreadHost(nodeHost);

/**
 * Make `threads` (default: the machine's cores) what fits and predictions with `threads: 'auto'` use above
 * the threshold, in this process. Not needed for both cores (importing softmax-regression/node, or the
 * package root in Node, already gives 'auto' the cores); a fit's own `threads` option always wins. Returns
 * the number of threads in use (1: not available).
 */
export function enableThreads(threads = availableParallelism()): number {
  setThreadHost(nodeHost);
  if (threads < 2 || !threadsAvailable()) {
    autoThreads = 1;
    void closePool();
    return 1;
  }
  autoThreads = threads;
  poolFor(threads);
  return threads;
}

function closePool(): Promise<void> {
  const p = pool;
  pool = null;
  return p ? p.close() : Promise.resolve();
}

/**
 * Stop the workers; fits and predictions with `threads: 'auto'` stay on one thread from now on (until
 * enableThreads()). A fit that asks for a count (`threads: 2`) still gets it and starts the pool again.
 */
export function disableThreads(): Promise<void> {
  autoThreads = 1;
  return closePool();
}

/** A threaded kernel for one problem, outside the provider (benchmarks, tests). */
export function threadedKernel(
  X: DenseMatrix,
  y: Int32Array,
  K: number,
  sampleWeight: Float64Array | null,
  dtype: Dtype,
  threads = availableParallelism(),
  wait = true,
): ThreadedDenseKernel {
  return new ThreadedDenseKernel(X, y, K, sampleWeight, dtype, poolFor(threads), wait);
}

/** A threaded CSR kernel for one problem, outside the provider (benchmarks, tests). */
export function threadedCsrKernel(
  X: CSRMatrix,
  y: Int32Array,
  K: number,
  sampleWeight: Float64Array | null,
  threads = availableParallelism(),
): ThreadedCsrKernel {
  return new ThreadedCsrKernel(X, y, K, sampleWeight, poolFor(threads));
}
