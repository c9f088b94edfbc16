/**
 * The binomial WebAssembly kernel (src/backends/binomial-wasm.ts, assembly/kernels.ts binomial*F64) against
 * the TypeScript row loops of LinearFiniteSum with binomialRowLoss (kernel 'js'): value, gradient and
 * Hessian-vector products to 1e-12 relative over shapes that exercise every code path (n not a multiple of
 * 4: the one-row tail; odd d: the scalar column; no intercept; sample weights), per-row losses to a few ulp,
 * and extreme scores (|z| ~ 800) finite and equal.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { binomialRowLoss, LinearFiniteSum } from '../../src/objective/finite-sum.js';
import { BinomialObjective } from '../../src/objective/binomial-objective.js';
import { WasmBinomialKernel } from '../../src/backends/binomial-wasm.js';
import { wasmAvailable } from '../../src/kernels/wasm.js';
import { rng } from '../helpers.js';

const skip = !wasmAvailable() && 'WebAssembly SIMD unavailable';

interface Case {
  n: number;
  d: number;
  fitIntercept: boolean;
  weighted: boolean;
  /** Scale of X (and so of the scores). */
  scale: number;
}

function make(c: Case, seed: number) {
  const r = rng(seed);
  const X = new DenseMatrix(
    c.n,
    c.d,
    Float64Array.from({ length: c.n * c.d }, () => c.scale * (2 * r() - 1)),
  );
  const y = Int32Array.from({ length: c.n }, () => (r() < 0.4 ? 1 : 0));
  const sw = c.weighted ? Float64Array.from({ length: c.n }, (_, i) => (i % 7 === 3 ? 0 : 2 * r())) : null;
  const dim = c.d + (c.fitIntercept ? 1 : 0);
  const w = Float64Array.from({ length: dim }, () => r() - 0.5);
  const v = Float64Array.from({ length: dim }, () => r() - 0.5);
  return { X, y, sw, w, v };
}

/** max |a - b| / max |b| (the kernels' agreement measure). */
function relDiff(a: Float64Array, b: Float64Array): number {
  let diff = 0;
  let top = 0;
  for (let j = 0; j < b.length; j++) {
    diff = Math.max(diff, Math.abs(a[j]! - b[j]!));
    top = Math.max(top, Math.abs(b[j]!));
  }
  return top === 0 ? diff : diff / top;
}

function pair(c: Case, seed: number, l2 = 0.7) {
  const { X, y, sw, w, v } = make(c, seed);
  const js = new LinearFiniteSum(X, y, binomialRowLoss, { l2, fitIntercept: c.fitIntercept, sampleWeight: sw, kernel: 'js' });
  const wasm = new LinearFiniteSum(X, y, binomialRowLoss, { l2, fitIntercept: c.fitIntercept, sampleWeight: sw, kernel: 'wasm' });
  return { js, wasm, w, v };
}

const CASES: Case[] = [];
for (const n of [1, 3, 4, 5, 7, 64, 103]) {
  for (const d of [1, 2, 7, 30]) {
    for (const fitIntercept of [true, false]) {
      CASES.push({ n, d, fitIntercept, weighted: (n + d) % 2 === 1, scale: 1 });
    }
  }
}
CASES.push({ n: 455, d: 30, fitIntercept: true, weighted: true, scale: 1 });
CASES.push({ n: 455, d: 31, fitIntercept: false, weighted: false, scale: 3 });

describe('binomial wasm kernel vs the TypeScript rows', { skip }, () => {
  it('runs on the wasm kernel, and the reference on the rows (the comparison is not vacuous)', () => {
    const { js, wasm } = pair({ n: 9, d: 3, fitIntercept: true, weighted: false, scale: 1 }, 1);
    assert.equal(wasm.kernelName, 'wasm-binomial-float64');
    assert.equal(js.kernelName, 'js-rows');
  });

  it('value, gradient and value alone agree to 1e-12 relative (weights, no intercept, odd d, n % 4 != 0)', () => {
    let seed = 10;
    for (const c of CASES) {
      const { js, wasm, w } = pair(c, seed++);
      const gj = new Float64Array(w.length);
      const gw = new Float64Array(w.length);
      const fj = js.valueAndGradient(w, gj);
      const fw = wasm.valueAndGradient(w, gw);
      const tag = JSON.stringify(c);
      assert.ok(Math.abs(fw - fj) <= 1e-12 * Math.abs(fj), `${tag}: value ${fw} vs ${fj}`);
      assert.ok(relDiff(gw, gj) <= 1e-12, `${tag}: gradient ${relDiff(gw, gj)}`);
      assert.ok(Math.abs(wasm.value(w) - fj) <= 1e-12 * Math.abs(fj), `${tag}: value alone`);
      // The intercept gradient is there, and not a copy of a coefficient's.
      if (c.fitIntercept) assert.ok(Math.abs(gw[c.d]! - gj[c.d]!) <= 1e-12 * Math.max(1, Math.abs(gj[c.d]!)), `${tag}: intercept gradient`);
      wasm.dispose();
    }
  });

  it('Hessian-vector products agree to 1e-12 relative', () => {
    let seed = 500;
    for (const c of CASES) {
      const { js, wasm, w, v } = pair(c, seed++);
      const hj = new Float64Array(w.length);
      const hw = new Float64Array(w.length);
      js.hessianAt(w).apply(v, hj);
      const H = wasm.hessianAt(w);
      H.apply(v, hw);
      assert.ok(relDiff(hw, hj) <= 1e-12, `${JSON.stringify(c)}: H v ${relDiff(hw, hj)}`);
      // A second product with the same operator reuses the cached curvatures.
      const v2 = v.map((t) => -2 * t);
      H.apply(v2, hw);
      js.hessianAt(w).apply(v2, hj);
      assert.ok(relDiff(hw, hj) <= 1e-12, `${JSON.stringify(c)}: second H v`);
      wasm.dispose();
    }
  });

  it('extreme scores (|z| ~ 800): finite loss and gradient, equal to the TypeScript rows', () => {
    for (const fitIntercept of [true, false]) {
      const c: Case = { n: 23, d: 3, fitIntercept, weighted: true, scale: 1 };
      const { X, y, sw } = make(c, 77);
      // Rows alternate between scores near +-800 (both labels: right and badly wrong) and moderate ones.
      for (let i = 0; i < c.n; i++) X.data[i * 3] = i % 3 === 2 ? 0.3 : (i % 2 === 0 ? 1 : -1) * (780 + i);
      const w = Float64Array.from(fitIntercept ? [1, 0.01, -0.02, 0.5] : [1, 0.01, -0.02]);
      const js = new LinearFiniteSum(X, y, binomialRowLoss, { l2: 0, fitIntercept, sampleWeight: sw, kernel: 'js' });
      const wasm = new LinearFiniteSum(X, y, binomialRowLoss, { l2: 0, fitIntercept, sampleWeight: sw, kernel: 'wasm' });
      const gj = new Float64Array(w.length);
      const gw = new Float64Array(w.length);
      const fj = js.valueAndGradient(w, gj);
      const fw = wasm.valueAndGradient(w, gw);
      assert.ok(Number.isFinite(fw) && fw > 1000, `value ${fw}`);
      gw.forEach((g) => assert.ok(Number.isFinite(g), `gradient ${g}`));
      assert.ok(Math.abs(fw - fj) <= 1e-12 * fj, `value ${fw} vs ${fj}`);
      assert.ok(relDiff(gw, gj) <= 1e-12, `gradient ${relDiff(gw, gj)}`);
      const hw = new Float64Array(w.length);
      const hj = new Float64Array(w.length);
      wasm.hessianAt(w).apply(w, hw);
      js.hessianAt(w).apply(w, hj);
      hw.forEach((h) => assert.ok(Number.isFinite(h), `H v ${h}`));
      assert.ok(relDiff(hw, hj) <= 1e-12, `H v ${relDiff(hw, hj)}`);
      wasm.dispose();
    }
  });

  it("scikit-learn's examples of huge scores: exactly 800 and its gradient, as the TypeScript rows", () => {
    // As test/parity/binomial.test.ts's log1p case, on the wasm kernel: z = 800 for a positive and a negative row.
    const X = new DenseMatrix(2, 1, Float64Array.from([1, 1]));
    const f = new LinearFiniteSum(X, Int32Array.from([1, 0]), binomialRowLoss, { l2: 0, fitIntercept: false, kernel: 'wasm' });
    assert.equal(f.kernelName, 'wasm-binomial-float64');
    const g = new Float64Array(1);
    assert.equal(f.valueAndGradient(Float64Array.from([800]), g), 800);
    assert.equal(g[0], 1);
    const v2 = f.value(Float64Array.from([-1e-3]));
    assert.ok(Math.abs(v2 - (Math.log1p(Math.exp(1e-3)) + Math.log1p(Math.exp(-1e-3)))) < 1e-15, `value at z = -1e-3: ${v2}`);
    f.dispose();
  });

  it('per-row losses and residuals within a few ulp of the TypeScript formulas, over scores from 1e-12 to 745', () => {
    // Four rows per problem (the four-row block path; the one-row tail is covered above): the loss sum of
    // four nonnegative terms is within a few ulp when each term is.
    const zs: number[] = [];
    for (let e = -12; e <= 2.87; e += 0.05) zs.push(10 ** e, -(10 ** e));
    for (let k = 0; k < 200; k++) zs.push(-745 + 7.45 * k);
    zs.push(0, 0.414213562373095, 0.881373587019543, Math.log(2), -Math.log(2), 36.7, -36.7, 708.39, -708.39, 709.78, 745.1);
    while (zs.length % 4 !== 0) zs.push(0.25);
    let worst = 0;
    let worstGrad = 0;
    for (let i = 0; i < zs.length; i += 4) {
      const X = new DenseMatrix(4, 1, Float64Array.from(zs.slice(i, i + 4)));
      for (const label of [0, 1]) {
        const y = Int32Array.from([label, 1 - label, label, 1 - label]);
        const k = new WasmBinomialKernel(X, y, null);
        const G = new Float64Array(1);
        const gb = new Float64Array(1);
        const l = k.lossGrad(Float64Array.from([1]), Float64Array.from([0]), G, gb);
        k.dispose();
        let ref = 0;
        let refG = 0;
        let refB = 0;
        for (let r = 0; r < 4; r++) {
          const z = X.data[r]!;
          const m = y[r] === 1 ? -z : z;
          ref += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
          const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
          refG += (p - y[r]!) * z;
          refB += Math.abs(p - y[r]!) * Math.abs(z);
        }
        // Relative to the loss (terms >= 0); the gradient's terms cancel, so relative to the sum of their sizes.
        const err = Math.abs(l - ref) <= 1e-300 ? 0 : Math.abs(l - ref) / ref;
        worst = Math.max(worst, err);
        worstGrad = Math.max(worstGrad, refB === 0 ? 0 : Math.abs(G[0]! - refG) / refB);
        assert.ok(Number.isFinite(l) && Number.isFinite(G[0]!) && Number.isFinite(gb[0]!), `rows ${zs.slice(i, i + 4)}`);
      }
    }
    assert.ok(worst < 2e-15, `worst relative loss error ${worst}`);
    assert.ok(worstGrad < 1e-14, `worst relative gradient error ${worstGrad}`);
  });

  it('throws when used after dispose; a stale Hessian operator throws', () => {
    const { X, y } = make({ n: 12, d: 3, fitIntercept: true, weighted: false, scale: 1 }, 5);
    const k = new WasmBinomialKernel(X, y, null);
    const obj = new BinomialObjective(3, true, 0.5, k);
    const w = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
    const H1 = obj.hessianAt(w);
    obj.hessianAt(w);
    assert.throws(() => H1.apply(w, new Float64Array(4)), /stale Hessian operator/);
    obj.dispose();
    assert.throws(() => obj.value(w), /after dispose/);
  });
});
