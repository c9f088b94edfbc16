/**
 * A byte-level parser for plain numeric CSV, straight from the file's bytes into Float64Array rows: the
 * first pass of a streamed fit on a large file is bound by parsing, and the measured gap justifies a
 * special case (issue 13, on 1M x 20: csv-parse 0.12M rows/s, a plain JavaScript parser over strings
 * 0.41M; see docs/streaming.md for this one's figures). It decodes no text: digits are accumulated from the
 * bytes, so no string is made per field.
 *
 * It reads only what it can read exactly as csv.ts does, and gives up at the first record it cannot: a
 * quote, a space, an empty or non-numeric feature field, a wrong field count, a lone CR, a label that is
 * empty or padded. The caller then hands the rest of the input (from that record on) to the general reader
 * (CsvReader), which parses it or reports the error with its usual message, line and column. So the fast
 * path changes speed, never results.
 *
 * Numbers: [+-]digits[.digits][(e|E)[+-]digits]. With at most 15 significant digits and a decimal exponent
 * within +-22, m * 10^e (or m / 10^-e) is one correctly rounded operation on exact doubles (Clinger's fast
 * path), so it equals Number(text), which csv.ts uses; other numbers go through Number() on their bytes.
 */
import { CsvReader, MISSING, resolveColumns, type CsvOptions } from '../../src/data/csv.js';
import type { RawBlock } from './types.js';

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
const LF = 10;
const CR = 13;

export class FastCsvParser {
  readonly d: number;
  readonly featureNames: string[];
  failed = false;
  private readonly width: number;
  private readonly featureOf: Int32Array;
  private readonly labelCol: number;
  private readonly delim: number;
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private headerSkipped = false;
  private header: Uint8Array = new Uint8Array(0);
  private line = 1;
  private X = new Float64Array(0);
  private codes = new Int32Array(0);
  private rows = 0;
  private readonly texts: string[] = [];
  private readonly textCode = new Map<string, number>();
  /** Label codes by a numeric key of the label's bytes (up to 6 bytes), to skip decoding. */
  private readonly shortCode = new Map<number, number>();
  private ended = false;

  private constructor(names: string[], opts: CsvOptions) {
    const { labelCol, featCols } = resolveColumns(names, opts, opts.file);
    this.width = names.length;
    this.labelCol = labelCol;
    this.featureOf = new Int32Array(names.length).fill(-1);
    featCols.forEach((c, t) => (this.featureOf[c] = t));
    this.d = featCols.length;
    this.featureNames = featCols.map((c) => names[c]!);
    this.delim = (opts.delimiter ?? ',').charCodeAt(0);
  }

  /** A parser for this header, or null when the fast path does not apply (quotes, a multi-byte delimiter). */
  static create(head: Uint8Array, opts: CsvOptions): FastCsvParser | null {
    const dl = opts.delimiter ?? ',';
    if (dl.length !== 1 || dl.charCodeAt(0) > 127) return null;
    let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (start < head.length && (head[start] === LF || head[start] === CR)) start++;
    const eol = head.indexOf(LF, start);
    if (eol < 0 || start > 0) return null; // no complete header line in the first 64 KiB, or blank lines first
    const headerText = new TextDecoder().decode(head.subarray(start, eol));
    if (headerText.includes('"') || headerText.replace(/\r$/, '').includes('\r')) return null;
    // The general reader reads the header, so names, label and features resolve exactly as there.
    const r = new CsvReader({ ...opts, label: opts.label, features: opts.features }, true);
    r.push(headerText.replace(/\r$/, '') + '\n');
    const names = r.header();
    return new FastCsvParser(names, opts);
  }

  push(chunk: Uint8Array): void {
    const rest = this.buf.length - this.pos;
    if (rest === 0) this.buf = chunk;
    else {
      const b = Buffer.allocUnsafe(rest + chunk.length);
      b.set(this.buf.subarray(this.pos));
      b.set(chunk, rest);
      this.buf = b;
    }
    this.pos = 0;
    if (!this.headerSkipped) {
      // (a worker's chunk has no header: skipHeader() was called)
      let p = this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf ? 3 : 0;
      const eol = this.buf.indexOf(LF, p);
      if (eol < 0) return;
      this.header = this.buf.slice(0, eol + 1);
      p = eol + 1;
      this.pos = p;
      this.headerSkipped = true;
      this.line = 2;
    }
  }

  end(): void {
    this.ended = true;
  }

  /** Input without a header (a chunk of records, for a worker thread): lines count from 1. */
  skipHeader(): void {
    this.headerSkipped = true;
    this.line = 1;
  }

  /** The labels seen so far, in first-seen order (the codes index this list). */
  labelTextList(): string[] {
    return this.texts;
  }

  /** The header line's bytes (for the general reader taking over). */
  headerBytes(): Uint8Array {
    return this.header;
  }

  /** Line number of the first record not parsed. */
  nextLine(): number {
    return this.line;
  }

  /** The bytes not parsed into rows (from the record where the fast path gave up). */
  remaining(): Uint8Array {
    return this.buf.subarray(this.pos);
  }

  /** Blocks of `B` rows while complete records last (and the rest at the end, or where the fast path stopped). */
  *drain(B: number, final = false): Generator<RawBlock> {
    if (this.X.length < B * this.d) {
      this.X = new Float64Array(B * this.d);
      this.codes = new Int32Array(B);
    }
    for (;;) {
      this.parse(B);
      if (this.rows >= B || ((this.failed || final) && this.rows > 0)) yield this.take();
      else return;
      if (this.failed) return;
    }
  }

  /**
   * The pending rows as views of the parser's buffers (no copy): valid until the next drain step, which the
   * first pass respects (it stores a block before asking for the next).
   */
  private take(): RawBlock {
    const rows = this.rows;
    this.rows = 0;
    return {
      kind: 'dense',
      rows,
      X: this.X.subarray(0, rows * this.d),
      labels: this.labelCol >= 0 ? { codes: this.codes.subarray(0, rows), texts: this.texts } : null,
    };
  }

  /** Parse records until B rows are pending, the complete records run out, or one cannot be read here. */
  private parse(B: number): void {
    if (this.failed || !this.headerSkipped) return;
    const buf = this.buf;
    const len = buf.length;
    const d = this.d;
    const width = this.width;
    const featureOf = this.featureOf;
    const labelCol = this.labelCol;
    const delim = this.delim;
    const X = this.X;
    let pos = this.pos;
    while (this.rows < B && pos < len) {
      let eol = buf.indexOf(LF, pos);
      if (eol < 0) {
        if (!this.ended) break;
        eol = len;
      }
      let stop = eol;
      if (stop > pos && buf[stop - 1] === CR) stop--;
      if (stop === pos) {
        // An empty line (skip_empty_lines); a lone CR line is for the general reader.
        if (eol > pos && buf[pos] === CR && eol - pos > 1) {
          this.failed = true;
          break;
        }
        pos = eol + 1;
        this.line++;
        continue;
      }
      const base = this.rows * d;
      let p = pos;
      let col = 0;
      let ok = true;
      for (;;) {
        // One field [p, q): a feature's number is parsed in the same scan that finds its end.
        const f = col < width ? featureOf[col]! : -2;
        let q: number;
        if (f >= 0) {
          const v = this.number(buf, p, stop, delim);
          q = this.numEnd;
          if (v === undefined) {
            ok = false;
            break;
          }
          X[base + f] = v;
          if (q >= stop) {
            col++;
            break;
          }
          p = q + 1;
          col++;
          if (p === stop) {
            if (col < width && featureOf[col]! >= 0) ok = false;
            else if (col === labelCol) ok = false;
            col++;
            break;
          }
          continue;
        }
        q = p;
        while (q < stop && buf[q] !== delim) q++;
        if (col === labelCol) {
          const code = this.label(buf, p, q);
          if (code < 0) {
            ok = false;
            break;
          }
          this.codes[this.rows] = code;
        } else if (f === -2) {
          ok = false; // too many fields
          break;
        } else {
          // An unused column: quotes or CR in it are the general reader's business.
          for (let t = p; t < q; t++)
            if (buf[t] === 34 || buf[t] === CR) {
              ok = false;
              break;
            }
          if (!ok) break;
        }
        col++;
        if (q >= stop) break;
        p = q + 1;
        if (p === stop) {
          // A trailing delimiter: one more (empty) field.
          if (col < width && featureOf[col]! >= 0) ok = false;
          else if (col === labelCol) ok = false;
          col++;
          break;
        }
      }
      if (!ok || col !== width) {
        this.failed = true;
        break;
      }
      this.rows++;
      pos = eol + 1;
      this.line++;
    }
    this.pos = Math.min(pos, len);
  }

  /** End of the field the last number() call read (its delimiter, or the record's end). */
  private numEnd = 0;

  /**
   * The number starting at p, read up to the delimiter or `stop` (numEnd = where it ended), or undefined
   * when the field is not a plain number (the general reader decides).
   */
  private number(buf: Uint8Array, p: number, stop: number, delim: number): number | undefined {
    let q = p;
    while (q < stop) {
      const c = buf[q]!;
      // Digits, '.', '+', '-', 'e', 'E' make a number; anything else ends the scan.
      if ((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69) q++;
      else break;
    }
    this.numEnd = q;
    if (q < stop && buf[q] !== delim) return undefined;
    if (p >= q) return undefined;
    let i = p;
    let neg = false;
    const c0 = buf[i]!;
    if (c0 === 45 || c0 === 43) {
      neg = c0 === 45;
      i++;
    }
    let m = 0;
    let sig = 0;
    let digits = 0;
    let frac = 0;
    while (i < q) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      if (sig > 0 || c > 0) {
        m = m * 10 + c;
        sig++;
      }
      digits++;
      i++;
    }
    if (i < q && buf[i] === 46) {
      i++;
      while (i < q) {
        const c = buf[i]! - 48;
        if (c < 0 || c > 9) break;
        if (sig > 0 || c > 0) {
          m = m * 10 + c;
          sig++;
        }
        frac++;
        digits++;
        i++;
      }
    }
    if (digits === 0) return undefined;
    let e = 0;
    if (i < q && (buf[i] === 101 || buf[i] === 69)) {
      i++;
      let eneg = false;
      if (i < q && (buf[i] === 45 || buf[i] === 43)) {
        eneg = buf[i] === 45;
        i++;
      }
      const e0 = i;
      while (i < q) {
        const c = buf[i]! - 48;
        if (c < 0 || c > 9) break;
        if (e < 1e6) e = e * 10 + c;
        i++;
      }
      if (i === e0) return undefined;
      if (eneg) e = -e;
    }
    if (i !== q) return undefined;
    const e10 = e - frac;
    let v: number;
    if (sig <= 15 && e10 >= -22 && e10 <= 22) v = e10 >= 0 ? m * POW10[e10]! : m / POW10[-e10]!;
    else {
      let s = '';
      for (let t = p; t < q; t++) s += String.fromCharCode(buf[t]!);
      v = Number(s);
      if (!Number.isFinite(v)) return undefined;
      return v;
    }
    return neg ? -v : v;
  }

  /** The code of the label in buf[p, q), or -1 when the general reader must read it (empty, padded, quoted, missing). */
  private label(buf: Uint8Array, p: number, q: number): number {
    const n = q - p;
    if (n === 0) return -1;
    const first = buf[p]!;
    const last = buf[q - 1]!;
    if (first <= 32 || last <= 32 || first === 34) return -1;
    if (n <= 6) {
      let key = n;
      let ascii = true;
      for (let t = p; t < q; t++) {
        const c = buf[t]!;
        if (c === 34 || c >= 128) ascii = false;
        key = key * 256 + c;
      }
      if (ascii) {
        const known = this.shortCode.get(key);
        if (known !== undefined) return known;
        const code = this.textLabel(buf, p, q);
        if (code >= 0) this.shortCode.set(key, code);
        return code;
      }
    }
    return this.textLabel(buf, p, q);
  }

  private textLabel(buf: Uint8Array, p: number, q: number): number {
    for (let t = p; t < q; t++) if (buf[t] === 34) return -1;
    const s = new TextDecoder().decode(buf.subarray(p, q));
    if (MISSING.has(s) || s.trim() !== s) return -1;
    let code = this.textCode.get(s);
    if (code === undefined) {
      code = this.texts.length;
      this.texts.push(s);
      this.textCode.set(s, code);
    }
    return code;
  }
}
