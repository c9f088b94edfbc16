/**
 * Feature scaling fitted on training rows and stored in the model, so predict() applies the same map.
 *   standard: x' = (x - mean) / std   (population std, as scikit-learn's StandardScaler; std 0 -> 1)
 *   minmax:   x' = (x - min) / (max - min)   (range 0 -> 1)
 * On CSR data only the scale is applied (no centering), so sparse data stays sparse: x' = x / std, or
 * x / max|x| for minmax (scikit-learn's MaxAbsScaler).
 */
import { CSRMatrix } from '../matrix/csr.js';
import { DenseMatrix } from '../matrix/dense.js';
import { allocFloatArray } from '../kernels/resident.js';
import type { Matrix } from '../matrix/matrix.js';

export type ScaleKind = 'none' | 'standard' | 'minmax';

export interface ScalerState {
  kind: Exclude<ScaleKind, 'none'>;
  /** Subtracted first (all zeros for sparse data). */
  offset: number[];
  /** Then divided by. */
  scale: number[];
}

export function fitScaler(kind: Exclude<ScaleKind, 'none'>, X: Matrix): ScalerState {
  const d = X.cols;
  const n = X.rows;
  const offset = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(1);
  if (X instanceof DenseMatrix) {
    const a = X.data;
    // Statistics of x / m_j with m_j = max_i |x_ij|, scaled back at the end: the sums of values in [-1, 1]
    // and of their squares cannot overflow, where the plain sums overflow for |x| above ~1e154 (squares) or
    // n |x| above 1.8e308 (sums), and give an infinite or NaN scale that no model file can hold.
    const m = new Float64Array(d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) {
        const t = Math.abs(a[i * d + j]!);
        if (t > m[j]!) m[j] = t;
      }
    // Divide rather than multiply by 1/m: 1/m overflows for subnormal m.
    const div = m.map((v) => (v > 0 ? v : 1));
    if (kind === 'standard') {
      const mean = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += a[i * d + j]! / div[j]!;
      for (let j = 0; j < d; j++) mean[j]! /= n;
      // Two passes (sum of squared deviations from the mean), not E[x^2] - E[x]^2, which cancels.
      const v = new Float64Array(d);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < d; j++) {
          const t = a[i * d + j]! / div[j]! - mean[j]!;
          v[j]! += t * t;
        }
      for (let j = 0; j < d; j++) {
        // |mean'| <= 1 and sd' <= 1, so both scale back to finite values.
        offset[j] = mean[j]! * div[j]!;
        const sd = Math.sqrt(v[j]! / n) * div[j]!;
        scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
      }
    } else {
      for (let j = 0; j < d; j++) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < n; i++) {
          const t = a[i * d + j]!;
          if (t < lo) lo = t;
          if (t > hi) hi = t;
        }
        offset[j] = n > 0 ? lo : 0;
        // hi - lo overflows when the column spans more than 1.8e308 (e.g. -1e308 .. 1e308): the largest
        // double then stands in for the range (applyScaler divides term by term where x - lo overflows).
        const range = hi - lo;
        scale[j] = range > 0 ? (Number.isFinite(range) ? range : Number.MAX_VALUE) : 1;
      }
    }
  } else if (X instanceof CSRMatrix) {
    const mx = new Float64Array(d);
    for (let p = 0; p < X.nnz; p++) {
      const j = X.indices[p]!;
      const t = Math.abs(X.data[p]!);
      if (t > mx[j]!) mx[j] = t;
    }
    const s1 = new Float64Array(d);
    const s2 = new Float64Array(d);
    if (kind === 'standard') {
      // Moments of x / m_j (see the dense case); E[x^2] - E[x]^2 is kept here because the implicit zeros
      // make a second pass over deviations cost a dense pass.
      for (let p = 0; p < X.nnz; p++) {
        const j = X.indices[p]!;
        const t = mx[j]! > 0 ? X.data[p]! / mx[j]! : 0; // (explicit zeros in an all-zero column)
        s1[j]! += t;
        s2[j]! += t * t;
      }
    }
    for (let j = 0; j < d; j++) {
      if (kind === 'standard') {
        const mean = s1[j]! / n;
        const sd = Math.sqrt(Math.max(0, s2[j]! / n - mean * mean)) * mx[j]!;
        scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
      } else scale[j] = mx[j]! > 0 ? mx[j]! : 1;
    }
  }
  return { kind, offset, scale };
}

/** Apply a fitted scaler, returning a new matrix of the same kind. */
export function applyScaler(s: ScalerState, X: Matrix): Matrix {
  const d = X.cols;
  if (X instanceof DenseMatrix) {
    // A new feature matrix: allocated as DenseMatrix allocates one (wasm-resident when large), so a fit on
    // the scaled data reads it in place instead of copying it into WebAssembly memory first.
    const out = allocFloatArray(X.data.length, X.data instanceof Float32Array ? 'float32' : 'float64');
    const a = X.data;
    const inv = s.scale.map((v) => 1 / v);
    for (let i = 0; i < X.rows; i++)
      for (let j = 0; j < d; j++) {
        const t = (a[i * d + j]! - s.offset[j]!) * inv[j]!;
        // x - offset overflows when x and the offset are huge and of opposite signs (or 1/scale overflows
        // for a subnormal scale): divide each term first. Rare, so the plain form stays the fast path.
        out[i * d + j] = Number.isFinite(t) ? t : a[i * d + j]! / s.scale[j]! - s.offset[j]! / s.scale[j]!;
      }
    return new DenseMatrix(X.rows, d, out);
  }
  const c = X as CSRMatrix;
  const data = c.data instanceof Float32Array ? new Float32Array(c.data.length) : new Float64Array(c.data.length);
  for (let p = 0; p < c.nnz; p++) data[p] = c.data[p]! / s.scale[c.indices[p]!]!;
  return new CSRMatrix(c.rows, c.cols, c.indptr, c.indices, data, false);
}
