/**
 * WebAssembly SIMD loss kernel for the binomial model (two classes, one score per row) on dense X, float64.
 *
 * The same LossKernel interface as the softmax kernels with K = 1, for the binomial loss
 * (src/objective/binomial-objective.ts documents the math): `lossGrad` returns sum_i s_i softplus(-t_i z_i)
 * and writes G = r^T X (d values), gb = sum_i r_i, with r_i = s_i (sigmoid(z_i) - y01_i); `hvp` multiplies
 * by the Hessian sum_i s_i p_i (1 - p_i) [x_i; 1][x_i; 1]^T at the point of the last `prepareHessian`.
 *
 * The memory plan is the dense softmax kernel's with K = 1 (WasmDenseWorkspaceView: X copied into wasm
 * memory once per fit, or read in place when wasm-resident float64; labels y01 as i32; weights; W, b, G,
 * gb; 8 doubles of scratch; n doubles for the Hessian's curvatures). Loss and gradient are
 * assembly/kernels.ts binomialLossGradF64 / binomialLossF64, Hessian-vector products binomialHvpF64 on the
 * curvatures c_i = p_i (1 - p_i) cached by prepareHessian. float64 X only (chooseBinomialKernel keeps float32
 * X on the TypeScript rows; given float32 X, load() would widen it). Single-threaded: two-class problems large enough for a second
 * core to pay are rare.
 */
import type { DenseMatrix } from '../matrix/dense.js';
import type { LossKernel } from './loss-kernel.js';
import { residentLayout, WasmDenseWorkspaceView, type WasmDenseLayout } from './dense-wasm.js';

export class WasmBinomialKernel implements LossKernel {
  readonly name = 'wasm-binomial-float64';
  private readonly view: WasmDenseWorkspaceView;
  private disposed = false;

  constructor(X: DenseMatrix, y01: Int32Array, sampleWeight: Float64Array | null) {
    const L: WasmDenseLayout = { n: X.rows, d: X.cols, K: 1, dtype: 'float64', weighted: sampleWeight !== null, scratchRows: 8 };
    const resident = residentLayout(X, L, 0, this);
    this.view = resident ? new WasmDenseWorkspaceView(resident.layout, 'shared', 0, resident.memory) : new WasmDenseWorkspaceView(L);
    this.view.load(X, y01, sampleWeight);
  }

  /** The workspace (throws once the kernel is disposed: its memory may belong to another fit by then). */
  private get ws(): WasmDenseWorkspaceView {
    if (this.disposed) throw new Error(`${this.name} kernel used after dispose()`);
    return this.view;
  }

  /** The fit is over: its workspace may serve the next small fit (src/kernels/wasm.ts, release). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.view.ws.release();
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    const v = this.ws;
    v.setParams(W, b);
    v.G.fill(0);
    v.gb.fill(0);
    const total = v.k.binomialLossGradF64(v.pX, v.d, v.pW, v.hasB ? v.pb : 0, v.py, v.psw, v.pG, v.hasB ? v.pgb : 0, v.pz, 0, v.n);
    G.set(v.G);
    if (gb) gb[0] = v.gb[0]!;
    return total;
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    const v = this.ws;
    v.setParams(W, b);
    return v.k.binomialLossF64(v.pX, v.d, v.pW, v.hasB ? v.pb : 0, v.py, v.psw, v.pz, 0, v.n);
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const v = this.ws;
    v.setParams(W, b);
    v.scoresRows(0, v.n);
    // c = p (1 - p) = e / (1 + e)^2, e = exp(-|z|), in place: as logisticRowLoss.hessState computes it
    // (no overflow, and no cancellation in 1 - p when p is near 1).
    const P = v.P;
    for (let i = 0; i < v.n; i++) {
      const e = Math.exp(-Math.abs(P[i]!));
      const q = 1 + e;
      P[i] = e / (q * q);
    }
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const v = this.ws;
    v.setParams(V, vb);
    v.G.fill(0);
    v.gb.fill(0);
    v.k.binomialHvpF64(v.pX, v.d, v.pW, v.hasB ? v.pb : 0, v.pP, v.psw, v.pG, v.hasB ? v.pgb : 0, v.pz, 0, v.n);
    out.set(v.G);
    if (ob) ob[0] = v.gb[0]!;
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    const v = this.ws;
    v.setParams(W, b);
    // Through the probability region (n doubles) as scratch, as the dense softmax kernel does (a solver
    // calls prepareHessian again before the next products).
    v.k.scoresF64(v.pX, v.d, v.pW, v.hasB ? v.pb : 0, 1, v.pP, start, end);
    out.set(v.P.subarray(0, end - start));
  }
}
