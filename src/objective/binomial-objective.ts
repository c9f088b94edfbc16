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
import type { HessianOperator, Objective } from './objective.js';
import { ParamLayout } from './layout.js';
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

export class BinomialObjective implements Objective {
  readonly layout: ParamLayout;
  readonly l2: number;
  /** The loops over X (see the file comment). */
  readonly kernel: LossKernel;
  private passes = 0;
  private hessianGeneration = 0;

  constructor(d: number, fitIntercept: boolean, l2: number, kernel: LossKernel) {
    this.layout = new ParamLayout(1, d, fitIntercept);
    this.l2 = l2;
    this.kernel = kernel;
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

  value(w: Float64Array): number {
    const { layout, l2 } = this;
    this.passes++;
    let total = this.kernel.loss(layout.coef(w), layout.intercept(w));
    if (l2 !== 0) {
      let pen = 0;
      for (let j = 0; j < layout.nCoef; j++) pen += w[j]! * w[j]!;
      total += 0.5 * l2 * pen;
    }
    return total;
  }

  valueAndGradient(w: Float64Array, g: Float64Array): number {
    const { layout, l2 } = this;
    const nc = layout.nCoef;
    this.passes++;
    const gb = layout.fitIntercept ? g.subarray(nc, nc + 1) : null;
    let total = this.kernel.lossGrad(layout.coef(w), layout.intercept(w), g.subarray(0, nc), gb);
    if (l2 !== 0) {
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

  /**
   * The Hessian at w as an operator; its probabilities live in the kernel's workspace, so only the operator
   * from the latest hessianAt() is valid (an older one throws, as SoftmaxObjective's).
   */
  hessianAt(w: Float64Array): HessianOperator {
    const { layout, l2 } = this;
    this.kernel.prepareHessian(layout.coef(w), layout.intercept(w));
    this.passes++;
    const nc = layout.nCoef;
    const generation = ++this.hessianGeneration;
    return {
      apply: (v: Float64Array, out: Float64Array) => {
        if (generation !== this.hessianGeneration) throw new Error('stale Hessian operator: hessianAt() was called again since it was made');
        this.passes++;
        const ob = layout.fitIntercept ? out.subarray(nc, nc + 1) : null;
        this.kernel.hvp(layout.coef(v), layout.intercept(v), out.subarray(0, nc), ob);
        if (l2 !== 0) for (let j = 0; j < nc; j++) out[j]! += l2 * v[j]!;
      },
    };
  }
}
