/**
 * Threads, chosen per fit. The core cannot import worker_threads (it must run in browsers), so a host that
 * can run threads (Node: node/threads.ts, registered when softmax-regression/node or, in Node, the package
 * root is imported) registers what it *can* do here; each fit says what it *wants* through its `threads`
 * option ('auto' or a count), and `resolveThreads` turns the two into a thread count for that fit alone.
 * Nothing here is a mode that one fit sets for another: the registration is a capability, like
 * WebAssembly being available.
 */
import type { DenseMatrix } from '../matrix/dense.js';
import type { CSRMatrix } from '../matrix/csr.js';
import type { Dtype } from './dense-wasm.js';
import type { LossKernel } from './loss-kernel.js';

/** A fit's thread request: 'auto' (the policy below) or a count (1: the calling thread only). */
export type Threads = 'auto' | number;

export interface ThreadHost {
  /** Threads 'auto' may use (Node: the machine's available parallelism; enableThreads(n) sets n). */
  readonly autoThreads: number;
  /** A loss kernel splitting dense X's rows over `threads` threads, or null to decline. */
  denseKernel(X: DenseMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, dtype: Dtype, threads: number): LossKernel | null;
  /** The same for CSR X. */
  csrKernel(X: CSRMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, threads: number): LossKernel | null;
  /**
   * Scores (or, with `softmax`, probabilities) of all rows of dense X into `out` (n x K) over `threads`
   * threads; false to decline (X not wasm-resident, ...): the caller then runs the single-thread path.
   */
  scores(X: DenseMatrix, W: Float64Array, K: number, b: Float64Array | null, out: Float64Array, softmax: boolean, threads: number): boolean;
}

let host: ThreadHost | null = null;

/** Register (or with null, remove) the host's thread capability. */
export function setThreadHost(h: ThreadHost | null): void {
  host = h;
}

export function threadHost(): ThreadHost | null {
  return host;
}

/**
 * The 'auto' policy: more than one thread only when one pass over the data does at least this many
 * multiply-adds (n*d*K dense, nnz*K sparse). Below it, waking the workers and summing their gradients
 * costs about what the second core saves (measured per pass when the threads were written); a process's
 * first threaded fit also waits once for the workers to start (tens of milliseconds). On the benchmark
 * sets (docs/performance.md, thread policy) this keeps iris, wine, breast_cancer and digits (at most
 * 0.92e6 per pass) on one thread and puts the MNIST subset (63e6), the synthetic dense (160e6) and sparse
 * (54e6) sets on all cores.
 */
export const AUTO_THREADS_MIN_WORK = 2_000_000;

/** Rows each thread must get at least (the kernels take rows 4 at a time). */
const MIN_ROWS_PER_THREAD = 8;

/**
 * Threads for one pass of `work` multiply-adds over `rows` rows: 1 without a host; 'auto' uses the host's
 * autoThreads when work >= AUTO_THREADS_MIN_WORK; a count is taken as asked (at most one thread per
 * MIN_ROWS_PER_THREAD rows).
 */
export function resolveThreads(threads: Threads | undefined, work: number, rows: number): number {
  if (!host) return 1;
  const want = threads === undefined || threads === 'auto' ? (work >= AUTO_THREADS_MIN_WORK ? host.autoThreads : 1) : threads;
  return Math.max(1, Math.min(want, Math.floor(rows / MIN_ROWS_PER_THREAD)));
}
