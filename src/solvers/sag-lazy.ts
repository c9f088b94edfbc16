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
 * differs. The parameters are held transposed (d x K), so a feature's K weights are contiguous.
 */
import type { FiniteSumObjective, NonSmoothTerm, SparseRows } from '../objective/objective.js';

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

export class LazySag {
  private readonly n: number;
  private readonly d: number;
  private readonly K: number;
  private readonly fi: boolean;
  /** V transposed: VT[j*K + k] = W[k, j] / wscale. */
  private readonly VT: Float64Array;
  private readonly b: Float64Array;
  private readonly sumGT: Float64Array;
  private readonly sumGb: Float64Array;
  /** Step (local to the current flush period) after which feature j is up to date. */
  private readonly last: Int32Array;
  private readonly cumA: Float64Array;
  private readonly cumB: Float64Array;
  private readonly z: Float64Array;
  private readonly delta: Float64Array;
  private readonly c: number;
  private wscale = 1;
  /** Steps since the last flush. */
  private s = 0;

  constructor(
    private readonly P: FiniteSumObjective,
    private readonly rows: SparseRows,
    private readonly o: LazySagParams,
    w0: Float64Array,
  ) {
    const n = (this.n = P.nSamples);
    const d = (this.d = P.nFeatures);
    const K = (this.K = P.nOutputs);
    this.fi = P.fitIntercept;
    this.VT = new Float64Array(d * K);
    this.sumGT = new Float64Array(d * K);
    this.b = new Float64Array(K);
    this.sumGb = new Float64Array(K);
    this.last = new Int32Array(d);
    this.cumA = new Float64Array(n + 1);
    this.cumB = new Float64Array(n + 1);
    this.z = new Float64Array(K);
    this.delta = new Float64Array(K);
    this.c = 1 - o.gamma * o.alpha;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) this.VT[j * K + k] = w0[k * d + j]!;
    if (this.fi) for (let k = 0; k < K; k++) this.b[k] = w0[K * d + k]!;
  }

  /** Whether the decay factor keeps wscale positive (a step size far above the automatic one may not). */
  static usable(o: LazySagParams): boolean {
    return 1 - o.gamma * o.alpha > 0;
  }

  /** z = W x_i + b from V (features of row i up to date). */
  private scores(a: number, e: number): void {
    const { K, VT, z, b } = this;
    const { indices, data } = this.rows;
    z.fill(0);
    for (let p = a; p < e; p++) {
      const x = data[p]!;
      const o = indices[p]! * K;
      for (let k = 0; k < K; k++) z[k]! += x * VT[o + k]!;
    }
    const ws = this.wscale;
    for (let k = 0; k < K; k++) z[k] = this.fi ? ws * z[k]! + b[k]! : ws * z[k]!;
  }

  /** The memory pass at w0 (sag.ts's first pass): mem, lossMem, sumG. */
  init(mem: Float64Array, lossMem: Float64Array): void {
    const { n, K, z, sumGT, sumGb } = this;
    const { indptr, indices, data } = this.rows;
    const cs = this.o.cScale;
    for (let i = 0; i < n; i++) {
      const a = indptr[i]!;
      const e = indptr[i + 1]!;
      this.scores(a, e);
      lossMem[i] = this.P.rowResidual(i, z);
      for (let k = 0; k < K; k++) mem[i * K + k] = cs * z[k]!;
      for (let p = a; p < e; p++) {
        const x = data[p]!;
        const o = indices[p]! * K;
        for (let k = 0; k < K; k++) sumGT[o + k]! += mem[i * K + k]! * x;
      }
      if (this.fi) for (let k = 0; k < K; k++) sumGb[k]! += mem[i * K + k]!;
    }
    this.P.countRows?.(n);
  }

  /** Bring feature j up to step t (apply the steps last[j]+1 .. t). */
  private catchUp(j: number, t: number): void {
    const l = this.last[j]!;
    if (l === t) return;
    const { K, VT, sumGT, cumA } = this;
    const o = j * K;
    const A = cumA[t]! - cumA[l]!;
    if (this.o.tau === 0) for (let k = 0; k < K; k++) VT[o + k]! -= A * sumGT[o + k]!;
    else {
      const B = this.cumB[t]! - this.cumB[l]!;
      for (let k = 0; k < K; k++) VT[o + k] = this.lazyL1(VT[o + k]!, sumGT[o + k]!, l, t, A, B);
    }
    this.last[j] = t;
  }

  /**
   * Steps l+1..t of v <- soft(v - g a_s, b_s), with a_s = rho b_s for one rho (A, B: the sums of a_s, b_s).
   * While v moves away from zero, or the threshold outweighs the drift (|g| a_s <= b_s), the steps compose
   * into soft(v - g A, B). Otherwise v (of the sign of g) first falls toward zero by |g| a_s + b_s a step:
   * find the step where it reaches zero (binary search on the cumulative sums), take that step as is, and
   * from there v moves away from zero by |g| a_s - b_s a step.
   */
  private lazyL1(v: number, g: number, l: number, t: number, A: number, B: number): number {
    const u = v - g * A;
    if (v === 0 || v > 0 !== g > 0 || Math.abs(g) * A <= B) return u > B ? u - B : u < -B ? u + B : 0;
    const sg = v > 0 ? 1 : -1;
    const av = sg * v;
    const ag = sg * g;
    const { cumA, cumB } = this;
    const ca = cumA[l]!;
    const cb = cumB[l]!;
    if (av - ag * A - B > 0) return sg * (av - ag * A - B);
    // First step s in (l, t] with av - ag (cumA[s] - ca) - (cumB[s] - cb) <= 0.
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

  /** Catch every feature up, fold wscale into V and restart the cumulative sums. */
  flush(): void {
    const t = this.s;
    for (let j = 0; j < this.d; j++) this.catchUp(j, t);
    if (this.wscale !== 1) {
      const ws = this.wscale;
      const VT = this.VT;
      for (let q = 0; q < VT.length; q++) VT[q]! *= ws;
      this.wscale = 1;
    }
    this.last.fill(0);
    this.s = 0;
  }

  /** One epoch of n steps (the draws as sag.ts's dense loop), then a flush. */
  epoch(rng: () => number, mem: Float64Array, lossMem: Float64Array): void {
    const { n, K, VT, sumGT, sumGb, b, z, delta, cumA, cumB } = this;
    const { indptr, indices, data } = this.rows;
    const { saga, gamma, tau, cScale } = this.o;
    const gn = gamma / n;
    for (let it = 0; it < n; it++) {
      const i = Math.floor(rng() * n);
      const a = indptr[i]!;
      const e = indptr[i + 1]!;
      const prev = this.s;
      for (let p = a; p < e; p++) this.catchUp(indices[p]!, prev);
      this.scores(a, e);
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
        const gs = gamma / ws;
        const th = tau / ws;
        for (let p = a; p < e; p++) {
          const x = data[p]!;
          const j = indices[p]!;
          const o = j * K;
          for (let k = 0; k < K; k++) {
            const dx = delta[k]! * x;
            let v = VT[o + k]! - gs * (dx + sumGT[o + k]! / n);
            if (tau !== 0) v = v > th ? v - th : v < -th ? v + th : 0;
            VT[o + k] = v;
            sumGT[o + k]! += dx;
          }
          this.last[j] = s;
        }
        if (this.fi) {
          for (let k = 0; k < K; k++) {
            b[k]! -= gamma * (delta[k]! + sumGb[k]! / n);
            sumGb[k]! += delta[k]!;
          }
        }
      } else {
        // sag steps with the updated sumG: the row's features keep step s pending (last = s - 1).
        for (let p = a; p < e; p++) {
          const x = data[p]!;
          const o = indices[p]! * K;
          for (let k = 0; k < K; k++) sumGT[o + k]! += delta[k]! * x;
        }
        if (this.fi) {
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
    const { d, K, VT } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) w[k * d + j] = VT[j * K + k]!;
    if (this.fi) for (let k = 0; k < K; k++) w[K * d + k] = this.b[k]!;
  }

  /** sumG in the parameter layout. */
  writeSumG(sumG: Float64Array): void {
    const { d, K, sumGT } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) sumG[k * d + j] = sumGT[j * K + k]!;
    if (this.fi) for (let k = 0; k < K; k++) sumG[K * d + k] = this.sumGb[k]!;
  }
}
