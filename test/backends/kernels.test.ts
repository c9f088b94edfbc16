/**
 * Kernel agreement: every fast path (WebAssembly SIMD f64/f32, monomorphic TypeScript dense f64/f32, CSR)
 * against a naive triple loop written here, and against each other. f64 paths agree to 1e-12 relative
 * (max |difference| / max |value|); float32 paths to float32 rounding.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { MatrixLossKernel, type LossKernel } from '../../src/backends/loss-kernel.js';
import { WasmDenseKernel } from '../../src/backends/dense-wasm.js';
import { CsrLossKernel } from '../../src/backends/csr-js.js';
import { WasmCsrKernel } from '../../src/backends/csr-wasm.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import { DataError } from '../../src/errors.js';
import { allocFloatArray, arenaOf, residentAvailable, RESIDENT_MIN_BYTES } from '../../src/kernels/resident.js';
import { wasmAvailable } from '../../src/kernels/wasm.js';
import { SoftmaxObjective } from '../../src/objective/softmax-objective.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface Problem {
  n: number;
  d: number;
  K: number;
  X: Float64Array;
  y: Int32Array;
  sw: Float64Array | null;
  W: Float64Array;
  b: Float64Array | null;
  V: Float64Array;
  vb: Float64Array | null;
}

function problem(n: number, d: number, K: number, weighted: boolean, intercept: boolean, seed: number, sparsity = 0): Problem {
  const r = lcg(seed);
  const X = new Float64Array(n * d).map(() => (r() < sparsity ? 0 : 2 * r() - 1));
  const y = new Int32Array(n).map(() => Math.floor(r() * K));
  const sw = weighted ? new Float64Array(n).map(() => 2 * r()) : null;
  const W = new Float64Array(K * d).map(() => r() - 0.5);
  const b = intercept ? new Float64Array(K).map(() => r() - 0.5) : null;
  const V = new Float64Array(K * d).map(() => r() - 0.5);
  const vb = intercept ? new Float64Array(K).map(() => r() - 0.5) : null;
  return { n, d, K, X, y, sw, W, b, V, vb };
}

/** Naive reference: loss, gradient, intercept gradient, H v, written independently of src/. */
function naive(p: Problem) {
  const { n, d, K, X, y, sw, W, b, V, vb } = p;
  let loss = 0;
  const G = new Float64Array(K * d);
  const gb = new Float64Array(K);
  const H = new Float64Array(K * d);
  const hb = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const z: number[] = [];
    const u: number[] = [];
    for (let k = 0; k < K; k++) {
      let s = b ? b[k]! : 0;
      let t = vb ? vb[k]! : 0;
      for (let j = 0; j < d; j++) {
        s += X[i * d + j]! * W[k * d + j]!;
        t += X[i * d + j]! * V[k * d + j]!;
      }
      z.push(s);
      u.push(t);
    }
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const se = e.reduce((a, c) => a + c, 0);
    const pr = e.map((v) => v / se);
    const s = sw ? sw[i]! : 1;
    loss += s * (m + Math.log(se) - z[y[i]!]!);
    const pu = pr.reduce((a, pk, k) => a + pk * u[k]!, 0);
    for (let k = 0; k < K; k++) {
      const r = s * (pr[k]! - (k === y[i] ? 1 : 0));
      const dd = s * pr[k]! * (u[k]! - pu);
      gb[k]! += r;
      hb[k]! += dd;
      for (let j = 0; j < d; j++) {
        G[k * d + j]! += r * X[i * d + j]!;
        H[k * d + j]! += dd * X[i * d + j]!;
      }
    }
  }
  return { loss, G, gb, H, hb };
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}

function run(kernel: LossKernel, p: Problem) {
  const G = new Float64Array(p.K * p.d).fill(NaN);
  const gb = p.b ? new Float64Array(p.K).fill(NaN) : null;
  const loss = kernel.lossGrad(p.W, p.b, G, gb);
  const lossOnly = kernel.loss(p.W, p.b);
  kernel.prepareHessian(p.W, p.b);
  const H = new Float64Array(p.K * p.d).fill(NaN);
  const hb = p.b ? new Float64Array(p.K).fill(NaN) : null;
  kernel.hvp(p.V, p.vb, H, hb);
  const Z = new Float64Array(p.n * p.K);
  kernel.scores(p.W, p.b, Z, 0, p.n);
  return { loss, lossOnly, G, gb, H, hb, Z };
}

function naiveScores(p: Problem): Float64Array {
  const Z = new Float64Array(p.n * p.K);
  for (let i = 0; i < p.n; i++)
    for (let k = 0; k < p.K; k++) {
      let s = p.b ? p.b[k]! : 0;
      for (let j = 0; j < p.d; j++) s += p.X[i * p.d + j]! * p.W[k * p.d + j]!;
      Z[i * p.K + k] = s;
    }
  return Z;
}

function assertAgree(got: ReturnType<typeof run>, p: Problem, tol: number, what: string) {
  const ref = naive(p);
  assert.ok(Math.abs(got.loss - ref.loss) <= tol * Math.abs(ref.loss), `${what}: loss ${got.loss} vs ${ref.loss}`);
  assert.ok(Math.abs(got.lossOnly - ref.loss) <= tol * Math.abs(ref.loss), `${what}: loss-only ${got.lossOnly} vs ${ref.loss}`);
  assert.ok(relDiff(got.G, ref.G) <= tol, `${what}: gradient rel diff ${relDiff(got.G, ref.G)}`);
  assert.ok(relDiff(got.H, ref.H) <= tol, `${what}: Hv rel diff ${relDiff(got.H, ref.H)}`);
  if (p.b) {
    assert.ok(relDiff(got.gb!, ref.gb) <= tol, `${what}: intercept gradient rel diff ${relDiff(got.gb!, ref.gb)}`);
    assert.ok(relDiff(got.hb!, ref.hb) <= tol, `${what}: intercept Hv rel diff ${relDiff(got.hb!, ref.hb)}`);
  }
  assert.ok(relDiff(got.Z, naiveScores(p)) <= tol, `${what}: scores`);
}

// Shapes chosen to hit every remainder: n mod 4 (row blocks), d mod 2 and mod 4 (SIMD lanes), K odd/even
// (class pairs), K = 2 (binary).
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 2],
  [7, 5, 3],
  [13, 8, 4],
  [50, 17, 10],
  [33, 64, 7],
  [258, 31, 5],
  [40, 23, 17],
  [21, 9, 38],
];

describe('kernel agreement (float64, 1e-12 relative)', () => {
  for (const [n, d, K] of SHAPES) {
    for (const weighted of [false, true]) {
      for (const intercept of [false, true]) {
        const name = `${n}x${d}x${K} weighted=${weighted} intercept=${intercept}`;
        it(`TypeScript dense: ${name}`, () => {
          const p = problem(n, d, K, weighted, intercept, n * 31 + d * 7 + K);
          assertAgree(run(new MatrixLossKernel(new DenseMatrix(n, d, p.X), p.y, K, p.sw), p), p, 1e-12, 'js dense');
        });
        it(`TypeScript CSR: ${name}`, () => {
          const p = problem(n, d, K, weighted, intercept, n * 31 + d * 7 + K + 1, 0.6);
          const rows = Array.from({ length: n }, (_, i) => Array.from(p.X.subarray(i * d, (i + 1) * d)));
          assertAgree(run(new MatrixLossKernel(CSRMatrix.fromDense(rows, d), p.y, K, p.sw), p), p, 1e-12, 'js csr');
        });
        it(`TypeScript CSR fused, transposed layout: ${name}`, () => {
          const p = problem(n, d, K, weighted, intercept, n * 31 + d * 7 + K + 3, 0.6);
          const rows = Array.from({ length: n }, (_, i) => Array.from(p.X.subarray(i * d, (i + 1) * d)));
          const k = new CsrLossKernel(CSRMatrix.fromDense(rows, d), p.y, K, p.sw);
          assertAgree(run(k, p), p, 1e-12, 'csr fused');
          assertAgree(run(k, p), p, 1e-12, 'csr fused (second call)');
        });
        it(`WebAssembly SIMD CSR: ${name}`, { skip: !wasmAvailable() && 'no WebAssembly SIMD here' }, () => {
          const p = problem(n, d, K, weighted, intercept, n * 31 + d * 7 + K + 4, 0.6);
          const rows = Array.from({ length: n }, (_, i) => Array.from(p.X.subarray(i * d, (i + 1) * d)));
          const k = new WasmCsrKernel(CSRMatrix.fromDense(rows, d), p.y, K, p.sw);
          assertAgree(run(k, p), p, 1e-12, 'wasm csr');
          assertAgree(run(k, p), p, 1e-12, 'wasm csr (second call)');
        });
        it(`WebAssembly SIMD dense: ${name}`, { skip: !wasmAvailable() && 'no WebAssembly SIMD here' }, () => {
          const p = problem(n, d, K, weighted, intercept, n * 31 + d * 7 + K + 2);
          const k = new WasmDenseKernel(new DenseMatrix(n, d, p.X), p.y, K, p.sw, 'float64');
          assertAgree(run(k, p), p, 1e-12, 'wasm f64');
          // A second call reuses the workspace: state from the first must not leak in.
          assertAgree(run(k, p), p, 1e-12, 'wasm f64 (second call)');
        });
      }
    }
  }
});

/** The problem with X rounded to float32, so the reference sees the same data as the float32 kernels. */
function roundedToF32(p: Problem): Problem {
  return { ...p, X: Float64Array.from(Float32Array.from(p.X)) };
}

describe('float32 kernels', () => {
  for (const [n, d, K] of SHAPES) {
    const p = roundedToF32(problem(n, d, K, true, true, n + d + K));
    it(`TypeScript float32 dense (float64 arithmetic): ${n}x${d}x${K}`, () => {
      const k = new MatrixLossKernel(new DenseMatrix(n, d, Float32Array.from(p.X)), p.y, K, p.sw);
      assertAgree(run(k, p), p, 1e-12, 'js f32');
    });
    it(`WebAssembly SIMD float32: ${n}x${d}x${K}`, { skip: !wasmAvailable() && 'no WebAssembly SIMD here' }, () => {
      // float32 products (W narrowed too): agreement to float32 rounding of d-term sums.
      const k = new WasmDenseKernel(new DenseMatrix(n, d, p.X), p.y, K, p.sw, 'float32');
      assertAgree(run(k, p), p, 2e-5, 'wasm f32');
    });
  }
});

describe('float32 CSR', () => {
  it('CSR with float32 values (widened once) agrees with the float64 reference', () => {
    const p = roundedToF32(problem(60, 40, 6, true, true, 77, 0.7));
    const csr = CSRMatrix.fromDense(
      Array.from({ length: 60 }, (_, i) => Array.from(p.X.subarray(i * 40, (i + 1) * 40))),
      40,
    );
    const X32 = new CSRMatrix(60, 40, csr.indptr, csr.indices, Float32Array.from(csr.data));
    assertAgree(run(new CsrLossKernel(X32, p.y, 6, p.sw), p), p, 1e-12, 'csr f32');
  });
});

describe('wasm-resident X (read in place, no copy)', { skip: !(wasmAvailable() && residentAvailable()) && 'no shared WebAssembly memory here' }, () => {
  // 3,000 x 50 doubles = 1.2 MB (float32: 0.6 MB, so 6,000 rows there): above RESIDENT_MIN_BYTES.
  function residentProblem(n: number, d: number, K: number, dtype: 'float64' | 'float32', seed: number) {
    const p = problem(n, d, K, true, true, seed);
    const q = dtype === 'float32' ? roundedToF32(p) : p;
    const M = DenseMatrix.zeros(n, d, dtype);
    M.data.set(q.X);
    return { p: q, M };
  }

  it('small arrays stay ordinary, large ones live in an arena', () => {
    assert.equal(arenaOf(allocFloatArray(16)), null);
    const big = allocFloatArray(RESIDENT_MIN_BYTES / 8);
    assert.ok(arenaOf(big) !== null);
    assert.ok(big instanceof Float64Array && big.every((v) => v === 0));
    assert.ok(arenaOf(DenseMatrix.fromArrays(Array.from({ length: 400 }, () => new Array(400).fill(1))).data) !== null);
  });

  it('float64 kernel on resident X agrees to 1e-12, and does not copy X', () => {
    const { p, M } = residentProblem(3000, 50, 4, 'float64', 21);
    const k = new WasmDenseKernel(M, p.y, 4, p.sw, 'float64');
    assert.equal(k.ws.resident, true);
    assert.equal(k.ws.pX, M.data.byteOffset);
    assertAgree(run(k, p), p, 1e-12, 'resident f64');
  });

  it('float32 kernel on resident float32 X agrees to float32 rounding', () => {
    const { p, M } = residentProblem(6000, 50, 3, 'float32', 22);
    const k = new WasmDenseKernel(M, p.y, 3, p.sw, 'float32');
    assert.equal(k.ws.resident, true);
    assertAgree(run(k, p), p, 2e-5, 'resident f32');
  });

  it('two live kernels on one arena use disjoint workspaces', () => {
    const { p, M } = residentProblem(3000, 50, 4, 'float64', 23);
    const k1 = new WasmDenseKernel(M, p.y, 4, p.sw, 'float64');
    const p3 = { ...p, K: 4, W: p.V, V: p.W };
    const k2 = new WasmDenseKernel(M, p.y, 4, p.sw, 'float64');
    assert.notEqual(k1.ws.pW, k2.ws.pW);
    // Interleave: cached probabilities of k1 must survive k2's calls.
    k1.prepareHessian(p.W, p.b);
    k2.prepareHessian(p3.W, p.b);
    const H = new Float64Array(4 * 50);
    const hb = new Float64Array(4);
    k1.hvp(p.V, p.vb, H, hb);
    const ref = naive(p);
    assert.ok(relDiff(H, ref.H) <= 1e-12);
    assertAgree(run(k2, p3), p3, 1e-12, 'second kernel');
  });

  it('a float64 resident X fitted in float32 converts once into its own arena', () => {
    const { p, M } = residentProblem(6000, 50, 3, 'float64', 24);
    const M32 = M.astype('float32');
    assert.ok(M32.data instanceof Float32Array && arenaOf(M32.data) !== null);
    assert.equal(M.astype('float64'), M);
    const k = new WasmDenseKernel(M32, p.y, 3, p.sw, 'float32');
    assert.equal(k.ws.resident, true);
    assertAgree(run(k, roundedToF32(p)), roundedToF32(p), 2e-5, 'astype f32');
  });
});

describe('kernel choice and stability', () => {
  it('SoftmaxObjective uses the fused CSR kernel for sparse data', () => {
    const p = problem(100, 50, 3, false, true, 11, 0.5);
    const X = CSRMatrix.fromDense(
      Array.from({ length: 100 }, (_, i) => Array.from(p.X.subarray(i * 50, (i + 1) * 50))),
      50,
    );
    const o = new SoftmaxObjective(X, p.y, 3, { l2: 1, fitIntercept: true });
    assert.equal(o.kernel.name, wasmAvailable() ? 'wasm-csr' : 'js-csr');
    assert.equal(new SoftmaxObjective(X, p.y, 3, { l2: 1, fitIntercept: true, kernel: 'js' }).kernel.name, 'js-csr');
    const tiny = CSRMatrix.fromDense(
      [
        [1, 0],
        [0, 2],
        [3, 0],
      ],
      2,
    );
    assert.equal(new SoftmaxObjective(tiny, new Int32Array([0, 1, 1]), 2, { l2: 1, fitIntercept: true }).kernel.name, 'js-csr');
  });

  it('CSR loss stays finite and exact for logits near +-1e300', () => {
    const X = CSRMatrix.fromDense([[1], [1], [1], [1]], 1);
    const k = new CsrLossKernel(X, new Int32Array([0, 0, 1, 1]), 2, null);
    const G = new Float64Array(2);
    assert.equal(k.lossGrad(new Float64Array([1e300, -1e300]), null, G, null), 4e300);
    assert.deepEqual(Array.from(G), [2, -2]);
    if (wasmAvailable()) {
      const kw = new WasmCsrKernel(X, new Int32Array([0, 0, 1, 1]), 2, null);
      assert.equal(kw.lossGrad(new Float64Array([1e300, -1e300]), null, G, null), 4e300);
      assert.deepEqual(Array.from(G), [2, -2]);
    }
  });

  it('prediction names the row and column of a NaN or Infinity (scores scan, then X scan)', () => {
    const n = 300;
    const d = 100;
    const p = problem(n, d, 3, false, true, 9);
    const y = Array.from(p.y);
    for (const dtype of ['float64', 'float32'] as const) {
      const m = new SoftmaxRegression({ maxIter: 3 }).fit(new DenseMatrix(n, d, dtype === 'float64' ? p.X.slice() : Float32Array.from(p.X)), y);
      for (const bad of [NaN, Infinity, -Infinity]) {
        const X = dtype === 'float64' ? p.X.slice() : Float32Array.from(p.X);
        X[123 * d + 45] = bad;
        assert.throws(
          () => m.predictProbaFlat(new DenseMatrix(n, d, X)),
          (e: unknown) => e instanceof DataError && e.code === 'NON_FINITE' && e.row === 123 && e.column === 45,
          `${dtype} ${bad}`,
        );
      }
    }
    // Sparse input goes through the same check.
    const m = new SoftmaxRegression({ maxIter: 3 }).fit(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      [0, 1, 1],
    );
    const csr = CSRMatrix.fromDense(
      [
        [1, 0],
        [0, 1],
      ],
      2,
    );
    (csr.data as Float64Array)[1] = NaN;
    assert.throws(
      () => m.predict(csr),
      (e: unknown) => e instanceof DataError && e.code === 'NON_FINITE' && e.row === 1 && e.column === 1,
    );
  });

  it('SoftmaxObjective uses WebAssembly for dense data when available, TypeScript when asked', { skip: !wasmAvailable() && 'no WebAssembly SIMD here' }, () => {
    const p = problem(40, 30, 4, false, true, 5);
    const X = new DenseMatrix(40, 30, p.X);
    const fast = new SoftmaxObjective(X, p.y, 4, { l2: 0.5, fitIntercept: true });
    const slow = new SoftmaxObjective(X, p.y, 4, { l2: 0.5, fitIntercept: true, kernel: 'js' });
    const f32 = new SoftmaxObjective(X, p.y, 4, { l2: 0.5, fitIntercept: true, dtype: 'float32' });
    assert.equal(fast.kernel.name, 'wasm-float64');
    assert.equal(slow.kernel.name, 'js');
    assert.equal(f32.kernel.name, 'wasm-float32');
    const w = new Float64Array(fast.dimension).map((_, i) => Math.sin(i));
    const g1 = new Float64Array(fast.dimension);
    const g2 = new Float64Array(fast.dimension);
    const f1 = fast.valueAndGradient(w, g1);
    const f2 = slow.valueAndGradient(w, g2);
    assert.ok(Math.abs(f1 - f2) <= 1e-12 * Math.abs(f2));
    assert.ok(relDiff(g1, g2) <= 1e-12);
  });

  it('WebAssembly loss stays finite and exact for logits near +-1e300', { skip: !wasmAvailable() && 'no WebAssembly SIMD here' }, () => {
    // One feature equal to 1, W column = +-1e300: scores +-1e300; the confidently wrong sample's loss is
    // logsumexp - z_y = 1e300 - (-1e300) = 2e300, finite.
    const X = new DenseMatrix(4, 1, new Float64Array([1, 1, 1, 1]));
    const y = new Int32Array([0, 0, 1, 1]);
    const k = new WasmDenseKernel(X, y, 2, null, 'float64');
    const W = new Float64Array([1e300, -1e300]);
    const G = new Float64Array(2);
    const loss = k.lossGrad(W, null, G, null);
    assert.equal(loss, 4e300);
    assert.ok(G.every(Number.isFinite));
    assert.deepEqual(Array.from(G), [2, -2]);
  });
});
