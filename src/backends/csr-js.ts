/**
 * Loss kernel for CSR X in plain TypeScript, one fused pass over the nonzeros per evaluation.
 *
 * Layout is the whole trick. With W stored K x d (the model's layout), the scores of a row read K values
 * d apart for each nonzero, and the gradient scatter G[k, j] += r_k x_ij writes K values d apart: K cache
 * lines touched per nonzero, and with d = 50,000 neither W nor G stays in cache. Here both are held
 * transposed, d x K (WT[j*K + k]), so each nonzero reads K contiguous values of WT and updates K contiguous
 * values of GT (one or two cache lines for K = 20). The transposes cost O(K d) once per evaluation, at the
 * objective boundary, against O(nnz K) for the pass itself.
 *
 * Per row i (nonzeros p in [indptr[i], indptr[i+1]), column j_p, value x_p):
 *   z = b + sum_p x_p WT[j_p, :]            (K accumulators)
 *   r = s_i (softmax(z) - onehot(y_i)),  loss_i = logsumexp(z) - z_{y_i}
 *   GT[j_p, :] += x_p r                     (for each nonzero)
 * and the same shape for the Hessian-vector product with u = V x_i + vb and D_i in place of r.
 * The values are held as float64 (a float32 CSR is widened once; nnz doubles), so one monomorphic loop
 * serves both element types.
 */
import type { CSRMatrix } from '../matrix/csr.js';
import type { LossKernel } from './loss-kernel.js';
import { softmaxInPlace } from '../kernels/softmax.js';

export class CsrLossKernel implements LossKernel {
  readonly name = 'js-csr';
  private readonly n: number;
  private readonly d: number;
  private readonly indptr: Int32Array;
  private readonly indices: Int32Array;
  private readonly data: Float64Array;
  /** Transposed parameters (d x K) and gradient (d x K). */
  private readonly WT: Float64Array;
  private readonly GT: Float64Array;
  private readonly z: Float64Array;
  private P: Float64Array | null = null;

  constructor(
    X: CSRMatrix,
    readonly y: Int32Array,
    readonly K: number,
    readonly sampleWeight: Float64Array | null,
  ) {
    this.n = X.rows;
    this.d = X.cols;
    this.indptr = X.indptr;
    this.indices = X.indices;
    this.data = X.data instanceof Float64Array ? X.data : Float64Array.from(X.data.subarray(0, X.nnz));
    this.WT = new Float64Array(X.cols * K);
    this.GT = new Float64Array(X.cols * K);
    this.z = new Float64Array(K);
  }

  lossGrad(W: Float64Array, b: Float64Array | null, G: Float64Array, gb: Float64Array | null): number {
    transpose(W, this.K, this.d, this.WT);
    this.GT.fill(0);
    if (gb) gb.fill(0);
    const total = lossGradCsr(this.indptr, this.indices, this.data, this.n, this.WT, b, this.K, this.y, this.sampleWeight, this.GT, gb, this.z, true);
    transpose(this.GT, this.d, this.K, G);
    return total;
  }

  loss(W: Float64Array, b: Float64Array | null): number {
    transpose(W, this.K, this.d, this.WT);
    return lossGradCsr(this.indptr, this.indices, this.data, this.n, this.WT, b, this.K, this.y, this.sampleWeight, this.GT, null, this.z, false);
  }

  prepareHessian(W: Float64Array, b: Float64Array | null): void {
    const P = (this.P ??= new Float64Array(this.n * this.K));
    transpose(W, this.K, this.d, this.WT);
    scoresCsr(this.indptr, this.indices, this.data, this.WT, b, this.K, P, 0, this.n);
    const K = this.K;
    for (let i = 0; i < this.n; i++) softmaxInPlace(P, i * K, K);
  }

  hvp(V: Float64Array, vb: Float64Array | null, out: Float64Array, ob: Float64Array | null): void {
    const P = this.P;
    if (!P) throw new Error('hvp before prepareHessian');
    transpose(V, this.K, this.d, this.WT);
    this.GT.fill(0);
    if (ob) ob.fill(0);
    hvpCsr(this.indptr, this.indices, this.data, this.n, this.WT, vb, this.K, P, this.sampleWeight, this.GT, ob, this.z);
    transpose(this.GT, this.d, this.K, out);
  }

  scores(W: Float64Array, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
    transpose(W, this.K, this.d, this.WT);
    scoresCsr(this.indptr, this.indices, this.data, this.WT, b, this.K, out, start, end);
  }
}

/** out (cols x rows) = A^T for A rows x cols, both row-major. Blocked so both sides stay in cache. */
export function transpose(A: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const B = 32;
  for (let j0 = 0; j0 < cols; j0 += B) {
    const j1 = Math.min(cols, j0 + B);
    for (let i = 0; i < rows; i++) {
      const ao = i * cols;
      for (let j = j0; j < j1; j++) out[j * rows + i] = A[ao + j]!;
    }
  }
}

/** out[(i-start)*K + k] = sum_p x_p WT[j_p*K + k] (+ b_k) for rows [start, end). */
export function scoresCsr(
  indptr: Int32Array,
  indices: Int32Array,
  data: Float64Array,
  WT: Float64Array,
  b: Float64Array | null,
  K: number,
  out: Float64Array,
  start: number,
  end: number,
): void {
  for (let i = start; i < end; i++) {
    const zo = (i - start) * K;
    rowDot(indices, data, indptr[i]!, indptr[i + 1]!, WT, b, K, out, zo);
  }
}

/**
 * The fused pass: returns sum_i s_i loss_i; when `grad`, adds (S(P - Y))^T X into GT (d x K) and the
 * residual column sums into gb.
 */
function lossGradCsr(
  indptr: Int32Array,
  indices: Int32Array,
  data: Float64Array,
  n: number,
  WT: Float64Array,
  b: Float64Array | null,
  K: number,
  y: Int32Array,
  sw: Float64Array | null,
  GT: Float64Array,
  gb: Float64Array | null,
  z: Float64Array,
  grad: boolean,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = indptr[i]!;
    const e = indptr[i + 1]!;
    rowDot(indices, data, a, e, WT, b, K, z, 0);
    // Stable log-sum-exp from z - max; the loss is lse - z_y (exact even when p_y underflows).
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (z[k]! > m) m = z[k]!;
    const yi = y[i]!;
    const zyShift = z[yi]! - m;
    let se = 0;
    for (let k = 0; k < K; k++) {
      const ek = Math.exp(z[k]! - m);
      z[k] = ek;
      se += ek;
    }
    const s = sw !== null ? sw[i]! : 1;
    total += s * (Math.log(se) - zyShift);
    if (!grad) continue;
    const inv = s / se;
    for (let k = 0; k < K; k++) z[k]! *= inv;
    z[yi]! -= s;
    if (gb !== null) for (let k = 0; k < K; k++) gb[k]! += z[k]!;
    rowScatter(indices, data, a, e, z, K, GT);
  }
  return total;
}

/** H v: D_i = s_i (p_i * u_i - p_i (p_i . u_i)), u_i = V x_i + vb; GT += D^T X, ob += sum_i D_i. */
function hvpCsr(
  indptr: Int32Array,
  indices: Int32Array,
  data: Float64Array,
  n: number,
  VT: Float64Array,
  vb: Float64Array | null,
  K: number,
  P: Float64Array,
  sw: Float64Array | null,
  GT: Float64Array,
  ob: Float64Array | null,
  u: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const a = indptr[i]!;
    const e = indptr[i + 1]!;
    rowDot(indices, data, a, e, VT, vb, K, u, 0);
    const po = i * K;
    let pu = 0;
    for (let k = 0; k < K; k++) pu += P[po + k]! * u[k]!;
    const s = sw !== null ? sw[i]! : 1;
    for (let k = 0; k < K; k++) u[k] = s * P[po + k]! * (u[k]! - pu);
    if (ob !== null) for (let k = 0; k < K; k++) ob[k]! += u[k]!;
    rowScatter(indices, data, a, e, u, K, GT);
  }
}

/*
 * The two row primitives. Classes go 8 (then 4, then 1) at a time with the partial sums, or the residuals,
 * in locals: V8 keeps them in registers, where a loop over k would load and store z[k] for every nonzero
 * (measured on the synthetic sparse set, K = 20: 2.2x faster scores, 1.9x faster scatter).
 */

/** out[zo + k] = b_k + sum_{p in [a, e)} data[p] WT[indices[p]*K + k]. */
export function rowDot(
  indices: Int32Array,
  data: Float64Array,
  a: number,
  e: number,
  WT: Float64Array,
  b: Float64Array | null,
  K: number,
  out: Float64Array,
  zo: number,
): void {
  let k = 0;
  for (; k + 7 < K; k += 8) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      s4 = 0,
      s5 = 0,
      s6 = 0,
      s7 = 0;
    for (let p = a; p < e; p++) {
      const x = data[p]!;
      const o = indices[p]! * K + k;
      s0 += x * WT[o]!;
      s1 += x * WT[o + 1]!;
      s2 += x * WT[o + 2]!;
      s3 += x * WT[o + 3]!;
      s4 += x * WT[o + 4]!;
      s5 += x * WT[o + 5]!;
      s6 += x * WT[o + 6]!;
      s7 += x * WT[o + 7]!;
    }
    out[zo + k] = s0;
    out[zo + k + 1] = s1;
    out[zo + k + 2] = s2;
    out[zo + k + 3] = s3;
    out[zo + k + 4] = s4;
    out[zo + k + 5] = s5;
    out[zo + k + 6] = s6;
    out[zo + k + 7] = s7;
  }
  for (; k + 3 < K; k += 4) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let p = a; p < e; p++) {
      const x = data[p]!;
      const o = indices[p]! * K + k;
      s0 += x * WT[o]!;
      s1 += x * WT[o + 1]!;
      s2 += x * WT[o + 2]!;
      s3 += x * WT[o + 3]!;
    }
    out[zo + k] = s0;
    out[zo + k + 1] = s1;
    out[zo + k + 2] = s2;
    out[zo + k + 3] = s3;
  }
  for (; k < K; k++) {
    let s = 0;
    for (let p = a; p < e; p++) s += data[p]! * WT[indices[p]! * K + k]!;
    out[zo + k] = s;
  }
  if (b !== null) for (let c = 0; c < K; c++) out[zo + c]! += b[c]!;
}

/** GT[indices[p]*K + k] += data[p] r[k] for p in [a, e). */
export function rowScatter(indices: Int32Array, data: Float64Array, a: number, e: number, r: Float64Array, K: number, GT: Float64Array): void {
  let k = 0;
  for (; k + 7 < K; k += 8) {
    const r0 = r[k]!,
      r1 = r[k + 1]!,
      r2 = r[k + 2]!,
      r3 = r[k + 3]!,
      r4 = r[k + 4]!,
      r5 = r[k + 5]!,
      r6 = r[k + 6]!,
      r7 = r[k + 7]!;
    for (let p = a; p < e; p++) {
      const x = data[p]!;
      const o = indices[p]! * K + k;
      GT[o]! += x * r0;
      GT[o + 1]! += x * r1;
      GT[o + 2]! += x * r2;
      GT[o + 3]! += x * r3;
      GT[o + 4]! += x * r4;
      GT[o + 5]! += x * r5;
      GT[o + 6]! += x * r6;
      GT[o + 7]! += x * r7;
    }
  }
  for (; k + 3 < K; k += 4) {
    const r0 = r[k]!,
      r1 = r[k + 1]!,
      r2 = r[k + 2]!,
      r3 = r[k + 3]!;
    for (let p = a; p < e; p++) {
      const x = data[p]!;
      const o = indices[p]! * K + k;
      GT[o]! += x * r0;
      GT[o + 1]! += x * r1;
      GT[o + 2]! += x * r2;
      GT[o + 3]! += x * r3;
    }
  }
  for (; k < K; k++) {
    const rk = r[k]!;
    for (let p = a; p < e; p++) GT[indices[p]! * K + k]! += data[p]! * rk;
  }
}
