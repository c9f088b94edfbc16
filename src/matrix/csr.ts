import { DataError } from '../errors.js';
import type { FloatArray, Matrix } from './matrix.js';

/**
 * Compressed sparse row matrix: row i holds columns indices[indptr[i]..indptr[i+1]) with values
 * data[same range]. Every product costs O(nnz * K); nothing is ever densified.
 */
export class CSRMatrix implements Matrix {
  readonly kind = 'csr' as const;
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: FloatArray;

  constructor(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, data: FloatArray, validate = true) {
    this.rows = rows;
    this.cols = cols;
    this.indptr = indptr;
    this.indices = indices;
    this.data = data;
    if (validate) this.validate();
  }

  get nnz(): number {
    return this.indptr[this.rows]!;
  }

  private validate(): void {
    const { rows, cols, indptr, indices, data } = this;
    if (indptr.length !== rows + 1 || indptr[0] !== 0) {
      throw new DataError('SHAPE_MISMATCH', `CSRMatrix: indptr must have rows+1 = ${rows + 1} entries starting at 0`);
    }
    const nnz = indptr[rows]!;
    if (indices.length < nnz || data.length < nnz) {
      throw new DataError('SHAPE_MISMATCH', `CSRMatrix: indptr says ${nnz} nonzeros but indices/data hold ${indices.length}/${data.length}`);
    }
    for (let i = 0; i < rows; i++) {
      const a = indptr[i]!;
      const b = indptr[i + 1]!;
      if (b < a) throw new DataError('SHAPE_MISMATCH', `CSRMatrix: indptr decreases at row ${i}`, { row: i });
      for (let p = a; p < b; p++) {
        const j = indices[p]!;
        if (j < 0 || j >= cols) throw new DataError('SHAPE_MISMATCH', `CSRMatrix: column index ${j} out of range [0, ${cols}) in row ${i}`, { row: i });
      }
    }
  }

  /** Build from a dense `number[][]`, keeping the nonzeros. */
  static fromDense(a: ArrayLike<ArrayLike<number>>, cols?: number): CSRMatrix {
    const n = a.length;
    const d = cols ?? (n > 0 ? a[0]!.length : 0);
    const indptr = new Int32Array(n + 1);
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = a[i]!;
      if (row.length !== d) throw new DataError('RAGGED_ROWS', `row ${i} has ${row.length} values, expected ${d}`, { row: i });
      for (let j = 0; j < d; j++) {
        const v = row[j]!;
        if (v !== 0) {
          idx.push(j);
          val.push(v);
        }
      }
      indptr[i + 1] = idx.length;
    }
    return new CSRMatrix(n, d, indptr, Int32Array.from(idx), Float64Array.from(val));
  }

  toArrays(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) {
      const row = new Array<number>(this.cols).fill(0);
      for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++) row[this.indices[p]!]! += this.data[p]!;
      out.push(row);
    }
    return out;
  }

  get(i: number, j: number): number {
    let s = 0;
    for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++) if (this.indices[p] === j) s += this.data[p]!;
    return s;
  }

  scores(W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array, start = 0, end = this.rows): void {
    const { indptr, indices, data } = this;
    const d = this.cols;
    for (let i = start; i < end; i++) {
      const zo = (i - start) * K;
      const a = indptr[i]!;
      const e = indptr[i + 1]!;
      for (let k = 0; k < K; k++) {
        const wo = k * d;
        let s = 0;
        for (let p = a; p < e; p++) s += data[p]! * W[wo + indices[p]!]!;
        out[zo + k] = b ? s + b[k]! : s;
      }
    }
  }

  addTransposeProduct(R: ArrayLike<number>, K: number, G: Float64Array, start = 0, end = this.rows): void {
    const { indptr, indices, data } = this;
    const d = this.cols;
    for (let i = start; i < end; i++) {
      const ro = (i - start) * K;
      const a = indptr[i]!;
      const e = indptr[i + 1]!;
      for (let k = 0; k < K; k++) {
        const r = R[ro + k]!;
        if (r === 0) continue;
        const go = k * d;
        for (let p = a; p < e; p++) G[go + indices[p]!]! += r * data[p]!;
      }
    }
  }

  rowScores(i: number, W: ArrayLike<number>, K: number, b: ArrayLike<number> | null, out: Float64Array): void {
    const { indptr, indices, data } = this;
    const d = this.cols;
    const a = indptr[i]!;
    const e = indptr[i + 1]!;
    for (let k = 0; k < K; k++) {
      const wo = k * d;
      let s = 0;
      for (let p = a; p < e; p++) s += data[p]! * W[wo + indices[p]!]!;
      out[k] = b ? s + b[k]! : s;
    }
  }

  addRowOuter(i: number, r: ArrayLike<number>, K: number, G: Float64Array): void {
    const { indptr, indices, data } = this;
    const d = this.cols;
    const a = indptr[i]!;
    const e = indptr[i + 1]!;
    for (let k = 0; k < K; k++) {
      const rk = r[k]!;
      if (rk === 0) continue;
      const go = k * d;
      for (let p = a; p < e; p++) G[go + indices[p]!]! += rk * data[p]!;
    }
  }

  rowSquaredNorm(i: number): number {
    let s = 0;
    for (let p = this.indptr[i]!; p < this.indptr[i + 1]!; p++) s += this.data[p]! * this.data[p]!;
    return s;
  }

  selectRows(rowsIdx: ArrayLike<number>): CSRMatrix {
    let nnz = 0;
    for (let r = 0; r < rowsIdx.length; r++) nnz += this.indptr[rowsIdx[r]! + 1]! - this.indptr[rowsIdx[r]!]!;
    const indptr = new Int32Array(rowsIdx.length + 1);
    const indices = new Int32Array(nnz);
    const data = this.data instanceof Float32Array ? new Float32Array(nnz) : new Float64Array(nnz);
    let q = 0;
    for (let r = 0; r < rowsIdx.length; r++) {
      const i = rowsIdx[r]!;
      const a = this.indptr[i]!;
      const e = this.indptr[i + 1]!;
      indices.set(this.indices.subarray(a, e), q);
      data.set(this.data.subarray(a, e), q);
      q += e - a;
      indptr[r + 1] = q;
    }
    return new CSRMatrix(rowsIdx.length, this.cols, indptr, indices, data, false);
  }
}
