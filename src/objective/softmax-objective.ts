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
import { ParamLayout } from './layout.js';
import { KernelObjective } from './kernel-objective.js';

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

export class SoftmaxObjective extends KernelObjective {
  readonly X: Matrix;
  readonly y: Int32Array;
  readonly K: number;
  readonly sampleWeight: Float64Array | null;
  /** Sum of the sample weights (n when unweighted): lambda = l2 / sumWeights in the mean-loss form. */
  readonly sumWeights: number;

  constructor(X: Matrix, y: Int32Array, K: number, opts: SoftmaxObjectiveOptions) {
    const sampleWeight = opts.sampleWeight ?? null;
    super(
      new ParamLayout(K, X.cols, opts.fitIntercept),
      opts.l2,
      opts.lossKernel ?? chooseLossKernel(X, y, K, sampleWeight, opts.kernel, opts.dtype, opts.threads),
    );
    this.X = X;
    this.y = y;
    this.K = K;
    this.sampleWeight = sampleWeight;
    let sw = 0;
    if (sampleWeight) for (let i = 0; i < sampleWeight.length; i++) sw += sampleWeight[i]!;
    else sw = X.rows;
    this.sumWeights = sw;
  }

  /** Probabilities P (n x K) at w, in a new array. */
  probabilities(w: Float64Array): Float64Array {
    const { X, K, layout } = this;
    const P = new Float64Array(X.rows * K);
    this.kernel.scores(layout.coef(w), layout.intercept(w), P, 0, X.rows);
    for (let i = 0; i < X.rows; i++) softmaxInPlace(P, i * K, K);
    return P;
  }
}
