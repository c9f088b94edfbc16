import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, csvColumns } from '../../src/data/csv.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { OptionError, ParseError } from '../../src/errors.js';

function rows(ds: { X: unknown }): number[][] {
  return (ds.X as DenseMatrix).toArrays();
}

function parseError(fn: () => unknown, where: { line?: number; column?: number; file?: string }, msg?: RegExp): ParseError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ParseError, `expected a ParseError, got ${String(caught)}`);
  const e = caught as ParseError;
  if ('line' in where) assert.equal(e.line, where.line, e.message);
  if ('column' in where) assert.equal(e.column, where.column, e.message);
  if ('file' in where) assert.equal(e.file, where.file);
  if (msg) assert.match(e.message, msg);
  return e;
}

test('numeric features, default label = last column, numeric labels', () => {
  const ds = parseCsv('a,b,label\n1,2.5,0\n-3,1e-2,1\n', { file: 'x.csv' });
  assert.deepEqual(rows(ds), [
    [1, 2.5],
    [-3, 0.01],
  ]);
  assert.deepEqual(ds.y, [0, 1]);
  assert.deepEqual(ds.featureNames, ['a', 'b']);
  assert.equal(ds.source, 'x.csv');
});

test('string labels when any label is not a number', () => {
  const ds = parseCsv('x,species\n1,setosa\n2,3\n');
  assert.deepEqual(ds.y, ['setosa', '3']);
});

test('quoted fields: delimiters, quotes and newlines inside quotes; CRLF; BOM; blank lines', () => {
  const text = '\ufeff"a, first","b ""q""",label\r\n"1","2","x,y"\r\n\r\n3,"4","line\nbreak"\r\n';
  const ds = parseCsv(text);
  assert.deepEqual(ds.featureNames, ['a, first', 'b "q"']);
  assert.deepEqual(rows(ds), [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(ds.y, ['x,y', 'line\nbreak']);
});

test('quoted label and quoted numbers parse like unquoted ones', () => {
  const ds = parseCsv('a,label\n"1.5","2"\n"3",1\n');
  assert.deepEqual(rows(ds), [[1.5], [3]]);
  assert.deepEqual(ds.y, [2, 1]);
});

test('label by name and by 0-based index; label: null keeps every column', () => {
  const text = 'y,a,b\n1,2,3\n0,5,6\n';
  const byName = parseCsv(text, { label: 'y' });
  assert.deepEqual(rows(byName), [
    [2, 3],
    [5, 6],
  ]);
  assert.deepEqual(byName.y, [1, 0]);
  const byIndex = parseCsv(text, { label: 0 });
  assert.deepEqual(rows(byIndex), rows(byName));
  const mid = parseCsv(text, { label: 1 });
  assert.deepEqual(rows(mid), [
    [1, 3],
    [0, 6],
  ]);
  assert.deepEqual(mid.y, [2, 5]);
  assert.deepEqual(parseCsv(text, { label: '1' }).y, [2, 5]);
  assert.deepEqual(parseCsv('a,b,1\n1,2,3\n', { label: '1' }).y, [3]); // a column named '1' wins
  const none = parseCsv(text, { label: null });
  assert.deepEqual(rows(none), [
    [1, 2, 3],
    [0, 5, 6],
  ]);
  assert.deepEqual(none.y, []);
});

test('features selects and orders columns', () => {
  const ds = parseCsv('a,b,c,label\n1,2,3,0\n4,5,6,1\n', { features: ['c', 'a'] });
  assert.deepEqual(ds.featureNames, ['c', 'a']);
  assert.deepEqual(rows(ds), [
    [3, 1],
    [6, 4],
  ]);
  // Data to predict, read with the model's feature names: no label column, so the last column is a feature.
  const pred = parseCsv('a,b,c\n1,2,3\n', { features: ['a', 'b', 'c'] });
  assert.deepEqual(rows(pred), [[1, 2, 3]]);
  assert.deepEqual(pred.y, []);
});

test('bad label / features options are OptionErrors naming the option', () => {
  const text = 'a,b\n1,2\n';
  assert.throws(
    () => parseCsv(text, { label: 'zz' }),
    (e: unknown) => e instanceof OptionError && e.option === 'label' && /'a', 'b'/.test(e.message),
  );
  assert.throws(
    () => parseCsv(text, { label: 2 }),
    (e: unknown) => e instanceof OptionError && e.option === 'label',
  );
  assert.throws(
    () => parseCsv(text, { features: ['q'] }),
    (e: unknown) => e instanceof OptionError && e.option === 'features',
  );
  assert.throws(
    () => parseCsv(text, { label: 'b', features: ['b'] }),
    (e: unknown) => e instanceof OptionError && /label column/.test(e.message),
  );
  assert.throws(
    () => parseCsv(text, { features: ['a', 'a'], label: null }),
    (e: unknown) => e instanceof OptionError,
  );
});

test('a non-number names file, line and column', () => {
  const text = 'a,b,label\n1,2,0\n3,abc,1\n';
  const e = parseError(() => parseCsv(text, { file: 'd.csv' }), { file: 'd.csv', line: 3, column: 2 }, /'b'.*"abc"/);
  assert.match(e.message, /^d\.csv, line 3, column 2: /);
  // Things Number() accepts but a data file should not.
  parseError(() => parseCsv('a,label\n0x1F,0\n'), { line: 2, column: 1 });
  parseError(() => parseCsv('a,label\nInfinity,0\n'), { line: 2, column: 1 });
  parseError(() => parseCsv('a,label\n1e999,0\n'), { line: 2, column: 1 });
});

test('missing values: error with location by default', () => {
  for (const m of ['', 'NA', 'NaN', '?', ' ']) {
    parseError(() => parseCsv(`a,b,label\n1,2,0\n3,${m},1\n`, { file: 'm.csv' }), { file: 'm.csv', line: 3, column: 2 }, /missing value/);
  }
  // A missing label is always an error (it cannot be imputed).
  parseError(() => parseCsv('a,label\n1,\n', { missing: 'mean' }), { line: 2, column: 2 }, /missing label/);
});

test('missing values: mean imputation from the present values of the column', () => {
  const ds = parseCsv('a,b,label\n1,NA,0\n,4,1\n5,8,0\n', { missing: 'mean' });
  assert.deepEqual(rows(ds), [
    [1, 6],
    [3, 4],
    [5, 8],
  ]);
  parseError(() => parseCsv('a,b,label\n1,,0\n2,?,1\n', { missing: 'mean' }), { column: 2 }, /no values/);
});

test('ragged rows and broken quotes are ParseErrors with a line', () => {
  parseError(() => parseCsv('a,b,label\n1,2,0\n3,4\n'), { line: 3, column: 3 }, /2 field\(s\).*3/);
  parseError(() => parseCsv('a,b,label\n1,2,0,9\n'), { line: 2 });
  const e = parseError(() => parseCsv('a,"b",label\n1,"2,0\n3,4,1\n'), {});
  assert.ok(e.line !== undefined);
  parseError(() => parseCsv('"a",label\n1",0\n'), { line: 2 });
});

test('line numbers count blank lines and skip past multi-line quoted fields', () => {
  parseError(() => parseCsv('a,label\n\n\n1,0\nx,1\n'), { line: 5, column: 1 });
  parseError(() => parseCsv('a,label\n1,"multi\nline"\nx,1\n'), { line: 4, column: 1 });
  parseError(() => parseCsv('a,label\n"1","multi\nline"\n"x",1\n'), { line: 4, column: 1 });
});

test('header-only input gives an empty data set; empty input is an error', () => {
  const ds = parseCsv('a,b,label\n');
  assert.equal(ds.X.rows, 0);
  assert.equal(ds.X.cols, 2);
  parseError(() => parseCsv(''), { line: 1 }, /header/);
  parseError(() => parseCsv('\n\n'), {}, /header/);
});

test('gzip bytes arriving as text get a clear error', () => {
  const asLatin1 = String.fromCharCode(0x1f, 0x8b, 0x08, 0x00);
  parseError(() => parseCsv(asLatin1, { file: 'z.csv' }), { file: 'z.csv' }, /gzip/);
  parseError(() => parseCsv('\x1f\ufffd\x08'), {}, /gzip/);
});

test('other delimiters', () => {
  const ds = parseCsv('a;b;label\n1;2;x\n', { delimiter: ';' });
  assert.deepEqual(rows(ds), [[1, 2]]);
  const tsv = parseCsv('a\tlabel\n"1"\ty\n', { delimiter: '\t' });
  assert.deepEqual(rows(tsv), [[1]]);
  assert.throws(() => parseCsv('a\n', { delimiter: '' }), OptionError);
});

test('csvColumns returns the header names', () => {
  assert.deepEqual(csvColumns('a, b ,label\n1,2,3\n'), ['a', 'b', 'label']);
  assert.deepEqual(csvColumns('"x,1",y\n1,2\n'), ['x,1', 'y']);
  assert.throws(() => csvColumns(''), ParseError);
});

test('the shipped iris file parses to 150 x 4 with labels 0..2', async () => {
  const { readFileSync } = await import('node:fs');
  const ds = parseCsv(readFileSync(new URL('../../data/iris.csv', import.meta.url), 'utf8'));
  assert.equal(ds.X.rows, 150);
  assert.equal(ds.X.cols, 4);
  assert.deepEqual([...new Set(ds.y)].sort(), [0, 1, 2]);
  assert.deepEqual(rows(ds)[0], [5.1, 3.5, 1.4, 0.2]);
});
