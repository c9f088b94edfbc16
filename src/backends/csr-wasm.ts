/**
 * WebAssembly SIMD loss kernel for CSR X (assembly/kernels.ts, "CSR"): the same fused one-pass loop and
 * transposed d x K layout as the TypeScript kernel (csr-js.ts, which documents it), with f64x2 over the
 * classes. The CSR arrays are copied into the instance's memory once, when the kernel is made (nnz * 12 +
 * n * 4 bytes, never per iteration); W in and G out cross per call and are transposed inside wasm.
 *
 * WasmCsrView is the memory plan and the row-range calls; worker threads (node/threads.ts) attach to the
 * same shared memory with the same plan and run the same calls on their rows, each into its own GT.
 */
import type { CSRMatrix } from '../matrix/csr.js';
import type { LossKernel } from './loss-kernel.js';
import { softmaxInPlace } from '../kernels/softmax.js';
import { planBytes, WasmWorkspace, type WasmMemory, type WasmVariant } from '../kernels/wasm.js';

/** The plan of one CSR problem in a workspace (plain data: worker threads receive it to attach). */
export interface WasmCsrLayout {
  kind: 'csr';
  n: number;
  d: number;
  K: number;
  nnz: number;
  weighted: boolean;
  /** Extra gradient buffers (GT d x K, then gb K) and score scratch, one per worker thread. */
  workers: number;
}

export class WasmCsrView {
  readonly layout: WasmCsrLayout;
  readonly ws: WasmWorkspace;
  readonly n: number;
  readonly d: number;
  readonly K: number;
  readonly pIndptr: number;
  readonly pIndices: number;
  readonly pData: number;
  readonly py: number;
  readonly psw: number;
  readonly pW: number;
  readonly pWT: number;
  readonly pGT: number;
  readonly pb: number;
  readonly pgb: number;
  readonly pz: number;
  readonly pP: number;
  /** Per worker: its GT (d x K) followed by its gb (K). */
  readonly pWorkerGT: number[] = [];
  readonly pWorkerZ: number[] = [];
  /** Whether the current parameters have an intercept (set by setParams; workers get it per call). */
  hasB = false;

  static bytes(L: WasmCsrLayout): number {
    const { n, d, K, nnz, weighted, workers } = L;
    return (
      planBytes(n + 1, 4) +
      planBytes(nnz, 4) +
      planBytes(nnz, 8) +
      planBytes(n, 4) +
      (weighted ? planBytes(n, 8) : 0) +
      planBytes(K * d, 8) * 3 +
      planBytes(K, 8) * 3 +
      planBytes(n * K, 8) +
      workers * (planBytes(K * d + K, 8) + planBytes(K, 8))
    );
  }

  constructor(L: WasmCsrLayout, variant: WasmVariant = 'plain', memory?: WasmMemory) {
    this.layout = { ...L };
    const { n, d, K, nnz, weighted, workers } = L;
    this.n = n;
    this.d = d;
    this.K = K;
    const ws = new WasmWorkspace(WasmCsrView.bytes(L), variant, memory);
    this.ws = ws;
    this.pIndptr = ws.alloc((n + 1) * 4);
    this.pIndices = ws.alloc(nnz * 4);
    this.pData = ws.alloc(nnz * 8);
    this.py = ws.alloc(n * 4);
    this.psw = weighted ? ws.alloc(n * 8) : 0;
    this.pW = ws.alloc(K * d * 8);
    this.pWT = ws.alloc(K * d * 8);
    this.pGT = ws.alloc(K * d * 8);
    this.pb = ws.alloc(K * 8);
    this.pgb = ws.alloc(K * 8);
    this.pz = ws.alloc(K * 8);
    this.pP = ws.alloc(n * K * 8);
    for (let t = 0; t < workers; t++) {
      this.pWorkerGT.push(ws.alloc((K * d + K) * 8));
      this.pWorkerZ.push(ws.alloc(K * 8));
    }
  }

  get k() {
    return this.ws.k;
  }

  /** Copy the CSR arrays, labels and weights in: once per fit. */
  load(X: CSRMatrix, y: Int32Array, sampleWeight: Float64Array | null): void {
    const { ws, n } = this;
    const nnz = this.layout.nnz;
    ws.i32(this.pIndptr, n + 1).set(X.indptr.subarray(0, n + 1));
    ws.i32(this.pIndices, nnz).set(X.indices.subarray(0, nnz));
    ws.f64(this.pData, nnz).set(X.data.subarray(0, nnz));
    ws.i32(this.py, n).set(y);
    if (sampleWeight) ws.f64(this.psw, n).set(sampleWeight);
  }

  /** W (K x d) in, transposed to WT; b in. */
  setParams(W: Float64Array, b: Float64Array | null): void {
    const { ws, K, d } = this;
    ws.f64(this.pW, K * d).set(W);
    ws.k.transposeF64(this.pW, K, d, this.pWT);
    this.hasB = b !== null;
    if (b) ws.f64(this.pb, K).set(b);
  }

  /** Zero the main GT and gb. */
  zeroGrad(): void {
    this.ws.f64(this.pGT, this.K * this.d).fill(0);
    this.ws.f64(this.pgb, this.K).fill(0);
  }

  /** GT (d x K) out as G (K x d), and gb. */
  gradOut(G: Float64Array, gb: Float64Array | null): void {
    const { ws, K, d } = this;
    ws.k.transposeF64(this.pGT, d, K, this.pW);
    G.set(ws.f64(this.pW, K * d));
    if (gb) gb.set(ws.f64(this.pgb, K));
  }

  /** Loss of rows [start, end), gradient added into GT at pGT (d x K) and gb at pgb (pGT = 0: loss only). */
  lossGradRows(start: number, end: number, pGT: number, pgb: number, pz = this.pz): number {
    const b = this.hasB ? this.pb : 0;
    return this.k.csrLossGradF64(this.pIndptr, this.pIndices, this.pData, this.pWT, b, this.K, this.py, this.psw, pGT, this.hasB ? pgb : 0, pz, start, end);
  }

  /** P rows [start, end) = softmax of the scores at the current parameters. */
  probabilitiesRows(start: number, end: number): void {
    const { ws, K } = this;
    ws.k.csrScoresF64(this.pIndptr, this.pIndices, this.pData, this.pWT, this.hasB ? this.pb : 0, K, this.pP + start * K * 8, start, end);
    const P = ws.f64(this.pP, this.n * K);
    for (let i = start; i < end; i++) softmaxInPlace(P, i * K, K);
  }

  /** Hessian-vector product of rows [start, end) (direction set by setParams) added into pGT / pgb. */
  hvpRows(start: number, end: number, pGT: number, pgb: number, pz = this.pz): void {
    const vb = this.hasB ? this.pb : 0;
    this.k.csrHvpF64(this.pIndptr, this.pIndices, this.pData, this.pWT, vb, this.K, this.pP, this.psw, pGT, this.hasB ? pgb : 0, pz, start, end);
  }
}

export class WasmCsrKernel implements LossKernel {
  readonly name = 'wasm-csr';
  readonly view: WasmCsrView;

  constructor(
    X: CSRMatrix,
    y: Int32Array,
    readonly K: number,
    sampleWeight: Float64Array | null,
  ) {
    this.view = new WasmCsrView({ kind: 'csr', n: X.rows, d: X.cols, K, nnz: X.nnz, weighted: sampleWeight !== null, workers: 0 });
    this.view.load(X, y, sampleWeight);
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    const v = this.view;
    v.setParams(W, b);
    v.zeroGrad();
    const total = v.lossGradRows(0, v.n, v.pGT, v.pgb);
    v.gradOut(G, gb);
    return total;
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    const v = this.view;
    v.setParams(W, b);
    return v.lossGradRows(0, v.n, 0, 0);
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const v = this.view;
    v.setParams(W, b);
    v.probabilitiesRows(0, v.n);
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const v = this.view;
    v.setParams(V, vb);
    v.zeroGrad();
    v.hvpRows(0, v.n, v.pGT, v.pgb);
    v.gradOut(out, ob);
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    const v = this.view;
    v.setParams(W, b);
    // Through the P region (n x K; clobbers probabilities cached for hvp, as the dense kernel does).
    v.k.csrScoresF64(v.pIndptr, v.pIndices, v.pData, v.pWT, v.hasB ? v.pb : 0, v.K, v.pP, start, end);
    out.set(v.ws.f64(v.pP, (end - start) * v.K));
  }
}
