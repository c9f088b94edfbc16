/**
 * The matrix layer: the only code that walks storage. Everything above it (objective, solvers, model)
 * talks to a `Matrix` through the few products softmax regression needs, so dense and CSR data flow
 * through the same objective and solvers.
 *
 * Shapes: X is n x d (one row per sample). Coefficients W are K x d, row-major (`W[k*d + j]`).
 * Scores Z = X W^T (+ b) are n x K, row-major (`Z[i*K + k]`).
 */
import type { FloatArray } from '../kernels/resident.js';

export type { FloatArray };

/** The rows of a sparse X as CSR arrays (row i: entries indptr[i]..indptr[i+1]). */
export interface SparseRows {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: ArrayLike<number>;
}

export interface Matrix {
  readonly kind: 'dense' | 'csr';
  readonly rows: number;
  readonly cols: number;
  /** Number of stored values (n*d for dense). */
  readonly nnz: number;
  /** Z[i*K+k] = sum_j X[i,j] W[k*d+j] + (b ? b[k] : 0), for rows [start, end). Writes Z rows start..end-1 at offset 0 of `out` when `local`, else at their own row index. */
  scores(W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array, start?: number, end?: number): void;
  /** G[k*d+j] += sum_{i in [start,end)} R[(i-start)*K+k] X[i,j]  (G += R^T X). */
  addTransposeProduct(R: ArrayLike<number>, K: number, G: Float64Array, start?: number, end?: number): void;
  /** out[k] = W_k . x_i (+ b_k) for one row. */
  rowScores(i: number, W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array): void;
  /** G[k*d+j] += r[k] * X[i,j] for one row (the per-sample gradient outer product r x_i^T). */
  addRowOuter(i: number, r: ArrayLike<number>, K: number, G: Float64Array): void;
  /** Squared Euclidean norm of row i. */
  rowSquaredNorm(i: number): number;
  /** A new matrix holding the given rows, in the given order (a copy). */
  selectRows(indices: ArrayLike<number>): Matrix;
  /** Value at (i, j) (slow for CSR: for tests and reports, not hot loops). */
  get(i: number, j: number): number;
}
