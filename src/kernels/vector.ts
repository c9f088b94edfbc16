/**
 * Small dense-vector helpers for the solvers (BLAS level 1 names). Plain loops over typed arrays, caller-owned
 * output; they exist so a solver's step reads as the formula (y <- y + a x) instead of an index loop.
 */

/** sum_i a_i b_i. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** y <- y + a x (in place). */
export function axpy(a: number, x: ArrayLike<number>, y: Float64Array): Float64Array {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
  return y;
}

/** x <- a x (in place). */
export function scale(a: number, x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
  return x;
}

/** max_i |v_i|, the infinity norm; NaN propagates (a NaN gradient must not look converged). */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > m || a !== a) m = a;
  }
  return m;
}
