/**
 * Issue 16, items 1 and 2: numeric extremes never give a model that cannot be saved or loaded, nor a "fit"
 * with NaN or Infinity parameters. Each case either fits correctly or fails with a typed error.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError, FitError, SoftmaxError, SoftmaxRegression } from '../src/index.js';
import { fitScaler } from '../src/preprocess/scaler.js';
import { DenseMatrix } from '../src/matrix/dense.js';
import { CSRMatrix } from '../src/matrix/csr.js';
import { run, tempDir } from './cli/helpers.js';

const y = [0, 1, 0, 1, 0, 1, 2, 2, 2, 0];
/** Small, well-scaled features; the tests multiply them by huge factors. */
const base = y.map((c, i) => [c + 0.37 * ((i * 7) % 5), 1 - 0.21 * ((i * 3) % 4) + 0.5 * c]);

/** Population mean and std of a small column (no overflow possible): the reference for the scaled ones. */
function stats(col: number[]): { mean: number; sd: number } {
  const mean = col.reduce((a, b) => a + b, 0) / col.length;
  const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
  return { mean, sd };
}

function roundTrips(m: SoftmaxRegression, X: number[][]): void {
  const text = JSON.stringify(m.toJSON());
  const back = SoftmaxRegression.fromJSON(text);
  assert.deepEqual(back.predict(X), m.predict(X));
}

describe('scaler statistics of huge features (item 1)', () => {
  it('features of 1e300: standard scaler scale = 1e300 x the scale of the small features; model saves and loads', () => {
    const X = base.map((r) => r.map((v) => v * 1e300));
    const m = new SoftmaxRegression({ scale: 'standard' }).fit(X, y);
    for (let j = 0; j < 2; j++) {
      const ref = stats(base.map((r) => r[j]!));
      assert.ok(Math.abs(m.scaler!.scale[j]! / 1e300 - ref.sd) < 1e-12 * ref.sd, `scale[${j}] ${m.scaler!.scale[j]} vs ${ref.sd}e300`);
      assert.ok(Math.abs(m.scaler!.offset[j]! / 1e300 - ref.mean) < 1e-12 * Math.abs(ref.mean) + 1e-15);
    }
    // Same predictions as the model fitted on the small features (the scaler makes the two problems equal).
    const small = new SoftmaxRegression({ scale: 'standard' }).fit(base, y);
    assert.deepEqual(m.predict(X), small.predict(base));
    roundTrips(m, X);
  });
  it('a single 1e308 outlier', () => {
    const X = base.map((r, i) => (i === 3 ? [1e308, r[1]!] : r));
    const m = new SoftmaxRegression({ scale: 'standard' }).fit(X, y);
    assert.ok(m.scaler!.scale.every(Number.isFinite) && m.scaler!.offset.every(Number.isFinite));
    // One value v among n-1 near zero: sd = v sqrt(n-1)/n to within the small values' share.
    const n = X.length;
    assert.ok(Math.abs(m.scaler!.scale[0]! / ((1e308 / n) * Math.sqrt(n - 1)) - 1) < 1e-9);
    roundTrips(m, X);
  });
  it('a constant column of 1e300 gets scale 1 (as a constant column of any size does)', () => {
    const X = base.map((r) => [1e300, r[1]!]);
    const m = new SoftmaxRegression({ scale: 'standard' }).fit(X, y);
    assert.equal(m.scaler!.scale[0], 1);
    assert.equal(m.scaler!.offset[0], 1e300);
    roundTrips(m, X);
  });
  it('minmax over a range wider than the largest double', () => {
    const X = base.map((r, i) => [i % 2 ? 1e308 : -1e308, r[1]!]);
    const m = new SoftmaxRegression({ scale: 'minmax' }).fit(X, y);
    assert.ok(m.scaler!.scale.every(Number.isFinite));
    roundTrips(m, X);
  });
  it('sparse standard scaler of 1e300 entries', () => {
    const n = base.length;
    const indptr = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) indptr[i] = 2 * i;
    const indices = new Int32Array(2 * n).map((_, p) => p % 2);
    const data = new Float64Array(base.flat().map((v) => v * 1e300));
    const s = fitScaler('standard', new CSRMatrix(n, 2, indptr, indices, data, false));
    for (let j = 0; j < 2; j++) {
      const ref = stats(base.map((r) => r[j]!));
      assert.ok(Math.abs(s.scale[j]! / 1e300 - ref.sd) < 1e-9 * ref.sd);
    }
  });
  it('subnormal features: finite scale', () => {
    const X = new DenseMatrix(4, 1, new Float64Array([1e-310, 2e-310, 3e-310, 4e-310]));
    const s = fitScaler('standard', X);
    assert.ok(Number.isFinite(s.scale[0]!) && s.scale[0]! > 0, String(s.scale[0]));
  });
  it('a model holding a non-finite number refuses to produce its JSON (saving fails, nothing written)', () => {
    const m = new SoftmaxRegression().fit(base, y);
    m.scaler = { kind: 'standard', offset: [0, 0], scale: [Infinity, 1] };
    assert.throws(
      () => m.toJSON(),
      (e: unknown) => e instanceof SoftmaxError && e.code === 'MODEL_FORMAT' && /scaler\.scale\[0\]/.test(e.message) && /nothing was saved/.test(e.message),
    );
  });
  it('CLI: train on 1e300 features with --scale standard saves a model that loads', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const csv = join(dir, 'big.csv');
      writeFileSync(csv, 'a,b,label\n' + base.map((r, i) => `${r[0]! * 1e300},${r[1]! * 1e300},${y[i]}`).join('\n') + '\n');
      const out = join(dir, 'm.json');
      const r = await run(['train', csv, '--scale', 'standard', '-o', out, '--no-progress']);
      assert.equal(r.code, 0, r.stderr);
      const p = await run(['predict', csv, '--model', out]);
      assert.equal(p.code, 0, p.stderr);
      assert.ok(JSON.parse(readFileSync(out, 'utf8')).scaler.scale.every(Number.isFinite));
    } finally {
      cleanup();
    }
  });
});

describe('non-finite fits are refused (item 2)', () => {
  it('features near 1.7e308 without scaling: typed error up front, naming where and what to do', () => {
    const X = base.map((r, i) => [i === 4 ? 1.7e308 : r[0]!, r[1]!]);
    assert.throws(
      () => new SoftmaxRegression().fit(X, y),
      (e: unknown) => e instanceof DataError && e.code === 'NON_FINITE' && e.row === 4 && e.column === 0 && /scale: 'standard'/.test(e.message),
    );
    // ...and with standardization the same data fit.
    const m = new SoftmaxRegression({ scale: 'standard' }).fit(X, y);
    assert.ok(m.coef!.flat().every(Number.isFinite));
  });
  it('float32 data beyond float32 range: typed error up front', () => {
    const X = base.map((r, i) => [i === 2 ? 1e300 : r[0]!, r[1]!]);
    assert.throws(
      () => new SoftmaxRegression({ dtype: 'float32' }).fit(X, y),
      (e: unknown) => e instanceof DataError && e.code === 'NON_FINITE' && /float32/.test(e.message) && e.row === 2,
    );
  });
  it('sgd with C = 1e-300 ends with FitError, and the model stays unfitted', () => {
    const m = new SoftmaxRegression({ solver: 'sgd', C: 1e-300 });
    assert.throws(
      () => m.fit(base, y),
      (e: unknown) => e instanceof FitError && e.code === 'DIVERGED' && /raise C/.test(e.message),
    );
    assert.equal(m.coef, null);
  });
  it('no solver returns non-finite parameters for tiny C (a fit, or FitError)', () => {
    for (const solver of ['lbfgs', 'sgd', 'sag', 'saga', 'newton-cg', 'gd', 'adam', 'trust-region']) {
      for (const C of [1e-12, 1e-300]) {
        try {
          const m = new SoftmaxRegression({ solver, C } as never).fit(base, y);
          assert.ok(m.coef!.flat().every(Number.isFinite) && Number.isFinite(m.fitResult!.value), `${solver} C=${C}`);
          roundTrips(m, base);
        } catch (e) {
          assert.ok(e instanceof FitError, `${solver} C=${C}: ${e}`);
        }
      }
    }
  });
  it('CLI: a diverging fit exits 1 with one line and writes no model', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const csv = join(dir, 'd.csv');
      writeFileSync(csv, 'a,b,label\n' + base.map((r, i) => `${r[0]},${r[1]},${y[i]}`).join('\n') + '\n');
      const out = join(dir, 'm.json');
      const r = await run(['train', csv, '--solver', 'sgd', '--C', '1e-300', '-o', out, '--no-progress']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /diverged/);
      assert.throws(() => readFileSync(out));
    } finally {
      cleanup();
    }
  });
});
