/**
 * LibSVM / SVMlight sparse text -> Dataset with a CSRMatrix, read as LIBLINEAR reads it:
 *
 *   <label> [qid:<n>] <index>:<value> <index>:<value> ...   # optional comment
 *
 * Indices are 1-based in the file and strictly ascending within a line; they are stored 0-based. `qid`
 * (SVMrank query ids) is ignored, `#` starts a comment, blank lines are skipped. Labels are numbers.
 * The width is the largest index seen, or `nFeatures` when given (a larger index is then an error), so a
 * test file can be read with the training file's width. Explicit zero values are kept as stored entries.
 *
 * Read as a stream (`new LibSvmReader(opts)`, `push(chunk)`, `end()`; `parseLibSvm(text)` does all three):
 * each complete line goes straight into growable typed arrays whose size is checked against the memory
 * budget before they grow; only the unfinished last line is carried between chunks. The width (largest
 * index) costs nothing here: it is the fit that allocates K x width parameters, and it checks its budget.
 */
import { LimitError, OptionError, ParseError } from '../errors.js';
import { checkMemory, MAX_JS_ARRAY_LENGTH, resolveLimits, type Limits } from '../core/limits.js';
import { CSRMatrix } from '../matrix/csr.js';
import type { Dataset } from './dataset.js';
import { looksGzipped } from './gzip.js';
import { parseNumber } from './csv.js';

export interface LibSvmOptions {
  file?: string;
  /** Number of features (columns). Pads the width; an index above it is an error. */
  nFeatures?: number;
  /** Memory budget and longest line (default: the library's limits, see limits.ts). */
  limits?: Partial<Limits>;
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
  /** Bytes the buffer would take after its next growth. */
  nextBytes(): number {
    return Math.ceil(this.a.length * 1.5) * this.a.BYTES_PER_ELEMENT;
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(Math.ceil(this.a.length * 1.5));
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
  const r = new LibSvmReader(opts);
  r.push(text);
  return r.end();
}

export class LibSvmReader {
  private readonly file: string | undefined;
  private readonly nFeat: number | undefined;
  private readonly limits: Limits;
  private readonly indptr = growI32();
  private readonly indices = growI32();
  private readonly values = growF64();
  private readonly y = growF64();
  private maxIndex = 0;
  private lineNo = 0;
  private carry = '';
  private pending: string[] = [];
  private pendingLength = 0;
  private started = false;
  private ended = false;

  constructor(opts: LibSvmOptions = {}) {
    this.file = opts.file;
    const nFeat = opts.nFeatures;
    if (nFeat !== undefined && (!Number.isInteger(nFeat) || nFeat < 0 || nFeat > MAX_INDEX)) {
      throw new OptionError('nFeatures', `must be a non-negative integer, got ${nFeat}`);
    }
    this.nFeat = nFeat;
    this.limits = resolveLimits(opts.limits);
    this.indptr.push(0);
  }

  push(chunk: string): void {
    if (this.ended) throw new OptionError('push', 'the LibSVM reader has ended');
    if (chunk.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (looksGzipped(chunk)) {
        throw new ParseError('this is gzip-compressed data: decompress it first (readDataset in softmax-regression/node does)', { file: this.file, offset: 0 });
      }
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    // No line break: nothing can complete; keep it aside (one join per line, not a rescan per chunk).
    if (chunk.indexOf('\n') < 0) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      this.checkLineLength(this.carry.length + this.pendingLength);
      return;
    }
    if (this.pending.length > 0) {
      this.pending.push(chunk);
      chunk = this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
    }
    const text = this.carry.length > 0 ? this.carry + chunk : chunk;
    const last = text.lastIndexOf('\n');
    this.lines(text, 0, last + 1);
    this.carry = text.slice(last + 1);
    this.checkLineLength(this.carry.length);
  }

  end(): Dataset {
    if (this.ended) throw new OptionError('end', 'the LibSVM reader has ended');
    this.ended = true;
    const text = this.carry + this.pending.join('');
    this.carry = '';
    this.pending = [];
    this.lines(text, 0, text.length);
    const rows = this.y.n;
    const cols = this.nFeat ?? this.maxIndex;
    // done() copies each buffer to its exact size while the growth buffers are alive.
    const nnz = this.indices.n;
    checkMemory(
      this.bytes() + 12 * nnz + 4 * (rows + 1) + 8 * rows,
      this.limits,
      `${this.file ?? 'the LibSVM data'} (${rows} rows, ${nnz} values)`,
      'read fewer rows',
    );
    const X = new CSRMatrix(rows, cols, this.indptr.done(), this.indices.done(), this.values.done(), false);
    const y = Array.from(this.y.a.subarray(0, rows));
    return { X, y, featureNames: null, source: this.file };
  }

  /**
   * Rows parsed since the last call as a CSR block (indptr from 0) with their labels, handed over and
   * forgotten: streaming fits read a file in blocks this way. `width` is the largest index seen so far.
   */
  takeRows(): { rows: number; indptr: Int32Array; indices: Int32Array; values: Float64Array; y: Float64Array; width: number } {
    const rows = this.y.n;
    const nnz = this.indices.n;
    const out = {
      rows,
      indptr: this.indptr.a.slice(0, rows + 1),
      indices: this.indices.a.slice(0, nnz),
      values: this.values.a.slice(0, nnz),
      y: this.y.a.slice(0, rows),
      width: this.nFeat ?? this.maxIndex,
    };
    this.y.n = 0;
    this.indices.n = 0;
    this.values.n = 0;
    this.indptr.n = 0;
    this.indptr.push(0);
    return out;
  }

  /** Complete rows parsed and not yet taken (takeRows). */
  get pendingRows(): number {
    return this.y.n;
  }

  /** Parse the last line and stop taking input (streaming use: then takeRows() for the last rows). */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    const text = this.carry + this.pending.join('');
    this.carry = '';
    this.pending = [];
    this.lines(text, 0, text.length);
  }

  /** Bytes held by the growth buffers now. */
  private bytes(): number {
    return this.indptr.a.byteLength + this.indices.a.byteLength + this.values.a.byteLength + this.y.a.byteLength;
  }

  private checkLineLength(length: number): void {
    if (length > this.limits.maxLineLength) {
      throw new LimitError(
        'maxLineLength',
        length,
        this.limits.maxLineLength,
        `${this.file ?? '<input>'}, line ${this.lineNo + 1}: a line longer than ${this.limits.maxLineLength} characters (the maxLineLength limit): is this LibSVM text? raise the limit with the maxLineLength option (CLI: --max-line-length N) if the lines really are this long`,
      );
    }
  }

  /** Before the value buffers grow: the budget. */
  private reserveValue(): void {
    if (this.indices.n < this.indices.a.length) return;
    const grown = this.indices.nextBytes() + this.values.nextBytes();
    checkMemory(this.bytes() + grown, this.limits, `${this.file ?? 'the LibSVM data'} (${this.y.n} rows, ${this.indices.n} values so far)`, 'read fewer rows');
  }

  private reserveRow(): void {
    if (this.y.n >= MAX_JS_ARRAY_LENGTH) {
      throw new LimitError(
        'rows',
        this.y.n + 1,
        MAX_JS_ARRAY_LENGTH,
        `${this.file ?? 'the LibSVM data'}: more than ${MAX_JS_ARRAY_LENGTH} rows, the most this reader holds (labels are a JavaScript array): split the file`,
      );
    }
    if (this.y.n < this.y.a.length && this.indptr.n < this.indptr.a.length) return;
    checkMemory(
      this.bytes() + this.y.nextBytes() + this.indptr.nextBytes(),
      this.limits,
      `${this.file ?? 'the LibSVM data'} (${this.y.n} rows so far)`,
      'read fewer rows',
    );
  }

  /** Parse the lines of text[from, to) (whole lines; the last may lack its newline only at the end). */
  private lines(text: string, from: number, to: number): void {
    const file = this.file;
    const nFeat = this.nFeat;
    const { indices, values, indptr, y } = this;
    let pos = from;
    let hashPos = text.indexOf('#', pos);
    while (pos < to) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0 || eol > to) eol = to;
      this.lineNo++;
      const lineNo = this.lineNo;
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
        this.reserveRow();
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
              if (!/^\d+$/.test(valText))
                throw new ParseError(`qid must be a non-negative integer, got ${JSON.stringify(clip(valText))}`, { file, line: lineNo, column });
              continue;
            }
            throw new ParseError(`feature index ${JSON.stringify(clip(key))} is not a positive integer`, { file, line: lineNo, column });
          }
          if (idx < 1 || idx > MAX_INDEX) {
            throw new ParseError(`feature index ${clip(text.slice(s, colon))} is out of range: indices are 1-based and at most ${MAX_INDEX}`, {
              file,
              line: lineNo,
              column,
            });
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
          if (idx > this.maxIndex) this.maxIndex = idx;
          this.reserveValue();
          indices.push(idx - 1);
          values.push(v);
        }
        if (indices.n > MAX_INDEX) {
          throw new LimitError(
            'values',
            indices.n,
            MAX_INDEX,
            `${file ?? 'the LibSVM data'}: more than ${MAX_INDEX} stored values, the most a sparse matrix with 32-bit offsets holds: split the file`,
          );
        }
        indptr.push(indices.n);
      }
      pos = eol + 1;
    }
  }
}

/** Text from the input, for a message: at most 40 characters, control characters made visible (\u000a). */
function clip(s: string): string {
  const short = s.length > 40 ? `${s.slice(0, 37)}...` : s;
  return short.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
