import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLibSvm } from '../../src/data/libsvm.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { OptionError, ParseError } from '../../src/errors.js';

function csr(ds: { X: unknown }): CSRMatrix {
  assert.ok(ds.X instanceof CSRMatrix);
  return ds.X as CSRMatrix;
}

function where(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ParseError');
}

test('1-based file indices become 0-based CSR columns; typed arrays', () => {
  const ds = parseLibSvm('1 1:0.5 3:2\n-1 2:-1\n2 5:7e-1\n', { file: 'a.svm' });
  const X = csr(ds);
  assert.equal(X.rows, 3);
  assert.equal(X.cols, 5);
  assert.ok(X.data instanceof Float64Array && X.indices instanceof Int32Array && X.indptr instanceof Int32Array);
  assert.deepEqual(Array.from(X.indptr), [0, 2, 3, 4]);
  assert.deepEqual(Array.from(X.indices), [0, 2, 1, 4]);
  assert.deepEqual(Array.from(X.data), [0.5, 2, -1, 0.7]);
  assert.deepEqual(ds.y, [1, -1, 2]);
  assert.deepEqual(X.toArrays()[0], [0.5, 0, 2, 0, 0]);
  assert.equal(ds.featureNames, null);
});

test('qid ignored, comments and blank lines skipped, +1 labels, tabs and CRLF, empty rows', () => {
  const text = '# header comment\n+1 qid:3 1:1\t4:2 # trailing\r\n\n   \n-1 qid:3\n0.5 2:3\n';
  const ds = parseLibSvm(text);
  const X = csr(ds);
  assert.deepEqual(ds.y, [1, -1, 0.5]);
  assert.deepEqual(Array.from(X.indptr), [0, 2, 2, 3]);
  assert.deepEqual(Array.from(X.indices), [0, 3, 1]);
  assert.equal(X.cols, 4);
});

test('nFeatures pads the width and rejects larger indices with the location', () => {
  assert.equal(csr(parseLibSvm('1 2:1\n', { nFeatures: 10 })).cols, 10);
  const e = where(() => parseLibSvm('1 2:1\n0 3:1 11:2\n', { file: 't.svm', nFeatures: 10 }));
  assert.equal(e.file, 't.svm');
  assert.equal(e.line, 2);
  assert.equal(e.column, 7);
  assert.throws(() => parseLibSvm('1 1:1\n', { nFeatures: -1 }), OptionError);
});

test('errors carry line and column', () => {
  const cases: [string, number, number, RegExp][] = [
    ['1 1:1\nx 1:1\n', 2, 1, /label/],
    ['1 0:1\n', 1, 3, /1-based/],
    ['1 3:1 2:1\n', 1, 7, /ascending/],
    ['1 3:1 3:1\n', 1, 7, /ascending/],
    ['1 1:abc\n', 1, 5, /not a finite number/],
    ['1 1:nan\n', 1, 5, /not a finite number/],
    ['1 1\n', 1, 3, /index:value/],
    ['1 a:1\n', 1, 3, /index/],
    ['1 -2:1\n', 1, 3, /index/],
    ['1 1.5:1\n', 1, 3, /index/],
    ['1 qid:x 1:1\n', 1, 3, /qid/],
    ['1 99999999999:1\n', 1, 3, /out of range/],
  ];
  for (const [text, line, column, msg] of cases) {
    const e = where(() => parseLibSvm(text, { file: 'f' }));
    assert.equal(e.line, line, `${JSON.stringify(text)}: ${e.message}`);
    assert.equal(e.column, column, `${JSON.stringify(text)}: ${e.message}`);
    assert.match(e.message, msg);
    assert.match(e.message, /^f, line \d+, column \d+: /);
  }
});

test('empty input is an empty data set; gzip text is rejected', () => {
  const ds = parseLibSvm('# nothing\n\n');
  assert.equal(ds.X.rows, 0);
  assert.deepEqual(ds.y, []);
  assert.match(where(() => parseLibSvm('\x1f\x8b\x08')).message, /gzip/);
});
