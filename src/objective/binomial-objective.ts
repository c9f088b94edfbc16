/**
 * The binomial model's objective (two classes, scikit-learn's binary LogisticRegression) on a loss kernel:
 *
 *   F(w, b) = sum_i s_i softplus(-t_i z_i) + (l2 / 2) ||w||^2,   z_i = w . x_i + b,  t_i = 2 y01_i - 1
 *
 * with softplus(m) = log(1 + exp(m)). With p_i = sigmoid(z_i) and r_i = s_i (p_i - y01_i):
 *
 *   grad_w = X^T r + l2 w,   grad_b = sum_i r_i,   H[v] = X^T (s p (1 - p) * u) + l2 v,  u = X v + v_b
 *
 * (the same function as LinearFiniteSum with logisticRowLoss, which computes it in TypeScript row loops).
 * The loops over X live in a LossKernel with K = 1: WebAssembly SIMD for dense X (src/backends/binomial-wasm.ts),
 * chosen under the softmax objective's policy (`kernel` 'auto' | 'wasm' | 'js', the WASM_MIN_WORK size
 * test, wasmAvailable()), for float64 X. Where no kernel is chosen (CSR or float32 X, 'js', small X, no
 * WebAssembly) the caller keeps
 * its TypeScript loops: `chooseBinomialKernel` returns null.
 */
import type { Matrix } from '../matrix/matrix.js';
import { DenseMatrix } from '../matrix/dense.js';
import type { LossKernel } from '../backends/loss-kernel.js';
import { WasmBinomialKernel } from '../backends/binomial-wasm.js';
import { wasmAvailable } from '../kernels/wasm.js';
import { ParamLayout } from './layout.js';
import { KernelObjective } from './kernel-objective.js';
import { WASM_MIN_WORK } from './softmax-objective.js';

/** The binomial kernel for X under a `kernel` choice (SoftmaxObjectiveOptions.kernel), or null for TypeScript. */
export function chooseBinomialKernel(
  X: Matrix,
  y01: Int32Array,
  sampleWeight: Float64Array | null,
  kernel: 'auto' | 'wasm' | 'js' = 'auto',
): LossKernel | null {
  // The size test comes before wasmAvailable(), which compiles the module (as in chooseLossKernel). float64 X
  // only: the kernel is float64, and widening float32 X would cost 8 n d bytes that a float32 fit chose not to
  // spend (and that the fit's memory estimate does not count); float32 X keeps the TypeScript rows.
  if (
    X instanceof DenseMatrix &&
    X.data instanceof Float64Array &&
    kernel !== 'js' &&
    (kernel === 'wasm' || X.rows * X.cols >= WASM_MIN_WORK) &&
    wasmAvailable()
  ) {
    return new WasmBinomialKernel(X, y01, sampleWeight);
  }
  return null;
}

export class BinomialObjective extends KernelObjective {
  constructor(d: number, fitIntercept: boolean, l2: number, kernel: LossKernel) {
    super(new ParamLayout(1, d, fitIntercept), l2, kernel);
  }
}
