/**
 * The binomial objective's kernel policy (src/objective/binomial-objective.ts) and the default binomial fit
 * on it: the wasm kernel under the softmax objective's rules ('auto' | 'wasm' | 'js', the WASM_MIN_WORK size
 * test, dense only), and breast_cancer reaching scikit-learn's optimum on it as on the TypeScript rows.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { binomialRowLoss, LinearFiniteSum } from '../../src/objective/finite-sum.js';
import { BinomialObjective, chooseBinomialKernel } from '../../src/objective/binomial-objective.js';
import { WasmBinomialKernel } from '../../src/backends/binomial-wasm.js';
import { WASM_MIN_WORK } from '../../src/objective/softmax-objective.js';
import { wasmAvailable } from '../../src/kernels/wasm.js';
import { binomialProblem } from '../../src/model/dispatch.js';
import { resolveOptions } from '../../src/model/options.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import { FIXTURES, loadFixtureCsv, rng } from '../helpers.js';

const skip = !wasmAvailable() && 'WebAssembly SIMD unavailable';

function dense(n: number, d: number, seed: number): DenseMatrix {
  const r = rng(seed);
  return new DenseMatrix(
    n,
    d,
    Float64Array.from({ length: n * d }, () => 2 * r() - 1),
  );
}

describe('binomial kernel policy', { skip }, () => {
  const big = dense(Math.ceil(WASM_MIN_WORK / 8), 8, 1);
  const small = dense(10, 8, 2);
  const yBig = Int32Array.from({ length: big.rows }, (_, i) => i % 2);
  const ySmall = Int32Array.from({ length: small.rows }, (_, i) => i % 2);

  it("'auto': wasm for dense X of at least WASM_MIN_WORK multiply-adds per pass, TypeScript below", () => {
    const k = chooseBinomialKernel(big, yBig, null, 'auto');
    assert.equal(k?.name, 'wasm-binomial-float64');
    k!.dispose!();
    assert.equal(chooseBinomialKernel(small, ySmall, null, 'auto'), null);
  });

  it("'wasm' also for small X; 'js' never", () => {
    const k = chooseBinomialKernel(small, ySmall, null, 'wasm');
    assert.equal(k?.name, 'wasm-binomial-float64');
    k!.dispose!();
    assert.equal(chooseBinomialKernel(big, yBig, null, 'js'), null);
  });

  it('CSR X stays on the TypeScript rows', () => {
    const csr = CSRMatrix.fromDense(Array.from({ length: big.rows }, (_, i) => big.data.subarray(i * big.cols, (i + 1) * big.cols)));
    assert.equal(chooseBinomialKernel(csr, yBig, null, 'wasm'), null);
    assert.equal(new LinearFiniteSum(csr, yBig, binomialRowLoss, { l2: 1, fitIntercept: true, kernel: 'wasm' }).kernelName, 'js-rows');
  });

  it('float32 X keeps the TypeScript rows (the kernel is float64: no widened copy of X)', () => {
    const X32 = new DenseMatrix(big.rows, big.cols, Float32Array.from(big.data));
    assert.equal(chooseBinomialKernel(X32, yBig, null, 'wasm'), null);
    assert.equal(new LinearFiniteSum(X32, yBig, binomialRowLoss, { l2: 1, fitIntercept: true }).kernelName, 'js-rows');
  });

  it('given float32 X directly, the kernel widens it: the same values as the TypeScript rows read', () => {
    const X32 = new DenseMatrix(big.rows, big.cols, Float32Array.from(big.data));
    const w = Float64Array.from({ length: 9 }, (_, j) => 0.3 * Math.sin(j + 1));
    const a = new BinomialObjective(8, true, 1, new WasmBinomialKernel(X32, yBig, null));
    const b = new LinearFiniteSum(X32, yBig, binomialRowLoss, { l2: 1, fitIntercept: true, kernel: 'js' });
    const ga = new Float64Array(9);
    const gb = new Float64Array(9);
    const fa = a.valueAndGradient(w, ga);
    const fb = b.valueAndGradient(w, gb);
    assert.ok(Math.abs(fa - fb) <= 1e-12 * fb, `${fa} vs ${fb}`);
    ga.forEach((g, j) => assert.ok(Math.abs(g - gb[j]!) <= 1e-12 * Math.max(1, Math.abs(gb[j]!)), `gradient[${j}]`));
    a.dispose();
  });

  it("the model's binomial problem follows the backend option; subsets keep it", () => {
    const o = resolveOptions({});
    const p = binomialProblem(big, yBig, null, o);
    assert.equal(p.objective.kernelName, 'wasm-binomial-float64');
    assert.equal(p.objective.subset([0, 1, 2]).kernelName, 'js-rows', 'a tiny subset is below the size threshold');
    p.objective.dispose();
    const js = binomialProblem(big, yBig, null, resolveOptions({ backend: 'js' }));
    assert.equal(js.objective.kernelName, 'js-rows');
    const sub = binomialProblem(big, yBig, null, resolveOptions({ backend: 'wasm' })).objective.subset([0, 1, 2]);
    assert.equal(sub.kernelName, 'wasm-binomial-float64', "'wasm' passes on to subsets");
    sub.dispose();
  });
});

interface BinRef {
  scaler: { mean: number[]; scale: number[] };
  objective: number;
  w: number[];
  b: number;
}

describe('default binomial fit on the wasm kernel (breast_cancer, scikit-learn reference)', { skip }, () => {
  const ref = JSON.parse(readFileSync(join(FIXTURES, 'sklearn', 'binomial_breast_cancer_standard_C1.json'), 'utf8')) as BinRef;
  const { X: raw, y } = loadFixtureCsv('breast_cancer');
  const X = raw.map((r) => r.map((v, j) => (v - ref.scaler.mean[j]!) / ref.scaler.scale[j]!));
  const M = new DenseMatrix(X.length, X[0]!.length, Float64Array.from(X.flat()));

  it('the default problem is on the wasm kernel', () => {
    const y01 = Int32Array.from(y, (v) => (v === '1' ? 1 : 0));
    const { objective } = binomialProblem(M, y01, null, resolveOptions({}));
    assert.equal(objective.kernelName, 'wasm-binomial-float64');
    objective.dispose();
  });

  for (const solver of ['lbfgs', 'newton-cg', 'trust-region'] as const) {
    it(`${solver}: the same optimum as the TypeScript rows and scikit-learn`, () => {
      const fits = (['auto', 'js'] as const).map((backend) => new SoftmaxRegression({ C: 1, solver, backend, tol: 1e-10, maxIter: 1000 }).fit(M, y));
      for (const m of fits) {
        const rel = Math.abs(m.fitResult!.value - ref.objective) / ref.objective;
        assert.ok(rel <= 1e-12, `${m.options.backend}: objective ${m.fitResult!.value} vs ${ref.objective} (${rel})`);
        let diff = Math.abs(m.intercept![0]! - ref.b);
        ref.w.forEach((v, j) => (diff = Math.max(diff, Math.abs(m.coef![0]![j]! - v))));
        assert.ok(diff <= 1e-6, `${m.options.backend}: coefficients ${diff} from scikit-learn's`);
      }
      // The two kernels' fits agree to far below the references' own tolerance.
      let d = Math.abs(fits[0]!.intercept![0]! - fits[1]!.intercept![0]!);
      fits[0]!.coef![0]!.forEach((v, j) => (d = Math.max(d, Math.abs(v - fits[1]!.coef![0]![j]!))));
      assert.ok(d <= 1e-7, `wasm vs js coefficients ${d}`);
    });
  }

  it('the default options (tol 1e-4) end as close to the optimum on either kernel', () => {
    const [a, b] = (['auto', 'js'] as const).map((backend) => new SoftmaxRegression({ C: 1, backend }).fit(M, y));
    for (const m of [a!, b!]) {
      const rel = (m.fitResult!.value - ref.objective) / ref.objective;
      assert.ok(rel >= -1e-12 && rel <= 1e-8, `${m.options.backend}: objective ${m.fitResult!.value}, ${rel} above the optimum`);
      assert.ok(m.fitResult!.converged, `${m.options.backend}: ${m.fitResult!.message}`);
    }
  });
});
