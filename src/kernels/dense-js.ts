/**
 * Plain TypeScript dense products, one function per element type: a kernel that sees both Float64Array
 * and Float32Array at one call site becomes polymorphic in V8 and slower for every later call, so the
 * float32 versions are separate copies of the same loops. These are the fallback wherever the
 * WebAssembly kernels (assembly/kernels.ts) are unavailable, and the reference the tests hold them to.
 */

/** Z[(i-start)*K + k] = X_i . W_k (+ b_k), rows [start, end). Two classes per sweep of a row. */
export function scoresF64(X: Float64Array, d: number, W: Float64Array, K: number, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const xo = i * d;
    const zo = (i - start) * K;
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const w0 = k * d;
      const w1 = w0 + d;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < d; j++) {
        const x = X[xo + j]!;
        s0 += x * W[w0 + j]!;
        s1 += x * W[w1 + j]!;
      }
      out[zo + k] = b !== null ? s0 + b[k]! : s0;
      out[zo + k + 1] = b !== null ? s1 + b[k + 1]! : s1;
    }
    if (k < K) {
      const w0 = k * d;
      let s0 = 0;
      for (let j = 0; j < d; j++) s0 += X[xo + j]! * W[w0 + j]!;
      out[zo + k] = b !== null ? s0 + b[k]! : s0;
    }
  }
}

/** G[k*d + j] += sum_{i in [start,end)} R[(i-start)*K + k] X[i, j]. Two rows per sweep of G. */
export function addTransposeProductF64(X: Float64Array, d: number, R: Float64Array, K: number, G: Float64Array, start: number, end: number): void {
  let i = start;
  for (; i + 1 < end; i += 2) {
    const x0 = i * d;
    const x1 = x0 + d;
    const r0 = (i - start) * K;
    const r1 = r0 + K;
    for (let k = 0; k < K; k++) {
      const a = R[r0 + k]!;
      const c = R[r1 + k]!;
      const go = k * d;
      for (let j = 0; j < d; j++) G[go + j]! += a * X[x0 + j]! + c * X[x1 + j]!;
    }
  }
  if (i < end) {
    const x0 = i * d;
    const r0 = (i - start) * K;
    for (let k = 0; k < K; k++) {
      const a = R[r0 + k]!;
      const go = k * d;
      for (let j = 0; j < d; j++) G[go + j]! += a * X[x0 + j]!;
    }
  }
}

/** Float32 copy of scoresF64 (see the file comment for why it is a copy). */
export function scoresF32(X: Float32Array, d: number, W: Float64Array, K: number, b: Float64Array | null, out: Float64Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const xo = i * d;
    const zo = (i - start) * K;
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const w0 = k * d;
      const w1 = w0 + d;
      let s0 = 0;
      let s1 = 0;
      for (let j = 0; j < d; j++) {
        const x = X[xo + j]!;
        s0 += x * W[w0 + j]!;
        s1 += x * W[w1 + j]!;
      }
      out[zo + k] = b !== null ? s0 + b[k]! : s0;
      out[zo + k + 1] = b !== null ? s1 + b[k + 1]! : s1;
    }
    if (k < K) {
      const w0 = k * d;
      let s0 = 0;
      for (let j = 0; j < d; j++) s0 += X[xo + j]! * W[w0 + j]!;
      out[zo + k] = b !== null ? s0 + b[k]! : s0;
    }
  }
}

/** Float32 copy of addTransposeProductF64. */
export function addTransposeProductF32(X: Float32Array, d: number, R: Float64Array, K: number, G: Float64Array, start: number, end: number): void {
  let i = start;
  for (; i + 1 < end; i += 2) {
    const x0 = i * d;
    const x1 = x0 + d;
    const r0 = (i - start) * K;
    const r1 = r0 + K;
    for (let k = 0; k < K; k++) {
      const a = R[r0 + k]!;
      const c = R[r1 + k]!;
      const go = k * d;
      for (let j = 0; j < d; j++) G[go + j]! += a * X[x0 + j]! + c * X[x1 + j]!;
    }
  }
  if (i < end) {
    const x0 = i * d;
    const r0 = (i - start) * K;
    for (let k = 0; k < K; k++) {
      const a = R[r0 + k]!;
      const go = k * d;
      for (let j = 0; j < d; j++) G[go + j]! += a * X[x0 + j]!;
    }
  }
}

/** A Float64Array view of numbers (no copy when it already is one). */
export function asF64(a: ArrayLike<number>): Float64Array {
  return a instanceof Float64Array ? a : Float64Array.from(a);
}

/**
 * Whether every value is finite, fast: x * 0 is 0 for finite x and NaN for NaN or +-Infinity, so a sum of
 * x * 0 is 0 exactly when all its terms are finite. Eight values per step summed as a tree (no long
 * dependency chain, one predictable branch per 8 values): ~2x faster in V8 than one running sum, and ~3x
 * faster than Number.isFinite per value. Callers locate the offending value with a plain scan only when
 * this is false.
 */
export function allFiniteF64(a: Float64Array): boolean {
  const n = a.length;
  const n8 = n - (n & 7);
  let p = 0;
  for (; p < n8; p += 8) {
    const s = a[p]! * 0 + a[p + 1]! * 0 + (a[p + 2]! * 0 + a[p + 3]! * 0) + (a[p + 4]! * 0 + a[p + 5]! * 0 + (a[p + 6]! * 0 + a[p + 7]! * 0));
    if (s !== 0) return false;
  }
  for (; p < n; p++) if (a[p]! * 0 !== 0) return false;
  return true;
}

/** Float32 copy of allFiniteF64. */
export function allFiniteF32(a: Float32Array): boolean {
  const n = a.length;
  const n8 = n - (n & 7);
  let p = 0;
  for (; p < n8; p += 8) {
    const s = a[p]! * 0 + a[p + 1]! * 0 + (a[p + 2]! * 0 + a[p + 3]! * 0) + (a[p + 4]! * 0 + a[p + 5]! * 0 + (a[p + 6]! * 0 + a[p + 7]! * 0));
    if (s !== 0) return false;
  }
  for (; p < n; p++) if (a[p]! * 0 !== 0) return false;
  return true;
}

/** allFiniteF64 / allFiniteF32 by element type. */
export function allFinite(a: Float64Array | Float32Array): boolean {
  return a instanceof Float64Array ? allFiniteF64(a) : allFiniteF32(a);
}
