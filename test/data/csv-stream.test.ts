/**
 * The streaming CSV and LibSVM readers (issue 16 item 4): the same result however the text is cut into
 * chunks, the same records as csv-parse (the library the CSV reader follows, used here as the oracle), and
 * limits (memory budget, widest header, longest record) refused with a LimitError before allocating.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as csvParse } from 'csv-parse/sync';
import '../fc-setup.js';
import { CsvReader, parseCsv, parseNumber } from '../../src/data/csv.js';
import { LibSvmReader, parseLibSvm } from '../../src/data/libsvm.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { LimitError, ParseError, SoftmaxError } from '../../src/errors.js';
import type { Dataset } from '../../src/data/dataset.js';

const RUNS = 300;

/** A reader's outcome, comparable with deepEqual: the data, or the error's code and location. */
function result(fn: () => Dataset): unknown {
  try {
    const ds = fn();
    return { X: Array.from(ds.X.data), rows: ds.X.rows, cols: ds.X.cols, y: ds.y, names: ds.featureNames };
  } catch (e) {
    assert.ok(e instanceof SoftmaxError, String(e));
    return { code: e.code, line: (e as ParseError).line, column: (e as ParseError).column };
  }
}

/** Cut text at the given fractions and push the pieces (a CR and LF may land in different chunks). */
function inChunks(text: string, cuts: number[], make: () => CsvReader | LibSvmReader): Dataset {
  const at = [...new Set(cuts.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
  const r = make();
  let prev = 0;
  for (const c of [...at, text.length]) {
    r.push(text.slice(prev, c));
    prev = c;
  }
  return r.end();
}

const CSV_CHARS = ['a', '1', '2', '0', '.', '-', 'e', ',', '"', '\n', '\r', ' ', 'N', 'A', 'x', ';'];
const csvText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...CSV_CHARS), maxLength: 80 }),
  fc
    .tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.array(
        fc.tuple(
          fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 4, maxLength: 4 }),
          fc.constantFrom('0', '1', 'a b', 'x,y', 'q"q', 'l\nm'),
        ),
        { maxLength: 6 },
      ),
      fc.boolean(),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(([d, rows, quoteAll, nl]) => {
      const q = (s: string) => (quoteAll || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
      const head = [...Array.from({ length: d }, (_, j) => q(`f${j}`)), q('label')].join(',');
      return [head, ...rows.map(([v, l]) => [...v.slice(0, d).map((x) => q(String(x))), q(l)].join(','))].join(nl) + nl;
    }),
);
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 });

test('CSV: any chunking gives the same result as the whole text', () => {
  fc.assert(
    fc.property(csvText, cuts, fc.constantFrom<'error' | 'mean'>('error', 'mean'), (text, cs, missing) => {
      assert.deepEqual(
        result(() => inChunks(text, cs, () => new CsvReader({ missing }))),
        result(() => parseCsv(text, { missing })),
      );
    }),
    { numRuns: RUNS },
  );
});

/**
 * The reference reading, from csv-parse's records: header trimmed, last column the label, other fields
 * finite numbers (missing values an error), every row as wide as the header.
 */
function viaCsvParse(text: string): unknown {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = csvParse(text, {
      bom: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: false,
    }) as never;
  } catch {
    return { code: 'PARSE_ERROR' };
  }
  if (records.length === 0) return { code: 'PARSE_ERROR' };
  const header = records[0]!.record.map((h) => h.trim());
  const d = header.length - 1;
  const X: number[] = [];
  const labels: string[] = [];
  for (const r of records.slice(1)) {
    let inner = 0;
    for (const f of r.record) inner += (f.match(/\r\n|\n|\r/g) ?? []).length;
    const line = r.info.lines - inner;
    if (r.record.length !== header.length) return { code: 'PARSE_ERROR', line };
    for (let j = 0; j < d; j++) {
      const v = parseNumber(r.record[j]!);
      if (v === undefined) return { code: 'PARSE_ERROR', line, column: j + 1 };
      X.push(v);
    }
    const l = r.record[d]!.trim();
    if (['', 'NA', 'N/A', 'NaN', 'nan', 'NAN', 'na', 'n/a', '?', 'null', 'NULL'].includes(l)) return { code: 'PARSE_ERROR', line, column: d + 1 };
    labels.push(l);
  }
  const y = labels.every((l) => parseNumber(l) !== undefined) ? labels.map((l) => parseNumber(l)!) : labels;
  return { X, rows: labels.length, cols: d, y, names: header.slice(0, d) };
}

test('CSV: the same records, values and error lines as csv-parse', () => {
  fc.assert(
    fc.property(csvText, (text) => {
      const mine = result(() => parseCsv(text)) as { code?: string; line?: number; column?: number };
      const ref = viaCsvParse(text) as { code?: string; line?: number; column?: number };
      if (ref.code === undefined || mine.code === undefined) {
        assert.deepEqual(mine, ref);
        return;
      }
      // Both failed. A syntax error's wording differs; where both locate a bad row they agree on it.
      assert.equal(mine.code, ref.code);
      if (ref.line !== undefined && mine.line !== undefined && mine.column !== undefined && ref.column !== undefined) {
        assert.equal(mine.line, ref.line);
      }
    }),
    { numRuns: RUNS * 2 },
  );
});

const SVM_CHARS = ['1', '2', '0', ':', ' ', '\n', '\r', '#', '-', '.', 'q', 'i', 'd'];
const svmText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...SVM_CHARS), maxLength: 80 }),
  fc
    .array(fc.tuple(fc.constantFrom('1', '-1', '0', '2.5'), fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 5 })), { maxLength: 6 })
    .map((rows) => rows.map(([l, idx]) => [l, ...idx.sort((a, b) => a - b).map((i) => `${i}:${i / 7}`)].join(' ')).join('\n') + '\n'),
);

test('LibSVM: any chunking gives the same result as the whole text', () => {
  fc.assert(
    fc.property(svmText, cuts, (text, cs) => {
      assert.deepEqual(
        result(() => inChunks(text, cs, () => new LibSvmReader())),
        result(() => parseLibSvm(text)),
      );
    }),
    { numRuns: RUNS },
  );
});

function isLimit(limit: string) {
  return (e: unknown) => e instanceof LimitError && e.code === 'TOO_LARGE' && e.limit === limit && new RegExp(limit).test(e.message);
}

test('CSV limits: budget, header width, record length (small limits stand in for huge files)', () => {
  const rows = ['a,b,label', ...Array.from({ length: 2000 }, (_, i) => `${i},${i / 3},${i % 3}`)].join('\n');
  assert.equal(parseCsv(rows).X.rows, 2000);
  // 2000 x 2 doubles = 32 KB: a 16 KB budget refuses it while reading, not after.
  assert.throws(() => parseCsv(rows, { limits: { maxMemory: 16 * 1024 } }), isLimit('maxMemory'));
  // The refusal names how to raise the budget.
  assert.throws(() => parseCsv(rows, { limits: { maxMemory: 16 * 1024 } }), /--max-memory/);
  assert.throws(() => parseCsv('a,b,c,d,label\n1,2,3,4,0\n', { limits: { maxColumns: 3 } }), isLimit('maxColumns'));
  assert.throws(() => parseCsv('"a","b","c","d",label\n1,2,3,4,0\n', { limits: { maxColumns: 3 } }), isLimit('maxColumns'));
  // One huge line (a quoted label that never closes, or no line breaks at all), fed in chunks: refused as
  // soon as the carried record passes maxLineLength, before the rest arrives.
  for (const start of ['a,label\n1,"', 'a,label\n1,']) {
    const r = new CsvReader({ limits: { maxLineLength: 1000 } });
    r.push(start);
    assert.throws(() => {
      for (let i = 0; i < 100; i++) r.push('x'.repeat(100));
    }, isLimit('maxLineLength'));
  }
});

test('LibSVM limits: budget and line length', () => {
  const text = Array.from({ length: 3000 }, (_, i) => `${i % 2} 1:${i} 5:1`).join('\n');
  assert.equal(parseLibSvm(text).X.rows, 3000);
  assert.throws(() => parseLibSvm(text, { limits: { maxMemory: 32 * 1024 } }), isLimit('maxMemory'));
  const r = new LibSvmReader({ limits: { maxLineLength: 500 } });
  assert.throws(() => {
    for (let i = 0; i < 100; i++) r.push('1 1:1 '.repeat(20));
  }, isLimit('maxLineLength'));
  // The 25-byte file with index 2^31 - 1 reads (a 1 x 2147483647 sparse row holds 2 values); the fit's
  // budget refuses its parameters (test/reliability-memory.test.ts).
  const ds = parseLibSvm('0 1:1 2147483647:1');
  assert.equal(ds.X.cols, 2147483647);
  assert.equal(ds.X.data.length, 2);
});

test('labels are interned: one string per distinct label, numbers when all are numeric', () => {
  const ds = parseCsv('a,label\n1,cat\n2,dog\n3,cat\n');
  assert.deepEqual(ds.y, ['cat', 'dog', 'cat']);
  assert.ok(ds.X instanceof DenseMatrix);
  assert.deepEqual(parseCsv('a,label\n1, 2\n2,1.0\n').y, [2, 1]);
});
