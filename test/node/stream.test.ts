/**
 * node/stream (issue 13, item 1): streamed fits from CSV (plain, gzip), LibSVM and async iterables through
 * the binary cache equal the in-memory fit of the same file; the cache is reused while the file is
 * unchanged and rebuilt when it changes; the numeric fast path reads exactly what the general reader reads
 * and hands over to it (same values, same errors) at the first record it cannot read.
 */
import { strict as assert } from 'node:assert';
import { describe, it, before, after } from 'node:test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ParseError, SoftmaxRegression } from '../../src/index.js';
import { parseCsv } from '../../src/data/csv.js';
import { fitFile, fitStream, openFileCache, readDataset } from '../../node/index.js';
import { FastCsvParser } from '../../node/stream/fast-csv.js';
import { FIXTURES } from '../helpers.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
let dir = '';
let cacheDir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'smx-stream-'));
  cacheDir = join(dir, 'cache');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const OPTS = { solver: 'lbfgs', tol: 1e-10, maxIter: 5000, scale: 'standard', C: 0.5 } as const;

describe('fitFile and fitStream equal the in-memory fit', () => {
  it('CSV, gzipped CSV and LibSVM files, small blocks, float64 cache', async () => {
    const wine = readFileSync(join(FIXTURES, 'data', 'wine.csv'));
    writeFileSync(join(dir, 'wine.csv'), wine);
    writeFileSync(join(dir, 'wine.csv.gz'), gzipSync(wine));
    // The same rows as LibSVM (1-based indices, zeros left out).
    const ds = readDataset(join(dir, 'wine.csv'));
    const X = ds.X as unknown as { rows: number; cols: number; get(i: number, j: number): number };
    const lines: string[] = [];
    for (let i = 0; i < X.rows; i++) {
      const f: string[] = [String(ds.y[i])];
      for (let j = 0; j < X.cols; j++) if (X.get(i, j) !== 0) f.push(`${j + 1}:${X.get(i, j)}`);
      lines.push(f.join(' '));
    }
    writeFileSync(join(dir, 'wine.libsvm'), lines.join('\n') + '\n');
    for (const name of ['wine.csv', 'wine.csv.gz', 'wine.libsvm']) {
      const path = join(dir, name);
      const d = readDataset(path);
      const a = new SoftmaxRegression(OPTS).fit(d.X, d.y, { featureNames: d.featureNames ?? undefined });
      const b = new SoftmaxRegression(OPTS);
      const info = await fitFile(b, path, { cacheDir, blockRows: 16 });
      assert.equal(info.rows, 178);
      assert.equal(info.cacheReused, false);
      assert.ok(rel(b.fitResult!.value, a.fitResult!.value) < 1e-9, `${name}: ${b.fitResult!.value} vs ${a.fitResult!.value}`);
      assert.deepEqual(b.classes, a.classes);
      assert.deepEqual(b.featureNames, a.featureNames);
      assert.ok(info.passes > 2);
    }
  });

  it('a Parquet file (written by DuckDB, row groups of 40 rows), read in blocks by both engines', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const pq = join(dir, 'wine.parquet');
    await conn.run(`COPY (SELECT * FROM read_csv('${join(FIXTURES, 'data', 'wine.csv')}', header = true)) TO '${pq}' (FORMAT parquet, ROW_GROUP_SIZE 40)`);
    conn.closeSync();
    db.closeSync();
    const d = readDataset(join(FIXTURES, 'data', 'wine.csv'));
    const a = new SoftmaxRegression(OPTS).fit(d.X, d.y, { featureNames: d.featureNames ?? undefined });
    const b = new SoftmaxRegression(OPTS);
    const info = await fitFile(b, pq, { cacheDir, blockRows: 32 });
    assert.match(info.parser ?? '', /^parquet/);
    assert.equal(info.rows, 178);
    assert.ok(rel(b.fitResult!.value, a.fitResult!.value) < 1e-9, `${b.fitResult!.value} vs ${a.fitResult!.value}`);
    assert.deepEqual(b.featureNames, a.featureNames);
    assert.deepEqual(b.classes, a.classes);
  });

  it('an async iterable of { X, y } blocks, the cache removed afterwards', async () => {
    const d = readDataset(join(FIXTURES, 'data', 'iris.csv'));
    const X = d.X as unknown as { rows: number; cols: number; get(i: number, j: number): number };
    async function* blocks() {
      for (let s = 0; s < X.rows; s += 40) {
        const rows: number[][] = [];
        for (let i = s; i < Math.min(X.rows, s + 40); i++) rows.push(Array.from({ length: X.cols }, (_, j) => X.get(i, j)));
        yield { X: rows, y: d.y.slice(s, s + 40) };
      }
    }
    const own = join(dir, 'iter-cache');
    const m = new SoftmaxRegression(OPTS);
    const info = await fitStream(m, blocks(), { cacheDir: own });
    const a = new SoftmaxRegression(OPTS).fit(d.X, d.y);
    assert.ok(rel(m.fitResult!.value, a.fitResult!.value) < 1e-9);
    assert.equal(info.rows, 150);
    assert.deepEqual(readdirSync(own), []);
  });

  it('a float32 cache stores x - c (c the first block means) and still fits a column with a large mean', async () => {
    const rows = ['a,b,label'];
    for (let i = 0; i < 400; i++) rows.push(`${(1e6 + (i % 7) * 0.01).toFixed(2)},${((i * 37) % 11) / 10},${i % 7 < 3 ? 'x' : 'y'}`);
    const path = join(dir, 'big-mean.csv');
    writeFileSync(path, rows.join('\n'));
    const d = readDataset(path);
    const a = new SoftmaxRegression(OPTS).fit(d.X, d.y);
    const b = new SoftmaxRegression(OPTS);
    const info = await fitFile(b, path, { cacheDir, dtype: 'float32', blockRows: 64 });
    assert.equal(info.cacheDtype, 'float32');
    // float32 keeps ~7 digits of x - c: the optimum agrees to float32 precision, not 1e-9.
    assert.ok(rel(b.fitResult!.value, a.fitResult!.value) < 1e-5, `${b.fitResult!.value} vs ${a.fitResult!.value}`);
  });
});

describe('the cache', () => {
  it('is reused while size, mtime and header are unchanged, rebuilt when the file changes', async () => {
    const path = join(dir, 'iris.csv');
    writeFileSync(path, readFileSync(join(FIXTURES, 'data', 'iris.csv')));
    const own = join(dir, 'reuse-cache');
    const i1 = await fitFile(new SoftmaxRegression(OPTS), path, { cacheDir: own });
    const i2 = await fitFile(new SoftmaxRegression(OPTS), path, { cacheDir: own });
    assert.equal(i1.cacheReused, false);
    assert.equal(i2.cacheReused, true);
    assert.equal(i2.cachePath, i1.cachePath);
    // Another reader option is another cache.
    const i3 = await fitFile(new SoftmaxRegression(OPTS), path, { cacheDir: own, dtype: 'float32' });
    assert.equal(i3.cacheReused, false);
    // A new mtime (same bytes) invalidates.
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const i4 = await fitFile(new SoftmaxRegression(OPTS), path, { cacheDir: own });
    assert.equal(i4.cacheReused, false);
    // reuseCache: false always re-reads; keepCache: false removes the files.
    const i5 = await fitFile(new SoftmaxRegression(OPTS), path, { cacheDir: own, reuseCache: false, keepCache: false });
    assert.equal(i5.cacheReused, false);
    assert.equal(existsSync(i5.cachePath), false);
  });

  it('a first pass that fails leaves no cache behind and reports the line', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'a,b,label\n1,2,x\n3,oops,y\n');
    const own = join(dir, 'bad-cache');
    await assert.rejects(
      fitFile(new SoftmaxRegression(), path, { cacheDir: own }),
      (e: unknown) => e instanceof ParseError && /line 3/.test((e as Error).message),
    );
    assert.deepEqual(readdirSync(own), []);
  });
});

describe('the numeric fast path', () => {
  /** Values and labels of a CSV text through the fast parser (with hand-over) vs parseCsv. */
  async function both(text: string, blockRows = 3): Promise<{ fast: number[]; general: number[]; fastY: unknown[]; generalY: unknown[] }> {
    const path = join(dir, `fc-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(path, text);
    const { store } = await openFileCache(path, { cacheDir, dtype: 'float64', blockRows, reuseCache: false, keepCache: false });
    const fast: number[] = [];
    const fastY: unknown[] = [];
    store.forEachBlock((b) => {
      if (b.kind === 'dense') fast.push(...b.X);
      for (const k of b.y) fastY.push(store.summary.classes[k]);
    });
    const g = parseCsv(text);
    const gd = g.X as unknown as { data: Float64Array };
    rmSync(path);
    return { fast, general: Array.from(gd.data), fastY, generalY: g.y };
  }

  it('reads numbers exactly as Number() does (property test over number spellings)', async () => {
    const num = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.integer().map(String),
      fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.nat(99999), fc.integer({ min: -30, max: 30 })).map(([a, b, e]) => `${a}.${b}e${e}`),
      fc.tuple(fc.nat(999), fc.nat(999)).map(([a, b]) => `+${a}.${String(b).padStart(5, '0')}`),
      fc.constantFrom('0', '-0', '.5', '5.', '00012', '1E5', '1e+5', '123456789012345678', '0.1000000000000000055511151231257827'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(num, num, fc.constantFrom('a', 'b', '7')), { minLength: 1, maxLength: 12 }), async (rows) => {
        const text = 'x,y,label\n' + rows.map((r) => r.join(',')).join('\n') + '\n';
        const r = await both(text);
        assert.deepEqual(r.fast, r.general);
        assert.deepEqual(r.fastY, r.generalY);
      }),
      { numRuns: 60 },
    );
  });

  it('hands over to the general reader at quotes, padding, missing values and CRLF, with the same result', async () => {
    const text = 'x,y,label\r\n1,2,a\r\n3,4,b\r\n"5",6,a\r\n 7,8,b\r\n9,1e3,"a"\r\n2,3,b\n';
    const r = await both(text, 2);
    assert.deepEqual(r.fast, r.general);
    assert.deepEqual(r.fastY, r.generalY);
  });

  it('on worker threads (small chunks): the same values and labels, and the hand-over at a bad record', async () => {
    const rows = ['x,y,label'];
    for (let i = 0; i < 3000; i++) rows.push(`${(i * 0.37) % 5},${-i / 7},${i % 3 === 0 ? 'a' : 'b'}`);
    const text = rows.join('\n') + '\n';
    const path = join(dir, 'threads.csv');
    writeFileSync(path, text);
    const { store, parser } = await openFileCache(path, { cacheDir, dtype: 'float64', reuseCache: false, keepCache: false, workers: 2, chunkBytes: 4096 });
    assert.equal(parser, 'fast(threads)');
    const X: number[] = [];
    const y: unknown[] = [];
    store.forEachBlock((b) => {
      if (b.kind === 'dense') X.push(...b.X);
      for (const k of b.y) y.push(store.summary.classes[k]);
    });
    const g = parseCsv(text);
    assert.deepEqual(X, Array.from((g.X as unknown as { data: Float64Array }).data));
    assert.deepEqual(y, g.y);
    // A quoted field in the middle: the general reader takes over there and reads the same rows.
    rows[1700] = rows[1700]!.replace(/,b$/, ',"b"').replace(/,a$/, ',"a"');
    const text2 = rows.join('\n') + '\n';
    writeFileSync(path, text2);
    const r2 = await openFileCache(path, { cacheDir, dtype: 'float64', reuseCache: false, keepCache: false, workers: 2, chunkBytes: 4096 });
    assert.equal(r2.parser, 'fast(threads)+general');
    const X2: number[] = [];
    r2.store.forEachBlock((b) => b.kind === 'dense' && X2.push(...b.X));
    assert.deepEqual(X2, Array.from((parseCsv(text2).X as unknown as { data: Float64Array }).data));
    // A bad value: the general reader's error, with the file's line number.
    rows[2500] = rows[2500]!.replace(/^[^,]+/, 'zz');
    writeFileSync(path, rows.join('\n') + '\n');
    await assert.rejects(
      openFileCache(path, { cacheDir, dtype: 'float64', reuseCache: false, workers: 2, chunkBytes: 4096 }),
      (e: unknown) => e instanceof ParseError && /line 2501/.test((e as Error).message),
    );
  });

  it('applies only to headers it can read, and errors keep the general reader message and line', async () => {
    assert.equal(FastCsvParser.create(Buffer.from('"a",b\n1,2\n'), {}), null);
    assert.notEqual(FastCsvParser.create(Buffer.from('a,b\n1,2\n'), {}), null);
    const path = join(dir, 'ragged.csv');
    writeFileSync(path, 'a,b,label\n1,2,x\n3,4,y\n5,6\n');
    await assert.rejects(fitFile(new SoftmaxRegression(), path, { cacheDir }), (e: unknown) => e instanceof ParseError && /line 4/.test((e as Error).message));
    const path2 = join(dir, 'na.csv');
    writeFileSync(path2, 'a,b,label\n1,2,x\n3,NA,y\n');
    await assert.rejects(
      fitFile(new SoftmaxRegression(), path2, { cacheDir }),
      (e: unknown) => e instanceof ParseError && /missing value/.test((e as Error).message),
    );
  });
});
