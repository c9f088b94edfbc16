import type { Matrix } from '../matrix/matrix.js';
import { DenseMatrix } from '../matrix/dense.js';
import { CSRMatrix } from '../matrix/csr.js';
import { CsrLossKernel } from '../backends/csr-js.js';
import { WasmCsrKernel } from '../backends/csr-wasm.js';
import { softmaxInPlace } from '../kernels/softmax.js';
import { MatrixLossKernel, type LossKernel } from '../backends/loss-kernel.js';
import { WasmDenseKernel, type Dtype } from '../backends/dense-wasm.js';
import { wasmAvailable } from '../kernels/wasm.js';
import { resolveThreads, threadHost, type Threads } from '../backends/provider.js';
import type { HessianOperator, Objective } from './objective.js';
import { ParamLayout } from './layout.js';

/**
 * Multinomial cross-entropy of a linear model plus an L2 penalty, scikit-learn's convention:
 *
 *   F(W, b) = sum_i s_i * ( logsumexp_k(z_ik) - z_{i,y_i} ) + (l2 / 2) * ||W||_F^2,   z_i = W x_i + b
 *
 * with l2 = 1/C (0 for penalty 'none'), s_i = sample weight x class weight, all K classes (no reference
 * class), intercepts b unpenalized. With P = softmax(Z) row-wise and Y the one-hot labels:
 *
 *   grad_W = (S (P - Y))^T X + l2 W           (K x d)
 *   grad_b = sum_i s_i (p_i - y_i)            (K)
 *
 * The Hessian of the loss for one sample, in z, is s_i (diag(p_i) - p_i p_i^T) (the softmax Jacobian),
 * so for a direction V (K x d) with intercept part v_b, u_i = V x_i + v_b:
 *
 *   H[V] = D^T X + l2 V,  H_b[V] = sum_i D_i,   D_i = s_i (p_i * u_i - p_i (p_i . u_i))   (* elementwise)
 *
 * One pass over X gives the value and gradient (scores, softmax and the residual R = S(P - Y) per block of
 * rows, then G += R^T X on the same rows while they are in cache); a Hessian-vector product is one pass
 * too (U = X V^T, then D^T X) using the probabilities cached by `hessianAt`.
 *
 * The loops over X live in a LossKernel (src/kernels/): WebAssembly SIMD for dense X where available
 * (X copied into wasm memory once per objective, optionally as float32), plain TypeScript otherwise
 * (and for CSR). They compute the same sums in different orders (tests: agreement to 1e-12 relative).
 */
export interface SoftmaxObjectiveOptions {
  /** L2 strength on W (1/C); 0 for no penalty. */
  l2: number;
  fitIntercept: boolean;
  /** s_i; null means all ones. */
  sampleWeight?: Float64Array | null;
  /**
   * Which loops walk X: 'auto' (WebAssembly SIMD for dense X when available, else TypeScript), 'wasm'
   * (falls back to TypeScript where WebAssembly SIMD is unavailable, or for CSR), 'js'.
   */
  kernel?: 'auto' | 'wasm' | 'js';
  /** Element type X is held in for the fit (dense only): 'float32' halves memory and doubles SIMD width. */
  dtype?: Dtype;
  /** A ready kernel (e.g. node's worker-thread kernel); overrides `kernel` and `dtype`. */
  lossKernel?: LossKernel;
  /**
   * Threads for this objective's passes: 'auto' (default: the policy of src/backends/provider.ts, more than
   * one only where a thread host is registered and the passes are large) or a count (1: this thread only).
   */
  threads?: Threads;
}

/** Below this many multiply-adds per pass (n*d*K) the wasm copy of X is not worth making. */
export const WASM_MIN_WORK = 4096;

/** Pick the kernel for X (see SoftmaxObjectiveOptions.kernel). */
export function chooseLossKernel(
  X: Matrix,
  y: Int32Array,
  K: number,
  sampleWeight: Float64Array | null,
  kernel: 'auto' | 'wasm' | 'js' = 'auto',
  dtype?: Dtype,
  threads: Threads = 'auto',
): LossKernel {
  const dense = X instanceof DenseMatrix;
  const dt: Dtype = dtype ?? (dense && X.data instanceof Float32Array ? 'float32' : 'float64');
  // The size test comes before wasmAvailable(), which compiles the module (tens of ms at start-up) that a small
  // problem would not use.
  if (dense && kernel !== 'js' && (kernel === 'wasm' || X.rows * X.cols * K >= WASM_MIN_WORK) && wasmAvailable()) {
    const T = resolveThreads(threads, X.rows * X.cols * K, X.rows);
    const provided = T > 1 ? threadHost()?.denseKernel(X, y, K, sampleWeight, dt, T, threads !== 'auto') : null;
    if (provided) return provided;
    return new WasmDenseKernel(X, y, K, sampleWeight, dt);
  }
  // CSR: the fused transposed-layout kernels (csr-js.ts documents them), WebAssembly SIMD unless 'js'.
  if (X instanceof CSRMatrix) {
    if (kernel !== 'js' && X.nnz * K >= WASM_MIN_WORK && wasmAvailable()) {
      const T = resolveThreads(threads, X.nnz * K, X.rows);
      return (T > 1 ? threadHost()?.csrKernel(X, y, K, sampleWeight, T, threads !== 'auto') : null) ?? new WasmCsrKernel(X, y, K, sampleWeight);
    }
    return new CsrLossKernel(X, y, K, sampleWeight);
  }
  if (dense && dt === 'float32' && X.data instanceof Float64Array) {
    return new MatrixLossKernel(new DenseMatrix(X.rows, X.cols, Float32Array.from(X.data)), y, K, sampleWeight);
  }
  return new MatrixLossKernel(X, y, K, sampleWeight);
}

export class SoftmaxObjective implements Objective {
  readonly X: Matrix;
  readonly y: Int32Array;
  readonly K: number;
  readonly layout: ParamLayout;
  readonly l2: number;
  readonly sampleWeight: Float64Array | null;
  /** Sum of the sample weights (n when unweighted): lambda = l2 / sumWeights in the mean-loss form. */
  readonly sumWeights: number;
  /** The loops over X (see the file comment). */
  readonly kernel: LossKernel;
  private passes = 0;
  private hessianGeneration = 0;

  constructor(X: Matrix, y: Int32Array, K: number, opts: SoftmaxObjectiveOptions) {
    this.X = X;
    this.y = y;
    this.K = K;
    this.layout = new ParamLayout(K, X.cols, opts.fitIntercept);
    this.l2 = opts.l2;
    this.sampleWeight = opts.sampleWeight ?? null;
    let sw = 0;
    if (this.sampleWeight) for (let i = 0; i < this.sampleWeight.length; i++) sw += this.sampleWeight[i]!;
    else sw = X.rows;
    this.sumWeights = sw;
    this.kernel = opts.lossKernel ?? chooseLossKernel(X, y, K, this.sampleWeight, opts.kernel, opts.dtype, opts.threads);
  }

  get dimension(): number {
    return this.layout.dimension;
  }

  get dataPasses(): number {
    return this.passes;
  }

  /** Done with this objective: its kernel's buffers may serve the next fit (using it afterwards throws). */
  dispose(): void {
    this.kernel.dispose?.();
  }

  /** Weighted sum of cross-entropy losses (no penalty). */
  loss(w: Float64Array): number {
    this.passes++;
    return this.kernel.loss(this.layout.coef(w), this.layout.intercept(w));
  }

  private penaltyValue(w: Float64Array): number {
    if (this.l2 === 0) return 0;
    const nc = this.layout.nCoef;
    let s = 0;
    for (let j = 0; j < nc; j++) s += w[j]! * w[j]!;
    return 0.5 * this.l2 * s;
  }

  value(w: Float64Array): number {
    return this.loss(w) + this.penaltyValue(w);
  }

  valueAndGradient(w: Float64Array, g: Float64Array): number {
    const { layout } = this;
    const nc = layout.nCoef;
    this.passes++;
    const gb = layout.fitIntercept ? g.subarray(nc, nc + this.K) : null;
    let total = this.kernel.lossGrad(layout.coef(w), layout.intercept(w), g.subarray(0, nc), gb);
    if (this.l2 !== 0) {
      const l2 = this.l2;
      let pen = 0;
      for (let j = 0; j < nc; j++) {
        const wj = w[j]!;
        pen += wj * wj;
        g[j]! += l2 * wj;
      }
      total += 0.5 * l2 * pen;
    }
    return total;
  }

  /** Probabilities P (n x K) at w, in a new array. */
  probabilities(w: Float64Array): Float64Array {
    const { X, K, layout } = this;
    const P = new Float64Array(X.rows * K);
    this.kernel.scores(layout.coef(w), layout.intercept(w), P, 0, X.rows);
    for (let i = 0; i < X.rows; i++) softmaxInPlace(P, i * K, K);
    return P;
  }

  /**
   * The Hessian at w as an operator. The probabilities it needs live in the kernel's workspace (one n x K
   * buffer, not a copy per call), so only the operator from the latest hessianAt() is valid; an older one
   * throws instead of silently using another point's probabilities.
   */
  hessianAt(w: Float64Array): HessianOperator {
    const { layout, l2, K } = this;
    this.kernel.prepareHessian(layout.coef(w), layout.intercept(w));
    this.passes++;
    const nc = layout.nCoef;
    const generation = ++this.hessianGeneration;
    return {
      apply: (v: Float64Array, out: Float64Array) => {
        if (generation !== this.hessianGeneration) throw new Error('stale Hessian operator: hessianAt() was called again since it was made');
        this.passes++;
        const ob = layout.fitIntercept ? out.subarray(nc, nc + K) : null;
        this.kernel.hvp(layout.coef(v), layout.intercept(v), out.subarray(0, nc), ob);
        if (l2 !== 0) for (let j = 0; j < nc; j++) out[j]! += l2 * v[j]!;
      },
    };
  }
}
