/**
 * The data term of the softmax objective as a kernel: everything that walks X. SoftmaxObjective owns the
 * math (documented there) and the penalty; a kernel owns the storage and the loops. Two kinds:
 *   - MatrixLossKernel: plain TypeScript on any Matrix (dense f64/f32 through monomorphic loops, CSR);
 *     the fallback everywhere and the reference in tests.
 *   - WasmDenseKernel (dense-wasm.ts): WebAssembly SIMD on a copy of X in wasm memory, made once per fit.
 * (The binomial model's WasmBinomialKernel, binomial-wasm.ts, implements the same interface with K = 1 for the
 * logistic loss; BinomialObjective owns its math, and its TypeScript reference is LinearFiniteSum's rows.)
 * All write the loss gradient (no penalty) into caller-owned G (K*d) and gb (K, or null without intercept).
 */
import type { Matrix } from '../matrix/matrix.js';
import { softmaxCrossEntropyInPlace, softmaxInPlace } from '../kernels/softmax.js';

export interface LossKernel {
  readonly name: string;
  /** Returns sum_i s_i loss_i; overwrites G with (S(P-Y))^T X and gb with the column sums of S(P-Y). */
  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number;
  /** sum_i s_i loss_i alone. */
  loss(W: Float64Array, b: Float64Array | null): number;
  /** Cache the probabilities at (W, b) for `hvp`. */
  prepareHessian(W: Float64Array, b: Float64Array | null): void;
  /** out = D^T X, ob = sum_i D_i, D_i = s_i (p_i * u_i - p_i (p_i . u_i)), u_i = V x_i + vb (overwrites). */
  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void;
  /** Z[(i-start)*K + k] = scores of rows [start, end). */
  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void;
  /**
   * Optional, threaded kernels: how many threads the passes so far ran on (a pool's workers join a fit once
   * they have started and attached, so a short fit may run on one thread throughout).
   */
  readonly threadsUsed?: number;
  /** Optional: the owner is done with the kernel (its buffers may be reused); later calls throw. */
  dispose?(): void;
}

/** Rows per block: the score/residual buffers of one block stay in cache (K doubles per row). */
const BLOCK_ROWS = 256;

export class MatrixLossKernel implements LossKernel {
  readonly name = 'js';
  private readonly zBlock: Float64Array;
  private P: Float64Array | null = null;

  constructor(
    readonly X: Matrix,
    readonly y: Int32Array,
    readonly K: number,
    readonly sampleWeight: Float64Array | null,
  ) {
    this.zBlock = new Float64Array(Math.min(BLOCK_ROWS, Math.max(1, X.rows)) * K);
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    const { X, y, K, sampleWeight } = this;
    const Z = this.zBlock;
    const n = X.rows;
    let total = 0;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      X.scores(W, K, b, Z, start, end);
      for (let i = start; i < end; i++) {
        const l = softmaxCrossEntropyInPlace(Z, (i - start) * K, K, y[i]!);
        total += sampleWeight ? sampleWeight[i]! * l : l;
      }
    }
    return total;
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    const { X, y, K, sampleWeight } = this;
    const Z = this.zBlock;
    const n = X.rows;
    G.fill(0);
    if (gb) gb.fill(0);
    let total = 0;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      X.scores(W, K, b, Z, start, end);
      for (let i = start; i < end; i++) {
        const off = (i - start) * K;
        const l = softmaxCrossEntropyInPlace(Z, off, K, y[i]!);
        const s = sampleWeight ? sampleWeight[i]! : 1;
        total += s * l;
        // Residual r_i = s_i (p_i - onehot(y_i)), in place of p_i.
        Z[off + y[i]!]! -= 1;
        if (s !== 1) for (let k = 0; k < K; k++) Z[off + k]! *= s;
        if (gb) for (let k = 0; k < K; k++) gb[k]! += Z[off + k]!;
      }
      X.addTransposeProduct(Z, K, G, start, end);
    }
    return total;
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const { X, K } = this;
    const P = this.P ?? new Float64Array(X.rows * K);
    X.scores(W, K, b, P);
    for (let i = 0; i < X.rows; i++) softmaxInPlace(P, i * K, K);
    this.P = P;
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const { X, K, sampleWeight } = this;
    const P = this.P;
    if (!P) throw new Error('hvp before prepareHessian');
    const U = this.zBlock;
    const n = X.rows;
    out.fill(0);
    if (ob) ob.fill(0);
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      X.scores(V, K, vb, U, start, end);
      for (let i = start; i < end; i++) {
        const off = (i - start) * K;
        const po = i * K;
        let pu = 0;
        for (let k = 0; k < K; k++) pu += P[po + k]! * U[off + k]!;
        const s = sampleWeight ? sampleWeight[i]! : 1;
        for (let k = 0; k < K; k++) U[off + k] = s * P[po + k]! * (U[off + k]! - pu);
        if (ob) for (let k = 0; k < K; k++) ob[k]! += U[off + k]!;
      }
      X.addTransposeProduct(U, K, out, start, end);
    }
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    this.X.scores(W, this.K, b, out, start, end);
  }
}
