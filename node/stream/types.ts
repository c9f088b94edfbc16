/** Types shared by the streaming sources (sources.ts, fast-csv.ts, parallel-csv.ts). */
import type { Label } from '../../src/core/labels.js';

/** Parsed rows of one block with their labels as the source gives them. */
export type RawBlock =
  | { kind: 'dense'; rows: number; X: Float64Array; labels: RawLabels }
  | { kind: 'csr'; rows: number; indptr: Int32Array; indices: Int32Array; data: Float64Array; width: number; labels: RawLabels };

/** Text labels coded by a reader (codes index texts, first-seen, stable across blocks), or values, or none. */
export type RawLabels = { codes: Int32Array; texts: readonly string[] } | { values: ArrayLike<Label> } | null;

export interface SourceInfo {
  format: 'csv' | 'libsvm' | 'parquet' | 'blocks';
  d: number | null;
  featureNames: string[] | null;
  /** Bytes read of the file so far (compressed bytes for gzip) and its size: for progress. */
  bytesRead: number;
  totalBytes: number;
  /** Which CSV parser ran: 'fast' (numeric byte-level) or 'general' (csv.ts), for reports. */
  parser?: string;
}
