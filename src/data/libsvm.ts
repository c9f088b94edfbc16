/**
 * LibSVM / SVMlight sparse text -> Dataset with a CSRMatrix, read as LIBLINEAR reads it:
 *
 *   <label> [qid:<n>] <index>:<value> <index>:<value> ...   # optional comment
 *
 * Indices are 1-based in the file and strictly ascending within a line; they are stored 0-based. `qid`
 * (SVMrank query ids) is ignored, `#` starts a comment, blank lines are skipped. Labels are numbers.
 * The width is the largest index seen, or `nFeatures` when given (a larger index is then an error), so a
 * test file can be read with the training file's width. Explicit zero values are kept as stored entries.
 */
import { OptionError, ParseError } from '../errors.js';
import { CSRMatrix } from '../matrix/csr.js';
import type { Dataset } from './dataset.js';
import { looksGzipped } from './gzip.js';
import { parseNumber } from './csv.js';

export interface LibSvmOptions {
  file?: string;
  /** Number of features (columns). Pads the width; an index above it is an error. */
  nFeatures?: number;
}

/** Largest column index a CSR Int32Array can hold. */
const MAX_INDEX = 2147483647;

/** A growable typed buffer, so a large file never goes through number[] (8 bytes + boxing per value). */
class Grow<T extends Int32Array | Float64Array> {
  a: T;
  n = 0;
  constructor(private readonly make: (length: number) => T) {
    this.a = make(1024);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): T {
    return this.a.slice(0, this.n) as T;
  }
}
const growI32 = () => new Grow((n) => new Int32Array(n));
const growF64 = () => new Grow((n) => new Float64Array(n));

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}

export function parseLibSvm(text: string, opts: LibSvmOptions = {}): Dataset {
  const file = opts.file;
  const nFeat = opts.nFeatures;
  if (nFeat !== undefined && (!Number.isInteger(nFeat) || nFeat < 0 || nFeat > MAX_INDEX)) {
    throw new OptionError('nFeatures', `must be a non-negative integer, got ${nFeat}`);
  }
  if (looksGzipped(text)) {
    throw new ParseError('this is gzip-compressed data: decompress it first (readDataset in softmax-regression/node does)', { file, offset: 0 });
  }
  const indptr = growI32();
  indptr.push(0);
  const indices = growI32();
  const values = growF64();
  const y: number[] = [];
  let maxIndex = 0;
  let lineNo = 0;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const len = text.length;
  // Position of the next '#' at or after pos (-1: none left); advanced lazily so the scan stays linear.
  let hashPos = text.indexOf('#', pos);

  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    lineNo++;
    if (hashPos >= 0 && hashPos < pos) hashPos = text.indexOf('#', pos);
    const end = hashPos >= 0 && hashPos < eol ? hashPos : eol;
    const lineStart = pos;
    let p = pos;

    // Next whitespace-separated token in [p, end): returns [start, stop) or null.
    const nextToken = (): [number, number] | null => {
      while (p < end && isSpace(text.charCodeAt(p))) p++;
      if (p >= end) return null;
      const s = p;
      while (p < end && !isSpace(text.charCodeAt(p))) p++;
      return [s, p];
    };

    const first = nextToken();
    if (first !== null) {
      const labelText = text.slice(first[0], first[1]);
      const label = parseNumber(labelText);
      if (label === undefined) {
        throw new ParseError(`label ${JSON.stringify(clip(labelText))} is not a finite number`, { file, line: lineNo, column: first[0] - lineStart + 1 });
      }
      y.push(label);
      let prev = 0;
      for (let tok = nextToken(); tok !== null; tok = nextToken()) {
        const [s, e] = tok;
        const column = s - lineStart + 1;
        // Read the index digits in place (no substring, no regex: this is the hot loop).
        let q = s;
        let idx = 0;
        while (q < e) {
          const c = text.charCodeAt(q);
          if (c < 48 || c > 57) break;
          idx = idx * 10 + (c - 48);
          q++;
        }
        const colon = q < e && text.charCodeAt(q) === 58 && q > s ? q : text.indexOf(':', s);
        if (colon < 0 || colon >= e) {
          throw new ParseError(`expected index:value, got ${JSON.stringify(clip(text.slice(s, e)))}`, { file, line: lineNo, column });
        }
        const key = colon === q ? '' : text.slice(s, colon);
        const valText = text.slice(colon + 1, e);
        if (colon !== q) {
          if (key === 'qid') {
            if (!/^\d+$/.test(valText)) throw new ParseError(`qid must be a non-negative integer, got ${JSON.stringify(clip(valText))}`, { file, line: lineNo, column });
            continue;
          }
          throw new ParseError(`feature index ${JSON.stringify(clip(key))} is not a positive integer`, { file, line: lineNo, column });
        }
        if (idx < 1 || idx > MAX_INDEX) {
          throw new ParseError(`feature index ${clip(text.slice(s, colon))} is out of range: indices are 1-based and at most ${MAX_INDEX}`, { file, line: lineNo, column });
        }
        if (idx <= prev) {
          throw new ParseError(`feature index ${idx} after ${prev}: indices must be strictly ascending within a line`, { file, line: lineNo, column });
        }
        if (nFeat !== undefined && idx > nFeat) {
          throw new ParseError(`feature index ${idx} is larger than the number of features (${nFeat})`, { file, line: lineNo, column });
        }
        const v = parseNumber(valText);
        if (v === undefined) {
          throw new ParseError(`value ${JSON.stringify(clip(valText))} of feature ${idx} is not a finite number`, {
            file,
            line: lineNo,
            column: colon + 1 - lineStart + 1,
          });
        }
        prev = idx;
        if (idx > maxIndex) maxIndex = idx;
        indices.push(idx - 1);
        values.push(v);
      }
      indptr.push(indices.n);
    }
    pos = eol + 1;
  }

  const rows = y.length;
  const cols = nFeat ?? maxIndex;
  const X = new CSRMatrix(rows, cols, indptr.done(), indices.done(), values.done(), false);
  return { X, y, featureNames: null, source: file };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
