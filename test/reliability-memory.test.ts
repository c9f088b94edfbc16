/**
 * Issue 16, items 3 and 4: limits checked before allocating, refused with a LimitError that names the limit
 * and how to raise it. Budgets here are small (kilobytes to megabytes) so the logic is proved on tiny inputs.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CSRMatrix, LimitError, SoftmaxRegression, estimateFitMemory, parseByteSize } from '../src/index.js';
import { assertOneLineError, run, tempDir } from './cli-helpers.js';

function isLimit(e: unknown, limit = 'maxMemory'): boolean {
  assert.ok(e instanceof LimitError, `expected LimitError, got ${e}`);
  assert.equal(e.code, 'TOO_LARGE');
  assert.equal(e.limit, limit);
  return true;
}

describe('fit memory budget', () => {
  it('the estimate follows the documented formula (lbfgs, dense float64, no scaling)', () => {
    const n = 1000, d = 20, K = 5;
    const e = estimateFitMemory({ n, d, K, solver: 'lbfgs', elementBytes: 8, scaled: false, weighted: false, multiClass: 'multinomial' });
    const p = K * (d + 1);
    // Written out from docs/reliability.md, independently of the implementation's grouping.
    const expected = 8 * n * d + 24 * n + 8 * n * K + 8 * p * (2 * 10 + 8 + 6) + 8 * p * 4;
    assert.equal(e.total, expected);
  });
  it('newton counts its dense p x p Hessian; sag its n x K gradient memory', () => {
    const base = { n: 100, d: 10, K: 3, elementBytes: 8 as const, scaled: false, weighted: false, multiClass: 'multinomial' as const };
    const p = 3 * 11;
    assert.equal(estimateFitMemory({ ...base, solver: 'newton' }).hessian, 8 * p * p);
    assert.equal(estimateFitMemory({ ...base, solver: 'sag' }).perRowClass - estimateFitMemory({ ...base, solver: 'lbfgs' }).perRowClass, 8 * 100 * 3);
  });
  it('10,000 classes x 2 rows beyond a budget: refused before the fit starts, naming the n x K matrix', () => {
    const K = 10_000;
    const X: number[][] = [];
    const y: number[] = [];
    for (let k = 0; k < K; k++) for (let r = 0; r < 2; r++) (X.push([k % 7, r]), y.push(k));
    const m = new SoftmaxRegression();
    const t0 = Date.now();
    assert.throws(() => m.fit(X, y, { maxMemory: 256 * 1024 ** 2 }), (e: unknown) => isLimit(e) && /20000 x 10000 probability matrix/.test((e as Error).message) && /--max-memory/.test((e as Error).message));
    assert.ok(Date.now() - t0 < 5000, 'refused up front');
    assert.equal(m.coef, null);
  });
  it('a LibSVM-like width of 2^31 - 1 is refused by the budget (the parameters), not allocated', () => {
    const X = new CSRMatrix(2, 2147483647, new Int32Array([0, 2, 3]), new Int32Array([0, 2147483646, 1]), new Float64Array([1, 1, 1]), false);
    assert.throws(() => new SoftmaxRegression().fit(X, [0, 1]), (e: unknown) => isLimit(e) && /number the features densely/.test((e as Error).message));
  });
  it('a fit within the budget runs', () => {
    const m = new SoftmaxRegression().fit([[0, 1], [1, 0], [0, 0.9], [1, 0.1]], [0, 1, 0, 1], { maxMemory: 1024 ** 2 });
    assert.ok(m.coef);
  });
  it('sizes parse', () => {
    assert.equal(parseByteSize('512M'), 512 * 1024 ** 2);
    assert.equal(parseByteSize('1.5GiB'), 1.5 * 1024 ** 3);
    assert.equal(parseByteSize('1000'), 1000);
    assert.throws(() => parseByteSize('lots'));
  });
});

describe('CLI --max-memory and --verbose', () => {
  it('the 25-byte LibSVM file 0 1:1 2147483647:1 (plus a second class): one-line TOO_LARGE error', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const f = join(dir, 'wide.svm');
      writeFileSync(f, '0 1:1 2147483647:1\n1 2:1\n');
      const r = await run(['train', f, '--no-progress']);
      assert.equal(r.code, 1, r.stderr);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, /memory budget/);
    } finally {
      cleanup();
    }
  });
  it('--verbose prints the estimate; --max-memory refuses a fit beyond it', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const f = join(dir, 'd.csv');
      const rows = ['a,b,label'];
      for (let i = 0; i < 200; i++) rows.push(`${i % 13},${(i * 7) % 11},${i % 50}`);
      writeFileSync(f, rows.join('\n') + '\n');
      const ok = await run(['train', f, '--verbose', '--no-progress', '--max-iter', '3']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stderr, /^memory: the fit needs about [\d.]+ (KiB|MiB) \(data /m);
      const no = await run(['train', f, '--no-progress', '--max-memory', '100K']);
      assert.equal(no.code, 1);
      assertOneLineError(no.stderr);
      assert.match(no.stderr, /more than the memory budget of 100 KiB/);
      const bad = await run(['train', f, '--max-memory', 'lots']);
      assert.equal(bad.code, 2);
    } finally {
      cleanup();
    }
  });
});
