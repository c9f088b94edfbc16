/**
 * The first pass of a streamed fit: every block goes by once, and what the fit needs is gathered on the
 * way (row count, the distinct labels and their counts, column statistics for the scaler), while the block
 * is handed on to be stored (a cache file, or memory). Labels are coded in first-seen order as they come;
 * `finish` sorts the classes and gives the table from those codes to class indices, which the store applies
 * when it replays blocks. Browser-safe.
 */
import { DataError } from '../errors.js';
import { uniqueSortedLabels, type Label } from '../core/labels.js';
import { parseNumber } from '../data/csv.js';
import type { DataBlock, StreamSummary } from './block.js';
import { ColumnStats } from './stats.js';

export class FirstPass {
  n = 0;
  private stats: ColumnStats;
  private readonly labelIndex = new Map<Label, number>();
  private readonly labels: Label[] = [];
  private counts: number[] = [];
  /** Labels came as text (CSV): numbers at the end when every one reads as a number. */
  private textLabels = false;

  constructor(
    private d: number,
    readonly sparse: boolean,
    /** Subtracted from dense rows before they are stored (see BlockStore.shift). */
    readonly shift: Float64Array | null = null,
  ) {
    this.stats = new ColumnStats(d);
  }

  get width(): number {
    return this.d;
  }

  /** Codes (first-seen order) for labels given as values. */
  codes(y: ArrayLike<Label>, rowOffset = this.n): Int32Array {
    const out = new Int32Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string') {
        throw new DataError('INVALID_LABEL', `label of row ${rowOffset + i} is ${String(v)}: labels must be finite numbers or strings`, { row: rowOffset + i });
      }
      out[i] = this.intern(v);
    }
    return out;
  }

  /** Codes for text labels that a reader coded itself (its codes index `texts`, first-seen, stable). */
  codesFromText(readerCodes: Int32Array, texts: readonly string[]): Int32Array {
    this.textLabels = true;
    const out = new Int32Array(readerCodes.length);
    const map = new Int32Array(texts.length);
    for (let k = 0; k < texts.length; k++) map[k] = this.intern(texts[k]!);
    for (let i = 0; i < readerCodes.length; i++) out[i] = map[readerCodes[i]!]!;
    return out;
  }

  private intern(v: Label): number {
    let c = this.labelIndex.get(v);
    if (c === undefined) {
      c = this.labels.length;
      this.labelIndex.set(v, c);
      this.labels.push(v);
      this.counts.push(0);
    }
    return c;
  }

  /** A block whose y holds codes (from `codes`/`codesFromText`); sparse blocks may widen the data. */
  add(block: DataBlock, width = this.d): void {
    if (width > this.d) {
      this.stats = this.stats.widen(width);
      this.d = width;
    }
    this.stats.add(block, this.shift);
    for (let i = 0; i < block.rows; i++) this.counts[block.y[i]!]!++;
    this.n += block.rows;
  }

  /** The summary, and the table from first-seen codes to sorted class indices. */
  finish(featureNames: string[] | null): { summary: StreamSummary; remap: Int32Array } {
    let values: Label[] = this.labels;
    if (this.textLabels) {
      const nums = this.labels.map((t) => parseNumber(String(t)));
      if (nums.every((v) => v !== undefined)) values = nums as number[];
    }
    const classes = uniqueSortedLabels(values);
    const pos = new Map<Label, number>(classes.map((c, k) => [c, k]));
    const remap = Int32Array.from(values, (v) => pos.get(v)!);
    const classCounts = new Array<number>(classes.length).fill(0);
    this.counts.forEach((c, code) => (classCounts[remap[code]!]! += c));
    return {
      summary: { n: this.n, d: this.d, classes, classCounts, featureNames, sparse: this.sparse, stats: this.stats.summary() },
      remap,
    };
  }
}

/** Apply a code -> class table to a block's labels (a new block; X shared). */
export function remapBlock(block: DataBlock, remap: Int32Array): DataBlock {
  const y = new Int32Array(block.rows);
  for (let i = 0; i < block.rows; i++) y[i] = remap[block.y[i]!]!;
  return { ...block, y };
}
