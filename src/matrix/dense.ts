import { DataError } from '../errors.js';
import type { FloatArray, Matrix } from './matrix.js';
import { allocFloatArray } from '../kernels/resident.js';
import { addTransposeProductF32, addTransposeProductF64, asF64, scoresF32, scoresF64 } from '../kernels/dense-js.js';

/** Row-major dense matrix on a Float64Array (or Float32Array): X[i,j] = data[i*cols + j]. */
export class DenseMatrix implements Matrix {
  readonly kind = 'dense' as const;
  readonly rows: number;
  readonly cols: number;
  readonly data: FloatArray;

  constructor(rows: number, cols: number, data?: FloatArray) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new DataError('SHAPE_MISMATCH', `DenseMatrix: invalid shape ${rows} x ${cols}`);
    }
    // Without data: a zeroed buffer, wasm-resident when large (kernels/resident.ts: fits read it in place).
    const buf = data ?? allocFloatArray(rows * cols, 'float64');
    if (buf.length !== rows * cols) {
      throw new DataError('SHAPE_MISMATCH', `DenseMatrix: data has ${buf.length} values, expected ${rows} x ${cols} = ${rows * cols}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = buf;
  }

  get nnz(): number {
    return this.rows * this.cols;
  }

  /** Copy a `number[][]` into a dense matrix, checking that rows are not ragged. */
  static fromArrays(a: ArrayLike<ArrayLike<number>>, dtype: 'float64' | 'float32' = 'float64'): DenseMatrix {
    const n = a.length;
    const d = n > 0 ? a[0]!.length : 0;
    const data = allocFloatArray(n * d, dtype);
    for (let i = 0; i < n; i++) {
      const row = a[i]!;
      if (!row || row.length !== d) {
        throw new DataError('RAGGED_ROWS', `row ${i} has ${row ? row.length : 0} values, row 0 has ${d}`, { row: i });
      }
      for (let j = 0; j < d; j++) data[i * d + j] = row[j]!;
    }
    return new DenseMatrix(n, d, data);
  }

  /** A zeroed rows x cols matrix of the given element type (wasm-resident when large; see allocFloatArray). */
  static zeros(rows: number, cols: number, dtype: 'float64' | 'float32' = 'float64'): DenseMatrix {
    return new DenseMatrix(rows, cols, allocFloatArray(rows * cols, dtype));
  }

  /** This matrix with the given element type: itself when it already has it, else a converted copy. */
  astype(dtype: 'float64' | 'float32'): DenseMatrix {
    if ((dtype === 'float64') === this.data instanceof Float64Array) return this;
    const out = DenseMatrix.zeros(this.rows, this.cols, dtype);
    out.data.set(this.data);
    return out;
  }

  toArrays(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  row(i: number): FloatArray {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  scores(W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array, start = 0, end = this.rows): void {
    // One monomorphic kernel per element type (src/kernels/dense-js.ts).
    const Wf = asF64(W);
    const bf = b === null ? null : asF64(b);
    if (this.data instanceof Float64Array) scoresF64(this.data, this.cols, Wf, K, bf, out, start, end);
    else scoresF32(this.data, this.cols, Wf, K, bf, out, start, end);
  }

  addTransposeProduct(R: ArrayLike<number>, K: number, G: Float64Array, start = 0, end = this.rows): void {
    const Rf = asF64(R);
    if (this.data instanceof Float64Array) addTransposeProductF64(this.data, this.cols, Rf, K, G, start, end);
    else addTransposeProductF32(this.data, this.cols, Rf, K, G, start, end);
  }

  rowScores(i: number, W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array): void {
    // The one-row product is the block product on [i, i+1): same monomorphic kernels.
    const Wf = asF64(W);
    const bf = b === null ? null : asF64(b);
    if (this.data instanceof Float64Array) scoresF64(this.data, this.cols, Wf, K, bf, out, i, i + 1);
    else scoresF32(this.data, this.cols, Wf, K, bf, out, i, i + 1);
  }

  addRowOuter(i: number, r: ArrayLike<number>, K: number, G: Float64Array): void {
    const rf = asF64(r);
    if (this.data instanceof Float64Array) addTransposeProductF64(this.data, this.cols, rf, K, G, i, i + 1);
    else addTransposeProductF32(this.data, this.cols, rf, K, G, i, i + 1);
  }

  rowSquaredNorm(i: number): number {
    const X = this.data;
    const d = this.cols;
    let s = 0;
    for (let j = i * d, e = j + d; j < e; j++) s += X[j]! * X[j]!;
    return s;
  }

  selectRows(indices: ArrayLike<number>): DenseMatrix {
    const d = this.cols;
    const out = this.data instanceof Float32Array ? new Float32Array(indices.length * d) : new Float64Array(indices.length * d);
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r]!;
      out.set(this.data.subarray(i * d, (i + 1) * d), r * d);
    }
    return new DenseMatrix(indices.length, d, out);
  }
}
