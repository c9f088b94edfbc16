/**
 * CSV with a header row -> Dataset, read as a stream: `new CsvReader(opts)`, `push(chunk)` as text arrives,
 * `end()` for the Dataset (`parseCsv(text)` does the three at once). Browser-safe.
 *
 * Memory stays bounded by what the data set itself needs: every record is parsed into the growing
 * Float64Array as soon as it is complete (no per-row arrays or per-field strings are kept; labels are
 * interned, one string per distinct label), only the unfinished last record is carried between chunks, and
 * the data set's size is checked against the memory budget (limits.ts) before every growth. A record longer
 * than maxLineLength and a header wider than maxColumns are refused before they are split.
 *
 * The dialect is csv-parse's with { relax_quotes: false, record_delimiter: ['\r\n', '\n', '\r'],
 * skip_empty_lines: true, bom: true } (the library this reader used to call; a property test checks the two
 * agree record by record, line numbers included): a field is quoted only when its first character is a
 * quote, "" inside quotes is a quote, a quote anywhere else is an error, and LF, CRLF and a lone CR all end
 * a record. Records whose line has no quote and no lone CR take a split-free fast path (indexOf on the line),
 * the common case of numeric files; the rest go through a character-level tokenizer.
 */
import { allocFloatArray } from '../kernels/resident.js';
import { LimitError, OptionError, ParseError } from '../errors.js';
import { DenseMatrix } from '../matrix/dense.js';
import type { Label } from '../core/labels.js';
import { checkMemory, MAX_JS_ARRAY_LENGTH, resolveLimits, type Limits } from '../core/limits.js';
import type { Dataset } from './dataset.js';
import { looksGzipped } from './gzip.js';

export interface CsvOptions {
  /**
   * Label column: a header name or a 0-based index (a string of digits that names no column is read as an
   * index, for command lines); default the last column (none when `features` names the last column);
   * null = no label column.
   */
  label?: string | number | null;
  /** Feature columns by header name, in this order (default: every column but the label). */
  features?: string[];
  /** 'error' (default): a missing value is a ParseError; 'mean': impute the column mean of present values. */
  missing?: 'error' | 'mean';
  /** File name for messages. */
  file?: string;
  /** Field delimiter (default ','). */
  delimiter?: string;
  /** Memory budget, widest header and longest record (default: the library's limits, see limits.ts). */
  limits?: Partial<Limits>;
}

/** Field values read as missing (after trimming). */
export const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'NAN', 'na', 'n/a', '?', 'null', 'NULL']);

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Header names of a CSV text (the first record), trimmed. */
export function csvColumns(text: string, opts: { delimiter?: string; file?: string; limits?: Partial<Limits> } = {}): string[] {
  const r = new CsvReader({ delimiter: opts.delimiter, file: opts.file, limits: opts.limits, label: null }, true);
  r.push(text);
  return r.header();
}

export function parseCsv(text: string, opts: CsvOptions = {}): Dataset {
  const r = new CsvReader(opts);
  r.push(text);
  return r.end();
}

/** A growable Float64Array whose growth is checked against the memory budget. */
class Grow {
  a: Float64Array;
  n = 0;
  constructor(initial: number) {
    this.a = new Float64Array(initial);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(Math.max(16, Math.ceil(this.a.length * 1.5)));
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/** Streaming CSV reader: push text chunks, then end() for the Dataset. */
export class CsvReader {
  private readonly file: string | undefined;
  private readonly delimiter: string;
  private readonly missingMode: 'error' | 'mean';
  private readonly limits: Limits;
  private readonly opts: CsvOptions;
  private readonly headerOnly: boolean;

  /** Unprocessed text: the unfinished record, plus chunks that arrived after it with no line break yet. */
  private carry = '';
  private pending: string[] = [];
  private pendingLength = 0;
  /** Line number (1-based) of the first character of `carry`. */
  private line = 1;
  private started = false;
  private ended = false;

  private names: string[] | null = null;
  private labelCol = -1;
  private featCols: number[] = [];
  /** For each header column: its feature position, or -1 (label or unused). */
  private featureOf: Int32Array = new Int32Array(0);
  private d = 0;
  private n = 0;
  private X = new Float64Array(0);
  /** Label codes per row and the distinct labels (interned: one string each). */
  private codes = new Int32Array(0);
  private labelIndex = new Map<string, number>();
  private labelTextsList: string[] = [];
  private labelBytes = 0;
  /** Missing cells (row * d + j) to impute, when missing = 'mean'. */
  private holes: Grow | null = null;
  /** Scratch for the fields of a record on the quoted path. */
  private fields: string[] = [];

  /** Records mode (csvTextColumns): every record's fields go here instead of into X. */
  private readonly recordSink: ((fields: string[], line: number) => void) | null;

  /**
   * `headerOnly`: stop after the header (csvColumns). `recordSink`: hand every record (the header
   * included) to it as fields, for readers of raw text columns.
   */
  constructor(opts: CsvOptions = {}, headerOnly = false, recordSink: ((fields: string[], line: number) => void) | null = null) {
    this.recordSink = recordSink;
    this.opts = opts;
    this.file = opts.file;
    this.delimiter = checkDelimiter(opts.delimiter);
    const missingMode = opts.missing ?? 'error';
    if (missingMode !== 'error' && missingMode !== 'mean') {
      throw new OptionError('missing', `must be 'error' or 'mean', got ${JSON.stringify(missingMode)}`);
    }
    this.missingMode = missingMode;
    this.limits = resolveLimits(opts.limits);
    this.headerOnly = headerOnly;
  }

  /** The header (after at least the first record was pushed; parses it now if it is complete). */
  header(): string[] {
    if (this.names === null) this.process(true);
    if (this.names === null) throw new ParseError('empty input: a header row is required', { file: this.file, line: 1 });
    return this.names;
  }

  push(chunk: string): void {
    if (this.ended) throw new OptionError('push', 'the CSV reader has ended');
    if (chunk.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (looksGzipped(chunk)) {
        throw new ParseError('this is gzip-compressed data: decompress it first (readDataset in softmax-regression/node does)', { file: this.file, offset: 0 });
      }
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // byte-order mark
    }
    if (this.headerOnly && this.names !== null) return;
    // A chunk with no line break cannot finish a record (unless it holds a lone CR): keep it aside, so a
    // long record costs one concatenation instead of a rescan per chunk.
    if (this.carry.length + this.pendingLength > 0 && chunk.indexOf('\n') < 0 && chunk.indexOf('\r') < 0) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      if (!this.headerOnly) this.checkRecordLength(this.carry.length + this.pendingLength);
      return;
    }
    if (this.pending.length > 0) {
      this.pending.push(chunk);
      chunk = this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
    }
    this.carry = this.carry.length > 0 ? this.carry + chunk : chunk;
    this.process(false);
    if (!this.headerOnly) this.checkRecordLength(this.carry.length);
  }

  end(): Dataset {
    if (this.ended) throw new OptionError('end', 'the CSV reader has ended');
    if (this.pending.length > 0) {
      this.carry += this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
    }
    this.process(true);
    this.ended = true;
    if (this.recordSink) return { X: new DenseMatrix(0, 0), y: [], featureNames: [], source: this.file };
    if (this.names === null) throw new ParseError('empty input: a header row is required', { file: this.file, line: 1 });
    const { n, d } = this;
    // The final array goes wasm-resident where possible (kernels/resident.ts): fits read it in place.
    checkMemory(
      8 * n * d + 8 * this.X.length + 4 * n,
      this.limits,
      `${this.file ?? 'the CSV data'} (${n} rows x ${d} columns)`,
      'read fewer rows or columns (--features)',
    );
    const data = allocFloatArray(n * d, 'float64') as Float64Array;
    data.set(this.X.subarray(0, n * d));
    this.X = new Float64Array(0);
    if (this.holes && this.holes.n > 0) imputeMeans(data, n, d, this.holes, this.names, this.featCols, this.file);
    return {
      X: new DenseMatrix(n, d, data),
      y: this.labelCol >= 0 ? this.labels() : [],
      featureNames: this.featCols.map((c) => this.names![c]!),
      source: this.file,
    };
  }

  /**
   * Rows parsed since the last call, handed over and forgotten (streaming fits read a file in blocks this
   * way: the reader's arrays never grow beyond one block). `codes[i]` indexes `labelTexts()` (first-seen
   * order, stable across blocks); empty without a label column. Call `header()`/`featureNames()` for the
   * columns. Missing values are refused here: 'mean' imputation needs every row at once.
   */
  takeRows(): { rows: number; X: Float64Array; codes: Int32Array } {
    if (this.holes && this.holes.n > 0) {
      throw new OptionError('missing', "'mean' imputation needs the whole data set: it is not available when the data are read in blocks");
    }
    const rows = this.n;
    const out = { rows, X: this.X.slice(0, rows * this.d), codes: this.labelCol >= 0 ? this.codes.slice(0, rows) : new Int32Array(0) };
    this.n = 0;
    return out;
  }

  /** Complete rows parsed and not yet taken (takeRows). */
  get pendingRows(): number {
    return this.n;
  }

  /** Parse whatever is complete and stop taking input (streaming use: then takeRows() for the last rows). */
  finish(): void {
    if (this.ended) return;
    if (this.pending.length > 0) {
      this.carry += this.pending.join('');
      this.pending = [];
      this.pendingLength = 0;
    }
    this.process(true);
    this.ended = true;
    if (this.names === null) throw new ParseError('empty input: a header row is required', { file: this.file, line: 1 });
  }

  /** The distinct labels seen so far, in first-seen order (the codes of takeRows index this list). */
  labelTexts(): readonly string[] {
    return this.labelTextsList;
  }

  /** The feature columns' names (after the header was read). */
  featureNames(): string[] {
    if (this.names === null) this.header();
    return this.featCols.map((c) => this.names![c]!);
  }

  /** Whether the data have a label column. */
  get hasLabels(): boolean {
    return this.labelCol >= 0;
  }

  /** Set the line number of the next record (a reader taking over a file part-way, for its messages). */
  setLine(line: number): void {
    this.line = line;
  }

  /** Line number of the next record (for messages of streaming readers). */
  get currentLine(): number {
    return this.line;
  }

  /** Numbers when every distinct label reads as a finite number, else the (interned) strings. */
  private labels(): Label[] {
    const texts = this.labelTextsList;
    let values: Label[] = texts;
    const nums = new Array<number>(texts.length);
    let allNumeric = true;
    for (let k = 0; k < texts.length && allNumeric; k++) {
      const v = parseNumber(texts[k]!);
      if (v === undefined) allNumeric = false;
      else nums[k] = v;
    }
    if (allNumeric) values = nums;
    const y = new Array<Label>(this.n);
    for (let i = 0; i < this.n; i++) y[i] = values[this.codes[i]!]!;
    return y;
  }

  private checkRecordLength(length: number): void {
    if (length > this.limits.maxLineLength) {
      throw new LimitError(
        'maxLineLength',
        length,
        this.limits.maxLineLength,
        `${this.file ?? '<input>'}, line ${this.line}: a record longer than ${this.limits.maxLineLength} characters (the maxLineLength limit): is this CSV? (a file with no line breaks, or an unclosed quote, reads as one record); raise the limit with the maxLineLength option (CLI: --max-line-length N) if the records really are this long`,
      );
    }
  }

  /** Parse every complete record of `carry`; at the end of input (`final`) the last one too. */
  private process(final: boolean): void {
    const text = this.carry;
    const len = text.length;
    let pos = 0;
    let line = this.line;
    // Lazily advanced positions of the next quote and CR (-1: none left), so the scan stays linear.
    let nextQuote = text.indexOf('"');
    let nextCr = text.indexOf('\r');
    while (pos < len) {
      if (this.headerOnly && this.names !== null) break;
      const c = text.charCodeAt(pos);
      if (c === LF) {
        pos++;
        line++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 < len) pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        else if (final) pos++;
        else break; // a CR at the end of a chunk may be the first half of CRLF
        line++;
        continue;
      }
      if (nextQuote >= 0 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (nextCr >= 0 && nextCr < pos) nextCr = text.indexOf('\r', pos);
      let eol = text.indexOf('\n', pos);
      if (eol < 0) {
        if (!final) break;
        eol = len;
      }
      this.checkRecordLength(eol - pos);
      // Fast path: no quote on this line, and no CR except one right before its LF (or the end).
      const crEnd = eol > pos && text.charCodeAt(eol - 1) === CR ? eol - 1 : eol;
      if ((nextQuote < 0 || nextQuote >= eol) && (nextCr < 0 || nextCr >= crEnd)) {
        this.fastRecord(text, pos, crEnd, line);
        pos = eol + 1;
        line++;
        continue;
      }
      // Quoted (or lone-CR) record: the character-level tokenizer.
      const r = this.tokenize(text, pos, line, final);
      if (r === null) break; // incomplete: wait for more text
      this.record(this.fields, line);
      pos = r.next;
      line = r.line;
    }
    this.carry = pos >= len ? '' : text.slice(pos);
    this.line = line;
  }

  /**
   * One quote-free record [start, stop) of `text` on line `line`: the fields are read in place with
   * indexOf, numbers parsed straight into X, no array of fields built.
   */
  private fastRecord(text: string, start: number, stop: number, line: number): void {
    const dl = this.delimiter;
    if (this.recordSink) {
      this.recordSink(text.slice(start, stop).split(dl), line);
      return;
    }
    if (this.names === null) {
      // split with a limit: a header wider than maxColumns never becomes an array of all its fields.
      const names = text.slice(start, stop).split(dl, this.limits.maxColumns + 1);
      this.checkColumns(names.length, line);
      this.setHeader(names, line);
      return;
    }
    const width = this.names.length;
    // At most width + 1 fields (one too many is enough to know the row is ragged).
    const fields = text.slice(start, stop).split(dl, width + 1);
    if (fields.length !== width) this.ragged(fields.length, line);
    this.beginRow();
    const base = this.n * this.d;
    const featureOf = this.featureOf;
    for (let col = 0; col < width; col++) {
      const f = featureOf[col]!;
      if (f >= 0) {
        const s = fields[col]!;
        const v = parseNumber(s);
        if (v !== undefined) this.X[base + f] = v;
        else this.cell(base, f, col, s, line);
      } else if (col === this.labelCol) this.label(fields[col]!, line, col);
    }
    this.n++;
  }

  /**
   * Tokenize one record starting at `start` (a quoted field somewhere, or a lone CR) into this.fields.
   * Returns the position after the record and the line it ends on, or null when the text ends inside the
   * record and more may come.
   */
  private tokenize(text: string, start: number, line: number, final: boolean): { next: number; line: number } | null {
    const dl = this.delimiter;
    const d0 = dl.charCodeAt(0);
    const len = text.length;
    const fields = this.fields;
    fields.length = 0;
    const maxFields = this.names === null ? this.limits.maxColumns : this.names.length + 1;
    let p = start;
    let ln = line;
    for (;;) {
      // One field starting at p.
      if (p < len && text.charCodeAt(p) === QUOTE) {
        let q = p + 1;
        let value = '';
        let from = q;
        for (;;) {
          const k = text.indexOf('"', q);
          if (k < 0 || (k + 1 >= len && !final)) {
            if (!final) return null;
            throw new ParseError(`CSV syntax: Quote Not Closed: the parsing is finished with an opening quote at line ${line}`, { file: this.file, line: ln });
          }
          if (k + 1 < len && text.charCodeAt(k + 1) === QUOTE) {
            value += text.slice(from, k + 1);
            q = k + 2;
            from = q;
            continue;
          }
          value += text.slice(from, k);
          p = k + 1;
          break;
        }
        ln += countLineBreaks(value);
        fields.push(value);
        if (fields.length > maxFields) this.tooMany(fields.length, line);
        if (p >= len) {
          if (!final) return null;
          return { next: p, line: ln };
        }
        const c = text.charCodeAt(p);
        if (c === d0 && p + dl.length > len && !final) return null; // a delimiter cut by the chunk's end
        if (c === d0 && text.startsWith(dl, p)) {
          p += dl.length;
          continue;
        }
        if (c === LF || c === CR) return this.recordEnd(text, p, ln, final);
        throw new ParseError(
          `CSV syntax: Invalid Closing Quote: got "${text[p]}" at line ${ln} instead of delimiter, record delimiter, trimable character (if activated) or comment`,
          { file: this.file, line: ln },
        );
      }
      // Unquoted field: up to a delimiter, a line break or the end; a quote inside is an error.
      let q = p;
      while (q < len) {
        const c = text.charCodeAt(q);
        if (c === LF || c === CR || (c === d0 && text.startsWith(dl, q))) break;
        if (c === QUOTE) {
          throw new ParseError(
            `CSV syntax: Invalid Opening Quote: a quote is found on field ${fields.length} at line ${ln}, value is ${JSON.stringify(text.slice(p, q))}`,
            { file: this.file, line: ln },
          );
        }
        q++;
      }
      if (q >= len && !final) return null;
      fields.push(text.slice(p, q));
      if (fields.length > maxFields) this.tooMany(fields.length, line);
      if (q >= len) return { next: q, line: ln };
      if (text.charCodeAt(q) === d0 && text.startsWith(dl, q)) {
        p = q + dl.length;
        if (p >= len && !final) return null;
        if (p >= len) {
          fields.push('');
          return { next: p, line: ln };
        }
        continue;
      }
      return this.recordEnd(text, q, ln, final);
    }
  }

  /** The record ends at the line break at p (LF, CRLF or a lone CR). */
  private recordEnd(text: string, p: number, ln: number, final: boolean): { next: number; line: number } | null {
    if (text.charCodeAt(p) === LF) return { next: p + 1, line: ln + 1 };
    if (p + 1 < text.length) return { next: text.charCodeAt(p + 1) === LF ? p + 2 : p + 1, line: ln + 1 };
    if (!final) return null; // CR at the end of the text: maybe half of CRLF
    return { next: p + 1, line: ln + 1 };
  }

  /** A record from the tokenizer, as fields. */
  private record(fields: string[], line: number): void {
    if (this.recordSink) {
      this.recordSink(fields.slice(), line);
      return;
    }
    if (this.names === null) {
      this.setHeader(fields.slice(), line);
      return;
    }
    const width = this.names.length;
    if (fields.length !== width) this.ragged(fields.length, line);
    this.beginRow();
    const base = this.n * this.d;
    for (let col = 0; col < width; col++) {
      const f = this.featureOf[col]!;
      if (f >= 0) this.cell(base, f, col, fields[col]!, line);
      else if (col === this.labelCol) this.label(fields[col]!, line, col);
    }
    this.n++;
  }

  private checkColumns(count: number, line: number): void {
    if (count > this.limits.maxColumns) this.tooMany(count, line);
  }

  private tooMany(count: number, line: number): never {
    if (this.names !== null) this.ragged(count, line);
    throw new LimitError(
      'maxColumns',
      count,
      this.limits.maxColumns,
      `${this.file ?? '<input>'}, line ${line}: the header has more than ${this.limits.maxColumns} columns (the maxColumns limit); raise it with the maxColumns option (CLI: --max-columns N) if the data really are this wide`,
    );
  }

  private ragged(count: number, line: number): never {
    const width = this.names!.length;
    // Reading stops at the first field too many, so "more than" the header's width.
    throw new ParseError(`row has ${count > width ? `more than ${width}` : count} field(s) but the header has ${width}`, {
      file: this.file,
      line,
      column: Math.min(count, width) + 1,
    });
  }

  private setHeader(raw: string[], _line: number): void {
    const names = raw.map((h) => h.trim());
    this.names = names;
    if (this.headerOnly) return;
    ({ labelCol: this.labelCol, featCols: this.featCols } = resolveColumns(names, this.opts, this.file));
    this.d = this.featCols.length;
    this.featureOf = new Int32Array(names.length).fill(-1);
    this.featCols.forEach((c, t) => (this.featureOf[c] = t));
    // Column names are kept (they become featureNames): count them against the budget too.
    let nameBytes = 0;
    for (const nm of names) nameBytes += 2 * nm.length + 32;
    this.labelBytes = nameBytes;
    const rows0 = Math.max(1, Math.min(64, Math.floor(65536 / Math.max(1, this.d))));
    this.X = new Float64Array(rows0 * this.d);
    this.codes = new Int32Array(rows0);
  }

  /** Room for one more row, growing by 1.5x within the memory budget. */
  private beginRow(): void {
    const { n, d } = this;
    if (n >= MAX_JS_ARRAY_LENGTH) {
      throw new LimitError(
        'rows',
        n + 1,
        MAX_JS_ARRAY_LENGTH,
        `${this.file ?? 'the CSV data'}: more than ${MAX_JS_ARRAY_LENGTH} rows, the most this reader holds (labels are a JavaScript array): split the file`,
      );
    }
    if ((n + 1) * d <= this.X.length && n + 1 <= this.codes.length) return;
    const rowsNow = Math.max(this.codes.length, 1);
    // What the data take with one more row (the final copy in end() is checked there).
    const need = 8 * (n + 1) * d + 4 * (n + 1) + this.labelBytes;
    checkMemory(need, this.limits, `${this.file ?? 'the CSV data'} (${n + 1} rows x ${d} columns so far)`, 'read fewer rows or columns (--features)');
    // Grow by 1.5x, but not beyond what the budget allows for the array (the old one is alive during the copy).
    const perRow = 8 * d + 4;
    const affordable = Math.floor((this.limits.maxMemory - this.labelBytes - perRow * rowsNow) / perRow);
    const rows = Math.max(n + 1, Math.min(Math.ceil(rowsNow * 1.5), affordable));
    checkMemory(
      perRow * (rowsNow + rows) + this.labelBytes,
      this.limits,
      `${this.file ?? 'the CSV data'} (${n + 1} rows x ${d} columns so far, while growing)`,
      'read fewer rows or columns (--features)',
    );
    const X = new Float64Array(rows * d);
    X.set(this.X.subarray(0, n * d));
    this.X = X;
    const codes = new Int32Array(rows);
    codes.set(this.codes.subarray(0, n));
    this.codes = codes;
  }

  private cell(base: number, t: number, col: number, s: string, line: number): void {
    const v = parseNumber(s);
    if (v !== undefined) {
      this.X[base + t] = v;
      return;
    }
    const trimmed = s.trim();
    if (MISSING.has(trimmed)) {
      if (this.missingMode === 'mean') {
        (this.holes ??= new Grow(64)).push(base + t);
        this.X[base + t] = 0;
        return;
      }
      throw new ParseError(
        `missing value ${JSON.stringify(clip(s))} in column '${clip(this.names![col]!)}' (use missing: 'mean' / --missing mean to fill it with the column mean)`,
        { file: this.file, line, column: col + 1 },
      );
    }
    throw new ParseError(`column '${clip(this.names![col]!)}': ${JSON.stringify(clip(s))} is not a finite number`, { file: this.file, line, column: col + 1 });
  }

  private label(raw: string, line: number, col: number): void {
    const s = raw.trim();
    if (MISSING.has(s)) {
      throw new ParseError(`missing label ${JSON.stringify(clip(raw))} in column '${clip(this.names![col]!)}'`, { file: this.file, line, column: col + 1 });
    }
    let code = this.labelIndex.get(s);
    if (code === undefined) {
      code = this.labelTextsList.length;
      // A copy, so the label does not keep the whole chunk it was sliced from alive.
      const own = (' ' + s).slice(1);
      this.labelIndex.set(own, code);
      this.labelTextsList.push(own);
      this.labelBytes += 2 * s.length + 64;
    }
    this.codes[this.n] = code;
  }
}

function countLineBreaks(s: string): number {
  let c = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === LF) c++;
    else if (ch === CR) {
      c++;
      if (s.charCodeAt(i + 1) === LF) i++;
    }
  }
  return c;
}

function checkDelimiter(delimiter: string | undefined): string {
  const dl = delimiter ?? ',';
  if (typeof dl !== 'string' || dl.length === 0 || dl.includes('"') || dl.includes('\n') || dl.includes('\r')) {
    throw new OptionError('delimiter', `must be a non-empty string without quotes or newlines, got ${JSON.stringify(delimiter)}`);
  }
  return dl;
}

/** Text from the input, for a message: at most 40 characters, control characters made visible (\u000a). */
function clip(s: string): string {
  const short = s.length > 40 ? `${s.slice(0, 37)}...` : s;
  return short.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A finite decimal number, or undefined. Rejects what Number() would wrongly accept ('', '0x1f', ' ', 'Infinity'). */
export function parseNumber(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) return undefined;
  // Number() also reads hex/octal/binary literals and treats blank strings as 0.
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    // x X o O b B
    if (ch === 120 || ch === 88 || ch === 111 || ch === 79 || ch === 98 || ch === 66) return undefined;
  }
  if (s.trim().length === 0) return undefined;
  return v;
}

/** Names for messages: the first ten, then a count (a header can hold thousands). */
function nameList(header: string[]): string {
  const shown = header
    .slice(0, 10)
    .map((h) => `'${clip(h)}'`)
    .join(', ');
  return header.length > 10 ? `${shown}, ... (${header.length} columns)` : shown;
}

export function resolveColumns(header: string[], opts: CsvOptions, file: string | undefined): { labelCol: number; featCols: number[] } {
  const where = file ? ` in ${file}` : '';
  const list = () => nameList(header);
  let labelCol: number;
  const lab = opts.label;
  if (lab === null) labelCol = -1;
  else if (lab === undefined) {
    // Default: the last column, unless `features` asks for it by name (data to predict, read with the
    // model's feature names, often have no label column).
    const last = header[header.length - 1]!;
    labelCol = opts.features?.some((f) => String(f).trim() === last) ? -1 : header.length - 1;
  } else if (typeof lab === 'number') {
    if (!Number.isInteger(lab) || lab < 0 || lab >= header.length) {
      throw new OptionError('label', `column index ${lab} is out of range: the header${where} has ${header.length} columns (0-based)`);
    }
    labelCol = lab;
  } else if (typeof lab === 'string') {
    labelCol = header.indexOf(lab.trim());
    // From a command line every value is a string: '2' means column index 2 unless a column is named '2'.
    if (labelCol < 0 && /^\d+$/.test(lab.trim()) && Number(lab) < header.length) labelCol = Number(lab);
    if (labelCol < 0) throw new OptionError('label', `no column named '${clip(String(lab))}'${where}; columns are ${list()}`);
  } else {
    throw new OptionError('label', `must be a column name, a 0-based index or null, got ${typeof lab}`);
  }
  let featCols: number[];
  if (opts.features === undefined) {
    featCols = [];
    for (let c = 0; c < header.length; c++) if (c !== labelCol) featCols.push(c);
  } else {
    if (!Array.isArray(opts.features) || opts.features.length === 0) {
      throw new OptionError('features', 'must be a non-empty list of column names');
    }
    const seen = new Set<string>();
    const pos = new Map<string, number>();
    header.forEach((h, c) => pos.has(h) || pos.set(h, c));
    featCols = opts.features.map((name) => {
      const nm = String(name).trim();
      if (seen.has(nm)) throw new OptionError('features', `column '${clip(nm)}' is listed twice`);
      seen.add(nm);
      const c = pos.get(nm);
      if (c === undefined) throw new OptionError('features', `no column named '${clip(nm)}'${where}; columns are ${list()}`);
      if (c === labelCol) throw new OptionError('features', `column '${clip(nm)}' is the label column; it cannot also be a feature`);
      return c;
    });
  }
  return { labelCol, featCols };
}

function imputeMeans(data: Float64Array, n: number, d: number, holes: Grow, header: string[], featCols: number[], file: string | undefined): void {
  const sum = new Float64Array(d);
  const count = new Float64Array(d);
  const isHole = new Uint8Array(n * d);
  for (let h = 0; h < holes.n; h++) isHole[holes.a[h]!] = 1;
  for (let p = 0; p < n * d; p++) {
    if (isHole[p]) continue;
    const j = p % d;
    sum[j]! += data[p]!;
    count[j]!++;
  }
  for (let h = 0; h < holes.n; h++) {
    const at = holes.a[h]!;
    const j = at % d;
    if (count[j] === 0) {
      throw new ParseError(`column '${clip(header[featCols[j]!]!)}' has no values at all: cannot impute its mean`, { file, column: featCols[j]! + 1 });
    }
    data[at] = sum[j]! / count[j]!;
  }
}

/** Delimiters `sniffDelimiter` chooses among. */
export const SNIFFED_DELIMITERS: readonly string[] = [',', ';', '\t'];

/**
 * The delimiter of a CSV text, from its header line: the one of ',', ';' and tab that occurs most often
 * outside quotes (',' on a tie or when none occurs: a one-column file). The header decides because data
 * lines of a ';'-separated file often hold decimal commas ("5,1;3,5"), which the header never has.
 */
export function sniffDelimiter(text: string): string {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  // First non-empty line.
  for (;;) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
    if (line.trim() !== '' || nl < 0) {
      const counts = new Map<string, number>(SNIFFED_DELIMITERS.map((d) => [d, 0]));
      let quoted = false;
      for (const ch of line) {
        if (ch === '"') quoted = !quoted;
        else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
      }
      let best = ',';
      for (const d of SNIFFED_DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
      return best;
    }
    start = nl + 1;
  }
}

/**
 * The raw text of the named columns, one entry per data row in the order parseCsv reads the rows (so they
 * line up with its X): for carrying columns such as an id through to predictions. Fields are trimmed.
 */
export function csvTextColumns(
  text: string,
  names: readonly string[],
  opts: { delimiter?: string; file?: string; limits?: Partial<Limits> } = {},
): Map<string, string[]> {
  let idx: number[] | null = null;
  const out = names.map(() => [] as string[]);
  const reader = new CsvReader({ delimiter: opts.delimiter, file: opts.file, limits: opts.limits, label: null }, false, (fields) => {
    if (idx === null) {
      const header = fields.map((h) => h.trim());
      idx = names.map((nm) => {
        const j = header.indexOf(nm);
        if (j < 0) throw new OptionError('keep', `no column named '${clip(nm)}' in ${opts.file ?? 'the data'} (columns: ${nameList(header)})`);
        return j;
      });
      return;
    }
    idx.forEach((j, t) => out[t]!.push((fields[j] ?? '').trim()));
  });
  reader.push(text);
  reader.end();
  if (idx === null) throw new ParseError('empty input: a header row is required', { file: opts.file, line: 1 });
  return new Map(names.map((nm, t) => [nm, out[t]!]));
}
