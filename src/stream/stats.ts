/**
 * Column statistics in one pass over blocks, for the scaler of a streaming fit. Per block the mean and the
 * sum of squared deviations are computed in two passes over the block (no cancellation), then merged into
 * the running totals with Chan, Golub & LeVeque's pairwise update
 *
 *   n = na + nb,  delta = mean_b - mean_a,  mean = mean_a + delta nb / n,  M2 = M2a + M2b + delta^2 na nb / n
 *
 * which is as accurate as the two-pass formula over all rows (fitScaler's) to rounding, where the one-pass
 * E[x^2] - E[x]^2 would lose the digits of a column with a large mean. Sparse blocks count implicit zeros.
 */
import type { DataBlock, ColumnSummary } from './block.js';

export class ColumnStats {
  n = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  private readonly bMean: Float64Array;
  private readonly bM2: Float64Array;
  private readonly bNnz: Int32Array;

  constructor(private d: number) {
    this.mean = new Float64Array(d);
    this.m2 = new Float64Array(d);
    this.min = new Float64Array(d).fill(Infinity);
    this.max = new Float64Array(d).fill(-Infinity);
    this.bMean = new Float64Array(d);
    this.bM2 = new Float64Array(d);
    this.bNnz = new Int32Array(d);
  }

  get width(): number {
    return this.d;
  }

  /** Widen to d columns (sparse data: the width grows as larger indices appear; new columns were all zero). */
  widen(d: number): ColumnStats {
    if (d <= this.d) return this;
    const s = new ColumnStats(d);
    s.n = this.n;
    s.mean.set(this.mean);
    s.m2.set(this.m2);
    s.min.set(this.min);
    s.max.set(this.max);
    // Columns that did not exist yet were zeros in every row seen so far.
    for (let j = this.d; j < d; j++) {
      s.min[j] = this.n > 0 ? 0 : Infinity;
      s.max[j] = this.n > 0 ? 0 : -Infinity;
    }
    return s;
  }

  /** Add a block of raw values (shifted by `shift` when given: the values are x - shift). */
  add(block: DataBlock, shift: Float64Array | null = null): void {
    const nb = block.rows;
    if (nb === 0) return;
    const d = this.d;
    const bm = this.bMean;
    const bv = this.bM2;
    bm.fill(0);
    bv.fill(0);
    if (block.kind === 'dense') {
      const X = block.X;
      for (let i = 0; i < nb; i++) {
        const o = i * d;
        for (let j = 0; j < d; j++) bm[j]! += X[o + j]!;
      }
      for (let j = 0; j < d; j++) bm[j]! /= nb;
      for (let i = 0; i < nb; i++) {
        const o = i * d;
        for (let j = 0; j < d; j++) {
          const x = X[o + j]!;
          const t = x - bm[j]!;
          bv[j]! += t * t;
          const v = shift ? x + shift[j]! : x;
          if (v < this.min[j]!) this.min[j] = v;
          if (v > this.max[j]!) this.max[j] = v;
        }
      }
      if (shift) for (let j = 0; j < d; j++) bm[j]! += shift[j]!;
    } else {
      const { indptr, indices, data } = block;
      const nnz = this.bNnz;
      nnz.fill(0);
      const end = indptr[nb]!;
      for (let p = 0; p < end; p++) {
        const j = indices[p]!;
        bm[j]! += data[p]!;
        nnz[j]!++;
        const v = data[p]!;
        if (v < this.min[j]!) this.min[j] = v;
        if (v > this.max[j]!) this.max[j] = v;
      }
      for (let j = 0; j < d; j++) bm[j]! /= nb;
      for (let p = 0; p < end; p++) {
        const j = indices[p]!;
        const t = data[p]! - bm[j]!;
        bv[j]! += t * t;
      }
      // The implicit zeros: (nb - nnz_j) deviations of -mean each; and 0 joins min/max when a row lacks j.
      for (let j = 0; j < d; j++) {
        const zeros = nb - nnz[j]!;
        if (zeros > 0) {
          bv[j]! += zeros * bm[j]! * bm[j]!;
          if (0 < this.min[j]!) this.min[j] = 0;
          if (0 > this.max[j]!) this.max[j] = 0;
        }
      }
    }
    const na = this.n;
    const n = na + nb;
    for (let j = 0; j < d; j++) {
      const delta = bm[j]! - this.mean[j]!;
      this.mean[j]! += (delta * nb) / n;
      this.m2[j]! += bv[j]! + ((delta * delta * na) / n) * nb;
    }
    this.n = n;
  }

  summary(): ColumnSummary {
    const d = this.d;
    const variance = new Array<number>(d);
    const maxAbs = new Array<number>(d);
    for (let j = 0; j < d; j++) {
      variance[j] = this.n > 0 ? this.m2[j]! / this.n : 0;
      maxAbs[j] = this.n > 0 ? Math.max(Math.abs(this.min[j]!), Math.abs(this.max[j]!)) : 0;
    }
    return {
      mean: Array.from(this.mean),
      variance,
      min: Array.from(this.min, (v) => (this.n > 0 ? v : 0)),
      max: Array.from(this.max, (v) => (this.n > 0 ? v : 0)),
      maxAbs,
    };
  }
}
