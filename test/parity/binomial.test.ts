/**
 * Issue 10 item 1: two classes fit scikit-learn's binomial model by default (multiClass 'auto'), checked
 * against scikit-learn references made by test/fixtures/sklearn/make_fixtures.py (polished with Newton steps
 * to a gradient near 1e-12): objective within 1e-9 relative, coefficients within 1e-5.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DenseMatrix, SoftmaxRegression, type SolverName } from '../../src/index.js';
import { binomialRowLoss, checkGradient, LinearFiniteSum } from '../../src/solvers/index.js';
import { FIXTURES, loadFixtureCsv } from '../helpers.js';

interface BinRef {
  name: string;
  classes: string[];
  C: number | 'Infinity';
  scaler: { mean: number[]; scale: number[] } | null;
  dataset?: string;
  X?: number[][];
  y?: string[];
  sample_weight: number[] | null;
  class_weight: string | null;
  w: number[];
  b: number;
  objective: number;
  grad_inf_norm_at_solution: number;
  predict_proba_first10: number[][];
  sklearn_decision_function_first10: number[];
  coef_sklearn: number[][];
  glmnet?: { intercept: number; coef: number[] } | null;
}

export function loadSk<T = BinRef>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, 'sklearn', `${name}.json`), 'utf8')) as T;
}

function refData(ref: BinRef): { X: number[][]; y: string[] } {
  if (ref.X) return { X: ref.X, y: ref.y! };
  const { X, y } = loadFixtureCsv(ref.dataset!);
  const s = ref.scaler;
  return { X: s ? X.map((r) => r.map((v, j) => (v - s.mean[j]!) / s.scale[j]!)) : X, y };
}

const dense = (rows: number[][]) => new DenseMatrix(rows.length, rows[0]!.length, Float64Array.from(rows.flat()));
const C = (ref: BinRef) => (ref.C === 'Infinity' ? Infinity : ref.C);

function check(m: SoftmaxRegression, ref: BinRef, objTol: number, coefTol: number) {
  assert.equal(m.fittedMultiClass, 'binomial');
  assert.equal(m.coef!.length, 1, 'one coefficient row');
  assert.equal(m.intercept!.length, 1, 'one intercept');
  const rel = Math.abs(m.fitResult!.value - ref.objective) / Math.abs(ref.objective);
  assert.ok(rel <= objTol, `objective ${m.fitResult!.value} vs ${ref.objective}: relative ${rel}`);
  let diff = Math.abs(m.intercept![0]! - ref.b);
  ref.w.forEach((v, j) => (diff = Math.max(diff, Math.abs(m.coef![0]![j]! - v))));
  assert.ok(diff <= coefTol, `max coefficient difference ${diff}`);
  return { rel, diff };
}

const FILES = [
  'binomial_breast_cancer_standard_C1',
  'binomial_breast_cancer_standard_C0.1',
  'binomial_breast_cancer_unscaled_C1',
  'binomial_breast_cancer_unscaled_C0.1',
  'binomial_breast_cancer_standard_weighted_C1',
];

describe('binomial model vs scikit-learn (breast_cancer)', () => {
  for (const name of FILES) {
    for (const solver of ['lbfgs', 'newton-cg', 'trust-region'] as const) {
      it(`${name} with ${solver}`, () => {
        const ref = loadSk(name);
        const { X, y } = refData(ref);
        const m = new SoftmaxRegression({ C: C(ref), solver, tol: 1e-10, maxIter: 20000, classWeight: ref.class_weight === 'balanced' ? 'balanced' : null });
        m.fit(X, y, { sampleWeight: ref.sample_weight ?? undefined });
        assert.deepEqual(m.classes, ref.classes);
        check(m, ref, 1e-9, 1e-5);
        // predictProba stays n x 2; decisionFunction is the one score (scikit-learn's decision_function).
        const P = m.predictProba(X.slice(0, 10));
        P.forEach((row, i) => {
          assert.equal(row.length, 2);
          row.forEach((p, k) => assert.ok(Math.abs(p - ref.predict_proba_first10[i]![k]!) < 1e-7, `proba[${i}][${k}]`));
        });
        const Z = m.decisionFunction(X.slice(0, 10));
        Z.forEach((row, i) => {
          assert.equal(row.length, 1);
          assert.ok(Math.abs(row[0]! - ref.sklearn_decision_function_first10[i]!) < 1e-4 * Math.max(1, Math.abs(row[0]!)));
        });
        const L = m.predictLogProba(X.slice(0, 10));
        L.forEach((row, i) => row.forEach((l, k) => assert.ok(Math.abs(Math.exp(l) - P[i]![k]!) < 1e-12)));
      });
    }
  }

  it('every solver works on the binomial loss unchanged', () => {
    const ref = loadSk('binomial_breast_cancer_standard_C1');
    const { X, y } = refData(ref);
    const bounds: Partial<Record<SolverName, [number, number]>> = {
      lbfgs: [1e-9, 1e-5],
      'newton-cg': [1e-9, 1e-5],
      newton: [1e-9, 1e-5],
      'trust-region': [1e-9, 1e-5],
      gd: [1e-7, 1e-3],
      fista: [1e-7, 1e-3],
      sag: [1e-7, 1e-3],
      saga: [1e-7, 1e-3],
    };
    for (const [solver, [ot, ct]] of Object.entries(bounds) as [SolverName, [number, number]][]) {
      const opts = solver === 'sag' || solver === 'saga' ? { epochs: 3000 } : { maxIter: 20000 };
      const m = new SoftmaxRegression({ solver, tol: 1e-9, ...opts }).fit(X, y);
      check(m, ref, ot, ct);
    }
    // Mini-batch solvers: the same problem, to their documented looser bound.
    const a = new SoftmaxRegression({ solver: 'adam', learningRate: 0.05, epochs: 200, tol: 1e-9 }).fit(X, y);
    assert.ok(Math.abs(a.fitResult!.value - ref.objective) / ref.objective < 2e-2, `adam ${a.fitResult!.value}`);
  });
});

describe('binomial model: the glmnet example and the K = 2 softmax', () => {
  it("reproduces glmnet and scikit-learn's test_logistic_glmnet at C = 1/9", () => {
    const ref = loadSk('binomial_glmnet_C1_9');
    const m = new SoftmaxRegression({ C: 1 / 9, tol: 1e-12 }).fit(ref.X!, ref.y!);
    check(m, ref, 1e-12, 1e-8);
    assert.ok(Math.abs(m.intercept![0]! - ref.glmnet!.intercept) < 1e-8);
    ref.glmnet!.coef.forEach((v, j) => assert.ok(Math.abs(m.coef![0]![j]! - v) < 1e-8));
  });

  it("multiClass 'multinomial' still fits the K-row softmax: at C it is the binomial model at 2C", () => {
    const ref = loadSk('binomial_glmnet_C1_9');
    const m = new SoftmaxRegression({ C: 1 / 18, multiClass: 'multinomial', tol: 1e-12 }).fit(ref.X!, ref.y!);
    assert.equal(m.coef!.length, 2);
    assert.equal(m.fittedMultiClass, 'multinomial');
    ref.w.forEach((v, j) => assert.ok(Math.abs(m.coef![1]![j]! - m.coef![0]![j]! - v) < 1e-7));
    assert.ok(Math.abs(m.intercept![1]! - m.intercept![0]! - ref.b) < 1e-7);
    // And the binomial model at C = 1/18 (scikit-learn's answer there) differs from it.
    const b18 = loadSk('binomial_glmnet_C1_18');
    const m18 = new SoftmaxRegression({ C: 1 / 18, tol: 1e-12 }).fit(ref.X!, ref.y!);
    check(m18, b18, 1e-12, 1e-8);
  });

  it("'ovr' on two classes is the binomial model too (as scikit-learn's)", () => {
    const ref = loadSk('binomial_glmnet_C1_9');
    const m = new SoftmaxRegression({ C: 1 / 9, multiClass: 'ovr', tol: 1e-12 }).fit(ref.X!, ref.y!);
    check(m, ref, 1e-12, 1e-8);
  });
});

describe('the binomial loss in the objective layer', () => {
  it('gradient and Hessian-vector product agree with finite differences', () => {
    const ref = loadSk('binomial_synthetic_Cinf');
    const X = dense(ref.X!);
    const y = Int32Array.from(ref.y!, (v) => (v === 'b' ? 1 : 0));
    const f = new LinearFiniteSum(X, y, binomialRowLoss, { l2: 0.3, fitIntercept: true, sampleWeight: Float64Array.from(y, (_, i) => 1 + (i % 2)) });
    const w = Float64Array.from([0.3, -0.2, 0.5, -0.4]);
    const r = checkGradient(f, w);
    assert.ok(r.gradientError < 1e-6, `gradient ${r.gradientError}`);
    assert.ok(r.hessianError < 1e-5, `Hessian ${r.hessianError}`);
  });

  it('is finite and exact for huge scores (log1p form)', () => {
    const X = dense([[1], [1]]);
    const f = new LinearFiniteSum(X, Int32Array.from([1, 0]), binomialRowLoss, { l2: 0, fitIntercept: false });
    const g = new Float64Array(1);
    // z = 800 for both rows: loss log(1+e^-800) ~ 0 for the positive row, 800 + log1p(e^-800) = 800 for the other.
    const v = f.valueAndGradient(Float64Array.from([800]), g);
    assert.equal(v, 800);
    assert.equal(g[0], 1);
    const v2 = f.value(Float64Array.from([-1e-3]));
    assert.ok(Math.abs(v2 - (Math.log1p(Math.exp(1e-3)) + Math.log1p(Math.exp(-1e-3)))) < 1e-15);
  });
});

describe('C: Infinity is no penalty', () => {
  it('matches scikit-learn C=np.inf and penalty none', () => {
    const ref = loadSk('binomial_synthetic_Cinf');
    const m = new SoftmaxRegression({ C: Infinity, tol: 1e-12 }).fit(ref.X!, ref.y!);
    check(m, ref, 1e-12, 1e-6);
    const n = new SoftmaxRegression({ penalty: 'none', tol: 1e-12 }).fit(ref.X!, ref.y!);
    check(n, ref, 1e-12, 1e-6);
    // It survives a save/load round trip (JSON has no Infinity: the file says "Infinity").
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    assert.equal(json.options.C, 'Infinity');
    const back = SoftmaxRegression.fromJSON(json);
    assert.equal(back.options.C, Infinity);
    assert.deepEqual(back.decisionFunction(ref.X!), m.decisionFunction(ref.X!));
  });
});

describe('binomial model file (version 2)', () => {
  it('round-trips bit-identically; version-1 files still load', () => {
    const ref = loadSk('binomial_breast_cancer_standard_C1');
    const { X, y } = refData(ref);
    const m = new SoftmaxRegression({ C: 1 }).fit(X, y);
    const json = m.toJSON();
    assert.equal(json.version, 2);
    assert.equal(json.coef.length, 1);
    assert.equal(json.intercept.length, 1);
    const back = SoftmaxRegression.fromJSON(JSON.stringify(json));
    assert.deepEqual(back.predictProba(X), m.predictProba(X));
    assert.equal(back.fittedMultiClass, 'binomial');
    // A version-1 file (K rows always) loads as the K-row model it is.
    const mm = new SoftmaxRegression({ C: 1, multiClass: 'multinomial' }).fit(X, y);
    const v1 = { ...mm.toJSON(), version: 1 };
    const old = SoftmaxRegression.fromJSON(JSON.stringify(v1));
    assert.equal(old.fittedMultiClass, 'multinomial');
    assert.deepEqual(old.predictProba(X), mm.predictProba(X));
    // A version-1 file cannot hold a one-row two-class model.
    assert.throws(() => SoftmaxRegression.fromJSON(JSON.stringify({ ...json, version: 1 })), /coef: expected 2 entries/);
  });
});
