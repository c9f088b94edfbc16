/**
 * Hostile input (issue 4 item 8): random and mutated CSV, LibSVM, IDX and CIFAR-10 input fed to the readers.
 * Each run must end in a correct parse (finite values, consistent shapes) or a SoftmaxError that says where
 * (line/column or byte offset): never another exception type, never a hang, never NaN in X, never a huge
 * allocation from a forged header.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import '../fc-setup.js';
import { parseCsv } from '../../src/data/csv.js';
import { parseLibSvm } from '../../src/data/libsvm.js';
import { encodeIdx, mnistFromIdx, parseIdx } from '../../src/data/idx.js';
import { parseCifar10, CIFAR_RECORD } from '../../src/data/cifar.js';
import type { Dataset } from '../../src/data/dataset.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { CSRMatrix } from '../../src/matrix/csr.js';
import { DataError, LimitError, ParseError, SoftmaxError } from '../../src/errors.js';
import { readDataset } from '../../node/io.js';

const RUNS = 400;
/** Per-test limit: a hang fails the test instead of stalling the suite. */
const TIMEOUT = { timeout: 60_000 };

/** Checks a parsed Dataset is whole and finite. */
function checkDataset(ds: Dataset): void {
  const X = ds.X;
  assert.ok(X instanceof DenseMatrix || X instanceof CSRMatrix);
  for (let p = 0; p < X.data.length; p++) assert.ok(Number.isFinite(X.data[p]!), `X holds ${X.data[p]}`);
  if (X instanceof DenseMatrix) assert.equal(X.data.length, X.rows * X.cols);
  else {
    assert.equal(X.indptr.length, X.rows + 1);
    for (let p = 0; p < X.nnz; p++) assert.ok(X.indices[p]! >= 0 && X.indices[p]! < X.cols);
  }
  assert.ok(ds.y.length === 0 || ds.y.length === X.rows);
  for (const v of ds.y) assert.ok(typeof v === 'string' || Number.isFinite(v));
}

/** Run a reader: a Dataset passes checkDataset, an error must be a located SoftmaxError. */
function outcome<T>(fn: () => T, check: (v: T) => void): 'ok' | 'error' {
  let v: T;
  try {
    v = fn();
  } catch (e) {
    assert.ok(e instanceof SoftmaxError, `not a SoftmaxError: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (e instanceof ParseError) {
      assert.ok(e.line !== undefined || e.offset !== undefined || e.column !== undefined, `ParseError without a location: ${e.message}`);
      if (e.line !== undefined) assert.ok(Number.isInteger(e.line) && e.line >= 1);
      if (e.offset !== undefined) assert.ok(Number.isInteger(e.offset) && e.offset >= 0);
    } else {
      // A limit (memory budget, header width) is refused before allocating, naming the limit.
      assert.ok(e instanceof DataError || (e instanceof LimitError && e.limit.length > 0), `unexpected ${e.name}: ${e.message}`);
    }
    return 'error';
  }
  check(v);
  return 'ok';
}

/** Apply a few random edits (insert, delete, replace) to a string. */
const mutations = (alphabet: string[]) => fc.array(fc.tuple(fc.constantFrom('ins', 'del', 'rep'), fc.nat(), fc.constantFrom(...alphabet)), { maxLength: 4 });
function mutate(s: string, edits: [string, number, string][]): string {
  for (const [op, at, ch] of edits) {
    const i = s.length === 0 ? 0 : at % (s.length + (op === 'ins' ? 1 : 0));
    if (op === 'ins') s = s.slice(0, i) + ch + s.slice(i);
    else if (op === 'del') s = s.slice(0, i) + s.slice(i + 1);
    else s = s.slice(0, i) + ch + s.slice(i + 1);
  }
  return s;
}

const CSV_CHARS = ['a', 'b', '1', '2', '0', '.', '-', 'e', 'E', '+', ',', '"', '\n', '\r', ' ', '\t', 'N', 'A', '?', 'x', ';', '\ufeff', '#', ':'];
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
const validCsv = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.boolean()).chain(([d, n, quote, crlf]) =>
  fc
    .tuple(
      fc.array(fc.array(finite, { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
      fc.array(fc.constantFrom('0', '1', 'cat', 'dog'), { minLength: n, maxLength: n }),
    )
    .map(([rows, labels]) => {
      const q = (s: string) => (quote ? `"${s}"` : s);
      const nl = crlf ? '\r\n' : '\n';
      const header = [...Array.from({ length: d }, (_, j) => q(`f${j}`)), 'label'].join(',');
      return { text: [header, ...rows.map((r, i) => [...r.map((v) => q(String(v))), labels[i]!].join(','))].join(nl) + nl, rows, labels };
    }),
);

test('CSV: valid generated files parse to exactly their values', TIMEOUT, () => {
  fc.assert(
    fc.property(validCsv, ({ text, rows, labels }) => {
      const ds = parseCsv(text);
      checkDataset(ds);
      assert.deepEqual(
        (ds.X as DenseMatrix).toArrays(),
        rows.map((r) => r.map((v) => (v === 0 ? 0 : v))) /* String(-0) is '0' */,
      );
      const numeric = labels.every((l) => l === '0' || l === '1');
      assert.deepEqual(ds.y, numeric ? labels.map(Number) : labels);
    }),
    { numRuns: RUNS },
  );
});

test('CSV: random text and mutated files end in a parse or a located error', TIMEOUT, () => {
  const randomText = fc.string({ unit: fc.constantFrom(...CSV_CHARS), maxLength: 120 });
  const mutated = fc.tuple(validCsv, mutations(CSV_CHARS)).map(([v, m]) => mutate(v.text, m));
  fc.assert(
    fc.property(
      fc.oneof(randomText, mutated),
      fc.constantFrom<'error' | 'mean'>('error', 'mean'),
      fc.constantFrom<string | number | null | undefined>(undefined, null, 0, 'label'),
      (text, missing, label) => {
        outcome(
          () => {
            try {
              return parseCsv(text, { missing, label, file: 'fuzz.csv' });
            } catch (e) {
              // A label option that does not fit this header is a usage error, not a parse failure.
              if (e instanceof SoftmaxError && e.code === 'INVALID_OPTION' && label !== undefined) return null;
              throw e;
            }
          },
          (ds) => ds && checkDataset(ds),
        );
      },
    ),
    { numRuns: RUNS * 2 },
  );
});

test('CSV: the fast split path and csv-parse agree on quote-free text', TIMEOUT, () => {
  // Quoting the first header field sends the same records through csv-parse.
  const quoteFree = CSV_CHARS.filter((c) => c !== '"' && c !== '\r' && c !== '\ufeff');
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom(...quoteFree), maxLength: 100 }),
    fc.tuple(validCsv, mutations(quoteFree)).map(([v, m]) => mutate(v.text.replaceAll('"', ''), m)),
  );
  fc.assert(
    fc.property(text, fc.constantFrom<'error' | 'mean'>('error', 'mean'), (t, missing) => {
      // The header ends at the first line break of any kind (LF, CRLF or a lone CR, as the parser reads them).
      const first = t.split(/\r\n|\n|\r/)[0]!;
      const comma = first.indexOf(',');
      const head = comma < 0 ? first : first.slice(0, comma);
      // csv-parse only recognizes a quote at the very start of a field.
      if (/^\s|\s$/.test(head) || head.length === 0 || !t.replace(/\n/g, '').length) return;
      const quoted = `"${head}"${t.slice(head.length)}`;
      const run = (s: string) => {
        try {
          const ds = parseCsv(s, { missing });
          return { rows: (ds.X as DenseMatrix).toArrays(), y: ds.y, names: ds.featureNames };
        } catch (e) {
          assert.ok(e instanceof SoftmaxError, String(e));
          return { code: e.code, line: (e as ParseError).line, column: (e as ParseError).column };
        }
      };
      assert.deepEqual(run(quoted), run(t));
    }),
    { numRuns: RUNS },
  );
});

const SVM_CHARS = ['1', '2', '3', '0', '9', ':', ' ', '\t', '\n', '\r', '#', '-', '+', '.', 'e', 'q', 'i', 'd', 'a', 'n'];
const validSvm = fc
  .array(
    fc.tuple(
      fc.constantFrom('1', '-1', '+1', '0', '2.5'),
      fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }),
      fc.array(finite, { minLength: 6, maxLength: 6 }),
      fc.boolean(),
    ),
    { maxLength: 8 },
  )
  .map((lines) => ({
    lines,
    text: lines
      .map(([lab, idx, vals, qid]) => [lab, ...(qid ? ['qid:7'] : []), ...[...idx].sort((a, b) => a - b).map((j, t) => `${j}:${vals[t]}`)].join(' '))
      .join('\n'),
  }));

test('LibSVM: valid generated files parse to exactly their entries', TIMEOUT, () => {
  fc.assert(
    fc.property(validSvm, ({ lines, text }) => {
      const ds = parseLibSvm(text);
      checkDataset(ds);
      const X = ds.X as CSRMatrix;
      assert.equal(X.rows, lines.length);
      assert.deepEqual(
        ds.y,
        lines.map(([lab]) => Number(lab)),
      );
      lines.forEach(([, idx, vals], i) => {
        const sorted = [...idx].sort((a, b) => a - b);
        assert.deepEqual(
          Array.from(X.indices.subarray(X.indptr[i]!, X.indptr[i + 1]!)),
          sorted.map((j) => j - 1),
        );
        assert.deepEqual(
          Array.from(X.data.subarray(X.indptr[i]!, X.indptr[i + 1]!)),
          sorted.map((_, t) => (vals[t] === 0 ? 0 : vals[t]!)),
        );
      });
    }),
    { numRuns: RUNS },
  );
});

test('LibSVM: random and mutated text end in a parse or a located error', TIMEOUT, () => {
  const randomText = fc.string({ unit: fc.constantFrom(...SVM_CHARS), maxLength: 120 });
  const mutated = fc.tuple(validSvm, mutations(SVM_CHARS)).map(([v, m]) => mutate(v.text, m));
  fc.assert(
    fc.property(fc.oneof(randomText, mutated), fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }), (text, nFeatures) => {
      outcome(() => parseLibSvm(text, { file: 'fuzz.svm', nFeatures }), checkDataset);
    }),
    { numRuns: RUNS * 2 },
  );
});

/** Bytes of a valid IDX file of random shape and type. */
const validIdx = fc
  .tuple(
    fc.constantFrom<'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64'>('u8', 'i8', 'i16', 'i32', 'f32', 'f64'),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
  )
  .chain(([type, dims]) => {
    const count = dims.reduce((a, b) => a * b, 1);
    return fc.array(fc.integer({ min: -128, max: 127 }), { minLength: count, maxLength: count }).map((vals) => {
      const v = type === 'u8' ? vals.map((x) => x + 128) : vals;
      return { type, dims, vals: v, bytes: encodeIdx(dims, type, v) };
    });
  });
const byteEdits = fc.array(fc.tuple(fc.constantFrom('ins', 'del', 'rep', 'cut'), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 });
function mutateBytes(b: Uint8Array, edits: [string, number, number][]): Uint8Array {
  let a = Array.from(b);
  for (const [op, at, v] of edits) {
    const i = a.length === 0 ? 0 : at % (a.length + 1);
    if (op === 'ins') a.splice(i, 0, v);
    else if (op === 'del') a.splice(i, 1);
    else if (op === 'rep') a[Math.min(i, Math.max(0, a.length - 1))] = v;
    else a = a.slice(0, i);
  }
  return Uint8Array.from(a);
}

test('IDX: valid files round-trip; random and mutated bytes end in a parse or a located error', TIMEOUT, () => {
  fc.assert(
    fc.property(validIdx, ({ type, dims, vals, bytes }) => {
      const a = parseIdx(bytes);
      assert.equal(a.type, type);
      assert.deepEqual(a.dims, dims);
      assert.deepEqual(Array.from(a.data), vals);
    }),
    { numRuns: RUNS },
  );
  const anyBytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.tuple(validIdx, byteEdits).map(([v, e]) => mutateBytes(v.bytes, e)),
  );
  fc.assert(
    fc.property(anyBytes, anyBytes, (images, labels) => {
      outcome(
        () => parseIdx(images, { file: 'fuzz-idx' }),
        (a) => {
          for (let p = 0; p < a.data.length; p++) assert.ok(Number.isFinite(a.data[p]!));
          assert.equal(
            a.data.length,
            a.dims.reduce((x, y) => x * y, 1),
          );
        },
      );
      outcome(() => mnistFromIdx(images, labels, { file: 'img', labelsFile: 'lab' }), checkDataset);
    }),
    { numRuns: RUNS * 2 },
  );
});

test('IDX: forged headers claiming huge sizes are rejected without allocating', TIMEOUT, () => {
  const before = process.memoryUsage().arrayBuffers;
  fc.assert(
    fc.property(
      fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e),
      fc.array(fc.integer({ min: 1, max: 0xffffffff }), { minLength: 1, maxLength: 6 }),
      fc.uint8Array({ maxLength: 32 }),
      (code, dims, payload) => {
        const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[code]!;
        fc.pre(dims.reduce((a, b) => a * b, size) > payload.length);
        const head = new Uint8Array(4 + 4 * dims.length);
        head[2] = code;
        head[3] = dims.length;
        const v = new DataView(head.buffer);
        dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
        const bytes = new Uint8Array(head.length + payload.length);
        bytes.set(head);
        bytes.set(payload, head.length);
        let err: unknown;
        try {
          parseIdx(bytes, { file: 'forged' });
        } catch (e) {
          err = e;
        }
        assert.ok(err instanceof ParseError && err.offset !== undefined, String(err));
      },
    ),
    { numRuns: RUNS },
  );
  // The 2^31-image MNIST header, explicitly: 2^31 * 784 bytes would be 1.6 TB.
  const mnistLike = encodeIdx([1, 28, 28], 'u8', new Array(784).fill(0));
  new DataView(mnistLike.buffer).setUint32(4, 2 ** 31, false);
  assert.throws(
    () => parseIdx(mnistLike),
    (e: unknown) => e instanceof ParseError && e.offset === mnistLike.length,
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'no large buffers were allocated');
});

test('CIFAR-10: random records parse exactly; truncated or mislabelled bytes are located errors', TIMEOUT, () => {
  const records = fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(records, byteEdits, (recs, edits) => {
      const bytes = new Uint8Array(recs.length * CIFAR_RECORD);
      recs.forEach(([lab, px], i) => {
        bytes[i * CIFAR_RECORD] = lab;
        bytes.fill(px, i * CIFAR_RECORD + 1, (i + 1) * CIFAR_RECORD);
      });
      const ds = parseCifar10(bytes);
      checkDataset(ds);
      assert.deepEqual(
        ds.y,
        recs.map(([lab]) => lab),
      );
      recs.forEach(([, px], i) => assert.equal((ds.X as DenseMatrix).get(i, 1000), px / 255));
      outcome(() => parseCifar10(mutateBytes(bytes, edits), { file: 'b.bin' }), checkDataset);
    }),
    { numRuns: 150 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2 * CIFAR_RECORD + 10 }), (b) => {
      outcome(() => parseCifar10(b), checkDataset);
    }),
    { numRuns: 100 },
  );
});

test('readDataset: corrupted gzip files end in a parse or a located error naming the file', TIMEOUT, () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-fuzz-'));
  try {
    const path = join(dir, 'f.csv.gz');
    fc.assert(
      fc.property(validCsv, byteEdits, ({ text }, edits) => {
        writeFileSync(path, mutateBytes(gzipSync(text), edits));
        try {
          checkDataset(readDataset(path));
        } catch (e) {
          assert.ok(e instanceof SoftmaxError, String(e));
          if (e instanceof ParseError) assert.equal(e.file, path);
          else assert.match(e.message, /f\.csv\.gz/);
        }
      }),
      { numRuns: 150 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
