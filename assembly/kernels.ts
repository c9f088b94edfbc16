// WebAssembly SIMD kernels for softmax regression (AssemblyScript, compiled by scripts/build-wasm.mjs).
//
// Everything works on raw addresses in linear memory laid out by src/kernels/wasm.ts; nothing here
// allocates. Shapes as in src/matrix/matrix.ts: X n x d row-major, W K x d row-major, scores K per row.
//
// Blocking (why it is fast): rows are taken 4 at a time and classes 2 at a time, so each 128-bit load of X
// feeds 2 multiply-adds and each load of W feeds 4 (8 accumulators live in registers). The gradient
// G += R^T X runs on the same 4 rows right after their scores, while they are still in L1, updating 2
// rows of G per sweep with 4 rows of X (each G load/store carries 4 rows' contributions). One pass over X
// thus gives loss, gradient and intercept gradient.
//
// f32: X and W in float32, f32x4 products. In the loss and loss+gradient passes the scores, softmax and
// residuals of each block of rows stay float32 too (f32x4 over classes); each row's loss is formed in float64
// and summed in float64; the gradient is accumulated in float32 for at most FLUSH_ROWS rows and then added
// into the float64 G, which bounds the float32 rounding to a short sum. (Scores for prediction and the
// Hessian-vector product keep float64 scores.)

const ROWS: i32 = 4;
const FLUSH_ROWS: i32 = 256;

export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------- float64

// Scores of ROWS rows at x (row stride d) into z[r*K + k] (no intercept).
@inline
function scores4F64(x: usize, d: i32, W: usize, K: i32, z: usize): void {
  const rs = <usize>d << 3;
  const x0 = x, x1 = x + rs, x2 = x + 2 * rs, x3 = x + 3 * rs;
  const d2 = d & ~1;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const w0 = W + <usize>k * rs, w1 = w0 + rs;
    let a00 = f64x2.splat(0), a01 = f64x2.splat(0), a10 = f64x2.splat(0), a11 = f64x2.splat(0);
    let a20 = f64x2.splat(0), a21 = f64x2.splat(0), a30 = f64x2.splat(0), a31 = f64x2.splat(0);
    for (let j = 0; j < d2; j += 2) {
      const o = <usize>j << 3;
      const v0 = v128.load(w0 + o), v1 = v128.load(w1 + o);
      const y0 = v128.load(x0 + o);
      a00 = f64x2.add(a00, f64x2.mul(y0, v0));
      a01 = f64x2.add(a01, f64x2.mul(y0, v1));
      const y1 = v128.load(x1 + o);
      a10 = f64x2.add(a10, f64x2.mul(y1, v0));
      a11 = f64x2.add(a11, f64x2.mul(y1, v1));
      const y2 = v128.load(x2 + o);
      a20 = f64x2.add(a20, f64x2.mul(y2, v0));
      a21 = f64x2.add(a21, f64x2.mul(y2, v1));
      const y3 = v128.load(x3 + o);
      a30 = f64x2.add(a30, f64x2.mul(y3, v0));
      a31 = f64x2.add(a31, f64x2.mul(y3, v1));
    }
    let s00 = f64x2.extract_lane(a00, 0) + f64x2.extract_lane(a00, 1);
    let s01 = f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1);
    let s10 = f64x2.extract_lane(a10, 0) + f64x2.extract_lane(a10, 1);
    let s11 = f64x2.extract_lane(a11, 0) + f64x2.extract_lane(a11, 1);
    let s20 = f64x2.extract_lane(a20, 0) + f64x2.extract_lane(a20, 1);
    let s21 = f64x2.extract_lane(a21, 0) + f64x2.extract_lane(a21, 1);
    let s30 = f64x2.extract_lane(a30, 0) + f64x2.extract_lane(a30, 1);
    let s31 = f64x2.extract_lane(a31, 0) + f64x2.extract_lane(a31, 1);
    if (d2 < d) {
      const o = <usize>d2 << 3;
      const v0 = load<f64>(w0 + o), v1 = load<f64>(w1 + o);
      const y0 = load<f64>(x0 + o), y1 = load<f64>(x1 + o), y2 = load<f64>(x2 + o), y3 = load<f64>(x3 + o);
      s00 += y0 * v0; s01 += y0 * v1; s10 += y1 * v0; s11 += y1 * v1;
      s20 += y2 * v0; s21 += y2 * v1; s30 += y3 * v0; s31 += y3 * v1;
    }
    const zk = z + (<usize>k << 3), zs = <usize>K << 3;
    store<f64>(zk, s00); store<f64>(zk + 8, s01);
    store<f64>(zk + zs, s10); store<f64>(zk + zs + 8, s11);
    store<f64>(zk + 2 * zs, s20); store<f64>(zk + 2 * zs + 8, s21);
    store<f64>(zk + 3 * zs, s30); store<f64>(zk + 3 * zs + 8, s31);
  }
  if (k < K) {
    const w0 = W + <usize>k * rs;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let j = 0; j < d2; j += 2) {
      const o = <usize>j << 3;
      const v0 = v128.load(w0 + o);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(x0 + o), v0));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(x1 + o), v0));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(x2 + o), v0));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(x3 + o), v0));
    }
    let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    let s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    let s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
    if (d2 < d) {
      const o = <usize>d2 << 3;
      const v0 = load<f64>(w0 + o);
      s0 += load<f64>(x0 + o) * v0; s1 += load<f64>(x1 + o) * v0;
      s2 += load<f64>(x2 + o) * v0; s3 += load<f64>(x3 + o) * v0;
    }
    const zk = z + (<usize>k << 3), zs = <usize>K << 3;
    store<f64>(zk, s0); store<f64>(zk + zs, s1); store<f64>(zk + 2 * zs, s2); store<f64>(zk + 3 * zs, s3);
  }
}

@inline
function scores1F64(x: usize, d: i32, W: usize, K: i32, z: usize): void {
  const rs = <usize>d << 3;
  const d2 = d & ~1;
  for (let k = 0; k < K; k++) {
    const w0 = W + <usize>k * rs;
    let a = f64x2.splat(0);
    for (let j = 0; j < d2; j += 2) {
      const o = <usize>j << 3;
      a = f64x2.add(a, f64x2.mul(v128.load(x + o), v128.load(w0 + o)));
    }
    let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    if (d2 < d) s += load<f64>(x + (<usize>d2 << 3)) * load<f64>(w0 + (<usize>d2 << 3));
    store<f64>(z + (<usize>k << 3), s);
  }
}

// G[k, :] += sum_r R[r*K + k] * X[r, :] for ROWS rows at x.
@inline
function grad4F64(x: usize, d: i32, R: usize, K: i32, G: usize): void {
  const rs = <usize>d << 3;
  const x0 = x, x1 = x + rs, x2 = x + 2 * rs, x3 = x + 3 * rs;
  const d2 = d & ~1;
  const ks = <usize>K << 3;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const rk = R + (<usize>k << 3);
    const q00 = load<f64>(rk), q01 = load<f64>(rk + 8);
    const q10 = load<f64>(rk + ks), q11 = load<f64>(rk + ks + 8);
    const q20 = load<f64>(rk + 2 * ks), q21 = load<f64>(rk + 2 * ks + 8);
    const q30 = load<f64>(rk + 3 * ks), q31 = load<f64>(rk + 3 * ks + 8);
    const g0 = G + <usize>k * rs, g1 = g0 + rs;
    const r00 = f64x2.splat(q00), r01 = f64x2.splat(q01), r10 = f64x2.splat(q10), r11 = f64x2.splat(q11);
    const r20 = f64x2.splat(q20), r21 = f64x2.splat(q21), r30 = f64x2.splat(q30), r31 = f64x2.splat(q31);
    for (let j = 0; j < d2; j += 2) {
      const o = <usize>j << 3;
      const y0 = v128.load(x0 + o), y1 = v128.load(x1 + o), y2 = v128.load(x2 + o), y3 = v128.load(x3 + o);
      let u0 = v128.load(g0 + o);
      let u1 = v128.load(g1 + o);
      u0 = f64x2.add(u0, f64x2.add(f64x2.add(f64x2.mul(r00, y0), f64x2.mul(r10, y1)), f64x2.add(f64x2.mul(r20, y2), f64x2.mul(r30, y3))));
      u1 = f64x2.add(u1, f64x2.add(f64x2.add(f64x2.mul(r01, y0), f64x2.mul(r11, y1)), f64x2.add(f64x2.mul(r21, y2), f64x2.mul(r31, y3))));
      v128.store(g0 + o, u0);
      v128.store(g1 + o, u1);
    }
    if (d2 < d) {
      const o = <usize>d2 << 3;
      const y0 = load<f64>(x0 + o), y1 = load<f64>(x1 + o), y2 = load<f64>(x2 + o), y3 = load<f64>(x3 + o);
      store<f64>(g0 + o, load<f64>(g0 + o) + ((q00 * y0 + q10 * y1) + (q20 * y2 + q30 * y3)));
      store<f64>(g1 + o, load<f64>(g1 + o) + ((q01 * y0 + q11 * y1) + (q21 * y2 + q31 * y3)));
    }
  }
  if (k < K) {
    const rk = R + (<usize>k << 3);
    const q0 = load<f64>(rk), q1 = load<f64>(rk + ks), q2 = load<f64>(rk + 2 * ks), q3 = load<f64>(rk + 3 * ks);
    const r0 = f64x2.splat(q0), r1 = f64x2.splat(q1), r2 = f64x2.splat(q2), r3 = f64x2.splat(q3);
    const g0 = G + <usize>k * rs;
    for (let j = 0; j < d2; j += 2) {
      const o = <usize>j << 3;
      const t = f64x2.add(
        f64x2.add(f64x2.mul(r0, v128.load(x0 + o)), f64x2.mul(r1, v128.load(x1 + o))),
        f64x2.add(f64x2.mul(r2, v128.load(x2 + o)), f64x2.mul(r3, v128.load(x3 + o))),
      );
      v128.store(g0 + o, f64x2.add(v128.load(g0 + o), t));
    }
    if (d2 < d) {
      const o = <usize>d2 << 3;
      store<f64>(g0 + o, load<f64>(g0 + o) + ((q0 * load<f64>(x0 + o) + q1 * load<f64>(x1 + o)) + (q2 * load<f64>(x2 + o) + q3 * load<f64>(x3 + o))));
    }
  }
}

@inline
function grad1F64(x: usize, d: i32, R: usize, K: i32, G: usize): void {
  const rs = <usize>d << 3;
  const d2 = d & ~1;
  for (let k = 0; k < K; k++) {
    const q = load<f64>(R + (<usize>k << 3));
    if (q == 0) continue;
    const r = f64x2.splat(q);
    const g0 = G + <usize>k * rs;
    for (let j = 0; j < d2; j += 2) {
      const o = <usize>j << 3;
      v128.store(g0 + o, f64x2.add(v128.load(g0 + o), f64x2.mul(r, v128.load(x + o))));
    }
    if (d2 < d) {
      const o = <usize>d2 << 3;
      store<f64>(g0 + o, load<f64>(g0 + o) + q * load<f64>(x + o));
    }
  }
}

// ------------------------------------------------------------ row pointwise (float64)

// e^x on two lanes, for the softmax (x = z - max <= 0). exp(x) = 2^k e^r with k = round(x / ln 2) and
// r = x - k ln 2 (ln 2 split in two so k ln2_hi is exact: |r| <= ln2/2 to about 1e-17); e^r by its Taylor
// series to degree 13 (truncation below 4e-18 relative), 2^k written into the exponent bits. Within 2 ulp
// of Math.exp; 0 below -708.39 (where 2^k would leave the normal range; e^x < 3e-308 there, nothing next to
// the row's largest term, which is 1). NaN stays NaN. One scalar Math.exp took most of the time of a
// softmax row (K exps per row, ~20% of a float32 evaluation); two lanes of polynomial are several times cheaper.
@inline
function expF64x2(x: v128): v128 {
  const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(x, f64x2.mul(kf, f64x2.splat(6.93147180369123816490e-1)));
  r = f64x2.sub(r, f64x2.mul(kf, f64x2.splat(1.90821492927058770002e-10)));
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const k = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kf));
  const e = f64x2.mul(p, i64x2.shl(i64x2.add(k, i64x2.splat(1023)), 52));
  return v128.bitselect(f64x2.splat(0), e, f64x2.lt(x, f64x2.splat(-708.3964185322641)));
}

@inline
function hsum2(a: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
}

// Row z[0..K) of scores (+ b): turn into the residual s (p - onehot(y)) and return s * loss. Adds the
// residual into gb when hasB. Stable: exponentials of z - max only; loss = max - z_y + log(sum). Two
// classes per step (f64x2), the last odd class through the same exp on a splat.
@inline
function rowResidual(z: usize, K: i32, b: usize, yi: i32, s: f64, gb: usize): f64 {
  const K2 = K & ~1;
  if (b != 0) {
    for (let k = 0; k < K2; k += 2) {
      const o = <usize>k << 3;
      v128.store(z + o, f64x2.add(v128.load(z + o), v128.load(b + o)));
    }
    if (K2 < K) store<f64>(z + (<usize>K2 << 3), load<f64>(z + (<usize>K2 << 3)) + load<f64>(b + (<usize>K2 << 3)));
  }
  let mv = f64x2.splat(-Infinity);
  for (let k = 0; k < K2; k += 2) mv = f64x2.max(mv, v128.load(z + (<usize>k << 3)));
  let m = Math.max(f64x2.extract_lane(mv, 0), f64x2.extract_lane(mv, 1));
  if (K2 < K) m = Math.max(m, load<f64>(z + (<usize>K2 << 3)));
  const zy = load<f64>(z + (<usize>yi << 3));
  const ms = f64x2.splat(m);
  let sv = f64x2.splat(0);
  for (let k = 0; k < K2; k += 2) {
    const o = <usize>k << 3;
    const e = expF64x2(f64x2.sub(v128.load(z + o), ms));
    v128.store(z + o, e);
    sv = f64x2.add(sv, e);
  }
  let sum = hsum2(sv);
  if (K2 < K) {
    const o = <usize>K2 << 3;
    const e = f64x2.extract_lane(expF64x2(f64x2.splat(load<f64>(z + o) - m)), 0);
    store<f64>(z + o, e);
    sum += e;
  }
  const inv = s / sum;
  const iv = f64x2.splat(inv);
  for (let k = 0; k < K2; k += 2) {
    const o = <usize>k << 3;
    v128.store(z + o, f64x2.mul(v128.load(z + o), iv));
  }
  if (K2 < K) store<f64>(z + (<usize>K2 << 3), load<f64>(z + (<usize>K2 << 3)) * inv);
  store<f64>(z + (<usize>yi << 3), load<f64>(z + (<usize>yi << 3)) - s);
  if (gb != 0) {
    for (let k = 0; k < K2; k += 2) {
      const o = <usize>k << 3;
      v128.store(gb + o, f64x2.add(v128.load(gb + o), v128.load(z + o)));
    }
    if (K2 < K) store<f64>(gb + (<usize>K2 << 3), load<f64>(gb + (<usize>K2 << 3)) + load<f64>(z + (<usize>K2 << 3)));
  }
  return s * (m - zy + Math.log(sum));
}

// HVP row: u = scores of the direction (+ vb), p = cached probabilities: u <- s p * (u - p.u).
@inline
function rowHvp(u: usize, p: usize, K: i32, vb: usize, s: f64, ob: usize): void {
  if (vb != 0) for (let k = 0; k < K; k++) store<f64>(u + (<usize>k << 3), load<f64>(u + (<usize>k << 3)) + load<f64>(vb + (<usize>k << 3)));
  let pu = 0.0;
  for (let k = 0; k < K; k++) pu += load<f64>(p + (<usize>k << 3)) * load<f64>(u + (<usize>k << 3));
  for (let k = 0; k < K; k++) {
    const o = <usize>k << 3;
    store<f64>(u + o, s * load<f64>(p + o) * (load<f64>(u + o) - pu));
  }
  if (ob != 0) for (let k = 0; k < K; k++) store<f64>(ob + (<usize>k << 3), load<f64>(ob + (<usize>k << 3)) + load<f64>(u + (<usize>k << 3)));
}

@inline
function weightAt(sw: usize, i: i32): f64 {
  return sw == 0 ? 1.0 : load<f64>(sw + (<usize>i << 3));
}

// Fused loss + gradient over rows [start, end): returns sum_i s_i loss_i, adds (S(P-Y))^T X into G and
// the column sums of S(P-Y) into gb (when b != 0). z: scratch of ROWS*K doubles.
export function lossGradF64(X: usize, d: i32, W: usize, b: usize, K: i32, y: usize, sw: usize, G: usize, gb: usize, z: usize, start: i32, end: i32): f64 {
  let total = 0.0;
  const rs = <usize>d << 3;
  const zs = <usize>K << 3;
  let i = start;
  for (; i + ROWS <= end; i += ROWS) {
    const x = X + <usize>i * rs;
    scores4F64(x, d, W, K, z);
    for (let r = 0; r < ROWS; r++) total += rowResidual(z + <usize>r * zs, K, b, load<i32>(y + (<usize>(i + r) << 2)), weightAt(sw, i + r), gb);
    grad4F64(x, d, z, K, G);
  }
  for (; i < end; i++) {
    const x = X + <usize>i * rs;
    scores1F64(x, d, W, K, z);
    total += rowResidual(z, K, b, load<i32>(y + (<usize>i << 2)), weightAt(sw, i), gb);
    grad1F64(x, d, z, K, G);
  }
  return total;
}

// Loss only (line searches that need no gradient).
export function lossF64(X: usize, d: i32, W: usize, b: usize, K: i32, y: usize, sw: usize, z: usize, start: i32, end: i32): f64 {
  let total = 0.0;
  const rs = <usize>d << 3;
  const zs = <usize>K << 3;
  let i = start;
  for (; i + ROWS <= end; i += ROWS) {
    scores4F64(X + <usize>i * rs, d, W, K, z);
    for (let r = 0; r < ROWS; r++) total += rowResidual(z + <usize>r * zs, K, b, load<i32>(y + (<usize>(i + r) << 2)), weightAt(sw, i + r), 0);
  }
  for (; i < end; i++) {
    scores1F64(X + <usize>i * rs, d, W, K, z);
    total += rowResidual(z, K, b, load<i32>(y + (<usize>i << 2)), weightAt(sw, i), 0);
  }
  return total;
}

// Scores Z[i*K + k] (+ b) for rows [start, end), written from Z's start (row start at offset 0).
export function scoresF64(X: usize, d: i32, W: usize, b: usize, K: i32, Z: usize, start: i32, end: i32): void {
  const rs = <usize>d << 3;
  const zs = <usize>K << 3;
  let i = start;
  for (; i + ROWS <= end; i += ROWS) scores4F64(X + <usize>i * rs, d, W, K, Z + <usize>(i - start) * zs);
  for (; i < end; i++) scores1F64(X + <usize>i * rs, d, W, K, Z + <usize>(i - start) * zs);
  if (b != 0) {
    for (let r = 0; r < end - start; r++) {
      const zr = Z + <usize>r * zs;
      for (let k = 0; k < K; k++) store<f64>(zr + (<usize>k << 3), load<f64>(zr + (<usize>k << 3)) + load<f64>(b + (<usize>k << 3)));
    }
  }
}

// Hessian-vector product over rows [start, end): P holds the cached probabilities of all rows (n x K).
export function hvpF64(X: usize, d: i32, V: usize, vb: usize, K: i32, P: usize, sw: usize, out: usize, ob: usize, z: usize, start: i32, end: i32): void {
  const rs = <usize>d << 3;
  const zs = <usize>K << 3;
  let i = start;
  for (; i + ROWS <= end; i += ROWS) {
    const x = X + <usize>i * rs;
    scores4F64(x, d, V, K, z);
    for (let r = 0; r < ROWS; r++) rowHvp(z + <usize>r * zs, P + <usize>(i + r) * zs, K, vb, weightAt(sw, i + r), ob);
    grad4F64(x, d, z, K, out);
  }
  for (; i < end; i++) {
    const x = X + <usize>i * rs;
    scores1F64(x, d, V, K, z);
    rowHvp(z, P + <usize>i * zs, K, vb, weightAt(sw, i), ob);
    grad1F64(x, d, z, K, out);
  }
}

// ---------------------------------------------------------------- binomial (two classes), float64
//
// scikit-learn's binary model: one score z = w.x + b per row (W is 1 x d, b one value), y01 in {0, 1},
// t = 2 y01 - 1. Row loss s softplus(-t z), residual r = s (sigmoid(z) - y01), gradient G += r^T X (1 x d),
// gb += sum r. Both from one exponential, e = exp(-|z|) in (0, 1]:
//   sigmoid(z) = 1 / (1 + e) for z >= 0, e / (1 + e) otherwise   (never 1 - p: no cancellation),
//   softplus(m) = max(m, 0) + log1p(exp(-|m|)) = max(m, 0) + log1p(e)   with m = -t z (|m| = |z|).
// Loss and gradient take rows 8 at a time (dot8F64 / axpy8F64: each load of W feeds 8 rows, each G load and
// store carries 8 rows, 8 independent accumulators), the pointwise part two rows per f64x2, four pairs per
// block: the pairs' exp/log1p chains are independent, and the more of them the CPU sees at once the better it
// hides their latency (8 rows against 4: 8.6 against 13.9 ns per row at d = 2, 19.5 against 21.8 at d = 30).
// Hessian-vector products (no exp) take 4 rows through scores4F64 / grad4F64 with K = 1. Extreme scores stay
// finite: e underflows to 0 (|z| > 708), p to exactly 0 or 1, the loss to max(m, 0).

// e^x on two lanes for the binomial rows: expF64x2's range reduction and degree-13 Taylor polynomial,
// evaluated by Estrin's scheme (powers r^2, r^4, r^8 and independent pairs) instead of Horner's: the same
// operation count with a dependency chain of 5 multiply-adds instead of 13. A binomial row has one
// exponential and one log1p against d multiply-adds (a softmax row has K exponentials against K d), so at
// breast_cancer's d = 30 they cost about as much as the products, and their chains' latency, more than their
// operation count, is what limits them: Estrin took a row from 21 to 15 ns (d = 2, products negligible).
@inline
function expEstrinF64x2(x: v128): v128 {
  const kf = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(x, f64x2.mul(kf, f64x2.splat(6.93147180369123816490e-1)));
  r = f64x2.sub(r, f64x2.mul(kf, f64x2.splat(1.90821492927058770002e-10)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const q0 = f64x2.add(f64x2.splat(1.0), r);
  const q1 = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const q2 = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const q3 = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r, f64x2.splat(1.0 / 5040.0)));
  const q4 = f64x2.add(f64x2.splat(1.0 / 40320.0), f64x2.mul(r, f64x2.splat(1.0 / 362880.0)));
  const q5 = f64x2.add(f64x2.splat(1.0 / 3628800.0), f64x2.mul(r, f64x2.splat(1.0 / 39916800.0)));
  const q6 = f64x2.add(f64x2.splat(1.0 / 479001600.0), f64x2.mul(r, f64x2.splat(1.0 / 6227020800.0)));
  const s0 = f64x2.add(q0, f64x2.mul(q1, r2));
  const s1 = f64x2.add(q2, f64x2.mul(q3, r2));
  const s2 = f64x2.add(q4, f64x2.mul(q5, r2));
  const t0 = f64x2.add(s0, f64x2.mul(s1, r4));
  const t1 = f64x2.add(s2, f64x2.mul(q6, r4));
  const p = f64x2.add(t0, f64x2.mul(t1, r8));
  // 2^k: k + 1023 lands in the low bits of kf + (1.5 * 2^52 + 1023) (exact: kf is an integer, in [-1022, 0]
  // on the lanes kept), and the shift by 52 keeps just those bits as the exponent: 2 operations where a
  // float-to-int conversion and a widening take about 8 on x86. Lanes below -708.39 are replaced by 0.
  const e = f64x2.mul(p, i64x2.shl(f64x2.add(kf, f64x2.splat(6755399441056767.0)), 52));
  return v128.bitselect(f64x2.splat(0), e, f64x2.lt(x, f64x2.splat(-708.3964185322641)));
}

// log1p(t) on two lanes for t in [0, 1] (the range of e = exp(-|z|) below), as fdlibm's log1p with its
// range reduction specialized to that interval: 1 + t = 2^k (1 + f) with k = 0, f = t for t <= sqrt(2) - 1,
// else k = 1, f = (t - 1) / 2 (exact for t >= 1/2, Sterbenz), so f in (-0.293, 0.415) and no 1 + t is ever
// rounded (a tiny t keeps its digits). Then log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f),
// R fdlibm's degree-7 minimax polynomial (error below 2^-58), and k ln 2 added in two parts. Within 1-2 ulp
// of Math.log1p (tests: per-row losses against the TypeScript path).
@inline
function log1pUnitF64x2(t: v128): v128 {
  const big = f64x2.gt(t, f64x2.splat(0.41421356237309503));
  const f = v128.bitselect(f64x2.mul(f64x2.sub(t, f64x2.splat(1.0)), f64x2.splat(0.5)), t, big);
  const s = f64x2.div(f, f64x2.add(f, f64x2.splat(2.0)));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(3.999999999940941908e-1), f64x2.mul(w, f64x2.add(f64x2.splat(2.222219843214978396e-1), f64x2.mul(w, f64x2.splat(1.531383769920937332e-1))))));
  const t2 = f64x2.mul(
    z,
    f64x2.add(
      f64x2.splat(6.666666666666735130e-1),
      f64x2.mul(w, f64x2.add(f64x2.splat(2.857142874366239149e-1), f64x2.mul(w, f64x2.add(f64x2.splat(1.818357216161805012e-1), f64x2.mul(w, f64x2.splat(1.479819860511658591e-1)))))),
    ),
  );
  const R = f64x2.add(t1, t2);
  const hfsq = f64x2.mul(f64x2.splat(0.5), f64x2.mul(f, f));
  const kf = v128.and(big, f64x2.splat(1.0));
  // k ln2_hi + (f - (hfsq - (s (hfsq + R) + k ln2_lo)))
  const tail = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, R)), f64x2.mul(kf, f64x2.splat(1.90821492927058770002e-10)));
  return f64x2.add(f64x2.mul(kf, f64x2.splat(6.93147180369123816490e-1)), f64x2.sub(f, f64x2.sub(hfsq, tail)));
}

// Two rows at z: scores (intercept already added) -> residuals s (sigmoid(z) - y) in place; returns the
// two weighted losses s softplus(-t z).
@inline
function binomialPair(z: usize, yv: v128, sv: v128): v128 {
  const zv = v128.load(z);
  const e = expEstrinF64x2(f64x2.neg(f64x2.abs(zv)));
  const inv = f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), e));
  const p = v128.bitselect(inv, f64x2.mul(e, inv), f64x2.ge(zv, f64x2.splat(0)));
  v128.store(z, f64x2.mul(sv, f64x2.sub(p, yv)));
  // m = -t z = z (1 - 2 y): a sign flip, exact.
  const m = f64x2.mul(zv, f64x2.sub(f64x2.splat(1.0), f64x2.add(yv, yv)));
  // pmax(m, 0) = m < 0 ? 0 : m: one instruction (NaN in m stays NaN) where max's -0 and NaN rules take several.
  return f64x2.mul(sv, f64x2.add(f64x2.pmax(m, f64x2.splat(0)), log1pUnitF64x2(e)));
}

@inline
function labelsF64x2(y: usize, i: i32): v128 {
  const o = y + (<usize>i << 2);
  return f64x2(<f64>load<i32>(o), <f64>load<i32>(o + 4));
}

@inline
function weightsF64x2(sw: usize, i: i32): v128 {
  return sw == 0 ? f64x2.splat(1.0) : v128.load(sw + (<usize>i << 3));
}

// Scores of 8 rows at x (row stride d) against one weight vector W: z[r] = x_r . W, 8 f64x2 accumulators
// (independent chains hide the add latency; each W load feeds 8 rows).
@inline
function dot8F64(x: usize, d: i32, W: usize, z: usize): void {
  const rs = <usize>d << 3;
  const d2 = d & ~1;
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
  for (let j = 0; j < d2; j += 2) {
    const o = <usize>j << 3;
    const v = v128.load(W + o);
    const p = x + o;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(p + rs), v));
    a2 = f64x2.add(a2, f64x2.mul(v128.load(p + 2 * rs), v));
    a3 = f64x2.add(a3, f64x2.mul(v128.load(p + 3 * rs), v));
    a4 = f64x2.add(a4, f64x2.mul(v128.load(p + 4 * rs), v));
    a5 = f64x2.add(a5, f64x2.mul(v128.load(p + 5 * rs), v));
    a6 = f64x2.add(a6, f64x2.mul(v128.load(p + 6 * rs), v));
    a7 = f64x2.add(a7, f64x2.mul(v128.load(p + 7 * rs), v));
  }
  // Pairwise lane sums, two rows per f64x2: [a0 lanes summed, a1 lanes summed], ...
  let s01 = f64x2.add(v128.shuffle<u64>(a0, a1, 0, 2), v128.shuffle<u64>(a0, a1, 1, 3));
  let s23 = f64x2.add(v128.shuffle<u64>(a2, a3, 0, 2), v128.shuffle<u64>(a2, a3, 1, 3));
  let s45 = f64x2.add(v128.shuffle<u64>(a4, a5, 0, 2), v128.shuffle<u64>(a4, a5, 1, 3));
  let s67 = f64x2.add(v128.shuffle<u64>(a6, a7, 0, 2), v128.shuffle<u64>(a6, a7, 1, 3));
  if (d2 < d) {
    const o = <usize>d2 << 3;
    const v = f64x2.splat(load<f64>(W + o));
    const p = x + o;
    s01 = f64x2.add(s01, f64x2.mul(f64x2(load<f64>(p), load<f64>(p + rs)), v));
    s23 = f64x2.add(s23, f64x2.mul(f64x2(load<f64>(p + 2 * rs), load<f64>(p + 3 * rs)), v));
    s45 = f64x2.add(s45, f64x2.mul(f64x2(load<f64>(p + 4 * rs), load<f64>(p + 5 * rs)), v));
    s67 = f64x2.add(s67, f64x2.mul(f64x2(load<f64>(p + 6 * rs), load<f64>(p + 7 * rs)), v));
  }
  v128.store(z, s01);
  v128.store(z + 16, s23);
  v128.store(z + 32, s45);
  v128.store(z + 48, s67);
}

// G += sum_r R[r] x_r for 8 rows at x (each G load and store carries 8 rows).
@inline
function axpy8F64(x: usize, d: i32, R: usize, G: usize): void {
  const rs = <usize>d << 3;
  const d2 = d & ~1;
  const q0 = load<f64>(R), q1 = load<f64>(R + 8), q2 = load<f64>(R + 16), q3 = load<f64>(R + 24);
  const q4 = load<f64>(R + 32), q5 = load<f64>(R + 40), q6 = load<f64>(R + 48), q7 = load<f64>(R + 56);
  const r0 = f64x2.splat(q0), r1 = f64x2.splat(q1), r2 = f64x2.splat(q2), r3 = f64x2.splat(q3);
  const r4 = f64x2.splat(q4), r5 = f64x2.splat(q5), r6 = f64x2.splat(q6), r7 = f64x2.splat(q7);
  for (let j = 0; j < d2; j += 2) {
    const o = <usize>j << 3;
    const p = x + o;
    const t0 = f64x2.add(f64x2.mul(r0, v128.load(p)), f64x2.mul(r1, v128.load(p + rs)));
    const t1 = f64x2.add(f64x2.mul(r2, v128.load(p + 2 * rs)), f64x2.mul(r3, v128.load(p + 3 * rs)));
    const t2 = f64x2.add(f64x2.mul(r4, v128.load(p + 4 * rs)), f64x2.mul(r5, v128.load(p + 5 * rs)));
    const t3 = f64x2.add(f64x2.mul(r6, v128.load(p + 6 * rs)), f64x2.mul(r7, v128.load(p + 7 * rs)));
    v128.store(G + o, f64x2.add(v128.load(G + o), f64x2.add(f64x2.add(t0, t1), f64x2.add(t2, t3))));
  }
  if (d2 < d) {
    const o = <usize>d2 << 3;
    const p = x + o;
    const t = ((q0 * load<f64>(p) + q1 * load<f64>(p + rs)) + (q2 * load<f64>(p + 2 * rs) + q3 * load<f64>(p + 3 * rs))) +
      ((q4 * load<f64>(p + 4 * rs) + q5 * load<f64>(p + 5 * rs)) + (q6 * load<f64>(p + 6 * rs) + q7 * load<f64>(p + 7 * rs)));
    store<f64>(G + o, load<f64>(G + o) + t);
  }
}

// Fused binomial loss + gradient over rows [start, end): returns sum_i s_i softplus(-t_i z_i); adds r^T X
// into G (d doubles) and, when gb != 0, sum r into gb[0]. G = 0: loss only. b: address of the intercept, or 0.
// z: scratch of 8 doubles. (One body for both uses: the module stays small, and the G test is once per 8 rows.)
export function binomialLossGradF64(X: usize, d: i32, W: usize, b: usize, y: usize, sw: usize, G: usize, gb: usize, z: usize, start: i32, end: i32): f64 {
  const rs = <usize>d << 3;
  const bv = f64x2.splat(b != 0 ? load<f64>(b) : 0.0);
  let lv = f64x2.splat(0);
  let rv = f64x2.splat(0);
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const x = X + <usize>i * rs;
    dot8F64(x, d, W, z);
    v128.store(z, f64x2.add(v128.load(z), bv));
    v128.store(z + 16, f64x2.add(v128.load(z + 16), bv));
    v128.store(z + 32, f64x2.add(v128.load(z + 32), bv));
    v128.store(z + 48, f64x2.add(v128.load(z + 48), bv));
    const l01 = f64x2.add(binomialPair(z, labelsF64x2(y, i), weightsF64x2(sw, i)), binomialPair(z + 16, labelsF64x2(y, i + 2), weightsF64x2(sw, i + 2)));
    const l23 = f64x2.add(binomialPair(z + 32, labelsF64x2(y, i + 4), weightsF64x2(sw, i + 4)), binomialPair(z + 48, labelsF64x2(y, i + 6), weightsF64x2(sw, i + 6)));
    lv = f64x2.add(lv, f64x2.add(l01, l23));
    if (G != 0) {
      rv = f64x2.add(rv, f64x2.add(f64x2.add(v128.load(z), v128.load(z + 16)), f64x2.add(v128.load(z + 32), v128.load(z + 48))));
      axpy8F64(x, d, z, G);
    }
  }
  for (; i < end; i++) {
    const x = X + <usize>i * rs;
    scores1F64(x, d, W, 1, z);
    // One row through the two-lane code (lane 1 a copy of lane 0, ignored).
    const zv = f64x2.add(f64x2.splat(load<f64>(z)), bv);
    v128.store(z, zv);
    const l = binomialPair(z, f64x2.splat(<f64>load<i32>(y + (<usize>i << 2))), f64x2.splat(weightAt(sw, i)));
    lv = f64x2.add(lv, f64x2.replace_lane(l, 1, 0.0));
    if (G != 0) {
      rv = f64x2.add(rv, f64x2.replace_lane(v128.load(z), 1, 0.0));
      grad1F64(x, d, z, 1, G);
    }
  }
  if (G != 0 && gb != 0) store<f64>(gb, load<f64>(gb) + hsum2(rv));
  return hsum2(lv);
}

// Binomial loss only.
export function binomialLossF64(X: usize, d: i32, W: usize, b: usize, y: usize, sw: usize, z: usize, start: i32, end: i32): f64 {
  return binomialLossGradF64(X, d, W, b, y, sw, 0, 0, z, start, end);
}

// Binomial Hessian-vector product over rows [start, end): u_i = V . x_i (+ vb[0]), out += (s c u)^T X and
// ob[0] += sum s c u (when ob != 0), with c the cached curvatures p (1 - p) of all rows (n doubles).
export function binomialHvpF64(X: usize, d: i32, V: usize, vb: usize, c: usize, sw: usize, out: usize, ob: usize, z: usize, start: i32, end: i32): void {
  const rs = <usize>d << 3;
  const bv = f64x2.splat(vb != 0 ? load<f64>(vb) : 0.0);
  let ov = f64x2.splat(0);
  let i = start;
  for (; i + ROWS <= end; i += ROWS) {
    const x = X + <usize>i * rs;
    scores4F64(x, d, V, 1, z);
    const ci = c + (<usize>i << 3);
    const u01 = f64x2.mul(f64x2.mul(weightsF64x2(sw, i), v128.load(ci)), f64x2.add(v128.load(z), bv));
    const u23 = f64x2.mul(f64x2.mul(weightsF64x2(sw, i + 2), v128.load(ci + 16)), f64x2.add(v128.load(z + 16), bv));
    v128.store(z, u01);
    v128.store(z + 16, u23);
    ov = f64x2.add(ov, f64x2.add(u01, u23));
    grad4F64(x, d, z, 1, out);
  }
  let tail = 0.0;
  for (; i < end; i++) {
    const x = X + <usize>i * rs;
    scores1F64(x, d, V, 1, z);
    const u = weightAt(sw, i) * load<f64>(c + (<usize>i << 3)) * (load<f64>(z) + f64x2.extract_lane(bv, 0));
    store<f64>(z, u);
    tail += u;
    grad1F64(x, d, z, 1, out);
  }
  if (ob != 0) store<f64>(ob, load<f64>(ob) + (hsum2(ov) + tail));
}

// ---------------------------------------------------------------- float32

@inline
function hsum4(a: v128): f64 {
  return <f64>(f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + <f64>(f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
}

@inline
function scores4F32(x: usize, d: i32, W: usize, K: i32, z: usize): void {
  const rs = <usize>d << 2;
  const x0 = x, x1 = x + rs, x2 = x + 2 * rs, x3 = x + 3 * rs;
  const d4 = d & ~3;
  const zs = <usize>K << 3;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const w0 = W + <usize>k * rs, w1 = w0 + rs;
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
    let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const v0 = v128.load(w0 + o), v1 = v128.load(w1 + o);
      const y0 = v128.load(x0 + o);
      a00 = f32x4.add(a00, f32x4.mul(y0, v0));
      a01 = f32x4.add(a01, f32x4.mul(y0, v1));
      const y1 = v128.load(x1 + o);
      a10 = f32x4.add(a10, f32x4.mul(y1, v0));
      a11 = f32x4.add(a11, f32x4.mul(y1, v1));
      const y2 = v128.load(x2 + o);
      a20 = f32x4.add(a20, f32x4.mul(y2, v0));
      a21 = f32x4.add(a21, f32x4.mul(y2, v1));
      const y3 = v128.load(x3 + o);
      a30 = f32x4.add(a30, f32x4.mul(y3, v0));
      a31 = f32x4.add(a31, f32x4.mul(y3, v1));
    }
    let s00 = hsum4(a00), s01 = hsum4(a01), s10 = hsum4(a10), s11 = hsum4(a11);
    let s20 = hsum4(a20), s21 = hsum4(a21), s30 = hsum4(a30), s31 = hsum4(a31);
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      const v0 = <f64>load<f32>(w0 + o), v1 = <f64>load<f32>(w1 + o);
      const y0 = <f64>load<f32>(x0 + o), y1 = <f64>load<f32>(x1 + o), y2 = <f64>load<f32>(x2 + o), y3 = <f64>load<f32>(x3 + o);
      s00 += y0 * v0; s01 += y0 * v1; s10 += y1 * v0; s11 += y1 * v1;
      s20 += y2 * v0; s21 += y2 * v1; s30 += y3 * v0; s31 += y3 * v1;
    }
    const zk = z + (<usize>k << 3);
    store<f64>(zk, s00); store<f64>(zk + 8, s01);
    store<f64>(zk + zs, s10); store<f64>(zk + zs + 8, s11);
    store<f64>(zk + 2 * zs, s20); store<f64>(zk + 2 * zs + 8, s21);
    store<f64>(zk + 3 * zs, s30); store<f64>(zk + 3 * zs + 8, s31);
  }
  if (k < K) {
    const w0 = W + <usize>k * rs;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const v0 = v128.load(w0 + o);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + o), v0));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + o), v0));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(x2 + o), v0));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(x3 + o), v0));
    }
    let s0 = hsum4(a0), s1 = hsum4(a1), s2 = hsum4(a2), s3 = hsum4(a3);
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      const v0 = <f64>load<f32>(w0 + o);
      s0 += <f64>load<f32>(x0 + o) * v0; s1 += <f64>load<f32>(x1 + o) * v0;
      s2 += <f64>load<f32>(x2 + o) * v0; s3 += <f64>load<f32>(x3 + o) * v0;
    }
    const zk = z + (<usize>k << 3);
    store<f64>(zk, s0); store<f64>(zk + zs, s1); store<f64>(zk + 2 * zs, s2); store<f64>(zk + 3 * zs, s3);
  }
}

@inline
function scores1F32(x: usize, d: i32, W: usize, K: i32, z: usize): void {
  const rs = <usize>d << 2;
  const d4 = d & ~3;
  for (let k = 0; k < K; k++) {
    const w0 = W + <usize>k * rs;
    let a = f32x4.splat(0);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      a = f32x4.add(a, f32x4.mul(v128.load(x + o), v128.load(w0 + o)));
    }
    let s = hsum4(a);
    for (let j = d4; j < d; j++) s += <f64>load<f32>(x + (<usize>j << 2)) * <f64>load<f32>(w0 + (<usize>j << 2));
    store<f64>(z + (<usize>k << 3), s);
  }
}

// G32[k, :] += sum_r R[r*K + k] * X[r, :] (R in float64, narrowed to float32 here).
@inline
function grad4F32(x: usize, d: i32, R: usize, K: i32, G: usize): void {
  const rs = <usize>d << 2;
  const x0 = x, x1 = x + rs, x2 = x + 2 * rs, x3 = x + 3 * rs;
  const d4 = d & ~3;
  const ks = <usize>K << 3;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const rk = R + (<usize>k << 3);
    const q00 = <f32>load<f64>(rk), q01 = <f32>load<f64>(rk + 8);
    const q10 = <f32>load<f64>(rk + ks), q11 = <f32>load<f64>(rk + ks + 8);
    const q20 = <f32>load<f64>(rk + 2 * ks), q21 = <f32>load<f64>(rk + 2 * ks + 8);
    const q30 = <f32>load<f64>(rk + 3 * ks), q31 = <f32>load<f64>(rk + 3 * ks + 8);
    const g0 = G + <usize>k * rs, g1 = g0 + rs;
    const r00 = f32x4.splat(q00), r01 = f32x4.splat(q01), r10 = f32x4.splat(q10), r11 = f32x4.splat(q11);
    const r20 = f32x4.splat(q20), r21 = f32x4.splat(q21), r30 = f32x4.splat(q30), r31 = f32x4.splat(q31);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const y0 = v128.load(x0 + o), y1 = v128.load(x1 + o), y2 = v128.load(x2 + o), y3 = v128.load(x3 + o);
      let u0 = v128.load(g0 + o);
      let u1 = v128.load(g1 + o);
      u0 = f32x4.add(u0, f32x4.add(f32x4.add(f32x4.mul(r00, y0), f32x4.mul(r10, y1)), f32x4.add(f32x4.mul(r20, y2), f32x4.mul(r30, y3))));
      u1 = f32x4.add(u1, f32x4.add(f32x4.add(f32x4.mul(r01, y0), f32x4.mul(r11, y1)), f32x4.add(f32x4.mul(r21, y2), f32x4.mul(r31, y3))));
      v128.store(g0 + o, u0);
      v128.store(g1 + o, u1);
    }
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      const y0 = load<f32>(x0 + o), y1 = load<f32>(x1 + o), y2 = load<f32>(x2 + o), y3 = load<f32>(x3 + o);
      store<f32>(g0 + o, load<f32>(g0 + o) + ((q00 * y0 + q10 * y1) + (q20 * y2 + q30 * y3)));
      store<f32>(g1 + o, load<f32>(g1 + o) + ((q01 * y0 + q11 * y1) + (q21 * y2 + q31 * y3)));
    }
  }
  if (k < K) {
    const rk = R + (<usize>k << 3);
    const q0 = <f32>load<f64>(rk), q1 = <f32>load<f64>(rk + ks), q2 = <f32>load<f64>(rk + 2 * ks), q3 = <f32>load<f64>(rk + 3 * ks);
    const r0 = f32x4.splat(q0), r1 = f32x4.splat(q1), r2 = f32x4.splat(q2), r3 = f32x4.splat(q3);
    const g0 = G + <usize>k * rs;
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const t = f32x4.add(
        f32x4.add(f32x4.mul(r0, v128.load(x0 + o)), f32x4.mul(r1, v128.load(x1 + o))),
        f32x4.add(f32x4.mul(r2, v128.load(x2 + o)), f32x4.mul(r3, v128.load(x3 + o))),
      );
      v128.store(g0 + o, f32x4.add(v128.load(g0 + o), t));
    }
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(g0 + o, load<f32>(g0 + o) + ((q0 * load<f32>(x0 + o) + q1 * load<f32>(x1 + o)) + (q2 * load<f32>(x2 + o) + q3 * load<f32>(x3 + o))));
    }
  }
}

@inline
function grad1F32(x: usize, d: i32, R: usize, K: i32, G: usize): void {
  const rs = <usize>d << 2;
  const d4 = d & ~3;
  for (let k = 0; k < K; k++) {
    const q = <f32>load<f64>(R + (<usize>k << 3));
    if (q == 0) continue;
    const r = f32x4.splat(q);
    const g0 = G + <usize>k * rs;
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      v128.store(g0 + o, f32x4.add(v128.load(g0 + o), f32x4.mul(r, v128.load(x + o))));
    }
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(g0 + o, load<f32>(g0 + o) + q * load<f32>(x + o));
    }
  }
}

// ---- float32 loss+gradient in float32 registers (lossGradF32, lossF32): scores, softmax and residuals of a
// block of ROWS rows stay float32 (z32: ROWS*K floats), four classes per f32x4; only per-row losses, the
// intercept gradient and the flushed gradient are float64. Why: at 200,000 x 100 x 10 the float64 softmax
// (K exps per row, two lanes) and the float64 horizontal sums of the scores cost as much as the products
// themselves, which float32 makes twice as fast; the residuals feed a float32 gradient anyway.

// [sum A, sum B, sum C, sum D] (float32) from four accumulators: a 4x4 transpose folded into adds.
@inline
function reduce4(A: v128, B: v128, C: v128, D: v128): v128 {
  const u = f32x4.add(f32x4.shuffle(A, B, 0, 4, 1, 5), f32x4.shuffle(A, B, 2, 6, 3, 7));
  const w = f32x4.add(f32x4.shuffle(C, D, 0, 4, 1, 5), f32x4.shuffle(C, D, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(u, w, 0, 1, 4, 5), f32x4.shuffle(u, w, 2, 3, 6, 7));
}

// Scores of ROWS rows at x into z32[r*K + k] (float32, no intercept).
@inline
function scores4F32to32(x: usize, d: i32, W: usize, K: i32, z: usize): void {
  const rs = <usize>d << 2;
  const x0 = x, x1 = x + rs, x2 = x + 2 * rs, x3 = x + 3 * rs;
  const d4 = d & ~3;
  const zs = <usize>K << 2;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const w0 = W + <usize>k * rs, w1 = w0 + rs;
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
    let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const v0 = v128.load(w0 + o), v1 = v128.load(w1 + o);
      const y0 = v128.load(x0 + o);
      a00 = f32x4.add(a00, f32x4.mul(y0, v0));
      a01 = f32x4.add(a01, f32x4.mul(y0, v1));
      const y1 = v128.load(x1 + o);
      a10 = f32x4.add(a10, f32x4.mul(y1, v0));
      a11 = f32x4.add(a11, f32x4.mul(y1, v1));
      const y2 = v128.load(x2 + o);
      a20 = f32x4.add(a20, f32x4.mul(y2, v0));
      a21 = f32x4.add(a21, f32x4.mul(y2, v1));
      const y3 = v128.load(x3 + o);
      a30 = f32x4.add(a30, f32x4.mul(y3, v0));
      a31 = f32x4.add(a31, f32x4.mul(y3, v1));
    }
    // lanes: [row0 k, row0 k+1, row1 k, row1 k+1] and the same for rows 2, 3: 8 bytes per row into z32.
    let s01 = reduce4(a00, a01, a10, a11);
    let s23 = reduce4(a20, a21, a30, a31);
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      const v0 = load<f32>(w0 + o), v1 = load<f32>(w1 + o);
      const y0 = load<f32>(x0 + o), y1 = load<f32>(x1 + o), y2 = load<f32>(x2 + o), y3 = load<f32>(x3 + o);
      s01 = f32x4.add(s01, f32x4.mul(f32x4(y0, y0, y1, y1), f32x4(v0, v1, v0, v1)));
      s23 = f32x4.add(s23, f32x4.mul(f32x4(y2, y2, y3, y3), f32x4(v0, v1, v0, v1)));
    }
    const zk = z + (<usize>k << 2);
    v128.store64_lane(zk, s01, 0);
    v128.store64_lane(zk + zs, s01, 1);
    v128.store64_lane(zk + 2 * zs, s23, 0);
    v128.store64_lane(zk + 3 * zs, s23, 1);
  }
  if (k < K) {
    const w0 = W + <usize>k * rs;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const v0 = v128.load(w0 + o);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + o), v0));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + o), v0));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(x2 + o), v0));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(x3 + o), v0));
    }
    let s = reduce4(a0, a1, a2, a3);
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      const v0 = load<f32>(w0 + o);
      s = f32x4.add(s, f32x4.mul(f32x4(load<f32>(x0 + o), load<f32>(x1 + o), load<f32>(x2 + o), load<f32>(x3 + o)), f32x4.splat(v0)));
    }
    const zk = z + (<usize>k << 2);
    store<f32>(zk, f32x4.extract_lane(s, 0));
    store<f32>(zk + zs, f32x4.extract_lane(s, 1));
    store<f32>(zk + 2 * zs, f32x4.extract_lane(s, 2));
    store<f32>(zk + 3 * zs, f32x4.extract_lane(s, 3));
  }
}

// e^x on four float32 lanes (x <= 0 here): 2^k e^r, r = x - k ln 2 (ln 2 in two parts), e^r by Cephes' expf
// polynomial (about 1 ulp of float32); 0 below -87.33 (2^k would leave float32's normal range). NaN stays NaN.
@inline
function expF32x4(x: v128): v128 {
  const kf = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(kf, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(kf, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const e = f32x4.mul(p, i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(kf), i32x4.splat(127)), 23));
  return v128.bitselect(f32x4.splat(0), e, f32x4.lt(x, f32x4.splat(-87.33654)));
}

// As rowResidual on a float32 row z32[0..K): residual s (p - onehot(y)) in place (float32), its float64
// column sums into gb (when gb != 0), returns s * loss in float64 (max - z_y exact, log of the float32 sum).
@inline
function rowResidual32(z: usize, K: i32, b: usize, yi: i32, s: f64, gb: usize): f64 {
  const K4 = K & ~3;
  if (b != 0) {
    for (let k = 0; k < K4; k += 4) {
      const o = <usize>k << 2, ob = <usize>k << 3;
      const bb = f32x4.demote_f64x2_zero(v128.load(b + ob));
      const bh = f32x4.demote_f64x2_zero(v128.load(b + ob + 16));
      v128.store(z + o, f32x4.add(v128.load(z + o), f32x4.shuffle(bb, bh, 0, 1, 4, 5)));
    }
    for (let k = K4; k < K; k++) store<f32>(z + (<usize>k << 2), load<f32>(z + (<usize>k << 2)) + <f32>load<f64>(b + (<usize>k << 3)));
  }
  let mv = f32x4.splat(-Infinity);
  for (let k = 0; k < K4; k += 4) mv = f32x4.max(mv, v128.load(z + (<usize>k << 2)));
  let m = Mathf.max(Mathf.max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), Mathf.max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
  for (let k = K4; k < K; k++) m = Mathf.max(m, load<f32>(z + (<usize>k << 2)));
  const zy = load<f32>(z + (<usize>yi << 2));
  const ms = f32x4.splat(m);
  let sv = f32x4.splat(0);
  for (let k = 0; k < K4; k += 4) {
    const o = <usize>k << 2;
    const e = expF32x4(f32x4.sub(v128.load(z + o), ms));
    v128.store(z + o, e);
    sv = f32x4.add(sv, e);
  }
  let sum = <f64>(f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1)) + <f64>(f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
  for (let k = K4; k < K; k++) {
    const o = <usize>k << 2;
    const e = f32x4.extract_lane(expF32x4(f32x4.splat(load<f32>(z + o) - m)), 0);
    store<f32>(z + o, e);
    sum += <f64>e;
  }
  const inv = <f32>(s / sum);
  const iv = f32x4.splat(inv);
  for (let k = 0; k < K4; k += 4) {
    const o = <usize>k << 2;
    v128.store(z + o, f32x4.mul(v128.load(z + o), iv));
  }
  for (let k = K4; k < K; k++) store<f32>(z + (<usize>k << 2), load<f32>(z + (<usize>k << 2)) * inv);
  store<f32>(z + (<usize>yi << 2), load<f32>(z + (<usize>yi << 2)) - <f32>s);
  if (gb != 0) {
    for (let k = 0; k < K4; k += 4) {
      const r = v128.load(z + (<usize>k << 2));
      const g = gb + (<usize>k << 3);
      v128.store(g, f64x2.add(v128.load(g), f64x2.promote_low_f32x4(r)));
      v128.store(g + 16, f64x2.add(v128.load(g + 16), f64x2.promote_low_f32x4(f32x4.shuffle(r, r, 2, 3, 0, 1))));
    }
    for (let k = K4; k < K; k++) store<f64>(gb + (<usize>k << 3), load<f64>(gb + (<usize>k << 3)) + <f64>load<f32>(z + (<usize>k << 2)));
  }
  return s * (<f64>m - <f64>zy + Math.log(sum));
}

// grad4F32 with the residuals already float32 (z32).
@inline
function grad4F32from32(x: usize, d: i32, R: usize, K: i32, G: usize): void {
  const rs = <usize>d << 2;
  const x0 = x, x1 = x + rs, x2 = x + 2 * rs, x3 = x + 3 * rs;
  const d4 = d & ~3;
  const ks = <usize>K << 2;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    const rk = R + (<usize>k << 2);
    const q00 = load<f32>(rk), q01 = load<f32>(rk + 4);
    const q10 = load<f32>(rk + ks), q11 = load<f32>(rk + ks + 4);
    const q20 = load<f32>(rk + 2 * ks), q21 = load<f32>(rk + 2 * ks + 4);
    const q30 = load<f32>(rk + 3 * ks), q31 = load<f32>(rk + 3 * ks + 4);
    const g0 = G + <usize>k * rs, g1 = g0 + rs;
    const r00 = f32x4.splat(q00), r01 = f32x4.splat(q01), r10 = f32x4.splat(q10), r11 = f32x4.splat(q11);
    const r20 = f32x4.splat(q20), r21 = f32x4.splat(q21), r30 = f32x4.splat(q30), r31 = f32x4.splat(q31);
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const y0 = v128.load(x0 + o), y1 = v128.load(x1 + o), y2 = v128.load(x2 + o), y3 = v128.load(x3 + o);
      let u0 = v128.load(g0 + o);
      let u1 = v128.load(g1 + o);
      u0 = f32x4.add(u0, f32x4.add(f32x4.add(f32x4.mul(r00, y0), f32x4.mul(r10, y1)), f32x4.add(f32x4.mul(r20, y2), f32x4.mul(r30, y3))));
      u1 = f32x4.add(u1, f32x4.add(f32x4.add(f32x4.mul(r01, y0), f32x4.mul(r11, y1)), f32x4.add(f32x4.mul(r21, y2), f32x4.mul(r31, y3))));
      v128.store(g0 + o, u0);
      v128.store(g1 + o, u1);
    }
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      const y0 = load<f32>(x0 + o), y1 = load<f32>(x1 + o), y2 = load<f32>(x2 + o), y3 = load<f32>(x3 + o);
      store<f32>(g0 + o, load<f32>(g0 + o) + ((q00 * y0 + q10 * y1) + (q20 * y2 + q30 * y3)));
      store<f32>(g1 + o, load<f32>(g1 + o) + ((q01 * y0 + q11 * y1) + (q21 * y2 + q31 * y3)));
    }
  }
  if (k < K) {
    const rk = R + (<usize>k << 2);
    const q0 = load<f32>(rk), q1 = load<f32>(rk + ks), q2 = load<f32>(rk + 2 * ks), q3 = load<f32>(rk + 3 * ks);
    const r0 = f32x4.splat(q0), r1 = f32x4.splat(q1), r2 = f32x4.splat(q2), r3 = f32x4.splat(q3);
    const g0 = G + <usize>k * rs;
    for (let j = 0; j < d4; j += 4) {
      const o = <usize>j << 2;
      const t = f32x4.add(
        f32x4.add(f32x4.mul(r0, v128.load(x0 + o)), f32x4.mul(r1, v128.load(x1 + o))),
        f32x4.add(f32x4.mul(r2, v128.load(x2 + o)), f32x4.mul(r3, v128.load(x3 + o))),
      );
      v128.store(g0 + o, f32x4.add(v128.load(g0 + o), t));
    }
    for (let j = d4; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(g0 + o, load<f32>(g0 + o) + ((q0 * load<f32>(x0 + o) + q1 * load<f32>(x1 + o)) + (q2 * load<f32>(x2 + o) + q3 * load<f32>(x3 + o))));
    }
  }
}

// G (f64) += G32, then G32 = 0.
function flush32(G: usize, G32: usize, count: i32): void {
  for (let j = 0; j < count; j++) {
    const o4 = <usize>j << 2;
    store<f64>(G + (<usize>j << 3), load<f64>(G + (<usize>j << 3)) + <f64>load<f32>(G32 + o4));
    store<f32>(G32 + o4, 0);
  }
}

// Narrow W (f64, count values) into W32.
export function narrowF32(W: usize, W32: usize, count: i32): void {
  for (let j = 0; j < count; j++) store<f32>(W32 + (<usize>j << 2), <f32>load<f64>(W + (<usize>j << 3)));
}

// As lossGradF64 with X and W32 in float32; G (float64) receives the gradient through G32 (float32
// scratch of K*d, zero on entry and on exit).
export function lossGradF32(X: usize, d: i32, W32: usize, b: usize, K: i32, y: usize, sw: usize, G: usize, G32: usize, gb: usize, z: usize, start: i32, end: i32): f64 {
  let total = 0.0;
  const rs = <usize>d << 2;
  const zs32 = <usize>K << 2;
  const zs = <usize>K << 3;
  let i = start;
  let sinceFlush = 0;
  for (; i + ROWS <= end; i += ROWS) {
    const x = X + <usize>i * rs;
    scores4F32to32(x, d, W32, K, z);
    for (let r = 0; r < ROWS; r++) total += rowResidual32(z + <usize>r * zs32, K, b, load<i32>(y + (<usize>(i + r) << 2)), weightAt(sw, i + r), gb);
    grad4F32from32(x, d, z, K, G32);
    sinceFlush += ROWS;
    if (sinceFlush >= FLUSH_ROWS) {
      flush32(G, G32, K * d);
      sinceFlush = 0;
    }
  }
  for (; i < end; i++) {
    const x = X + <usize>i * rs;
    scores1F32(x, d, W32, K, z);
    total += rowResidual(z, K, b, load<i32>(y + (<usize>i << 2)), weightAt(sw, i), gb);
    grad1F32(x, d, z, K, G32);
  }
  flush32(G, G32, K * d);
  return total;
}

export function lossF32(X: usize, d: i32, W32: usize, b: usize, K: i32, y: usize, sw: usize, z: usize, start: i32, end: i32): f64 {
  let total = 0.0;
  const rs = <usize>d << 2;
  const zs32 = <usize>K << 2;
  const zs = <usize>K << 3;
  let i = start;
  for (; i + ROWS <= end; i += ROWS) {
    scores4F32to32(X + <usize>i * rs, d, W32, K, z);
    for (let r = 0; r < ROWS; r++) total += rowResidual32(z + <usize>r * zs32, K, b, load<i32>(y + (<usize>(i + r) << 2)), weightAt(sw, i + r), 0);
  }
  for (; i < end; i++) {
    scores1F32(X + <usize>i * rs, d, W32, K, z);
    total += rowResidual(z, K, b, load<i32>(y + (<usize>i << 2)), weightAt(sw, i), 0);
  }
  return total;
}

export function scoresF32(X: usize, d: i32, W32: usize, b: usize, K: i32, Z: usize, start: i32, end: i32): void {
  const rs = <usize>d << 2;
  const zs = <usize>K << 3;
  let i = start;
  for (; i + ROWS <= end; i += ROWS) scores4F32(X + <usize>i * rs, d, W32, K, Z + <usize>(i - start) * zs);
  for (; i < end; i++) scores1F32(X + <usize>i * rs, d, W32, K, Z + <usize>(i - start) * zs);
  if (b != 0) {
    for (let r = 0; r < end - start; r++) {
      const zr = Z + <usize>r * zs;
      for (let k = 0; k < K; k++) store<f64>(zr + (<usize>k << 3), load<f64>(zr + (<usize>k << 3)) + load<f64>(b + (<usize>k << 3)));
    }
  }
}

export function hvpF32(X: usize, d: i32, V32: usize, vb: usize, K: i32, P: usize, sw: usize, out: usize, G32: usize, ob: usize, z: usize, start: i32, end: i32): void {
  const rs = <usize>d << 2;
  const zs = <usize>K << 3;
  let i = start;
  let sinceFlush = 0;
  for (; i + ROWS <= end; i += ROWS) {
    const x = X + <usize>i * rs;
    scores4F32(x, d, V32, K, z);
    for (let r = 0; r < ROWS; r++) rowHvp(z + <usize>r * zs, P + <usize>(i + r) * zs, K, vb, weightAt(sw, i + r), ob);
    grad4F32(x, d, z, K, G32);
    sinceFlush += ROWS;
    if (sinceFlush >= FLUSH_ROWS) {
      flush32(out, G32, K * d);
      sinceFlush = 0;
    }
  }
  for (; i < end; i++) {
    const x = X + <usize>i * rs;
    scores1F32(x, d, V32, K, z);
    rowHvp(z, P + <usize>i * zs, K, vb, weightAt(sw, i), ob);
    grad1F32(x, d, z, K, G32);
  }
  flush32(out, G32, K * d);
}

// ---------------------------------------------------------------- CSR (float64)
//
// Sparse X in CSR (indptr i32[n+1], indices i32[nnz], data f64[nnz]). Parameters and gradient are held
// transposed, d x K (WT[j*K + k]; src/kernels/csr-wasm.ts transposes at the boundary), so every nonzero
// reads, and updates, K contiguous values: f64x2 over classes, 16 classes (8 accumulators) per sweep of
// a row's nonzeros, then pairs, then a last odd class.

// z[k] = sum_{p in [a, e)} data[p] WT[indices[p]*K + k], k < K.
@inline
function csrRowDot(indices: usize, data: usize, a: i32, e: i32, WT: usize, K: i32, z: usize): void {
  const ks = <usize>K << 3;
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    const base = WT + (<usize>k << 3);
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
    for (let p = a; p < e; p++) {
      const x = f64x2.splat(load<f64>(data + (<usize>p << 3)));
      const o = base + <usize>load<i32>(indices + (<usize>p << 2)) * ks;
      a0 = f64x2.add(a0, f64x2.mul(x, v128.load(o)));
      a1 = f64x2.add(a1, f64x2.mul(x, v128.load(o, 16)));
      a2 = f64x2.add(a2, f64x2.mul(x, v128.load(o, 32)));
      a3 = f64x2.add(a3, f64x2.mul(x, v128.load(o, 48)));
      a4 = f64x2.add(a4, f64x2.mul(x, v128.load(o, 64)));
      a5 = f64x2.add(a5, f64x2.mul(x, v128.load(o, 80)));
      a6 = f64x2.add(a6, f64x2.mul(x, v128.load(o, 96)));
      a7 = f64x2.add(a7, f64x2.mul(x, v128.load(o, 112)));
    }
    const zo = z + (<usize>k << 3);
    v128.store(zo, a0);
    v128.store(zo, a1, 16);
    v128.store(zo, a2, 32);
    v128.store(zo, a3, 48);
    v128.store(zo, a4, 64);
    v128.store(zo, a5, 80);
    v128.store(zo, a6, 96);
    v128.store(zo, a7, 112);
  }
  for (; k + 4 <= K; k += 4) {
    const base = WT + (<usize>k << 3);
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    for (let p = a; p < e; p++) {
      const x = f64x2.splat(load<f64>(data + (<usize>p << 3)));
      const o = base + <usize>load<i32>(indices + (<usize>p << 2)) * ks;
      a0 = f64x2.add(a0, f64x2.mul(x, v128.load(o)));
      a1 = f64x2.add(a1, f64x2.mul(x, v128.load(o, 16)));
    }
    const zo = z + (<usize>k << 3);
    v128.store(zo, a0);
    v128.store(zo, a1, 16);
  }
  for (; k + 2 <= K; k += 2) {
    const base = WT + (<usize>k << 3);
    let a0 = f64x2.splat(0);
    for (let p = a; p < e; p++) {
      const x = f64x2.splat(load<f64>(data + (<usize>p << 3)));
      a0 = f64x2.add(a0, f64x2.mul(x, v128.load(base + <usize>load<i32>(indices + (<usize>p << 2)) * ks)));
    }
    v128.store(z + (<usize>k << 3), a0);
  }
  if (k < K) {
    const base = WT + (<usize>k << 3);
    let s = 0.0;
    for (let p = a; p < e; p++) s += load<f64>(data + (<usize>p << 3)) * load<f64>(base + <usize>load<i32>(indices + (<usize>p << 2)) * ks);
    store<f64>(z + (<usize>k << 3), s);
  }
}

// GT[indices[p]*K + k] += data[p] r[k], p in [a, e), k < K.
@inline
function csrRowScatter(indices: usize, data: usize, a: i32, e: i32, r: usize, K: i32, GT: usize): void {
  const ks = <usize>K << 3;
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    const base = GT + (<usize>k << 3);
    const ro = r + (<usize>k << 3);
    const r0 = v128.load(ro), r1 = v128.load(ro, 16), r2 = v128.load(ro, 32), r3 = v128.load(ro, 48);
    const r4 = v128.load(ro, 64), r5 = v128.load(ro, 80), r6 = v128.load(ro, 96), r7 = v128.load(ro, 112);
    for (let p = a; p < e; p++) {
      const x = f64x2.splat(load<f64>(data + (<usize>p << 3)));
      const o = base + <usize>load<i32>(indices + (<usize>p << 2)) * ks;
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(x, r0)));
      v128.store(o, f64x2.add(v128.load(o, 16), f64x2.mul(x, r1)), 16);
      v128.store(o, f64x2.add(v128.load(o, 32), f64x2.mul(x, r2)), 32);
      v128.store(o, f64x2.add(v128.load(o, 48), f64x2.mul(x, r3)), 48);
      v128.store(o, f64x2.add(v128.load(o, 64), f64x2.mul(x, r4)), 64);
      v128.store(o, f64x2.add(v128.load(o, 80), f64x2.mul(x, r5)), 80);
      v128.store(o, f64x2.add(v128.load(o, 96), f64x2.mul(x, r6)), 96);
      v128.store(o, f64x2.add(v128.load(o, 112), f64x2.mul(x, r7)), 112);
    }
  }
  for (; k + 4 <= K; k += 4) {
    const base = GT + (<usize>k << 3);
    const ro = r + (<usize>k << 3);
    const r0 = v128.load(ro), r1 = v128.load(ro, 16);
    for (let p = a; p < e; p++) {
      const x = f64x2.splat(load<f64>(data + (<usize>p << 3)));
      const o = base + <usize>load<i32>(indices + (<usize>p << 2)) * ks;
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(x, r0)));
      v128.store(o, f64x2.add(v128.load(o, 16), f64x2.mul(x, r1)), 16);
    }
  }
  for (; k + 2 <= K; k += 2) {
    const base = GT + (<usize>k << 3);
    const r0 = v128.load(r + (<usize>k << 3));
    for (let p = a; p < e; p++) {
      const x = f64x2.splat(load<f64>(data + (<usize>p << 3)));
      const o = base + <usize>load<i32>(indices + (<usize>p << 2)) * ks;
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(x, r0)));
    }
  }
  if (k < K) {
    const base = GT + (<usize>k << 3);
    const rk = load<f64>(r + (<usize>k << 3));
    for (let p = a; p < e; p++) {
      const o = base + <usize>load<i32>(indices + (<usize>p << 2)) * ks;
      store<f64>(o, load<f64>(o) + load<f64>(data + (<usize>p << 3)) * rk);
    }
  }
}

// Fused loss + gradient over rows [start, end): returns sum_i s_i loss_i; adds (S(P-Y))^T X into GT
// (d x K) and the residual column sums into gb (when b != 0). z: scratch of K doubles. GT = 0: loss only.
export function csrLossGradF64(indptr: usize, indices: usize, data: usize, WT: usize, b: usize, K: i32, y: usize, sw: usize, GT: usize, gb: usize, z: usize, start: i32, end: i32): f64 {
  let total = 0.0;
  for (let i = start; i < end; i++) {
    const a = load<i32>(indptr + (<usize>i << 2));
    const e = load<i32>(indptr + (<usize>(i + 1) << 2));
    csrRowDot(indices, data, a, e, WT, K, z);
    total += rowResidual(z, K, b, load<i32>(y + (<usize>i << 2)), weightAt(sw, i), GT != 0 ? gb : 0);
    if (GT != 0) csrRowScatter(indices, data, a, e, z, K, GT);
  }
  return total;
}

// Scores Z[(i-start)*K + k] (+ b) for rows [start, end).
export function csrScoresF64(indptr: usize, indices: usize, data: usize, WT: usize, b: usize, K: i32, Z: usize, start: i32, end: i32): void {
  const zs = <usize>K << 3;
  for (let i = start; i < end; i++) {
    const zr = Z + <usize>(i - start) * zs;
    csrRowDot(indices, data, load<i32>(indptr + (<usize>i << 2)), load<i32>(indptr + (<usize>(i + 1) << 2)), WT, K, zr);
    if (b != 0) for (let k = 0; k < K; k++) store<f64>(zr + (<usize>k << 3), load<f64>(zr + (<usize>k << 3)) + load<f64>(b + (<usize>k << 3)));
  }
}

// Hessian-vector product over rows [start, end) with VT (d x K) and cached probabilities P (n x K).
export function csrHvpF64(indptr: usize, indices: usize, data: usize, VT: usize, vb: usize, K: i32, P: usize, sw: usize, GT: usize, ob: usize, z: usize, start: i32, end: i32): void {
  const zs = <usize>K << 3;
  for (let i = start; i < end; i++) {
    const a = load<i32>(indptr + (<usize>i << 2));
    const e = load<i32>(indptr + (<usize>(i + 1) << 2));
    csrRowDot(indices, data, a, e, VT, K, z);
    rowHvp(z, P + <usize>i * zs, K, vb, weightAt(sw, i), ob);
    csrRowScatter(indices, data, a, e, z, K, GT);
  }
}

// out (cols x rows) = A^T, A rows x cols row-major (f64); blocked by 8 rows so both sides stream.
export function transposeF64(A: usize, rows: i32, cols: i32, out: usize): void {
  for (let i0 = 0; i0 < rows; i0 += 8) {
    const i1 = min(rows, i0 + 8);
    for (let j = 0; j < cols; j++) {
      const oj = out + (<usize>j * <usize>rows << 3);
      for (let i = i0; i < i1; i++) store<f64>(oj + (<usize>i << 3), load<f64>(A + ((<usize>i * <usize>cols + <usize>j) << 3)));
    }
  }
}

// ---------------------------------------------------------------- sag/saga just-in-time steps on CSR rows
//
// src/solvers/sag-lazy.ts documents the scheme; these are its per-row loops. S holds per feature j its
// 2K doubles at S + j*2K*8: V[j, 0..K) (W = wscale V) then sumG[j, 0..K), so one feature's state is
// contiguous. last: i32 per feature (the step it is up to date with); cumA, cumB: f64 per step.

@inline
function lazyState(S: usize, K: i32, j: i32): usize {
  return S + <usize>j * (<usize>K << 4);
}

// Steps l+1..t of v <- soft(v - g a_s, b_s), a_s / b_s constant (sag-lazy.ts lazyL1).
function lazyL1(v: f64, g: f64, l: i32, t: i32, A: f64, B: f64, cumA: usize, cumB: usize): f64 {
  const u = v - g * A;
  if (v == 0 || (v > 0) != (g > 0) || abs(g) * A <= B) return u > B ? u - B : u < -B ? u + B : 0.0;
  const sg: f64 = v > 0 ? 1.0 : -1.0;
  const av = sg * v;
  const ag = sg * g;
  const ca = load<f64>(cumA + (<usize>l << 3));
  const cb = load<f64>(cumB + (<usize>l << 3));
  if (av - ag * A - B > 0) return sg * (av - ag * A - B);
  let lo = l + 1;
  let hi = t;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (av - ag * (load<f64>(cumA + (<usize>mid << 3)) - ca) - (load<f64>(cumB + (<usize>mid << 3)) - cb) <= 0) hi = mid;
    else lo = mid + 1;
  }
  const s = lo;
  const a1 = load<f64>(cumA + (<usize>(s - 1) << 3)), a2 = load<f64>(cumA + (<usize>s << 3));
  const b1 = load<f64>(cumB + (<usize>(s - 1) << 3)), b2 = load<f64>(cumB + (<usize>s << 3));
  const before = av - ag * (a1 - ca) - (b1 - cb);
  const bs = b2 - b1;
  const pre = before - ag * (a2 - a1);
  const after = pre < -bs ? pre + bs : 0.0;
  return sg * (after - ag * (load<f64>(cumA + (<usize>t << 3)) - a2) + (load<f64>(cumB + (<usize>t << 3)) - b2));
}

// Bring feature j up to step t.
@inline
function lazyCatchUp(S: usize, K: i32, j: i32, last: usize, cumA: usize, cumB: usize, l1: i32, t: i32): void {
  const lp = last + (<usize>j << 2);
  const l = load<i32>(lp);
  if (l == t) return;
  const v = lazyState(S, K, j);
  const g = v + (<usize>K << 3);
  const A = load<f64>(cumA + (<usize>t << 3)) - load<f64>(cumA + (<usize>l << 3));
  if (l1 == 0) {
    const a2 = f64x2.splat(A);
    let k = 0;
    for (; k + 2 <= K; k += 2) {
      const o = <usize>k << 3;
      v128.store(v + o, f64x2.sub(v128.load(v + o), f64x2.mul(a2, v128.load(g + o))));
    }
    if (k < K) {
      const o = <usize>k << 3;
      store<f64>(v + o, load<f64>(v + o) - A * load<f64>(g + o));
    }
  } else {
    const B = load<f64>(cumB + (<usize>t << 3)) - load<f64>(cumB + (<usize>l << 3));
    for (let k = 0; k < K; k++) {
      const o = <usize>k << 3;
      store<f64>(v + o, lazyL1(load<f64>(v + o), load<f64>(g + o), l, t, A, B, cumA, cumB));
    }
  }
  store<i32>(lp, t);
}

// Row i: catch its features up to step t, then z = wscale (V x_i) + b (b = 0: no intercept).
export function lazyRowScores(indptr: usize, indices: usize, data: usize, S: usize, K: i32, last: usize, cumA: usize, cumB: usize, l1: i32, t: i32, i: i32, wscale: f64, b: usize, z: usize): void {
  const a = load<i32>(indptr + (<usize>i << 2));
  const e = load<i32>(indptr + (<usize>(i + 1) << 2));
  for (let k = 0; k < K; k++) store<f64>(z + (<usize>k << 3), 0.0);
  const tA = load<f64>(cumA + (<usize>t << 3));
  for (let p = a; p < e; p++) {
    const j = load<i32>(indices + (<usize>p << 2));
    const x = load<f64>(data + (<usize>p << 3));
    const x2 = f64x2.splat(x);
    const v = lazyState(S, K, j);
    const lp = last + (<usize>j << 2);
    const l = load<i32>(lp);
    if (l1 == 0 && l != t) {
      // The L2 catch-up fused with the product: V -= A sumG, z += x V, in one sweep of the feature.
      const g = v + (<usize>K << 3);
      const A = tA - load<f64>(cumA + (<usize>l << 3));
      const a2 = f64x2.splat(A);
      let k = 0;
      for (; k + 2 <= K; k += 2) {
        const o = <usize>k << 3;
        const vn = f64x2.sub(v128.load(v + o), f64x2.mul(a2, v128.load(g + o)));
        v128.store(v + o, vn);
        v128.store(z + o, f64x2.add(v128.load(z + o), f64x2.mul(x2, vn)));
      }
      if (k < K) {
        const o = <usize>k << 3;
        const vn = load<f64>(v + o) - A * load<f64>(g + o);
        store<f64>(v + o, vn);
        store<f64>(z + o, load<f64>(z + o) + x * vn);
      }
      store<i32>(lp, t);
      continue;
    }
    lazyCatchUp(S, K, j, last, cumA, cumB, l1, t);
    let k = 0;
    for (; k + 2 <= K; k += 2) {
      const o = <usize>k << 3;
      v128.store(z + o, f64x2.add(v128.load(z + o), f64x2.mul(x2, v128.load(v + o))));
    }
    if (k < K) {
      const o = <usize>k << 3;
      store<f64>(z + o, load<f64>(z + o) + x * load<f64>(v + o));
    }
  }
  for (let k = 0; k < K; k++) {
    const o = <usize>k << 3;
    const s = wscale * load<f64>(z + o);
    store<f64>(z + o, b != 0 ? s + load<f64>(b + o) : s);
  }
}

// saga step s on row i's features (caught up to s - 1): V <- soft(V - gs delta x - gsn sumG, th), then
// sumG += delta x; last = s. th = 0: no L1.
export function lazySagaRow(indptr: usize, indices: usize, data: usize, S: usize, K: i32, last: usize, i: i32, s: i32, delta: usize, gs: f64, gsn: f64, th: f64): void {
  const a = load<i32>(indptr + (<usize>i << 2));
  const e = load<i32>(indptr + (<usize>(i + 1) << 2));
  const gs2 = f64x2.splat(gs), gsn2 = f64x2.splat(gsn), th2 = f64x2.splat(th), nth2 = f64x2.splat(-th);
  for (let p = a; p < e; p++) {
    const j = load<i32>(indices + (<usize>p << 2));
    const x = load<f64>(data + (<usize>p << 3));
    const x2 = f64x2.splat(x);
    const v = lazyState(S, K, j);
    const g = v + (<usize>K << 3);
    let k = 0;
    for (; k + 2 <= K; k += 2) {
      const o = <usize>k << 3;
      const dx = f64x2.mul(v128.load(delta + o), x2);
      const gg = v128.load(g + o);
      let u = f64x2.sub(f64x2.sub(v128.load(v + o), f64x2.mul(gs2, dx)), f64x2.mul(gsn2, gg));
      // soft(u, th) = u - clamp(u, -th, th) (exactly 0 inside).
      if (th != 0) u = f64x2.sub(u, f64x2.max(f64x2.min(u, th2), nth2));
      v128.store(v + o, u);
      v128.store(g + o, f64x2.add(gg, dx));
    }
    if (k < K) {
      const o = <usize>k << 3;
      const dx = load<f64>(delta + o) * x;
      const gg = load<f64>(g + o);
      let u = load<f64>(v + o) - gs * dx - gsn * gg;
      if (th != 0) u = u > th ? u - th : u < -th ? u + th : 0.0;
      store<f64>(v + o, u);
      store<f64>(g + o, gg + dx);
    }
    store<i32>(last + (<usize>j << 2), s);
  }
}

// sumG of row i's features += r x_i (sag's step, and the memory pass).
export function lazyAddRow(indptr: usize, indices: usize, data: usize, S: usize, K: i32, i: i32, r: usize): void {
  const a = load<i32>(indptr + (<usize>i << 2));
  const e = load<i32>(indptr + (<usize>(i + 1) << 2));
  for (let p = a; p < e; p++) {
    const j = load<i32>(indices + (<usize>p << 2));
    const x = load<f64>(data + (<usize>p << 3));
    const x2 = f64x2.splat(x);
    const g = lazyState(S, K, j) + (<usize>K << 3);
    let k = 0;
    for (; k + 2 <= K; k += 2) {
      const o = <usize>k << 3;
      v128.store(g + o, f64x2.add(v128.load(g + o), f64x2.mul(v128.load(r + o), x2)));
    }
    if (k < K) {
      const o = <usize>k << 3;
      store<f64>(g + o, load<f64>(g + o) + load<f64>(r + o) * x);
    }
  }
}

// Catch every feature up to step t, scale V by wscale, and mark all up to date at step 0.
export function lazyFlush(S: usize, K: i32, d: i32, last: usize, cumA: usize, cumB: usize, l1: i32, t: i32, wscale: f64): void {
  const w2 = f64x2.splat(wscale);
  for (let j = 0; j < d; j++) {
    lazyCatchUp(S, K, j, last, cumA, cumB, l1, t);
    store<i32>(last + (<usize>j << 2), 0);
    if (wscale != 1) {
      const v = lazyState(S, K, j);
      let k = 0;
      for (; k + 2 <= K; k += 2) v128.store(v + (<usize>k << 3), f64x2.mul(v128.load(v + (<usize>k << 3)), w2));
      if (k < K) store<f64>(v + (<usize>k << 3), load<f64>(v + (<usize>k << 3)) * wscale);
    }
  }
}
