/**
 * WebAssembly SIMD loss kernel for dense X (float64, or float32 with `dtype: 'float32'`).
 *
 * X is copied into the instance's linear memory once, when the kernel is made (per fit; never per
 * iteration), narrowed to float32 on the way when asked. Each call copies only W and b in (K*d values) and
 * G out. The probabilities for Hessian-vector products are cached in wasm memory (n*K doubles).
 */
import type { DenseMatrix } from '../matrix/dense.js';
import type { LossKernel } from './loss-kernel.js';
import { softmaxInPlace } from '../kernels/softmax.js';
import { planBytes, WasmWorkspace, type WasmMemory, type WasmVariant } from '../kernels/wasm.js';
import { arenaOf } from '../kernels/resident.js';

export type Dtype = 'float64' | 'float32';

/** Rows per scratch block of the kernels (assembly/kernels.ts ROWS), times K doubles. */
const SCRATCH_ROWS = 4;

export interface WasmDenseLayout {
  n: number;
  d: number;
  K: number;
  dtype: Dtype;
  weighted: boolean;
  /** X already in the memory at this byte offset (wasm-resident, resident.ts): not copied, not allocated. */
  xPtr?: number;
  /** The workspace's first byte in that memory (a region claimed from the arena). */
  base?: number;
  /** Rows of score scratch (K doubles each); default SCRATCH_ROWS (the binomial kernel takes 8 rows at a time). */
  scratchRows?: number;
}

/**
 * Where a kernel's workspace goes for X: in X's own arena when X is wasm-resident with the element type
 * the kernel reads (no copy of X), else null (own memory, X copied in). `owner` keeps the region claimed.
 */
export function residentLayout(X: DenseMatrix, L: WasmDenseLayout, workers: number, owner: object): { layout: WasmDenseLayout; memory: WasmMemory } | null {
  const arena = arenaOf(X.data);
  if (!arena || (L.dtype === 'float64') !== X.data instanceof Float64Array) return null;
  const layout: WasmDenseLayout = { ...L, xPtr: X.data.byteOffset };
  layout.base = arena.claim(WasmDenseWorkspaceView.bytes(layout, workers), owner);
  return { layout, memory: arena.memory };
}

export class WasmDenseKernel implements LossKernel {
  readonly name: string;
  private readonly view: WasmDenseWorkspaceView;
  private disposed = false;

  /** The workspace (throws once the kernel is disposed: its memory may belong to another fit by then). */
  get ws(): WasmDenseWorkspaceView {
    if (this.disposed) throw new Error(`${this.name} kernel used after dispose()`);
    return this.view;
  }

  /** The fit is over: its workspace may serve the next small fit (src/kernels/wasm.ts, release). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.view.ws.release();
  }

  constructor(X: DenseMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, dtype: Dtype, variant: WasmVariant = 'plain') {
    this.name = `wasm-${dtype}`;
    const L: WasmDenseLayout = { n: X.rows, d: X.cols, K, dtype, weighted: sampleWeight !== null };
    const resident = residentLayout(X, L, 0, this);
    this.view = resident ? new WasmDenseWorkspaceView(resident.layout, 'shared', 0, resident.memory) : new WasmDenseWorkspaceView(L, variant);
    this.view.load(X, y, sampleWeight);
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    const v = this.ws;
    v.setParams(W, b);
    v.G.fill(0);
    v.gb.fill(0);
    const total = v.lossGradRows(0, v.n, v.pG, v.pgb);
    G.set(v.G);
    if (gb) gb.set(v.gb);
    return total;
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    const v = this.ws;
    v.setParams(W, b);
    return v.lossRows(0, v.n);
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const v = this.ws;
    v.setParams(W, b);
    v.probabilitiesRows(0, v.n);
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const v = this.ws;
    v.setParams(V, vb);
    v.G.fill(0);
    v.gb.fill(0);
    v.hvpRows(0, v.n, v.pG, v.pgb);
    out.set(v.G);
    if (ob) ob.set(v.gb);
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    const v = this.ws;
    v.setParams(W, b);
    // Through the P region (n x K) as scratch: scores of all requested rows in one call (this clobbers
    // probabilities cached for hvp; a solver calls prepareHessian again before the next products).
    if (v.dtype === 'float64') v.k.scoresF64(v.pX, v.d, v.pW, v.hasB ? v.pb : 0, v.K, v.pP, start, end);
    else v.k.scoresF32(v.pX, v.d, v.pW32, v.hasB ? v.pb : 0, v.K, v.pP, start, end);
    out.set(v.P.subarray(0, (end - start) * v.K));
  }
}

/**
 * The memory plan of one dense problem inside a workspace, and the row-range calls. Shared with the
 * worker threads (node/threads.ts), which attach to the same shared memory with the same plan and run the
 * same calls on their rows, each into its own gradient buffer.
 */
export class WasmDenseWorkspaceView {
  /** The plan, as worker threads need it to attach (plain data). */
  readonly layout: WasmDenseLayout;
  readonly n: number;
  readonly d: number;
  readonly K: number;
  readonly dtype: Dtype;
  readonly weighted: boolean;
  readonly ws: WasmWorkspace;
  readonly pX: number;
  readonly py: number;
  readonly psw: number;
  readonly pW: number;
  readonly pb: number;
  readonly pW32: number;
  readonly pG: number;
  readonly pgb: number;
  readonly pG32: number;
  readonly pz: number;
  readonly pP: number;
  /** Extra gradient buffers, one per worker thread (G then gb, K*d + K doubles each). */
  readonly pWorkerG: number[];
  readonly W: Float64Array;
  readonly b: Float64Array;
  readonly G: Float64Array;
  readonly gb: Float64Array;
  readonly P: Float64Array;
  hasB = false;

  static bytes(L: WasmDenseLayout, workers = 0): number {
    const { n, d, K, dtype, weighted } = L;
    const es = dtype === 'float64' ? 8 : 4;
    return (
      (L.xPtr !== undefined ? 0 : planBytes(n * d, es)) +
      planBytes(n, 4) +
      (weighted ? planBytes(n, 8) : 0) +
      planBytes(K * d, 8) * 2 +
      planBytes(K, 8) * 2 +
      (dtype === 'float32' ? planBytes(K * d, 4) * 2 : 0) +
      planBytes((L.scratchRows ?? SCRATCH_ROWS) * K, 8) * (1 + workers) +
      planBytes(n * K, 8) +
      workers * (planBytes(K * d + K, 8) + (dtype === 'float32' ? planBytes(K * d, 4) : 0))
    );
  }

  constructor(L: WasmDenseLayout, variant: WasmVariant = 'plain', workers = 0, memory?: ConstructorParameters<typeof WasmWorkspace>[2]) {
    const { n, d, K, dtype, weighted } = L;
    this.layout = { ...L };
    this.n = n;
    this.d = d;
    this.K = K;
    this.dtype = dtype;
    this.weighted = weighted;
    const ws = new WasmWorkspace(WasmDenseWorkspaceView.bytes(L, workers), variant, memory, L.base);
    this.ws = ws;
    const es = dtype === 'float64' ? 8 : 4;
    this.resident = L.xPtr !== undefined;
    this.pX = L.xPtr ?? ws.alloc(n * d * es);
    this.py = ws.alloc(n * 4);
    this.psw = weighted ? ws.alloc(n * 8) : 0;
    this.pW = ws.alloc(K * d * 8);
    this.pb = ws.alloc(K * 8);
    this.pW32 = dtype === 'float32' ? ws.alloc(K * d * 4) : 0;
    this.pG = ws.alloc(K * d * 8);
    this.pgb = ws.alloc(K * 8);
    this.pG32 = dtype === 'float32' ? ws.alloc(K * d * 4) : 0;
    const scratch = (L.scratchRows ?? SCRATCH_ROWS) * K * 8;
    this.pz = ws.alloc(scratch);
    this.pP = ws.alloc(n * K * 8);
    this.pWorkerG = [];
    this.pWorkerScratch = [];
    for (let t = 0; t < workers; t++) {
      this.pWorkerG.push(ws.alloc((K * d + K) * 8));
      this.pWorkerScratch.push([ws.alloc(scratch), dtype === 'float32' ? ws.alloc(K * d * 4) : 0]);
    }
    this.W = ws.f64(this.pW, K * d);
    this.b = ws.f64(this.pb, K);
    this.G = ws.f64(this.pG, K * d);
    this.gb = ws.f64(this.pgb, K);
    this.P = ws.f64(this.pP, n * K);
  }
  /** Per worker: [z scratch, G32 scratch]. */
  readonly pWorkerScratch: Array<[number, number]>;

  get k() {
    return this.ws.k;
  }

  /** Whether X is read in place (wasm-resident) rather than copied in. */
  readonly resident: boolean;

  /** Copy X (narrowing to float32 if asked; not when resident), labels and weights in: once per fit. */
  load(X: DenseMatrix, y: Int32Array, sampleWeight: Float64Array | null): void {
    const { n, d } = this;
    if (this.resident) {
      // Read in place: nothing to copy.
    } else if (this.dtype === 'float64') this.ws.f64(this.pX, n * d).set(X.data);
    else this.ws.f32(this.pX, n * d).set(X.data);
    this.ws.i32(this.py, n).set(y);
    if (sampleWeight) this.ws.f64(this.psw, n).set(sampleWeight);
  }

  setParams(W: Float64Array, b: Float64Array | null): void {
    this.W.set(W);
    this.hasB = b !== null;
    if (b) this.b.set(b);
    if (this.dtype === 'float32') this.k.narrowF32(this.pW, this.pW32, this.K * this.d);
  }

  /** Loss and gradient of rows [start, end) added into the buffers at pG (K*d) and pgb (K). */
  lossGradRows(start: number, end: number, pG: number, pgb: number, pz = this.pz, pG32 = this.pG32): number {
    const b = this.hasB ? this.pb : 0;
    const gb = this.hasB ? pgb : 0;
    if (this.dtype === 'float64') return this.k.lossGradF64(this.pX, this.d, this.pW, b, this.K, this.py, this.psw, pG, gb, pz, start, end);
    return this.k.lossGradF32(this.pX, this.d, this.pW32, b, this.K, this.py, this.psw, pG, pG32, gb, pz, start, end);
  }

  lossRows(start: number, end: number, pz = this.pz): number {
    const b = this.hasB ? this.pb : 0;
    if (this.dtype === 'float64') return this.k.lossF64(this.pX, this.d, this.pW, b, this.K, this.py, this.psw, pz, start, end);
    return this.k.lossF32(this.pX, this.d, this.pW32, b, this.K, this.py, this.psw, pz, start, end);
  }

  /** P rows [start, end) = the scores at the current parameters (prediction, split over threads). */
  scoresRows(start: number, end: number): void {
    const K = this.K;
    const b = this.hasB ? this.pb : 0;
    const at = this.pP + start * K * 8;
    if (this.dtype === 'float64') this.k.scoresF64(this.pX, this.d, this.pW, b, K, at, start, end);
    else this.k.scoresF32(this.pX, this.d, this.pW32, b, K, at, start, end);
  }

  /** P rows [start, end) = softmax of the scores at the current parameters (as softmaxInPlace computes it). */
  probabilitiesRows(start: number, end: number): void {
    const K = this.K;
    this.scoresRows(start, end);
    const P = this.P;
    for (let i = start; i < end; i++) softmaxInPlace(P, i * K, K);
  }

  /** Hessian-vector product of rows [start, end) (direction already set by setParams) into pG / pgb. */
  hvpRows(start: number, end: number, pG: number, pgb: number, pz = this.pz, pG32 = this.pG32): void {
    const vb = this.hasB ? this.pb : 0;
    const ob = this.hasB ? pgb : 0;
    if (this.dtype === 'float64') this.k.hvpF64(this.pX, this.d, this.pW, vb, this.K, this.pP, this.psw, pG, ob, pz, start, end);
    else this.k.hvpF32(this.pX, this.d, this.pW32, vb, this.K, this.pP, this.psw, pG, pG32, ob, pz, start, end);
  }
}
