/**
 * A small seeded pseudo-random generator shared by everything that needs reproducible randomness
 * (train/test splits, k-fold, stochastic solvers, synthetic test data).
 *
 * Algorithm: xoshiro128** (Blackman & Vigna, 2018), 128 bits of state, period 2^128 - 1, passes BigCrush;
 * the state is filled from the seed with splitmix32 so that nearby seeds give unrelated streams and the state
 * is never all zero. Everything is 32-bit integer arithmetic (Math.imul, >>>), so a given seed produces the
 * same sequence bit for bit on every JavaScript engine: results written down with a seed can be reproduced.
 *
 * `makeRng(seed)()` returns a float in [0, 1) with 32 random bits (k / 2^32).
 */
import { OptionError } from '../errors.js';

const TWO_POW_32 = 4294967296;

/** splitmix32 step: a well-mixed 32-bit output from a counter (used only to seed the state). */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Raw generator: 32-bit unsigned integers. */
export function makeRngUint32(seed: number): () => number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new OptionError('seed', `must be a safe integer, got ${String(seed)}`);
  }
  // Both halves of the seed count (seeds >= 2^32 and negative seeds are distinct from their low 32 bits).
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const sm = { s: lo ^ Math.imul(hi, 0x27d4eb2d) };
  const a = splitmix32(sm);
  const b = (splitmix32(sm) ^ hi) >>> 0;
  const c = splitmix32(sm);
  const d = splitmix32(sm);
  // The all-zero state is the one fixed point.
  return xoshiro128StarStar((a | b | c | d) === 0 ? [1, 0, 0, 0] : [a, b, c, d]);
}

/** xoshiro128** from an explicit 128-bit state (four uint32, not all zero); returns uint32 outputs. */
export function xoshiro128StarStar(state: ArrayLike<number>): () => number {
  let a = state[0]! | 0;
  let b = state[1]! | 0;
  let c = state[2]! | 0;
  let d = state[3]! | 0;
  return () => {
    // result = rotl(b * 5, 7) * 9
    const t0 = Math.imul(b, 5);
    const result = Math.imul((t0 << 7) | (t0 >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return result;
  };
}

/** Seeded uniform floats in [0, 1). */
export function makeRng(seed: number): () => number {
  const next = makeRngUint32(seed);
  return () => next() / TWO_POW_32;
}

/** Uniform integer in [0, n) from a [0, 1) generator (n <= 2^32; the bias is below n / 2^32). */
export function randomInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher-Yates shuffle in place, driven by `rng`. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(a: T, rng: () => number): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
