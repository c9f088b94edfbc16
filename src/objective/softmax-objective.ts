import type { Matrix } from '../matrix/matrix.js';
import { softmaxCrossEntropyInPlace, softmaxInPlace } from '../kernels/softmax.js';
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
 */
export interface SoftmaxObjectiveOptions {
  /** L2 strength on W (1/C); 0 for no penalty. */
  l2: number;
  fitIntercept: boolean;
  /** s_i; null means all ones. */
  sampleWeight?: Float64Array | null;
}

/** Rows per block: the score/residual buffers of one block stay in cache (K doubles per row). */
const BLOCK_ROWS = 256;

export class SoftmaxObjective implements Objective {
  readonly X: Matrix;
  readonly y: Int32Array;
  readonly K: number;
  readonly layout: ParamLayout;
  readonly l2: number;
  readonly sampleWeight: Float64Array | null;
  /** Sum of the sample weights (n when unweighted): lambda = l2 / sumWeights in the mean-loss form. */
  readonly sumWeights: number;
  private passes = 0;
  private readonly zBlock: Float64Array;

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
    this.zBlock = new Float64Array(Math.min(BLOCK_ROWS, Math.max(1, X.rows)) * K);
  }

  get dimension(): number {
    return this.layout.dimension;
  }

  get dataPasses(): number {
    return this.passes;
  }

  /** Weighted sum of cross-entropy losses (no penalty). */
  loss(w: Float64Array): number {
    const { X, y, K, layout, sampleWeight } = this;
    const W = layout.coef(w);
    const b = layout.intercept(w);
    const Z = this.zBlock;
    const n = X.rows;
    let total = 0;
    this.passes++;
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
    const { X, y, K, layout, sampleWeight } = this;
    const W = layout.coef(w);
    const b = layout.intercept(w);
    const nc = layout.nCoef;
    const Z = this.zBlock;
    const n = X.rows;
    g.fill(0);
    const gW = g.subarray(0, nc);
    let total = 0;
    this.passes++;
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
        if (b) for (let k = 0; k < K; k++) g[nc + k]! += Z[off + k]!;
      }
      X.addTransposeProduct(Z, K, gW, start, end);
    }
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
    X.scores(layout.coef(w), K, layout.intercept(w), P);
    for (let i = 0; i < X.rows; i++) softmaxInPlace(P, i * K, K);
    return P;
  }

  hessianAt(w: Float64Array): HessianOperator {
    const P = this.probabilities(w);
    this.passes++;
    const { X, K, layout, sampleWeight, l2 } = this;
    const nc = layout.nCoef;
    const n = X.rows;
    const U = new Float64Array(Math.min(BLOCK_ROWS, Math.max(1, n)) * K);
    return {
      apply: (v: Float64Array, out: Float64Array) => {
        this.passes++;
        const V = layout.coef(v);
        const vb = layout.intercept(v);
        out.fill(0);
        const oW = out.subarray(0, nc);
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
            if (vb) for (let k = 0; k < K; k++) out[nc + k]! += U[off + k]!;
          }
          X.addTransposeProduct(U, K, oW, start, end);
        }
        if (l2 !== 0) for (let j = 0; j < nc; j++) out[j]! += l2 * v[j]!;
      },
    };
  }
}
