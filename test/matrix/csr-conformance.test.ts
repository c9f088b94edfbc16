/**
 * CSR conformance (issue 4 item 2): the same values held as a DenseMatrix and as a CSRMatrix (including
 * empty rows and an all-zero column) give the same objective value, gradient and Hessian-vector product,
 * the same fit with every solver, the same predictions, and a CSR-trained model survives save/load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { SoftmaxObjective } from '../../src/objective/softmax-objective.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import { SOLVERS, SOLVER_NAMES } from '../../src/solvers/registry.js';
import { makeRng } from '../../src/core/random.js';
import { parseLibSvm } from '../../src/data/libsvm.js';
import { loadModel, saveModel } from '../../node/model-file.js';

interface Problem {
  dense: DenseMatrix;
  csr: CSRMatrix;
  y: number[];
  yIdx: Int32Array;
  K: number;
}

/** Random sparse data: ~70% zeros, rows 0, 5 and 17 empty, column 3 all zero, every class present. */
function problem(n: number, d: number, K: number, seed: number): Problem {
  const r = makeRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: K }, () => Array.from({ length: d }, () => gauss()));
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % K;
    const empty = i === 0 || i === 5 || i === 17;
    rows.push(Array.from({ length: d }, (_, j) => (empty || j === 3 || r() < 0.7 ? 0 : centers[k]![j]! + gauss())));
    y.push(k);
  }
  const csr = CSRMatrix.fromDense(rows, d);
  assert.equal(csr.indptr[1], 0, 'row 0 is empty');
  return { dense: DenseMatrix.fromArrays(rows), csr, y, yIdx: Int32Array.from(y), K };
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, what: string): void {
  assert.equal(a.length, b.length, what);
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i]! - b[i]!) <= rel * Math.max(scale, 1e-300), `${what}[${i}]: ${a[i]} vs ${b[i]} (scale ${scale})`);
  }
}

test('SoftmaxObjective: dense and CSR give the same value, gradient and Hessian-vector product', () => {
  const { dense, csr, yIdx, K } = problem(70, 12, 3, 1);
  const r = makeRng(2);
  const sw = Float64Array.from({ length: 70 }, () => 0.5 + r());
  for (const fitIntercept of [true, false]) {
    for (const l2 of [0, 0.7]) {
      for (const sampleWeight of [null, sw]) {
        const opts = { l2, fitIntercept, sampleWeight };
        const fd = new SoftmaxObjective(dense, yIdx, K, opts);
        const fc = new SoftmaxObjective(csr, yIdx, K, opts);
        assert.equal(fd.dimension, fc.dimension);
        const what = `intercept=${fitIntercept} l2=${l2} weighted=${sampleWeight !== null}`;
        for (let trial = 0; trial < 3; trial++) {
          const w = Float64Array.from({ length: fd.dimension }, () => 2 * r() - 1);
          const gd = new Float64Array(fd.dimension);
          const gc = new Float64Array(fd.dimension);
          const vd = fd.valueAndGradient(w, gd);
          const vc = fc.valueAndGradient(w, gc);
          assertClose([vd], [vc], 1e-12, `value ${what}`);
          assertClose([fd.value(w)], [vd], 1e-12, `value() vs valueAndGradient() ${what}`);
          assertClose(gd, gc, 1e-12, `gradient ${what}`);
          const v = Float64Array.from({ length: fd.dimension }, () => 2 * r() - 1);
          const hd = new Float64Array(fd.dimension);
          const hc = new Float64Array(fd.dimension);
          fd.hessianAt(w).apply(v, hd);
          fc.hessianAt(w).apply(v, hc);
          assertClose(hd, hc, 1e-12, `Hv ${what}`);
        }
      }
    }
  }
});

test('every solver fits dense and CSR data to the same coefficients and predictions', () => {
  const { dense, csr, y } = problem(90, 10, 3, 3);
  const failures: string[] = [];
  for (const solver of SOLVER_NAMES) {
    const entry = SOLVERS[solver];
    if (!entry.penalties.includes('l2')) continue;
    const make = () => new SoftmaxRegression({ solver, C: 1, tol: 1e-8, maxIter: 300, randomState: 0 } as never);
    const md = make().fit(dense, y);
    const mc = make().fit(csr, y);
    const cd = md.coef!.flat();
    const cc = mc.coef!.flat();
    // Same arithmetic on the same numbers (a zero times a weight adds exactly nothing), so the two fits
    // follow the same path; the bound leaves room for kernels that sum in a different order.
    try {
      assertClose(cd, cc, 1e-7, `${solver} coef`);
      assertClose(md.intercept!, mc.intercept!, 1e-7, `${solver} intercept`);
      assert.deepEqual(mc.predict(csr), md.predict(dense), `${solver} predictions`);
      assertClose(mc.predictProbaFlat(csr), md.predictProbaFlat(dense), 1e-7, `${solver} probabilities`);
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  assert.deepEqual(failures, []);
});

test('predict on CSR equals predict on the same rows dense, for a model trained either way', () => {
  const { dense, csr, y } = problem(60, 8, 4, 4);
  const m = new SoftmaxRegression({ C: 0.5 }).fit(dense, y);
  assertClose(m.predictProbaFlat(csr), m.predictProbaFlat(dense), 1e-12, 'probabilities');
  assertClose(m.decisionFunctionFlat(csr), m.decisionFunctionFlat(dense), 1e-12, 'scores');
  assert.deepEqual(m.predict(csr), m.predict(dense));
  // A row with no stored values scores exactly the intercepts.
  const z0 = m.decisionFunction(csr)[0]!;
  assertClose(z0, m.intercept!, 1e-15, 'empty row scores');
});

test('a model trained on CSR (LibSVM) saves, loads and predicts identically', () => {
  const { csr, y } = problem(80, 9, 3, 5);
  // Round-trip the data through LibSVM text too, the way sparse data arrive from files.
  const lines = y.map((lab, i) => {
    const parts = [String(lab)];
    for (let p = csr.indptr[i]!; p < csr.indptr[i + 1]!; p++) parts.push(`${csr.indices[p]! + 1}:${csr.data[p]}`);
    return parts.join(' ');
  });
  const ds = parseLibSvm(lines.join('\n') + '\n', { nFeatures: 9 });
  assert.deepEqual((ds.X as CSRMatrix).toArrays(), csr.toArrays());
  const dir = mkdtempSync(join(tmpdir(), 'softmax-csr-'));
  try {
    for (const scale of ['none', 'standard', 'minmax'] as const) {
      const m = new SoftmaxRegression({ C: 2, scale }).fit(ds.X, ds.y);
      const path = join(dir, `m-${scale}.json`);
      saveModel(m, path);
      const back = loadModel(path);
      assert.deepEqual(Array.from(back.predictProbaFlat(ds.X)), Array.from(m.predictProbaFlat(ds.X)), scale);
      assert.deepEqual(back.predict(ds.X), m.predict(ds.X));
      const viaJson = SoftmaxRegression.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
      assert.deepEqual(Array.from(viaJson.predictProbaFlat(ds.X)), Array.from(m.predictProbaFlat(ds.X)), scale);
      // The loaded model also takes the same rows dense.
      assertClose(back.predictProbaFlat(DenseMatrix.fromArrays(csr.toArrays())), m.predictProbaFlat(ds.X), 1e-12, `dense input ${scale}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
