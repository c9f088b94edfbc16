/**
 * Pointwise kernels on one row of scores z (length K). Stable by construction: every exponential is of
 * z_k - max(z) <= 0, so nothing overflows, and the loss is computed as log-sum-exp minus the true score,
 * never as log(p) (which is -Infinity once p underflows for a confidently wrong sample).
 */

/** log(sum_k exp(z_k)) for z[off..off+K). Finite for any finite z (|z| up to ~1e307). */
export function logSumExp(z: ArrayLike<number>, off: number, K: number): number {
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (z[off + k]! > m) m = z[off + k]!;
  let s = 0;
  for (let k = 0; k < K; k++) s += Math.exp(z[off + k]! - m);
  return m + Math.log(s);
}

/**
 * Turn scores z[off..off+K) into probabilities in place and return the cross-entropy loss of class y:
 * loss = logsumexp(z) - z_y = (max - z_y) + log(sum_k exp(z_k - max)); the first term is exact and the second
 * lies in [0, log K], so the loss is finite and accurate even when p_y underflows to 0.
 */
export function softmaxCrossEntropyInPlace(z: Float64Array, off: number, K: number, y: number): number {
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (z[off + k]! > m) m = z[off + k]!;
  const zy = z[off + y]!;
  let s = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(z[off + k]! - m);
    z[off + k] = e;
    s += e;
  }
  const inv = 1 / s;
  for (let k = 0; k < K; k++) z[off + k]! *= inv;
  return m - zy + Math.log(s);
}

/** Probabilities in place (no label): p_k = exp(z_k - max) / sum_l exp(z_l - max). */
export function softmaxInPlace(z: Float64Array, off: number, K: number): void {
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (z[off + k]! > m) m = z[off + k]!;
  let s = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(z[off + k]! - m);
    z[off + k] = e;
    s += e;
  }
  const inv = 1 / s;
  for (let k = 0; k < K; k++) z[off + k]! *= inv;
}

/** log p in place: log p_k = z_k - logsumexp(z). Finite for finite z (no log(0)). */
export function logSoftmaxInPlace(z: Float64Array, off: number, K: number): void {
  const lse = logSumExp(z, off, K);
  for (let k = 0; k < K; k++) z[off + k]! -= lse;
}
