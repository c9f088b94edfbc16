/**
 * Issue 9/11: threads are chosen per fit (`threads: 'auto' | n`), not by process-wide setters. The same
 * optimum with 1 and 2 threads (dense and CSR); 'auto' uses both cores above the size threshold and one
 * below; two models in one process keep their own choice; no thread host (a browser) means one thread.
 */
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { disableThreads, enableThreads, threadsAvailable } from '../../node/threads.js';
import { AUTO_THREADS_MIN_WORK, setThreadHost, threadHost } from '../../src/backends/provider.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { OptionError, SoftmaxRegression } from '../../src/index.js';
import { blobs, rng } from '../helpers.js';

const skip = !threadsAvailable() && 'worker threads over shared WebAssembly memory are not available here';

/** 2,400 x 100 x 10 = 2.4e6 multiply-adds a pass: above the 'auto' threshold. */
function large(): { X: number[][]; y: number[] } {
  return blobs(2400, 100, 10, 7, 6);
}

describe('threads chosen per fit', { skip }, () => {
  after(() => disableThreads());

  it('the same optimum with 1 and 2 threads (dense)', () => {
    const { X, y } = large();
    assert.ok(2400 * 100 * 10 >= AUTO_THREADS_MIN_WORK);
    const one = new SoftmaxRegression({ C: 0.5, threads: 1 }).fit(X, y);
    const two = new SoftmaxRegression({ C: 0.5, threads: 2 }).fit(X, y);
    assert.equal(one.fitResult!.threads, 1);
    assert.equal(two.fitResult!.threads, 2);
    const f1 = one.fitResult!.value;
    const f2 = two.fitResult!.value;
    assert.ok(Math.abs(f1 - f2) <= 1e-9 * Math.abs(f1), `objective 1 thread ${f1}, 2 threads ${f2}`);
    let wmax = 0;
    let diff = 0;
    one.coef!.forEach((row, k) =>
      row.forEach((v, j) => {
        wmax = Math.max(wmax, Math.abs(v));
        diff = Math.max(diff, Math.abs(v - two.coef![k]![j]!));
      }),
    );
    assert.ok(diff <= 1e-4 * wmax, `coefficients differ by ${diff} (largest ${wmax})`);
    assert.deepEqual(one.predict(X.slice(0, 200)), two.predict(X.slice(0, 200)));
  });

  it('the same optimum with 1 and 2 threads (CSR)', () => {
    const r = rng(3);
    const n = 6000;
    const d = 400;
    const K = 8;
    const per = 50;
    const indptr = new Int32Array(n + 1);
    const indices = new Int32Array(n * per);
    const data = new Float64Array(n * per);
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = i % K;
      y.push(k);
      for (let q = 0; q < per; q++) {
        // Columns in increasing order; class k favours its own block of columns.
        indices[i * per + q] = q * 8 + (r() < 0.5 ? k : Math.floor(r() * 8));
        data[i * per + q] = r();
      }
      indptr[i + 1] = (i + 1) * per;
    }
    const X = new CSRMatrix(n, d, indptr, indices, data);
    assert.ok(X.nnz * K >= AUTO_THREADS_MIN_WORK);
    const one = new SoftmaxRegression({ C: 1, threads: 1 }).fit(X, y);
    const two = new SoftmaxRegression({ C: 1, threads: 2 }).fit(X, y);
    const auto = new SoftmaxRegression({ C: 1 }).fit(X, y);
    assert.equal(one.fitResult!.threads, 1);
    assert.equal(two.fitResult!.threads, 2);
    assert.equal(auto.fitResult!.threads, threadHost()!.autoThreads);
    const f1 = one.fitResult!.value;
    for (const m of [two, auto]) assert.ok(Math.abs(m.fitResult!.value - f1) <= 1e-9 * Math.abs(f1), `objective ${m.fitResult!.value} vs ${f1}`);
  });

  it("'auto' uses the cores above the threshold and one thread below; models keep their own choice", () => {
    enableThreads(2);
    const { X, y } = large();
    const small = blobs(300, 5, 3, 1);
    const a = new SoftmaxRegression({ C: 1 });
    const b = new SoftmaxRegression({ C: 1, threads: 1 });
    a.fit(X, y);
    b.fit(X, y);
    assert.equal(a.fitResult!.threads, 2);
    assert.equal(b.fitResult!.threads, 1);
    a.fit(small.X, small.y);
    assert.equal(a.fitResult!.threads, 1);
  });

  it("'auto' never waits for a starting pool, and its result is the same bits whenever the workers joined", async () => {
    const { X, y } = large();
    // A fresh pool: its workers load their code and compile the kernels while the fit runs.
    await disableThreads();
    enableThreads(2);
    const t0 = performance.now();
    const early = new SoftmaxRegression({ C: 1, maxIter: 3, tol: 0 }).fit(X, y);
    const ms = performance.now() - t0;
    // Workers attached (waited for, as a fit asking for 2 threads does), then the same fit again.
    const joined = new SoftmaxRegression({ C: 1, threads: 2, maxIter: 3, tol: 0 }).fit(X, y);
    assert.equal(joined.fitResult!.threads, 2);
    assert.ok(early.fitResult!.threads === 1 || early.fitResult!.threads === 2);
    assert.deepEqual(early.coef, joined.coef);
    assert.deepEqual(early.intercept, joined.intercept);
    assert.equal(early.fitResult!.value, joined.fitResult!.value);
    assert.ok(Number.isFinite(ms));
  });

  it('without a thread host (as in a browser) every fit runs on one thread', () => {
    const host = threadHost();
    setThreadHost(null);
    try {
      const { X, y } = large();
      const m = new SoftmaxRegression({ C: 1, threads: 2, maxIter: 5 }).fit(X, y);
      assert.equal(m.fitResult!.threads, 1);
    } finally {
      setThreadHost(host);
    }
  });
});

describe('the threads option is validated', () => {
  for (const bad of [0, -1, 1.5, 'two', null]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => new SoftmaxRegression({ threads: bad as never }),
        (e: unknown) => e instanceof OptionError && /threads/.test(e.message),
      );
    });
  }
});
