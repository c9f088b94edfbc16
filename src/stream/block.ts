/**
 * Data read in blocks: what a streaming fit sees instead of a whole matrix. A `BlockStore` replays the
 * rows block by block, synchronously (solvers call value/gradient synchronously), as often as a solver
 * asks; the node layer's store reads a binary cache file (node/stream/cache.ts), `MemoryBlockStore` holds
 * the blocks (tests, the browser, data that fit anyway). Browser-safe.
 */
import type { Label } from '../core/labels.js';

/** Dense rows: X is rows x d, row-major. */
export interface DenseBlock {
  readonly kind: 'dense';
  readonly rows: number;
  readonly X: Float64Array | Float32Array;
  /** Class index per row (into the store's sorted classes). */
  readonly y: Int32Array;
}

/** Sparse rows as CSR arrays (indptr from 0). */
export interface SparseBlock {
  readonly kind: 'csr';
  readonly rows: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly data: Float64Array | Float32Array;
  readonly y: Int32Array;
}

export type DataBlock = DenseBlock | SparseBlock;

/** What the first pass learnt about the data: enough to set up the fit without another pass. */
export interface StreamSummary {
  /** Rows. */
  n: number;
  /** Feature columns. */
  d: number;
  /** Sorted distinct labels (the y of every block indexes this list). */
  classes: Label[];
  /** Rows per class. */
  classCounts: number[];
  featureNames: string[] | null;
  sparse: boolean;
  /** Column statistics of the raw values (see ColumnStats). */
  stats: ColumnSummary;
}

/** Column statistics of raw feature values over all rows (implicit zeros of sparse rows included). */
export interface ColumnSummary {
  mean: number[];
  /** Population variance. */
  variance: number[];
  min: number[];
  max: number[];
  maxAbs: number[];
}

/**
 * The rows of a data set, replayable block by block. Every block of a store has the same kind; `shift`
 * (dense only, may be null) was subtracted from every row before it was stored (a float32 cache stores
 * x - shift to keep the digits that matter; the objective adds it back exactly through the intercept).
 */
export interface BlockStore {
  readonly summary: StreamSummary;
  readonly shift: Float64Array | null;
  /** Largest rows in one block. */
  readonly maxBlockRows: number;
  /** Element type of the stored values. */
  readonly dtype: 'float64' | 'float32';
  /** Call fn on every block in order. The block's arrays are valid only during the call (buffers are reused). */
  forEachBlock(fn: (block: DataBlock, index: number) => void): void;
  /** Passes made over the data so far (each forEachBlock call that ran to the end counts one). */
  readonly passes: number;
}

/** A store over blocks held in memory. */
export class MemoryBlockStore implements BlockStore {
  readonly shift: Float64Array | null = null;
  readonly maxBlockRows: number;
  readonly dtype: 'float64' | 'float32';
  passes = 0;
  constructor(
    readonly summary: StreamSummary,
    private readonly blocks: DataBlock[],
  ) {
    this.maxBlockRows = blocks.reduce((m, b) => Math.max(m, b.rows), 1);
    const first = blocks[0];
    this.dtype = first && (first.kind === 'dense' ? first.X : first.data) instanceof Float32Array ? 'float32' : 'float64';
  }
  forEachBlock(fn: (block: DataBlock, index: number) => void): void {
    this.blocks.forEach(fn);
    this.passes++;
  }
}
