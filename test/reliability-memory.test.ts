/**
 * Issue 16, items 3 and 4: limits checked before allocating, refused with a LimitError that names the limit
 * and how to raise it. Budgets here are small (kilobytes to megabytes) so the logic is proved on tiny inputs.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CSRMatrix, LimitError, SoftmaxRegression, encodeIdx, estimateFitMemory, mnistFromIdx, parseByteSize } from '../src/index.js';
import { readDataset, readDatasetFromStream } from '../node/io.js';
import { assertOneLineError, run, tempDir } from './cli/helpers.js';

function isLimit(e: unknown, limit = 'maxMemory'): boolean {
  assert.ok(e instanceof LimitError, `expected LimitError, got ${e}`);
  assert.equal(e.code, 'TOO_LARGE');
  assert.equal(e.limit, limit);
  return true;
}

describe('fit memory budget', () => {
  it('the estimate follows the documented formula (lbfgs, dense float64, no scaling)', () => {
    const n = 1000,
      d = 20,
      K = 5;
    const e = estimateFitMemory({ n, d, K, solver: 'lbfgs', elementBytes: 8, scaled: false, weighted: false, multiClass: 'multinomial' });
    const p = K * (d + 1);
    // Written out from docs/reliability.md, independently of the implementation's grouping.
    const expected = 8 * n * d + 24 * n + 16 * n * K + 8 * p * (2 * 10 + 8 + 6) + 8 * p * 4;
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
    assert.throws(
      () => m.fit(X, y, { maxMemory: 256 * 1024 ** 2 }),
      (e: unknown) => isLimit(e) && /20000 x 10000 probability matrix/.test((e as Error).message) && /--max-memory/.test((e as Error).message),
    );
    assert.ok(Date.now() - t0 < 5000, 'refused up front');
    assert.equal(m.coef, null);
  });
  it('a LibSVM-like width of 2^31 - 1 is refused by the budget (the parameters), not allocated', () => {
    const X = new CSRMatrix(2, 2147483647, new Int32Array([0, 2, 3]), new Int32Array([0, 2147483646, 1]), new Float64Array([1, 1, 1]), false);
    assert.throws(
      () => new SoftmaxRegression().fit(X, [0, 1]),
      (e: unknown) => isLimit(e) && /number the features densely/.test((e as Error).message),
    );
  });
  it('a fit within the budget runs', () => {
    const m = new SoftmaxRegression().fit(
      [
        [0, 1],
        [1, 0],
        [0, 0.9],
        [1, 0.1],
      ],
      [0, 1, 0, 1],
      { maxMemory: 1024 ** 2 },
    );
    assert.ok(m.coef);
  });
  it('predictions check their n x K scores against the budget', async () => {
    const { setDefaultLimits, defaultLimits } = await import('../src/index.js');
    const m = new SoftmaxRegression().fit(
      [
        [0, 1],
        [1, 0],
        [0, 0.9],
        [1, 0.1],
      ],
      [0, 1, 0, 1],
    );
    const X = Array.from({ length: 5000 }, (_, i) => [i % 2, (i % 3) / 2]);
    const before = defaultLimits().maxMemory;
    setDefaultLimits({ maxMemory: 64 * 1024 });
    try {
      assert.throws(
        () => m.predictProba(X),
        (e: unknown) => isLimit(e) && /5000 rows x 2 classes/.test((e as Error).message),
      );
    } finally {
      setDefaultLimits({ maxMemory: before });
    }
    assert.equal(m.predict(X).length, 5000);
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

describe('readers refuse beyond the budget before allocating (item 4)', () => {
  it('an endless stream (stdin) is refused once its input passes the budget', async () => {
    let sent = 0;
    async function* endless() {
      yield 'a,b,label\n';
      for (;;) {
        sent += 1;
        yield '1,2,0\n3,4,1\n'.repeat(1000);
      }
    }
    await assert.rejects(readDatasetFromStream(endless(), { maxMemory: 256 * 1024 }), (e: unknown) => isLimit(e));
    // Stopped at the budget: about 256 KiB / 12 KiB per chunk, not more.
    assert.ok(sent < 40, `${sent} chunks read`);
    // Input that parses to nothing (blank lines) is stopped by the input's own size.
    async function* blank() {
      yield 'a,b,label\n';
      for (;;) yield '\n'.repeat(10000);
    }
    await assert.rejects(readDatasetFromStream(blank(), { maxMemory: 256 * 1024 }), (e: unknown) => isLimit(e) && /endless stream/.test((e as Error).message));
  });
  it('CLI: train - with an endless stdin under --max-memory exits 1 with one line', async () => {
    const { main } = await import('../cli/main.js');
    let stderr = '';
    async function* endless() {
      yield Buffer.from('a,b,label\n');
      for (;;) yield Buffer.from('1,2,0\n3,4,1\n'.repeat(1000));
    }
    const code = await main(['train', '-', '--max-memory', '200K', '--no-progress'], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => ((stderr += t), true) },
      stdin: Readable.from(endless()),
    });
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, /memory budget/);
  });
  it('a gzip bomb is refused when its output passes the budget, not after', () => {
    const { dir, cleanup } = tempDir();
    try {
      const f = join(dir, 'bomb.csv.gz');
      // 64 MiB of one repeated line compresses to ~64 KiB.
      writeFileSync(f, gzipSync(Buffer.from('a,b,label\n' + '1,2,0\n'.repeat((64 * 1024 * 1024) / 6))));
      const t0 = process.memoryUsage().rss;
      assert.throws(
        () => readDataset(f, { maxMemory: 1024 * 1024 }),
        (e: unknown) => isLimit(e) && /gzip bomb/.test((e as Error).message),
      );
      assert.ok(process.memoryUsage().rss - t0 < 48 * 1024 * 1024, 'decompression stopped early');
    } finally {
      cleanup();
    }
  });
  it('IDX header 0 x 65536 x 32768: refused by the column limit (no 2^31 feature names)', () => {
    const images = encodeIdx([0, 65536, 32768], 'u8', new Uint8Array(0));
    const labels = encodeIdx([0], 'u8', new Uint8Array(0));
    assert.throws(
      () => mnistFromIdx(images, labels),
      (e: unknown) => isLimit(e, 'maxColumns'),
    );
    // Within the column limit, the budget decides: 100 images of 100 x 100 as float64 = 8 MB.
    const img = encodeIdx([100, 100, 100], 'u8', new Uint8Array(100 * 100 * 100));
    assert.throws(
      () => mnistFromIdx(img, encodeIdx([100], 'u8', new Uint8Array(100)), { limits: { maxMemory: 4 * 1024 * 1024 } }),
      (e: unknown) => isLimit(e),
    );
  });
  it('a binary file larger than the budget is not read', () => {
    const { dir, cleanup } = tempDir();
    try {
      const f = join(dir, 'data_batch_1.bin');
      writeFileSync(f, Buffer.alloc(3073 * 100));
      assert.throws(
        () => readDataset(f, { maxMemory: 100 * 1024 }),
        (e: unknown) => isLimit(e),
      );
      assert.equal(readDataset(f).X.rows, 100);
    } finally {
      cleanup();
    }
  });
  it('CLI: a CSV beyond --max-memory is refused while reading', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const f = join(dir, 'big.csv');
      writeFileSync(f, 'a,b,label\n' + '1,2,0\n3,4,1\n'.repeat(20000));
      const r = await run(['train', f, '--max-memory', '64K', '--no-progress']);
      assert.equal(r.code, 1);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, /big\.csv .*rows x 2 columns.*memory budget of 64 KiB/);
    } finally {
      cleanup();
    }
  });
});
