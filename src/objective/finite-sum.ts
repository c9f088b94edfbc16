/**
 * The finite-sum view of a linear-model loss: F(w) = sum_i s_i l(z_i, y_i) + (l2/2)||W||^2 with
 * z_i = W x_i + b, for two row losses:
 *
 *   softmax (K outputs):  l = logsumexp(z) - z_y,        dl/dz = p - onehot(y),  d2l/dz2 = diag(p) - p p^T
 *   logistic (1 output):  l = log(1 + exp(-t z)), t=+-1,  dl/dz = sigmoid(z) - [t=1], d2l/dz2 = p (1 - p)
 *
 * Stochastic solvers (sag, saga, sgd, adam) need per-sample access; the exact-Newton solver needs the
 * dense Hessian. Both are built here from the Matrix interface (rowScores, addRowOuter), so solvers still
 * only see an objective interface. Full-batch passes of the softmax loss are delegated to SoftmaxObjective
 * (one implementation of the hot loop, tuned elsewhere); those of the logistic loss (the binomial model,
 * one-vs-rest) to BinomialObjective's WebAssembly kernel where one is chosen (dense X, the same `kernel`
 * policy), else to the TypeScript row loops here (CSR X, 'js', small problems; the reference in tests).
 */
import { softmaxCrossEntropyInPlace, softmaxInPlace } from '../kernels/softmax.js';
import type { Threads } from '../backends/provider.js';
import type { Matrix } from '../matrix/matrix.js';
import { ParamLayout } from './layout.js';
import type { FiniteSumObjective, HessianOperator, Objective } from './objective.js';
import type { SparseRows } from '../matrix/matrix.js';
import { CSRMatrix } from '../matrix/csr.js';
import { SoftmaxObjective } from './softmax-objective.js';
import { BinomialObjective, chooseBinomialKernel } from './binomial-objective.js';

/** One row's loss in score space. */
export interface RowLoss {
  readonly name: 'softmax' | 'logistic';
  /** Outputs per row. */
  readonly K: number;
  /** Bound on the largest eigenvalue of d2l/dz2 (see FiniteSumObjective.curvatureBound). */
  readonly curvatureBound: number;
  /** z[off..off+K) -> dl/dz in place; returns l. */
  lossGrad(z: Float64Array, off: number, y: number): number;
  /** z[off..off+K) -> the state the Hessian needs (probabilities) in place. */
  hessState(z: Float64Array, off: number): void;
  /** u[uOff..) <- (d2l/dz2) u, from the state at sOff. */
  hessApply(state: Float64Array, sOff: number, u: Float64Array, uOff: number): void;
  /** A (K x K) <- d2l/dz2 from the state at sOff. */
  hessBlock(state: Float64Array, sOff: number, A: Float64Array): void;
}

export function softmaxRowLoss(K: number): RowLoss {
  return {
    name: 'softmax',
    K,
    // diag(p) - p p^T is the covariance of a one-hot draw from p; its top eigenvalue is at most 1/2
    // (Bohning 1992). scikit-learn's SAG step rule uses 1/4 for multinomial; sag.ts says which it uses.
    curvatureBound: 0.5,
    lossGrad(z, off, y) {
      const l = softmaxCrossEntropyInPlace(z, off, K, y);
      z[off + y]! -= 1;
      return l;
    },
    hessState(z, off) {
      softmaxInPlace(z, off, K);
    },
    hessApply(p, sOff, u, uOff) {
      let pu = 0;
      for (let k = 0; k < K; k++) pu += p[sOff + k]! * u[uOff + k]!;
      for (let k = 0; k < K; k++) u[uOff + k] = p[sOff + k]! * (u[uOff + k]! - pu);
    },
    hessBlock(p, sOff, A) {
      for (let k = 0; k < K; k++) {
        const pk = p[sOff + k]!;
        for (let l = 0; l < K; l++) A[k * K + l] = (k === l ? pk : 0) - pk * p[sOff + l]!;
      }
    },
  };
}

/**
 * Binary logistic (binomial log-) loss on one score; y is 1 for the positive class, 0 otherwise. The
 * binomial model (two classes) and each one-vs-rest problem use it:
 *   l(z) = log(1 + exp(-t z)) = softplus(-t z),  t = 2y - 1,  computed as m + log1p(exp(-m)) for m > 0 and
 *   log1p(exp(m)) otherwise (no overflow, no cancellation);  dl/dz = sigmoid(z) - y;  d2l/dz2 = p (1 - p),
 *   computed as e / (1 + e)^2 with e = exp(-|z|) (p (1 - p) loses the digits of 1 - p when p is near 1).
 */
export const logisticRowLoss: RowLoss = {
  name: 'logistic',
  K: 1,
  curvatureBound: 0.25,
  lossGrad(z, off, y) {
    const v = z[off]!;
    // l = log(1 + exp(-t v)) = softplus(-t v), computed without overflow; dl/dz = sigmoid(v) - y.
    const m = y === 1 ? -v : v;
    const l = m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    const p = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    z[off] = p - y;
    return l;
  },
  hessState(z, off) {
    // p (1 - p) = e / (1 + e)^2, e = exp(-|z|): no cancellation for either sign (binomial-wasm.ts: the same).
    const e = Math.exp(-Math.abs(z[off]!));
    const q = 1 + e;
    z[off] = e / (q * q);
  },
  hessApply(c, sOff, u, uOff) {
    u[uOff] = c[sOff]! * u[uOff]!;
  },
  hessBlock(c, sOff, A) {
    A[0] = c[sOff]!;
  },
};

/** The binomial model's row loss (the same function as one-vs-rest's). */
export const binomialRowLoss: RowLoss = logisticRowLoss;

const BLOCK_ROWS = 256;

export interface LinearFiniteSumOptions {
  l2: number;
  fitIntercept: boolean;
  sampleWeight?: Float64Array | null;
  /**
   * The loops behind the full-batch passes (SoftmaxObjectiveOptions.kernel; for the logistic loss, WebAssembly
   * on dense X or these TypeScript loops); default 'auto'.
   */
  kernel?: 'auto' | 'wasm' | 'js';
  /** Threads for the full-batch softmax passes (SoftmaxObjectiveOptions.threads); default 'auto'. */
  threads?: Threads;
}

export class LinearFiniteSum implements FiniteSumObjective {
  readonly X: Matrix;
  readonly y: Int32Array;
  readonly loss: RowLoss;
  readonly layout: ParamLayout;
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly sampleWeight: Float64Array | null;
  readonly sumWeights: number;
  /**
   * Full-batch implementation used for value/gradient/Hessian: SoftmaxObjective for softmax, BinomialObjective
   * for the logistic loss when a kernel was chosen for it, else null (the TypeScript passes below).
   */
  private readonly fast: (Objective & { dispose(): void }) | null;
  /** The `kernel` choice, passed on to subsets. */
  private readonly kernelChoice: 'auto' | 'wasm' | 'js' | undefined;
  private passes = 0;
  /** Rows touched one at a time (per-sample access); n of them make one pass. */
  private rowsTouched = 0;
  private readonly zBlock: Float64Array;
  private readonly xRow: Float64Array;
  private readonly one = new Float64Array([1]);

  constructor(X: Matrix, y: Int32Array, loss: RowLoss, opts: LinearFiniteSumOptions) {
    this.X = X;
    this.y = y;
    this.loss = loss;
    this.layout = new ParamLayout(loss.K, X.cols, opts.fitIntercept);
    this.l2 = opts.l2;
    this.fitIntercept = opts.fitIntercept;
    this.sampleWeight = opts.sampleWeight ?? null;
    let sw = 0;
    if (this.sampleWeight) for (let i = 0; i < this.sampleWeight.length; i++) sw += this.sampleWeight[i]!;
    else sw = X.rows;
    this.sumWeights = sw;
    this.kernelChoice = opts.kernel;
    if (loss.name === 'softmax') this.fast = new SoftmaxObjective(X, y, loss.K, opts);
    else {
      const kernel = chooseBinomialKernel(X, y, this.sampleWeight, opts.kernel);
      this.fast = kernel ? new BinomialObjective(X.cols, opts.fitIntercept, opts.l2, kernel) : null;
    }
    this.zBlock = new Float64Array(Math.min(BLOCK_ROWS, Math.max(1, X.rows)) * loss.K);
    this.xRow = new Float64Array(X.cols);
  }

  get dimension(): number {
    return this.layout.dimension;
  }
  /** Done with this objective (the fit is over): the wasm kernel's buffers may serve the next fit. */
  dispose(): void {
    this.fast?.dispose();
  }

  /**
   * Which loops run the full-batch passes: the kernel's name ('wasm-float64', 'wasm-binomial-float64', 'js',
   * ...), or 'js-rows' for the TypeScript row loops of this class (the logistic loss without a kernel).
   */
  get kernelName(): string {
    return this.fast instanceof SoftmaxObjective || this.fast instanceof BinomialObjective ? this.fast.kernel.name : 'js-rows';
  }

  /** Threads the full-batch passes ran on (1 unless the softmax kernel is a threaded one and its workers joined). */
  get threads(): number {
    if (!(this.fast instanceof SoftmaxObjective)) return 1;
    const k = this.fast.kernel;
    if (k.threadsUsed !== undefined) return k.threadsUsed;
    const m = /threads(\d+)/.exec(k.name);
    return m ? Number(m[1]) : 1;
  }
  get nSamples(): number {
    return this.X.rows;
  }
  get nOutputs(): number {
    return this.loss.K;
  }
  get nFeatures(): number {
    return this.X.cols;
  }
  get curvatureBound(): number {
    return this.loss.curvatureBound;
  }
  get dataPasses(): number {
    return this.passes + (this.fast?.dataPasses ?? 0) + this.rowsTouched / Math.max(1, this.X.rows);
  }

  weight(i: number): number {
    return this.sampleWeight ? this.sampleWeight[i]! : 1;
  }
  rowSquaredNorm(i: number): number {
    return this.X.rowSquaredNorm(i);
  }

  sparseRows(): SparseRows | null {
    const X = this.X;
    return X instanceof CSRMatrix ? { indptr: X.indptr, indices: X.indices, data: X.data } : null;
  }

  countRows(rows: number): void {
    this.rowsTouched += rows;
  }

  rowScores(i: number, w: Float64Array, out: Float64Array): void {
    this.rowsTouched++;
    this.X.rowScores(i, this.layout.coef(w), this.loss.K, this.layout.intercept(w), out);
  }

  rowResidual(i: number, z: Float64Array): number {
    const l = this.loss.lossGrad(z, 0, this.y[i]!);
    const s = this.weight(i);
    if (s !== 1) for (let k = 0; k < this.loss.K; k++) z[k]! *= s;
    return s * l;
  }

  addRowGradient(i: number, r: ArrayLike<number>, scale: number, G: Float64Array): void {
    const K = this.loss.K;
    const nc = this.layout.nCoef;
    if (scale === 1) this.X.addRowOuter(i, r, K, G);
    else {
      const rs = this.zBlock.subarray(0, K);
      for (let k = 0; k < K; k++) rs[k] = scale * r[k]!;
      this.X.addRowOuter(i, rs, K, G);
      r = rs;
    }
    if (this.fitIntercept) for (let k = 0; k < K; k++) G[nc + k]! += r[k]!;
  }

  subset(rows: ArrayLike<number>, l2: number = this.l2): LinearFiniteSum {
    const y = new Int32Array(rows.length);
    for (let t = 0; t < rows.length; t++) y[t] = this.y[rows[t]!]!;
    let sw: Float64Array | null = null;
    if (this.sampleWeight) {
      sw = new Float64Array(rows.length);
      for (let t = 0; t < rows.length; t++) sw[t] = this.sampleWeight[rows[t]!]!;
    }
    return new LinearFiniteSum(this.X.selectRows(rows), y, this.loss, { l2, fitIntercept: this.fitIntercept, sampleWeight: sw, kernel: this.kernelChoice });
  }

  private penalty(w: Float64Array, g: Float64Array | null): number {
    if (this.l2 === 0) return 0;
    const nc = this.layout.nCoef;
    let s = 0;
    for (let j = 0; j < nc; j++) {
      s += w[j]! * w[j]!;
      if (g) g[j]! += this.l2 * w[j]!;
    }
    return 0.5 * this.l2 * s;
  }

  value(w: Float64Array): number {
    if (this.fast) return this.fast.value(w);
    const g = null;
    return this.pass(w, g) + this.penalty(w, g);
  }

  valueAndGradient(w: Float64Array, g: Float64Array): number {
    if (this.fast) return this.fast.valueAndGradient(w, g);
    g.fill(0);
    return this.pass(w, g) + this.penalty(w, g);
  }

  /** One blocked pass: the weighted loss, and (when g) the loss gradient added into g. */
  private pass(w: Float64Array, g: Float64Array | null): number {
    const { X, y, loss, layout } = this;
    const K = loss.K;
    const nc = layout.nCoef;
    const Z = this.zBlock;
    const n = X.rows;
    const W = layout.coef(w);
    const b = layout.intercept(w);
    let total = 0;
    this.passes++;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      X.scores(W, K, b, Z, start, end);
      for (let i = start; i < end; i++) {
        const off = (i - start) * K;
        const s = this.weight(i);
        total += s * loss.lossGrad(Z, off, y[i]!);
        if (s !== 1) for (let k = 0; k < K; k++) Z[off + k]! *= s;
        if (g && b) for (let k = 0; k < K; k++) g[nc + k]! += Z[off + k]!;
      }
      if (g) X.addTransposeProduct(Z, K, g.subarray(0, nc), start, end);
    }
    return total;
  }

  hessianAt(w: Float64Array): HessianOperator {
    if (this.fast?.hessianAt) return this.fast.hessianAt(w);
    const { X, loss, layout, l2 } = this;
    const K = loss.K;
    const n = X.rows;
    const nc = layout.nCoef;
    const S = new Float64Array(n * K);
    X.scores(layout.coef(w), K, layout.intercept(w), S);
    for (let i = 0; i < n; i++) loss.hessState(S, i * K);
    this.passes++;
    const U = new Float64Array(Math.min(BLOCK_ROWS, Math.max(1, n)) * K);
    return {
      apply: (v, out) => {
        this.passes++;
        out.fill(0);
        const V = layout.coef(v);
        const vb = layout.intercept(v);
        for (let start = 0; start < n; start += BLOCK_ROWS) {
          const end = Math.min(n, start + BLOCK_ROWS);
          X.scores(V, K, vb, U, start, end);
          for (let i = start; i < end; i++) {
            const off = (i - start) * K;
            loss.hessApply(S, i * K, U, off);
            const s = this.weight(i);
            if (s !== 1) for (let k = 0; k < K; k++) U[off + k]! *= s;
            if (vb) for (let k = 0; k < K; k++) out[nc + k]! += U[off + k]!;
          }
          X.addTransposeProduct(U, K, out.subarray(0, nc), start, end);
        }
        if (l2 !== 0) for (let j = 0; j < nc; j++) out[j]! += l2 * v[j]!;
      },
    };
  }

  /**
   * H = sum_i s_i A_i (x) xt_i xt_i^T + l2 I_W, with A_i = d2l/dz2 (K x K) and xt_i = [x_i; 1]. Block
   * (k, l) of H is sum_i s_i A_i[k,l] xt_i xt_i^T; A_i is symmetric, so only k <= l is accumulated, and
   * block by block over chunks of rows (the block stays in cache while the rows stream past). Cost
   * n K (K+1) (d+1)^2 / 2 multiply-adds: fine for the sizes exact Newton accepts.
   */
  denseHessian(w: Float64Array, H: Float64Array): void {
    const { X, loss, layout } = this;
    const K = loss.K;
    const d = X.cols;
    const n = X.rows;
    const D = layout.dimension;
    const nc = layout.nCoef;
    const fi = this.fitIntercept;
    const e = d + (fi ? 1 : 0);
    const KE = K * e;
    // Hext: the Hessian over (class, extended feature) pairs, block-contiguous; permuted into H at the end.
    const Hext = new Float64Array(KE * KE);
    const z = new Float64Array(K);
    const A = new Float64Array(K * K);
    const x = this.xRow;
    const R = Math.min(BLOCK_ROWS, n);
    const Xc = new Float64Array(R * e);
    const Cc = new Float64Array(R * K * K);
    this.passes++;
    for (let start = 0; start < n; start += R) {
      const end = Math.min(n, start + R);
      for (let i = start; i < end; i++) {
        const t = i - start;
        X.rowScores(i, layout.coef(w), K, layout.intercept(w), z);
        loss.hessState(z, 0);
        loss.hessBlock(z, 0, A);
        const s = this.weight(i);
        for (let q = 0; q < K * K; q++) Cc[t * K * K + q] = s * A[q]!;
        x.fill(0);
        X.addRowOuter(i, this.one, 1, x);
        Xc.set(x, t * e);
        if (fi) Xc[t * e + d] = 1;
      }
      for (let k = 0; k < K; k++) {
        for (let l = k; l < K; l++) {
          const base = k * e * KE + l * e;
          for (let t = 0; t < end - start; t++) {
            const a = Cc[t * K * K + k * K + l]!;
            if (a === 0) continue;
            const xo = t * e;
            for (let j = 0; j < e; j++) {
              const xj = a * Xc[xo + j]!;
              if (xj === 0) continue;
              const row = base + j * KE;
              // Diagonal blocks are symmetric: accumulate m >= j only.
              for (let m = k === l ? j : 0; m < e; m++) Hext[row + m]! += xj * Xc[xo + m]!;
            }
          }
        }
      }
    }
    // Permute into the parameter layout (W[k*d+j], then b[k]), filling the lower blocks by symmetry.
    const idx = (k: number, j: number) => (j < d ? k * d + j : nc + k);
    for (let k = 0; k < K; k++) {
      for (let l = k; l < K; l++) {
        for (let j = 0; j < e; j++) {
          for (let m = k === l ? j : 0; m < e; m++) {
            const v = Hext[(k * e + j) * KE + l * e + m]!;
            const p = idx(k, j);
            const q = idx(l, m);
            H[p * D + q] = v;
            H[q * D + p] = v;
          }
        }
      }
    }
    if (this.l2 !== 0) for (let j = 0; j < nc; j++) H[j * D + j]! += this.l2;
  }
}
