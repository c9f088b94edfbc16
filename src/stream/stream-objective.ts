/**
 * The softmax objective over a BlockStore: value, gradient and Hessian-vector products are sums over
 * blocks (Spark's treeAggregate, on one machine), so a solver sees an ordinary Objective and never knows
 * the data are streamed. Memory: one block plus O(K d), whatever n is.
 *
 * The store holds raw values (minus an optional per-column shift c); the model is fitted in scaled
 * coordinates x' = (x - o) / s. Rather than scale every block on every pass, the parameters are mapped to
 * the raw coordinates, an exact linear change of variables T:
 *
 *   W'_kj = W_kj / s_j,   b'_k = b_k - sum_j W'_kj (o_j - c_j)      so  W' x~ + b' = W x' + b,  x~ = x - c
 *
 * and the chain rule takes the raw gradient back: dF/dW_kj = (G'_kj - gb'_k (o_j - c_j)) / s_j, dF/db = gb'.
 * T is linear, so a Hessian-vector product is T^T H' (T v). The raw-coordinate kernel always carries an
 * intercept when o != c (b' absorbs the offset even for fitIntercept: false, whose gb' is then dropped).
 *
 * The binomial model (two classes, one score z = w.x + b) is the K = 2 softmax with class 0's row fixed at
 * zero: softmax([0, z])_1 = sigmoid(z), so its loss, gradient (row 1) and Hessian (row 1 of H [0; v]) are
 * exactly the logistic ones, on the same kernel.
 *
 * A Hessian-vector product recomputes the probabilities block by block (two sweeps of a block instead of
 * one): caching them would take n x K doubles, which is what streaming avoids.
 */
import type { HessianOperator, Objective } from '../objective/objective.js';
import { DenseMatrix } from '../matrix/dense.js';
import { CSRMatrix } from '../matrix/csr.js';
import { MatrixLossKernel } from '../backends/loss-kernel.js';
import { WasmDenseWorkspaceView } from '../backends/dense-wasm.js';
import { wasmAvailable } from '../kernels/wasm.js';
import type { BlockStore, DataBlock } from './block.js';

export interface StreamObjectiveOptions {
  /** L2 strength on W (1/C); 0 for none. */
  l2: number;
  fitIntercept: boolean;
  /** Scaled coordinates x' = (x - offset) / scale; null: the raw values. */
  scaler: { offset: ArrayLike<number>; scale: ArrayLike<number> } | null;
  /** The binomial model: one score row (see the file comment). */
  binomial: boolean;
  /** 'auto': WebAssembly SIMD for dense blocks where available; 'js': TypeScript loops. */
  kernel?: 'auto' | 'wasm' | 'js';
}

/** Sums over the blocks of a store, in the raw coordinates (K rows, with intercept). */
interface BlockSums {
  lossGrad(W: Float64Array, b: Float64Array, G: Float64Array, gb: Float64Array): number;
  loss(W: Float64Array, b: Float64Array): number;
  hvp(W: Float64Array, b: Float64Array, V: Float64Array, vb: Float64Array, out: Float64Array, ob: Float64Array): void;
}

/** TypeScript loops, one MatrixLossKernel per block (dense or CSR). */
class JsBlockSums implements BlockSums {
  private readonly G: Float64Array;
  private readonly gb: Float64Array;
  constructor(
    private readonly store: BlockStore,
    private readonly d: number,
    private readonly K: number,
  ) {
    this.G = new Float64Array(K * d);
    this.gb = new Float64Array(K);
  }
  private kernel(block: DataBlock): MatrixLossKernel {
    const M =
      block.kind === 'dense' ? new DenseMatrix(block.rows, this.d, block.X) : new CSRMatrix(block.rows, this.d, block.indptr, block.indices, block.data, false);
    return new MatrixLossKernel(M, block.y, this.K, null);
  }
  lossGrad(W: Float64Array, b: Float64Array, G: Float64Array, gb: Float64Array): number {
    G.fill(0);
    gb.fill(0);
    let total = 0;
    this.store.forEachBlock((block) => {
      if (block.rows === 0) return;
      total += this.kernel(block).lossGrad(W, b, this.G, this.gb);
      for (let p = 0; p < G.length; p++) G[p]! += this.G[p]!;
      for (let k = 0; k < gb.length; k++) gb[k]! += this.gb[k]!;
    });
    return total;
  }
  loss(W: Float64Array, b: Float64Array): number {
    let total = 0;
    this.store.forEachBlock((block) => {
      if (block.rows > 0) total += this.kernel(block).loss(W, b);
    });
    return total;
  }
  hvp(W: Float64Array, b: Float64Array, V: Float64Array, vb: Float64Array, out: Float64Array, ob: Float64Array): void {
    out.fill(0);
    ob.fill(0);
    this.store.forEachBlock((block) => {
      if (block.rows === 0) return;
      const k = this.kernel(block);
      k.prepareHessian(W, b);
      k.hvp(V, vb, this.G, this.gb);
      for (let p = 0; p < out.length; p++) out[p]! += this.G[p]!;
      for (let q = 0; q < ob.length; q++) ob[q]! += this.gb[q]!;
    });
  }
}

/**
 * WebAssembly SIMD over dense blocks: one workspace sized for the largest block, each block copied into
 * it (a memcpy; the kernels' own loops are the cost) and its sums accumulated into the workspace's G.
 */
class WasmBlockSums implements BlockSums {
  private readonly v: WasmDenseWorkspaceView;
  constructor(
    private readonly store: BlockStore,
    d: number,
    K: number,
  ) {
    this.v = new WasmDenseWorkspaceView({ n: Math.max(1, store.maxBlockRows), d, K, dtype: store.dtype, weighted: false });
  }
  private load(block: DataBlock): void {
    const v = this.v;
    if (block.kind !== 'dense') throw new Error('WasmBlockSums: dense blocks only');
    const len = block.rows * v.d;
    if (v.dtype === 'float64') v.ws.f64(v.pX, len).set(block.X);
    else v.ws.f32(v.pX, len).set(block.X);
    v.ws.i32(v.py, block.rows).set(block.y);
  }
  lossGrad(W: Float64Array, b: Float64Array, G: Float64Array, gb: Float64Array): number {
    const v = this.v;
    v.setParams(W, b);
    v.G.fill(0);
    v.gb.fill(0);
    let total = 0;
    this.store.forEachBlock((block) => {
      if (block.rows === 0) return;
      this.load(block);
      total += v.lossGradRows(0, block.rows, v.pG, v.pgb);
    });
    G.set(v.G);
    gb.set(v.gb);
    return total;
  }
  loss(W: Float64Array, b: Float64Array): number {
    const v = this.v;
    v.setParams(W, b);
    let total = 0;
    this.store.forEachBlock((block) => {
      if (block.rows === 0) return;
      this.load(block);
      total += v.lossRows(0, block.rows);
    });
    return total;
  }
  hvp(W: Float64Array, b: Float64Array, V: Float64Array, vb: Float64Array, out: Float64Array, ob: Float64Array): void {
    const v = this.v;
    v.G.fill(0);
    v.gb.fill(0);
    this.store.forEachBlock((block) => {
      if (block.rows === 0) return;
      this.load(block);
      v.setParams(W, b);
      v.probabilitiesRows(0, block.rows);
      v.setParams(V, vb);
      v.hvpRows(0, block.rows, v.pG, v.pgb);
    });
    out.set(v.G);
    ob.set(v.gb);
  }
}

export class StreamObjective implements Objective {
  readonly K: number;
  readonly d: number;
  /** Score rows of the parameters: 1 for the binomial model, K otherwise. */
  readonly R: number;
  readonly l2: number;
  readonly fitIntercept: boolean;
  readonly dimension: number;
  readonly nSamples: number;
  readonly sumWeights: number;
  readonly kernelName: string;
  private readonly binomial: boolean;
  private readonly offset: Float64Array;
  private readonly invScale: Float64Array;
  private readonly sums: BlockSums;
  // Raw-coordinate buffers (K x d, K).
  private readonly Wk: Float64Array;
  private readonly bk: Float64Array;
  private readonly Vk: Float64Array;
  private readonly vbk: Float64Array;
  private readonly Gk: Float64Array;
  private readonly gbk: Float64Array;
  private passes = 0;

  constructor(
    readonly store: BlockStore,
    opts: StreamObjectiveOptions,
  ) {
    const { n, d, classes } = store.summary;
    const K = classes.length;
    this.K = K;
    this.d = d;
    this.binomial = opts.binomial;
    if (opts.binomial && K !== 2) throw new Error('StreamObjective: the binomial model needs two classes');
    this.R = opts.binomial ? 1 : K;
    this.l2 = opts.l2;
    this.fitIntercept = opts.fitIntercept;
    this.dimension = this.R * d + (opts.fitIntercept ? this.R : 0);
    this.nSamples = n;
    this.sumWeights = n;
    this.offset = new Float64Array(d);
    this.invScale = new Float64Array(d).fill(1);
    if (opts.scaler) for (let j = 0; j < d; j++) ((this.offset[j] = opts.scaler.offset[j]!), (this.invScale[j] = 1 / opts.scaler.scale[j]!));
    if (store.shift) for (let j = 0; j < d; j++) this.offset[j]! -= store.shift[j]!;
    this.Wk = new Float64Array(K * d);
    this.bk = new Float64Array(K);
    this.Vk = new Float64Array(K * d);
    this.vbk = new Float64Array(K);
    this.Gk = new Float64Array(K * d);
    this.gbk = new Float64Array(K);
    const wasm = opts.kernel !== 'js' && wasmAvailable() && !store.summary.sparse;
    this.sums = wasm ? new WasmBlockSums(store, d, K) : new JsBlockSums(store, d, K);
    this.kernelName = wasm ? `stream-wasm-${store.dtype}` : 'stream-js';
  }

  get dataPasses(): number {
    return this.passes;
  }

  /** The parameters in raw coordinates (T w; linear, so it maps directions too). */
  private toRaw(w: Float64Array, W: Float64Array, b: Float64Array): void {
    const { d, R, offset, invScale } = this;
    const nc = R * d;
    const row0 = this.binomial ? 1 : 0;
    W.fill(0);
    b.fill(0);
    for (let r = 0; r < R; r++) {
      const k = r + row0;
      let shiftB = 0;
      for (let j = 0; j < d; j++) {
        const v = w[r * d + j]! * invScale[j]!;
        W[k * d + j] = v;
        shiftB += v * offset[j]!;
      }
      b[k] = (this.fitIntercept ? w[nc + r]! : 0) - shiftB;
    }
  }

  /** A raw-coordinate gradient (G, gb) back to the model's coordinates (T^T), into g. */
  private fromRaw(G: Float64Array, gb: Float64Array, g: Float64Array): void {
    const { d, R, offset, invScale } = this;
    const nc = R * d;
    const row0 = this.binomial ? 1 : 0;
    for (let r = 0; r < R; r++) {
      const k = r + row0;
      const gk = gb[k]!;
      for (let j = 0; j < d; j++) g[r * d + j] = (G[k * d + j]! - gk * offset[j]!) * invScale[j]!;
      if (this.fitIntercept) g[nc + r] = gk;
    }
  }

  private penalty(w: Float64Array): number {
    if (this.l2 === 0) return 0;
    const nc = this.R * this.d;
    let s = 0;
    for (let j = 0; j < nc; j++) s += w[j]! * w[j]!;
    return 0.5 * this.l2 * s;
  }

  value(w: Float64Array): number {
    this.passes++;
    this.toRaw(w, this.Wk, this.bk);
    return this.sums.loss(this.Wk, this.bk) + this.penalty(w);
  }

  valueAndGradient(w: Float64Array, g: Float64Array): number {
    this.passes++;
    this.toRaw(w, this.Wk, this.bk);
    const loss = this.sums.lossGrad(this.Wk, this.bk, this.Gk, this.gbk);
    this.fromRaw(this.Gk, this.gbk, g);
    if (this.l2 !== 0) {
      const nc = this.R * this.d;
      for (let j = 0; j < nc; j++) g[j]! += this.l2 * w[j]!;
    }
    return loss + this.penalty(w);
  }

  hessianAt(w: Float64Array): HessianOperator {
    const W = new Float64Array(this.K * this.d);
    const b = new Float64Array(this.K);
    this.toRaw(w, W, b);
    const nc = this.R * this.d;
    return {
      apply: (v: Float64Array, out: Float64Array) => {
        this.passes++;
        this.toRaw(v, this.Vk, this.vbk);
        this.sums.hvp(W, b, this.Vk, this.vbk, this.Gk, this.gbk);
        this.fromRaw(this.Gk, this.gbk, out);
        if (this.l2 !== 0) for (let j = 0; j < nc; j++) out[j]! += this.l2 * v[j]!;
      },
    };
  }
}
