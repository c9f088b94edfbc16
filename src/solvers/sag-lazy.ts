/**
 * Just-in-time ("lazy") sag/saga steps for sparse X, as scikit-learn's sag_fast.pyx does: a step touches
 * only the features of its row (nnz_i K values) instead of all K d weights.
 *
 * Between two visits of feature j, every step changes W[:, j] the same way, since sumG[:, j] only changes
 * when a row holding j is drawn:
 *   sag:   w <- c w - (gamma/n) g            saga:  w <- soft(c w - (gamma/n) g, tau)
 * with c = 1 - gamma alpha (the L2 decay), g = sumG[:, j], tau = gamma l1 / S. Write W = wscale * V: the
 * decay becomes one scalar, wscale_s = c wscale_{s-1}, and V takes plain steps
 *   V <- V - a_s g,   a_s = gamma / (n wscale_s)          (then, saga with L1: V <- soft(V, b_s), b_s = tau / wscale_s)
 * so the steps missed since the last visit sum to cumA[t] - cumA[last] (cumulative sums over the steps).
 * With L1 the missed steps alternate a gradient step and a soft threshold; since a_s / b_s is the same at
 * every step, they compose in closed form (lazyL1 below). Everything is caught up ("flushed") at the end
 * of each epoch, where the caller reads W and sumG, and whenever wscale falls below MIN_WSCALE.
 *
 * The same steps in exact arithmetic as the dense loop in sag.ts (same draws, same order); only rounding
 * differs. Per feature j, V[j, :] and sumG[j, :] sit side by side (2K doubles), so a step reads one
 * contiguous block per feature of its row. The per-row loops run in WebAssembly SIMD where available
 * (src/backends/sag-lazy-wasm.ts, assembly/kernels.ts "just-in-time"), else in TypeScript (JsLazyRows).
 */
import type { SparseRows } from '../matrix/matrix.js';
import type { FiniteSumObjective, NonSmoothTerm } from '../objective/objective.js';
import { WasmLazyRows, wasmLazyAvailable } from '../backends/sag-lazy-wasm.js';

/** Fold wscale into V before it gets this small (scikit-learn's threshold): cumA grows as 1/wscale. */
const MIN_WSCALE = 1e-9;

/**
 * The CSR rows when the lazy path applies: sparse X, and no penalty or a plain L1 one (group lasso has no
 * coordinate-wise prox). saga applies its step at the drawn row once per entry, so a row that lists a
 * column twice (CSRMatrix allows it) sends saga to the dense path.
 */
export function lazyRows(P: FiniteSumObjective, R: NonSmoothTerm | null, saga: boolean): SparseRows | null {
  const rows = P.sparseRows?.() ?? null;
  if (!rows || (R && R.l1 === undefined)) return null;
  if (saga) {
    const seen = new Int32Array(P.nFeatures).fill(-1);
    const n = P.nSamples;
    for (let i = 0; i < n; i++) {
      for (let p: number = rows.indptr[i]!; p < rows.indptr[i + 1]!; p++) {
        const j = rows.indices[p]!;
        if (seen[j] === i) return null;
        seen[j] = i;
      }
    }
  }
  return rows;
}

export interface LazySagParams {
  saga: boolean;
  gamma: number;
  /** L2 strength of the mean form (l2 / S). */
  alpha: number;
  /** Soft threshold per step (gamma l1 / S), 0 without L1. */
  tau: number;
  /** n / S: residual scale of the memory (c_i without the weight, which rowResidual applies). */
  cScale: number;
}

/**
 * The per-row loops over the state (V, sumG per feature; last; the cumulative sums), as LazySag drives
 * them. `z`, `delta`, `b`, `cumA`, `cumB` are the backend's own buffers, written and read by LazySag.
 */
export interface LazyRowOps {
  readonly z: Float64Array;
  readonly delta: Float64Array;
  readonly b: Float64Array;
  readonly cumA: Float64Array;
  readonly cumB: Float64Array;
  /** W (K x d, parameter layout) into V; every feature up to date at step 0. */
  load(w: Float64Array): void;
  /** Catch row i's features up to step t; z = wscale (V x_i) + b (no b when `intercept` is false). */
  rowScores(i: number, t: number, wscale: number, intercept: boolean): void;
  /** saga step s on row i's features: V <- soft(V - gs delta x_i - gsn sumG, th); sumG += delta x_i. */
  sagaRow(i: number, s: number, gs: number, gsn: number, th: number): void;
  /** sumG += delta x_i on row i's features. */
  addRow(i: number): void;
  /** Every feature up to step t, V scaled by wscale, all marked up to date at step 0. */
  flush(t: number, wscale: number): void;
  writeParams(w: Float64Array): void;
  writeSumG(sumG: Float64Array): void;
}

/** The TypeScript loops (no WebAssembly, and the reference for the wasm ones in tests). */
export class JsLazyRows implements LazyRowOps {
  readonly z: Float64Array;
  readonly delta: Float64Array;
  readonly b: Float64Array;
  readonly cumA: Float64Array;
  readonly cumB: Float64Array;
  private readonly S: Float64Array;
  private readonly last: Int32Array;

  constructor(
    private readonly rows: SparseRows,
    private readonly n: number,
    private readonly d: number,
    private readonly K: number,
    private readonly l1: boolean,
  ) {
    this.S = new Float64Array(2 * d * K);
    this.last = new Int32Array(d);
    this.z = new Float64Array(K);
    this.delta = new Float64Array(K);
    this.b = new Float64Array(K);
    this.cumA = new Float64Array(n + 1);
    this.cumB = new Float64Array(n + 1);
  }

  load(w: Float64Array): void {
    const { d, K, S } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) S[2 * K * j + k] = w[k * d + j]!;
    this.last.fill(0);
  }

  private catchUp(j: number, t: number): void {
    const l = this.last[j]!;
    if (l === t) return;
    const { K, S, cumA } = this;
    const o = 2 * K * j;
    const A = cumA[t]! - cumA[l]!;
    if (!this.l1) for (let k = 0; k < K; k++) S[o + k]! -= A * S[o + K + k]!;
    else {
      const B = this.cumB[t]! - this.cumB[l]!;
      for (let k = 0; k < K; k++) S[o + k] = lazyL1(S[o + k]!, S[o + K + k]!, l, t, A, B, cumA, this.cumB);
    }
    this.last[j] = t;
  }

  rowScores(i: number, t: number, wscale: number, intercept: boolean): void {
    const { K, S, z, b } = this;
    const { indptr, indices, data } = this.rows;
    z.fill(0);
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const j = indices[p]!;
      this.catchUp(j, t);
      const x = data[p]!;
      const o = 2 * K * j;
      for (let k = 0; k < K; k++) z[k]! += x * S[o + k]!;
    }
    for (let k = 0; k < K; k++) z[k] = intercept ? wscale * z[k]! + b[k]! : wscale * z[k]!;
  }

  sagaRow(i: number, s: number, gs: number, gsn: number, th: number): void {
    const { K, S, delta } = this;
    const { indptr, indices, data } = this.rows;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const j = indices[p]!;
      const x = data[p]!;
      const o = 2 * K * j;
      for (let k = 0; k < K; k++) {
        const dx = delta[k]! * x;
        const g = S[o + K + k]!;
        let v = S[o + k]! - gs * dx - gsn * g;
        if (th !== 0) v = v > th ? v - th : v < -th ? v + th : 0;
        S[o + k] = v;
        S[o + K + k] = g + dx;
      }
      this.last[j] = s;
    }
  }

  addRow(i: number): void {
    const { K, S, delta } = this;
    const { indptr, indices, data } = this.rows;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const x = data[p]!;
      const o = 2 * K * indices[p]! + K;
      for (let k = 0; k < K; k++) S[o + k]! += delta[k]! * x;
    }
  }

  flush(t: number, wscale: number): void {
    const { d, K, S } = this;
    for (let j = 0; j < d; j++) {
      this.catchUp(j, t);
      if (wscale !== 1) for (let k = 0; k < K; k++) S[2 * K * j + k]! *= wscale;
    }
    this.last.fill(0);
  }

  writeParams(w: Float64Array): void {
    const { d, K, S } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) w[k * d + j] = S[2 * K * j + k]!;
  }

  writeSumG(sumG: Float64Array): void {
    const { d, K, S } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) sumG[k * d + j] = S[2 * K * j + K + k]!;
  }
}

/**
 * Steps l+1..t of v <- soft(v - g a_s, b_s), with a_s = rho b_s for one rho (A, B: the sums of a_s, b_s
 * over those steps, from the cumulative sums cumA, cumB). While v moves away from zero, or the threshold
 * outweighs the drift (|g| a_s <= b_s), the steps compose into soft(v - g A, B). Otherwise v (of the sign
 * of g) first falls toward zero by |g| a_s + b_s a step: find the step where it reaches zero (binary
 * search on the cumulative sums), take that step as is, and from there v moves away from zero by
 * |g| a_s - b_s a step. (assembly/kernels.ts has the same function.)
 */
export function lazyL1(v: number, g: number, l: number, t: number, A: number, B: number, cumA: Float64Array, cumB: Float64Array): number {
  const u = v - g * A;
  if (v === 0 || v > 0 !== g > 0 || Math.abs(g) * A <= B) return u > B ? u - B : u < -B ? u + B : 0;
  const sg = v > 0 ? 1 : -1;
  const av = sg * v;
  const ag = sg * g;
  const ca = cumA[l]!;
  const cb = cumB[l]!;
  if (av - ag * A - B > 0) return sg * (av - ag * A - B);
  let lo = l + 1;
  let hi = t;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (av - ag * (cumA[mid]! - ca) - (cumB[mid]! - cb) <= 0) hi = mid;
    else lo = mid + 1;
  }
  const s = lo;
  const before = av - ag * (cumA[s - 1]! - ca) - (cumB[s - 1]! - cb);
  const bs = cumB[s]! - cumB[s - 1]!;
  const pre = before - ag * (cumA[s]! - cumA[s - 1]!);
  const after = pre < -bs ? pre + bs : 0;
  return sg * (after - ag * (cumA[t]! - cumA[s]!) + (cumB[t]! - cumB[s]!));
}

export class LazySag {
  private readonly n: number;
  private readonly K: number;
  private readonly fi: boolean;
  private readonly ops: LazyRowOps;
  private readonly sumGb: Float64Array;
  private readonly c: number;
  private wscale = 1;
  /** Steps since the last flush. */
  private s = 0;

  constructor(
    private readonly P: FiniteSumObjective,
    rows: SparseRows,
    private readonly o: LazySagParams,
    w0: Float64Array,
    backend: 'auto' | 'js' = 'auto',
  ) {
    const n = (this.n = P.nSamples);
    const d = P.nFeatures;
    const K = (this.K = P.nOutputs);
    this.fi = P.fitIntercept;
    const l1 = o.tau !== 0;
    this.ops = backend === 'auto' && wasmLazyAvailable() ? new WasmLazyRows(rows, n, d, K, l1) : new JsLazyRows(rows, n, d, K, l1);
    this.sumGb = new Float64Array(K);
    this.c = 1 - o.gamma * o.alpha;
    this.ops.load(w0);
    if (this.fi) this.ops.b.set(w0.subarray(K * d, K * d + K));
  }

  /** Whether the decay factor keeps wscale positive (a step size far above the automatic one may not). */
  static usable(o: LazySagParams): boolean {
    return 1 - o.gamma * o.alpha > 0;
  }

  /** The memory pass at w0 (sag.ts's first pass): mem, lossMem, sumG. */
  init(mem: Float64Array, lossMem: Float64Array): void {
    const { n, K, ops, sumGb } = this;
    const { z, delta } = ops;
    const cs = this.o.cScale;
    for (let i = 0; i < n; i++) {
      ops.rowScores(i, 0, 1, this.fi);
      lossMem[i] = this.P.rowResidual(i, z);
      for (let k = 0; k < K; k++) {
        const r = cs * z[k]!;
        mem[i * K + k] = r;
        delta[k] = r;
      }
      ops.addRow(i);
      if (this.fi) for (let k = 0; k < K; k++) sumGb[k]! += delta[k]!;
    }
    this.P.countRows?.(n);
  }

  private flush(): void {
    this.ops.flush(this.s, this.wscale);
    this.wscale = 1;
    this.s = 0;
  }

  /** One epoch of n steps (the draws as sag.ts's dense loop), then a flush. */
  epoch(rng: () => number, mem: Float64Array, lossMem: Float64Array): void {
    const { n, K, ops, sumGb, fi } = this;
    const { z, delta, b, cumA, cumB } = ops;
    const { saga, gamma, tau, cScale } = this.o;
    const gn = gamma / n;
    for (let it = 0; it < n; it++) {
      const i = Math.floor(rng() * n);
      const prev = this.s;
      ops.rowScores(i, prev, this.wscale, fi);
      lossMem[i] = this.P.rowResidual(i, z);
      const off = i * K;
      for (let k = 0; k < K; k++) {
        const rk = cScale * z[k]!;
        delta[k] = rk - mem[off + k]!;
        mem[off + k] = rk;
      }
      // Step s = prev + 1: the decay, and its entries in the cumulative sums.
      const s = prev + 1;
      this.s = s;
      this.wscale *= this.c;
      const ws = this.wscale;
      cumA[s] = cumA[prev]! + gn / ws;
      if (tau !== 0) cumB[s] = cumB[prev]! + tau / ws;
      if (saga) {
        // The row's features take step s now, with delta x_i and the sumG before this sample's update.
        ops.sagaRow(i, s, gamma / ws, gn / ws, tau / ws);
        if (fi) {
          for (let k = 0; k < K; k++) {
            b[k]! -= gamma * (delta[k]! + sumGb[k]! / n);
            sumGb[k]! += delta[k]!;
          }
        }
      } else {
        // sag steps with the updated sumG: the row's features keep step s pending (up to date at s - 1).
        ops.addRow(i);
        if (fi) {
          for (let k = 0; k < K; k++) {
            sumGb[k]! += delta[k]!;
            b[k]! -= gn * sumGb[k]!;
          }
        }
      }
      if (ws < MIN_WSCALE) this.flush();
    }
    this.flush();
    this.P.countRows?.(n);
  }

  /** W (K x d) and b into w (flushed state). */
  writeParams(w: Float64Array): void {
    this.ops.writeParams(w);
    const nc = this.K * this.P.nFeatures;
    if (this.fi) for (let k = 0; k < this.K; k++) w[nc + k] = this.ops.b[k]!;
  }

  /** sumG in the parameter layout. */
  writeSumG(sumG: Float64Array): void {
    this.ops.writeSumG(sumG);
    const nc = this.K * this.P.nFeatures;
    if (this.fi) for (let k = 0; k < this.K; k++) sumG[nc + k] = this.sumGb[k]!;
  }
}
