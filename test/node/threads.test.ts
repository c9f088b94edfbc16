/**
 * The worker-thread kernel (node/threads.ts) agrees with the single-thread TypeScript kernel: f64 to
 * 1e-12 relative, f32 with its own float32 rounding; and a fit through enableThreads() matches a
 * single-thread fit.
 */
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { MatrixLossKernel } from '../../src/backends/loss-kernel.js';
import { WasmDenseKernel } from '../../src/backends/dense-wasm.js';
import { SoftmaxObjective } from '../../src/objective/softmax-objective.js';
import { disableThreads, enableThreads, threadedCsrKernel, threadedKernel, threadsAvailable } from '../../node/threads.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { CsrLossKernel } from '../../src/backends/csr-js.js';
import { predictProbabilities, predictScores } from '../../src/backends/predict.js';
import { threadHost } from '../../src/backends/provider.js';
import { arenaOf } from '../../src/kernels/resident.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

const skip = !threadsAvailable() && 'no shared WebAssembly memory here';

describe('worker-thread kernel', { skip }, () => {
  after(() => disableThreads());
  const n = 1003;
  const d = 37;
  const K = 5;
  const r = lcg(7);
  const X = new DenseMatrix(
    n,
    d,
    new Float64Array(n * d).map(() => 2 * r() - 1),
  );
  const y = new Int32Array(n).map(() => Math.floor(r() * K));
  const sw = new Float64Array(n).map(() => 0.5 + r());
  const W = new Float64Array(K * d).map(() => r() - 0.5);
  const b = new Float64Array(K).map(() => r() - 0.5);
  const V = new Float64Array(K * d).map(() => r() - 0.5);
  const vb = new Float64Array(K).map(() => r() - 0.5);

  function all(k: MatrixLossKernel | WasmDenseKernel | ReturnType<typeof threadedKernel>) {
    const G = new Float64Array(K * d);
    const gb = new Float64Array(K);
    const f = k.lossGrad(W, b, G, gb);
    const f2 = k.loss(W, b);
    k.prepareHessian(W, b);
    const H = new Float64Array(K * d);
    const hb = new Float64Array(K);
    k.hvp(V, vb, H, hb);
    return { f, f2, G, gb, H, hb };
  }

  it('float64: loss, gradient and Hessian-vector product agree with the TypeScript kernel to 1e-12', () => {
    const ref = all(new MatrixLossKernel(X, y, K, sw));
    const got = all(threadedKernel(X, y, K, sw, 'float64', 2));
    assert.ok(Math.abs(got.f - ref.f) <= 1e-12 * Math.abs(ref.f));
    assert.ok(Math.abs(got.f2 - ref.f) <= 1e-12 * Math.abs(ref.f));
    for (const key of ['G', 'gb', 'H', 'hb'] as const) assert.ok(relDiff(got[key], ref[key]) <= 1e-12, `${key}: ${relDiff(got[key], ref[key])}`);
  });

  it('float32: agrees with the single-thread float32 wasm kernel to float32 rounding', () => {
    const ref = all(new WasmDenseKernel(X, y, K, sw, 'float32'));
    const got = all(threadedKernel(X, y, K, sw, 'float32', 2));
    assert.ok(Math.abs(got.f - ref.f) <= 1e-9 * Math.abs(ref.f));
    for (const key of ['G', 'gb', 'H', 'hb'] as const) assert.ok(relDiff(got[key], ref[key]) <= 1e-5, `${key}: ${relDiff(got[key], ref[key])}`);
  });

  it('wasm-resident X (read in place by the workers, no copy) agrees with the TypeScript kernel to 1e-12', () => {
    // 4,000 x 40 doubles = 1.28 MB: above RESIDENT_MIN_BYTES, so DenseMatrix.zeros puts it in an arena.
    const nr = 4000;
    const rr = lcg(11);
    const XR = DenseMatrix.zeros(nr, d);
    XR.data.set(new Float64Array(nr * d).map(() => 2 * rr() - 1));
    const yr = new Int32Array(nr).map(() => Math.floor(rr() * K));
    const big = { W, b, V, vb };
    const ref = new MatrixLossKernel(XR, yr, K, null);
    const k = threadedKernel(XR, yr, K, null, 'float64', 2);
    assert.equal(k.view.resident, arenaOf(XR.data) !== null);
    const G1 = new Float64Array(K * d);
    const G2 = new Float64Array(K * d);
    const f1 = ref.lossGrad(big.W, big.b, G1, new Float64Array(K));
    const f2 = k.lossGrad(big.W, big.b, G2, new Float64Array(K));
    assert.ok(Math.abs(f1 - f2) <= 1e-12 * Math.abs(f1));
    assert.ok(relDiff(G2, G1) <= 1e-12);
    ref.prepareHessian(big.W, big.b);
    k.prepareHessian(big.W, big.b);
    ref.hvp(big.V, big.vb, G1, new Float64Array(K));
    k.hvp(big.V, big.vb, G2, new Float64Array(K));
    assert.ok(relDiff(G2, G1) <= 1e-12);
  });

  it('attach requests made faster than a worker handles them: the latest problem wins, nothing breaks', () => {
    // Each kernel asks the workers to attach without waiting ('auto' fits do): a worker may find several
    // requests queued when it wakes, and later sequence numbers whose message it has already read.
    const ref = all(new MatrixLossKernel(X, y, K, null));
    let last = threadedKernel(X, y, K, null, 'float64', 2, false);
    for (let i = 0; i < 40; i++) last = threadedKernel(X, y, K, null, 'float64', 2, false);
    for (let rep = 0; rep < 20; rep++) {
      const got = all(last);
      assert.ok(Math.abs(got.f - ref.f) <= 1e-12 * Math.abs(ref.f));
      assert.ok(relDiff(got.G, ref.G) <= 1e-12);
      assert.ok(relDiff(got.H, ref.H) <= 1e-12);
    }
    assert.equal(last.threadsUsed, 2, 'the workers joined');
  });

  it('two kernels alternate on one pool (re-attach), still exact', () => {
    const k1 = threadedKernel(X, y, K, null, 'float64', 2);
    const X2 = new DenseMatrix(
      n,
      d,
      X.data.map((v) => -v),
    );
    const k2 = threadedKernel(X2, y, K, null, 'float64', 2);
    const o1 = new SoftmaxObjective(X, y, K, { l2: 1, fitIntercept: true, lossKernel: k1 });
    const o2 = new SoftmaxObjective(X2, y, K, { l2: 1, fitIntercept: true, lossKernel: k2 });
    const ref1 = new SoftmaxObjective(X, y, K, { l2: 1, fitIntercept: true, kernel: 'js' });
    const ref2 = new SoftmaxObjective(X2, y, K, { l2: 1, fitIntercept: true, kernel: 'js' });
    const w = new Float64Array(o1.dimension).map((_, i) => 0.1 * Math.cos(i));
    const g = new Float64Array(o1.dimension);
    const gr = new Float64Array(o1.dimension);
    for (const [o, ref] of [
      [o1, ref1],
      [o2, ref2],
      [o1, ref1],
    ] as const) {
      const f = o.valueAndGradient(w, g);
      const fr = ref.valueAndGradient(w, gr);
      assert.ok(Math.abs(f - fr) <= 1e-12 * Math.abs(fr));
      assert.ok(relDiff(g, gr) <= 1e-12);
    }
  });
});

describe('prediction over the worker pool', { skip }, () => {
  after(() => disableThreads());
  // 2,003 x 200 x 5 = 2.0e6 multiply-adds (at THREADS_MIN_WORK), 3.2 MB of X (wasm-resident); an odd row
  // count leaves a tail of rows that is not a multiple of the kernels' 4-row block.
  const n = 2003;
  const d = 200;
  const K = 5;
  const r = lcg(21);
  const W = new Float64Array(K * d).map(() => 0.3 * (r() - 0.5));
  const b = new Float64Array(K).map(() => r() - 0.5);

  function residentX(dtype: 'float64' | 'float32'): DenseMatrix {
    const X = DenseMatrix.zeros(n, d, dtype);
    for (let i = 0; i < X.data.length; i++) X.data[i] = 2 * r() - 1;
    return X;
  }

  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: scores and probabilities are bit-identical to the single-thread path (with and without intercept)`, async () => {
      const X = residentX(dtype);
      assert.ok(arenaOf(X.data) !== null, 'X should be wasm-resident');
      const single = (f: typeof predictScores, bb: Float64Array | null) => {
        const out = new Float64Array(n * K);
        f(X, W, K, bb, out);
        return out;
      };
      const refs = [single(predictScores, b), single(predictProbabilities, b), single(predictScores, null), single(predictProbabilities, null)];
      assert.equal(enableThreads(2), 2);
      const provider = (Xp: DenseMatrix, Wp: Float64Array, Kp: number, bp: Float64Array | null, out: Float64Array, softmax: boolean) =>
        threadHost()!.scores(Xp, Wp, Kp, bp, out, softmax, 2);
      // The provider takes this X (else the comparison below would compare the single-thread path to itself).
      assert.equal(provider(X, W, K, b, new Float64Array(n * K), true), true);
      const got = [single(predictScores, b), single(predictProbabilities, b), single(predictScores, null), single(predictProbabilities, null)];
      await disableThreads();
      for (let t = 0; t < refs.length; t++) assert.deepEqual(got[t], refs[t], `case ${t}`);
      // And the single-thread probabilities are the softmax of the TypeScript scores (1e-12; float32: the
      // wasm kernel multiplies by float32 W, so float32 rounding).
      const tol = dtype === 'float64' ? 1e-12 : 1e-5;
      const js = new Float64Array(n * K);
      X.scores(W, K, b, js);
      for (let i = 0; i < n; i++) {
        let m = -Infinity;
        for (let k = 0; k < K; k++) m = Math.max(m, js[i * K + k]!);
        let s = 0;
        for (let k = 0; k < K; k++) s += Math.exp(js[i * K + k]! - m);
        for (let k = 0; k < K; k++) {
          const p = Math.exp(js[i * K + k]! - m) / s;
          assert.ok(Math.abs(refs[1]![i * K + k]! - p) <= tol, `row ${i} class ${k}`);
        }
      }
    });
  }

  it('a fit kernel and predictions take turns on the pool; small or non-resident X stays single-thread', async () => {
    const X = residentX('float64');
    const y = new Int32Array(n).map(() => Math.floor(r() * K));
    const ref = new Float64Array(n * K);
    predictProbabilities(X, W, K, b, ref);
    enableThreads(2);
    const k = threadedKernel(X, y, K, null, 'float64', 2);
    const G = new Float64Array(K * d);
    const f0 = k.lossGrad(W, b, G, new Float64Array(K));
    const out = new Float64Array(n * K);
    predictProbabilities(X, W, K, b, out);
    assert.deepEqual(out, ref);
    // Back to the fit kernel (re-attach), then predict again.
    assert.equal(k.lossGrad(W, b, G, new Float64Array(K)), f0);
    out.fill(0);
    predictProbabilities(X, W, K, b, out);
    assert.deepEqual(out, ref);
    const provider = (Xp: DenseMatrix, Wp: Float64Array, Kp: number, bp: Float64Array | null, out: Float64Array, softmax: boolean) =>
      threadHost()!.scores(Xp, Wp, Kp, bp, out, softmax, 2);
    const small = new DenseMatrix(40, d, X.data.slice(0, 40 * d));
    assert.equal(provider(small, W, K, b, new Float64Array(40 * K), true), false);
    const plain = new DenseMatrix(n, d, X.data.slice());
    assert.equal(arenaOf(plain.data), null);
    assert.equal(provider(plain, W, K, b, new Float64Array(n * K), true), false);
    await disableThreads();
    assert.ok(Number.isFinite(f0));
  });
});

describe('CSR loss kernel over the worker pool', { skip }, () => {
  after(() => disableThreads());
  // 3,001 rows x 500 features, 1-30 nonzeros a row (uneven, so the nonzero-balanced split matters).
  const n = 3001;
  const d = 500;
  const K = 7;
  const r = lcg(33);
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    const m = 1 + Math.floor(r() * r() * 30);
    while (cols.size < m) cols.add(Math.floor(r() * d));
    for (const j of [...cols].sort((a, b) => a - b)) {
      idx.push(j);
      val.push(2 * r() - 1);
    }
    indptr[i + 1] = idx.length;
  }
  const X = new CSRMatrix(n, d, indptr, Int32Array.from(idx), Float64Array.from(val));
  const y = new Int32Array(n).map(() => Math.floor(r() * K));
  const sw = new Float64Array(n).map(() => 0.5 + r());
  const W = new Float64Array(K * d).map(() => r() - 0.5);
  const b = new Float64Array(K).map(() => r() - 0.5);
  const V = new Float64Array(K * d).map(() => r() - 0.5);
  const vb = new Float64Array(K).map(() => r() - 0.5);

  function all(
    k: { lossGrad: CsrLossKernel['lossGrad']; loss: CsrLossKernel['loss']; prepareHessian: CsrLossKernel['prepareHessian']; hvp: CsrLossKernel['hvp'] },
    withB: boolean,
  ) {
    const G = new Float64Array(K * d);
    const gb = new Float64Array(K);
    const bb = withB ? b : null;
    const f = k.lossGrad(W, bb, G, withB ? gb : null);
    const f2 = k.loss(W, bb);
    k.prepareHessian(W, bb);
    const H = new Float64Array(K * d);
    const hb = new Float64Array(K);
    k.hvp(V, withB ? vb : null, H, withB ? hb : null);
    return { f, f2, G, gb, H, hb };
  }

  for (const [weights, withB] of [
    [sw, true],
    [null, false],
  ] as const) {
    it(`loss, gradient and Hessian-vector product agree with the TypeScript CSR kernel to 1e-12 (${weights ? 'weights, intercept' : 'no weights, no intercept'})`, () => {
      const ref = all(new CsrLossKernel(X, y, K, weights), withB);
      const k = threadedCsrKernel(X, y, K, weights, 2);
      assert.equal(k.name, 'wasm-csr-threads2');
      const got = all(k, withB);
      assert.ok(Math.abs(got.f - ref.f) <= 1e-12 * Math.abs(ref.f));
      assert.ok(Math.abs(got.f2 - ref.f) <= 1e-12 * Math.abs(ref.f));
      for (const key of withB ? (['G', 'gb', 'H', 'hb'] as const) : (['G', 'H'] as const))
        assert.ok(relDiff(got[key], ref[key]) <= 1e-12, `${key}: ${relDiff(got[key], ref[key])}`);
    });
  }

  it('enableThreads: a CSR objective above the threshold gets the threaded kernel, and agrees', async () => {
    // 12,000 rows x 20 nonzeros x 10 classes = 2.4e6 multiply-adds a pass: above THREADS_MIN_WORK.
    const nb = 12000;
    const Kb = 10;
    const ip = new Int32Array(nb + 1);
    const ix = new Int32Array(nb * 20);
    const dv = new Float64Array(nb * 20);
    for (let i = 0; i < nb; i++) {
      const first = Math.floor(r() * (d - 20 * 20));
      for (let q = 0; q < 20; q++) {
        ix[i * 20 + q] = first + 20 * q + Math.floor(r() * 20);
        dv[i * 20 + q] = 2 * r() - 1;
      }
      ip[i + 1] = (i + 1) * 20;
    }
    const Xb = new CSRMatrix(nb, d, ip, ix, dv);
    const yb = new Int32Array(nb).map(() => Math.floor(r() * Kb));
    enableThreads(2);
    const o = new SoftmaxObjective(Xb, yb, Kb, { l2: 1, fitIntercept: true });
    assert.equal(o.kernel.name, 'wasm-csr-threads2');
    const ref = new SoftmaxObjective(Xb, yb, Kb, { l2: 1, fitIntercept: true, kernel: 'js' });
    const w = new Float64Array(o.dimension).map((_, i) => 0.1 * Math.sin(i));
    const g = new Float64Array(o.dimension);
    const gr = new Float64Array(o.dimension);
    const f = o.valueAndGradient(w, g);
    const fr = ref.valueAndGradient(w, gr);
    assert.ok(Math.abs(f - fr) <= 1e-12 * Math.abs(fr));
    assert.ok(relDiff(g, gr) <= 1e-12);
    await disableThreads();
    assert.equal(new SoftmaxObjective(Xb, yb, Kb, { l2: 1, fitIntercept: true }).kernel.name, 'wasm-csr');
  });
});
