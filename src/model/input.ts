/**
 * Checks at the API edge: turn what the user passed as X into a Matrix (labels and weights: src/core/).
 */
import { DataError } from '../errors.js';
import { CSRMatrix } from '../matrix/csr.js';
import { DenseMatrix } from '../matrix/dense.js';
import type { Matrix } from '../matrix/matrix.js';
import { allFinite } from '../kernels/dense-js.js';

/** What fit/predict accept as X. */
export type MatrixLike = number[][] | ArrayLike<ArrayLike<number>> | DenseMatrix | CSRMatrix;

/**
 * Convert and check X: not empty, rows not ragged, every value finite. `finite: false` skips the finite
 * scan for callers that detect non-finite values another way (prediction: see `assertFinite`).
 */
export function toMatrix(X: MatrixLike, what = 'X', finite = true): Matrix {
  let M: Matrix;
  if (X instanceof DenseMatrix || X instanceof CSRMatrix) M = X;
  else if (X && typeof X === 'object' && typeof (X as ArrayLike<unknown>).length === 'number') {
    const a = X as ArrayLike<ArrayLike<number>>;
    if (a.length === 0) throw new DataError('EMPTY_DATA', `${what} has no rows`);
    const d = a[0]?.length;
    if (typeof d !== 'number') throw new DataError('RAGGED_ROWS', `${what}[0] is not an array of numbers`, { row: 0 });
    for (let i = 0; i < a.length; i++) {
      const row = a[i];
      if (!row || typeof row.length !== 'number' || row.length !== d) {
        throw new DataError('RAGGED_ROWS', `${what} row ${i} has ${row && typeof row.length === 'number' ? row.length : 'no'} values, row 0 has ${d}`, {
          row: i,
        });
      }
      for (let j = 0; j < d; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw new DataError('NON_FINITE', `${what}[${i}][${j}] is not a number (${typeof v})`, { row: i, column: j });
      }
    }
    M = DenseMatrix.fromArrays(a);
  } else {
    throw new DataError('SHAPE_MISMATCH', `${what} must be a number[][], a DenseMatrix or a CSRMatrix`);
  }
  if (M.rows === 0) throw new DataError('EMPTY_DATA', `${what} has no rows`);
  if (M.cols === 0) throw new DataError('EMPTY_DATA', `${what} has no columns (features)`);
  if (finite) assertFinite(M, what);
  return M;
}

/** Throw a DataError naming the first NaN or +-Infinity in M (row, column), if there is one. */
export function assertFinite(M: Matrix, what = 'X'): void {
  const data = (M as DenseMatrix | CSRMatrix).data;
  // The branch-free scan (dense-js.ts allFinite) is several times faster than Number.isFinite per value;
  // the slow scan below runs only to name the first offending value.
  const stored = M instanceof CSRMatrix ? data.subarray(0, M.nnz) : data;
  if (allFinite(stored)) return;
  for (let p = 0; p < data.length; p++) {
    if (!Number.isFinite(data[p]!)) {
      let row: number;
      let col: number;
      if (M instanceof DenseMatrix) {
        row = Math.floor(p / M.cols);
        col = p % M.cols;
      } else {
        const c = M as CSRMatrix;
        row = 0;
        while (c.indptr[row + 1]! <= p) row++;
        col = c.indices[p]!;
      }
      throw new DataError('NON_FINITE', `${what}[${row}][${col}] is ${data[p]} (NaN and Infinity are not allowed)`, { row, column: col });
    }
  }
}
