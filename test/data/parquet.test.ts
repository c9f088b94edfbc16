/**
 * Parquet input. The files are written here by DuckDB (a devDependency; an independent writer, not the
 * readers under test) from the CSV fixtures and small SQL tables, then read by both engines (hyparquet and
 * DuckDB), which must agree with the CSV reader to the last bit.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { openParquetFile, readParquetFile, type ParquetEngine } from '../../node/parquet.js';
import { readDataset, readDatasetAsync, formatFromPath } from '../../node/io.js';
import { readParquet, ParseError, DataError, OptionError, DenseMatrix } from '../../src/index.js';
import { FIXTURES } from '../helpers.js';
import { run } from '../cli/helpers.js';

const ENGINES: ParquetEngine[] = ['hyparquet', 'duckdb'];
let dir: string;
let db: DuckDBInstance;
let conn: DuckDBConnection;
const IRIS_CSV = join(FIXTURES, 'data', 'iris.csv');

async function sql(q: string): Promise<void> {
  await conn.run(q);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'softmax-parquet-'));
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  // Row groups of 40 rows: iris spans 4 of them, so blocks cross row-group boundaries.
  await sql(`COPY (SELECT * FROM read_csv('${IRIS_CSV}', header = true)) TO '${dir}/iris.parquet' (FORMAT parquet, ROW_GROUP_SIZE 40)`);
  await sql(`COPY (SELECT * FROM read_csv('${IRIS_CSV}', header = true)) TO '${dir}/iris.gz.parquet' (FORMAT parquet, COMPRESSION gzip)`);
  await sql(`COPY (SELECT * FROM read_csv('${IRIS_CSV}', header = true)) TO '${dir}/iris-data' (FORMAT parquet)`);
  await sql(
    `COPY (SELECT i::INTEGER AS a, (i * 0.5)::FLOAT AS b, (i % 2 = 0) AS flag, (i * 1000000000)::BIGINT AS big, 'class-' || (i % 3)::VARCHAR AS kind,
            (i % 3)::BIGINT AS klass FROM range(10) t(i)) TO '${dir}/types.parquet' (FORMAT parquet)`,
  );
  await sql(`COPY (SELECT * FROM (VALUES (1.0, 2.0, 'a'), (NULL, 3.0, 'b'), (4.0, 5.0, 'a')) t(x1, x2, y)) TO '${dir}/nulls.parquet' (FORMAT parquet)`);
  await sql(`COPY (SELECT * FROM (VALUES (1.0, 'red', 'a'), (2.0, 'blue', 'b')) t(x1, colour, y)) TO '${dir}/text.parquet' (FORMAT parquet)`);
  await sql(`COPY (SELECT * FROM (VALUES (1.0, DATE '2024-01-01', 'a')) t(x1, day, y)) TO '${dir}/date.parquet' (FORMAT parquet)`);
  await sql(`COPY (SELECT * FROM (VALUES (1.0, [1.0, 2.0], 'a')) t(x1, vec, y)) TO '${dir}/list.parquet' (FORMAT parquet)`);
});

after(() => {
  conn?.closeSync();
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('Parquet reader', () => {
  for (const engine of ENGINES) {
    it(`${engine}: iris.parquet reads exactly as iris.csv (features, labels, names)`, async () => {
      const csv = readDataset(IRIS_CSV);
      for (const f of ['iris.parquet', 'iris.gz.parquet']) {
        const pq = await readParquetFile(join(dir, f), { engine });
        assert.deepEqual(pq.featureNames, csv.featureNames);
        assert.equal(pq.X.rows, 150);
        assert.deepEqual(Array.from((pq.X as DenseMatrix).data), Array.from((csv.X as DenseMatrix).data));
        // DuckDB reads the CSV's label column as BIGINT: numbers, like the CSV reader's numeric labels.
        assert.deepEqual(pq.y, csv.y);
      }
    });

    it(`${engine}: blocks of at most blockRows rows, in file order, concatenate to the whole file`, async () => {
      const whole = await readParquetFile(join(dir, 'iris.parquet'), { engine });
      const reader = await openParquetFile(join(dir, 'iris.parquet'), { engine, blockRows: 25 });
      try {
        assert.equal(reader.engine, engine);
        assert.equal(reader.layout.rows, 150);
        assert.equal(reader.layout.label, 'label');
        assert.deepEqual(
          reader.layout.rowGroups.reduce((a, b) => a + b, 0),
          150,
        );
        for (let pass = 0; pass < 2; pass++) {
          let next = 0;
          const X: number[] = [];
          const y: unknown[] = [];
          for await (const b of reader.blocks()) {
            assert.ok(b.rows >= 1 && b.rows <= 25, `block of ${b.rows} rows`);
            assert.equal(b.rowStart, next);
            assert.equal(b.cols, 4);
            assert.equal(b.X.length, b.rows * 4);
            assert.equal(b.y.length, b.rows);
            next += b.rows;
            X.push(...b.X);
            y.push(...b.y);
          }
          assert.equal(next, 150);
          assert.deepEqual(X, Array.from((whole.X as DenseMatrix).data));
          assert.deepEqual(y, whole.y);
        }
      } finally {
        await reader.close();
      }
    });

    it(`${engine}: float32 blocks; label by name; chosen features; no labels`, async () => {
      const r = await openParquetFile(join(dir, 'types.parquet'), { engine, label: 'kind', features: ['big', 'a', 'b', 'flag'], float32: true });
      try {
        const blocks = [];
        for await (const b of r.blocks()) blocks.push(b);
        assert.equal(blocks.length, 1);
        const b = blocks[0]!;
        assert.ok(b.X instanceof Float32Array);
        assert.deepEqual(Array.from(b.X.subarray(4 * 3, 4 * 4)), [3e9, 3, 1.5, 0]);
        assert.deepEqual(b.y.slice(0, 4), ['class-0', 'class-1', 'class-2', 'class-0']);
        assert.deepEqual(r.layout.featureNames, ['big', 'a', 'b', 'flag']);
      } finally {
        await r.close();
      }
      // INT64 labels become numbers; label: null drops them; the label by 0-based index.
      const ints = await readParquetFile(join(dir, 'types.parquet'), { engine, features: ['a', 'b'] });
      assert.deepEqual(ints.y.slice(0, 4), [0, 1, 2, 0]);
      const none = await readParquetFile(join(dir, 'types.parquet'), { engine, label: null, features: ['a'] });
      assert.deepEqual(none.y, []);
      const byIndex = await readParquetFile(join(dir, 'types.parquet'), { engine, label: 0, features: ['b'] });
      assert.deepEqual(byIndex.y.slice(0, 3), [0, 1, 2]);
    });

    it(`${engine}: nulls, text, dates and nested feature columns are refused, naming the column (and the row)`, async () => {
      await assert.rejects(readParquetFile(join(dir, 'nulls.parquet'), { engine }), (e: unknown) => {
        assert.ok(e instanceof ParseError, String(e));
        assert.match(e.message, /nulls\.parquet/);
        assert.match(e.message, /'x1' at row 2/);
        return true;
      });
      for (const [f, col, what] of [
        ['text.parquet', 'colour', /is text/],
        ['date.parquet', 'day', /DATE/],
        ['list.parquet', 'vec', /nested/],
      ] as const) {
        await assert.rejects(readParquetFile(join(dir, f), { engine }), (e: unknown) => {
          assert.ok(e instanceof DataError, String(e));
          assert.match(e.message, new RegExp(`'${col}'`));
          assert.match(e.message, what);
          return true;
        });
      }
      // The text column is fine as the label.
      const ds = await readParquetFile(join(dir, 'text.parquet'), { engine, label: 'colour', features: ['x1'] });
      assert.deepEqual(ds.y, ['red', 'blue']);
      await assert.rejects(
        readParquetFile(join(dir, 'types.parquet'), { engine, label: 'nope' }),
        (e: unknown) => e instanceof OptionError && /'nope'/.test(e.message),
      );
      await assert.rejects(
        readParquetFile(join(dir, 'types.parquet'), { engine, features: ['a', 'zz'] }),
        (e: unknown) => e instanceof OptionError && /'zz'/.test(e.message),
      );
    });

    it(`${engine}: a file that is not Parquet, and a truncated one, are ParseErrors naming the file`, async () => {
      const bad = join(dir, `not-${engine}.parquet`);
      writeFileSync(bad, 'a,b\n1,2\n');
      await assert.rejects(readParquetFile(bad, { engine }), (e: unknown) => e instanceof ParseError && e.message.includes(bad));
      const cut = join(dir, `cut-${engine}.parquet`);
      const bytes = readFileSync(join(dir, 'iris.parquet'));
      writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
      await assert.rejects(readParquetFile(cut, { engine }), (e: unknown) => e instanceof ParseError && e.message.includes(cut));
    });
  }

  it('readParquet (browser-safe) reads bytes in memory', async () => {
    const ds = await readParquet(readFileSync(join(dir, 'iris.parquet')), { file: 'iris.parquet' });
    assert.equal(ds.X.rows, 150);
    assert.deepEqual(ds.featureNames, readDataset(IRIS_CSV).featureNames);
  });

  it('readDatasetAsync picks Parquet by extension or by its magic bytes; readDataset says to use it', async () => {
    assert.equal(formatFromPath('a/b.parquet'), 'parquet');
    const a = await readDatasetAsync(join(dir, 'iris.parquet'));
    const b = await readDatasetAsync(join(dir, 'iris-data'));
    assert.deepEqual(Array.from((a.X as DenseMatrix).data), Array.from((b.X as DenseMatrix).data));
    assert.throws(() => readDataset(join(dir, 'iris.parquet')), /readDatasetAsync/);
    await assert.rejects(readDatasetAsync(join(dir, 'iris.parquet'), { missing: 'mean' }), /does not apply to Parquet/);
  });

  it('the memory budget is checked before the rows are read', async () => {
    await assert.rejects(readParquetFile(join(dir, 'iris.parquet'), { maxMemory: 1000 }), (e: unknown) => (e as { code?: string }).code === 'TOO_LARGE');
  });

  it('the CLI trains, predicts and cross-validates from Parquet like from CSV', async () => {
    const model = join(dir, 'm.json');
    const t = await run(['train', join(dir, 'iris.parquet'), '-o', model, '--no-progress']);
    assert.equal(t.code, 0, t.stderr);
    const fromCsv = join(dir, 'm-csv.json');
    assert.equal((await run(['train', IRIS_CSV, '-o', fromCsv, '--no-progress'])).code, 0);
    const coef = (p: string) => (JSON.parse(readFileSync(p, 'utf8')) as { coef: number[][] }).coef;
    assert.deepEqual(coef(model), coef(fromCsv));
    const p = await run(['predict', '--model', model, join(dir, 'iris.parquet')]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.trim().split('\n').length, 151);
    const cv = await run(['cv', join(dir, 'types.parquet'), '--label', 'kind', '--features', 'a,b', '--folds', '2']);
    assert.equal(cv.code, 0, cv.stderr);
  });
});
