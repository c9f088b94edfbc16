/**
 * Feature scaling fitted on training rows and stored in the model, so predict() applies the same map.
 *   standard: x' = (x - mean) / std   (population std, as scikit-learn's StandardScaler; std 0 -> 1)
 *   minmax:   x' = (x - min) / (max - min)   (range 0 -> 1)
 * On CSR data only the scale is applied (no centering), so sparse data stays sparse: x' = x / std, or
 * x / max|x| for minmax (scikit-learn's MaxAbsScaler).
 */
import { CSRMatrix } from '../matrix/csr.js';
import { DenseMatrix } from '../matrix/dense.js';
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
    if (kind === 'standard') {
      const mean = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += a[i * d + j]!;
      for (let j = 0; j < d; j++) mean[j]! /= n;
      const v = new Float64Array(d);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < d; j++) {
          const t = a[i * d + j]! - mean[j]!;
          v[j]! += t * t;
        }
      for (let j = 0; j < d; j++) {
        offset[j] = mean[j]!;
        const sd = Math.sqrt(v[j]! / n);
        scale[j] = sd > 0 ? sd : 1;
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
        scale[j] = hi - lo > 0 ? hi - lo : 1;
      }
    }
  } else if (X instanceof CSRMatrix) {
    const s1 = new Float64Array(d);
    const s2 = new Float64Array(d);
    const mx = new Float64Array(d);
    for (let p = 0; p < X.nnz; p++) {
      const j = X.indices[p]!;
      const t = X.data[p]!;
      s1[j]! += t;
      s2[j]! += t * t;
      if (Math.abs(t) > mx[j]!) mx[j] = Math.abs(t);
    }
    for (let j = 0; j < d; j++) {
      if (kind === 'standard') {
        const m = s1[j]! / n;
        const sd = Math.sqrt(Math.max(0, s2[j]! / n - m * m));
        scale[j] = sd > 0 ? sd : 1;
      } else scale[j] = mx[j]! > 0 ? mx[j]! : 1;
    }
  }
  return { kind, offset, scale };
}

/** Apply a fitted scaler, returning a new matrix of the same kind. */
export function applyScaler(s: ScalerState, X: Matrix): Matrix {
  const d = X.cols;
  if (X instanceof DenseMatrix) {
    const out = X.data instanceof Float32Array ? new Float32Array(X.data.length) : new Float64Array(X.data.length);
    const a = X.data;
    const inv = s.scale.map((v) => 1 / v);
    for (let i = 0; i < X.rows; i++)
      for (let j = 0; j < d; j++) out[i * d + j] = (a[i * d + j]! - s.offset[j]!) * inv[j]!;
    return new DenseMatrix(X.rows, d, out);
  }
  const c = X as CSRMatrix;
  const data = c.data instanceof Float32Array ? new Float32Array(c.data.length) : new Float64Array(c.data.length);
  for (let p = 0; p < c.nnz; p++) data[p] = c.data[p]! / s.scale[c.indices[p]!]!;
  return new CSRMatrix(c.rows, c.cols, c.indptr, c.indices, data, false);
}
