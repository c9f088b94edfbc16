/**
 * WebAssembly SIMD loss kernel for CSR X (assembly/kernels.ts, "CSR"): the same fused one-pass loop and
 * transposed d x K layout as the TypeScript kernel (csr-js.ts, which documents it), with f64x2 over the
 * classes. The CSR arrays are copied into the instance's memory once, when the kernel is made (nnz * 12 +
 * n * 4 bytes, never per iteration); W in and G out cross per call and are transposed inside wasm.
 */
import type { CSRMatrix } from '../matrix/csr.js';
import type { LossKernel } from './loss-kernel.js';
import { planBytes, WasmWorkspace } from './wasm.js';

export class WasmCsrKernel implements LossKernel {
  readonly name = 'wasm-csr';
  private readonly ws: WasmWorkspace;
  private readonly n: number;
  private readonly d: number;
  private readonly pIndptr: number;
  private readonly pIndices: number;
  private readonly pData: number;
  private readonly py: number;
  private readonly psw: number;
  private readonly pW: number;
  private readonly pWT: number;
  private readonly pGT: number;
  private readonly pb: number;
  private readonly pgb: number;
  private readonly pz: number;
  private readonly pP: number;

  constructor(X: CSRMatrix, y: Int32Array, readonly K: number, sampleWeight: Float64Array | null) {
    const n = X.rows;
    const d = X.cols;
    const nnz = X.nnz;
    this.n = n;
    this.d = d;
    const bytes =
      planBytes(n + 1, 4) + planBytes(nnz, 4) + planBytes(nnz, 8) + planBytes(n, 4) + (sampleWeight ? planBytes(n, 8) : 0) +
      planBytes(K * d, 8) * 3 + planBytes(K, 8) * 3 + planBytes(n * K, 8);
    const ws = new WasmWorkspace(bytes);
    this.ws = ws;
    this.pIndptr = ws.alloc((n + 1) * 4);
    this.pIndices = ws.alloc(nnz * 4);
    this.pData = ws.alloc(nnz * 8);
    this.py = ws.alloc(n * 4);
    this.psw = sampleWeight ? ws.alloc(n * 8) : 0;
    this.pW = ws.alloc(K * d * 8);
    this.pWT = ws.alloc(K * d * 8);
    this.pGT = ws.alloc(K * d * 8);
    this.pb = ws.alloc(K * 8);
    this.pgb = ws.alloc(K * 8);
    this.pz = ws.alloc(K * 8);
    this.pP = ws.alloc(n * K * 8);
    ws.i32(this.pIndptr, n + 1).set(X.indptr.subarray(0, n + 1));
    ws.i32(this.pIndices, nnz).set(X.indices.subarray(0, nnz));
    ws.f64(this.pData, nnz).set(X.data.subarray(0, nnz));
    ws.i32(this.py, n).set(y);
    if (sampleWeight) ws.f64(this.psw, n).set(sampleWeight);
  }

  /** W (K x d) in, transposed to WT; b in. Returns the b address (0 without intercept). */
  private setParams(W: Float64Array, b: Float64Array | null): number {
    const { ws, K, d } = this;
    ws.f64(this.pW, K * d).set(W);
    ws.k.transposeF64(this.pW, K, d, this.pWT);
    if (b) ws.f64(this.pb, K).set(b);
    return b ? this.pb : 0;
  }

  /** GT (d x K) out as G (K x d), and gb. */
  private getGrad(G: Float64Array, gb: Float64Array | null): void {
    const { ws, K, d } = this;
    ws.k.transposeF64(this.pGT, d, K, this.pW);
    G.set(ws.f64(this.pW, K * d));
    if (gb) gb.set(ws.f64(this.pgb, K));
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    const pb = this.setParams(W, b);
    const { ws, K, d } = this;
    ws.f64(this.pGT, K * d).fill(0);
    ws.f64(this.pgb, K).fill(0);
    const total = ws.k.csrLossGradF64(this.pIndptr, this.pIndices, this.pData, this.pWT, pb, K, this.py, this.psw, this.pGT, this.pgb, this.pz, 0, this.n);
    this.getGrad(G, gb);
    return total;
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    const pb = this.setParams(W, b);
    return this.ws.k.csrLossGradF64(this.pIndptr, this.pIndices, this.pData, this.pWT, pb, this.K, this.py, this.psw, 0, 0, this.pz, 0, this.n);
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const pb = this.setParams(W, b);
    const { ws, K, n } = this;
    ws.k.csrScoresF64(this.pIndptr, this.pIndices, this.pData, this.pWT, pb, K, this.pP, 0, n);
    const P = ws.f64(this.pP, n * K);
    for (let i = 0; i < n; i++) {
      const o = i * K;
      let m = -Infinity;
      for (let k = 0; k < K; k++) if (P[o + k]! > m) m = P[o + k]!;
      let s = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(P[o + k]! - m);
        P[o + k] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let k = 0; k < K; k++) P[o + k]! *= inv;
    }
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const pvb = this.setParams(V, vb);
    const { ws, K, d } = this;
    ws.f64(this.pGT, K * d).fill(0);
    ws.f64(this.pgb, K).fill(0);
    ws.k.csrHvpF64(this.pIndptr, this.pIndices, this.pData, this.pWT, pvb, K, this.pP, this.psw, this.pGT, vb ? this.pgb : 0, this.pz, 0, this.n);
    this.getGrad(out, ob);
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    const pb = this.setParams(W, b);
    const { ws, K } = this;
    // Through the P region (n x K; clobbers probabilities cached for hvp, as the dense kernel does).
    ws.k.csrScoresF64(this.pIndptr, this.pIndices, this.pData, this.pWT, pb, K, this.pP, start, end);
    out.set(ws.f64(this.pP, (end - start) * K));
  }
}
