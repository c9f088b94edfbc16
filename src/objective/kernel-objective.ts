/**
 * KernelObjective: what every kernel-backed objective (SoftmaxObjective, BinomialObjective) computes the same
 * way around its LossKernel, which owns the loss and the loops over X: the L2 penalty on the coefficients only
 * (intercepts unpenalized),
 *   F(w) = loss(W, b) + (l2/2) ||W||^2,   dF/dW = G + l2 W,   dF/db = gb,
 *   H v = (the kernel's curvature at the cached point) v + l2 v_W.
 * `layout.K` is the number of coefficient rows (K for softmax, 1 for binomial).
 */
import type { LossKernel } from '../backends/loss-kernel.js';
import type { HessianOperator, Objective } from './objective.js';
import type { ParamLayout } from './layout.js';

export abstract class KernelObjective implements Objective {
  private passes = 0;
  private hessianGeneration = 0;

  constructor(
    readonly layout: ParamLayout,
    readonly l2: number,
    /** The loops over X (see the subclass's file comment). */
    readonly kernel: LossKernel,
  ) {}

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

  /** The data term alone: weighted sum of the rows' losses (no penalty). */
  loss(w: Float64Array): number {
    this.passes++;
    return this.kernel.loss(this.layout.coef(w), this.layout.intercept(w));
  }

  value(w: Float64Array): number {
    let total = this.loss(w);
    if (this.l2 !== 0) {
      const nc = this.layout.nCoef;
      let pen = 0;
      for (let j = 0; j < nc; j++) pen += w[j]! * w[j]!;
      total += 0.5 * this.l2 * pen;
    }
    return total;
  }

  valueAndGradient(w: Float64Array, g: Float64Array): number {
    this.passes++;
    return penalizedValueAndGradient(this.kernel, this.layout, this.l2, w, g);
  }

  /** The Hessian at w as an operator (penalizedHessian: only the latest one is valid). */
  hessianAt(w: Float64Array): HessianOperator {
    const { layout } = this;
    this.kernel.prepareHessian(layout.coef(w), layout.intercept(w));
    this.passes++;
    const generation = ++this.hessianGeneration;
    return penalizedHessian(
      this.kernel,
      layout,
      this.l2,
      () => generation === this.hessianGeneration,
      () => void this.passes++,
    );
  }
}

export function penalizedValueAndGradient(kernel: LossKernel, layout: ParamLayout, l2: number, w: Float64Array, g: Float64Array): number {
  const nc = layout.nCoef;
  const gb = layout.fitIntercept ? g.subarray(nc, nc + layout.K) : null;
  let total = kernel.lossGrad(layout.coef(w), layout.intercept(w), g.subarray(0, nc), gb);
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
 * The Hessian operator over the curvature the kernel cached in prepareHessian(). That cache is one buffer in
 * the kernel's workspace, so only the latest operator is valid: `current()` says whether this one still is
 * (an older one throws instead of silently using another point's probabilities); `onApply` counts passes.
 */
export function penalizedHessian(kernel: LossKernel, layout: ParamLayout, l2: number, current: () => boolean, onApply: () => void): HessianOperator {
  const nc = layout.nCoef;
  return {
    apply: (v: Float64Array, out: Float64Array) => {
      if (!current()) throw new Error('stale Hessian operator: hessianAt() was called again since it was made');
      onApply();
      const ob = layout.fitIntercept ? out.subarray(nc, nc + layout.K) : null;
      kernel.hvp(layout.coef(v), layout.intercept(v), out.subarray(0, nc), ob);
      if (l2 !== 0) for (let j = 0; j < nc; j++) out[j]! += l2 * v[j]!;
    },
  };
}
