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
  /** Whether the host's workers are running (started by an earlier fit, enableThreads() or a thread count). */
  readonly running: boolean;
  /**
   * A loss kernel splitting dense X's rows over `threads` threads, or null to decline. With `wait` (a fit that
   * asked for a count) the kernel waits for the workers to start; without (the 'auto' policy) passes run on
   * the calling thread alone until they have, so a fit never waits for a pool to start.
   */
  denseKernel(X: DenseMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, dtype: Dtype, threads: number, wait: boolean): LossKernel | null;
  /** The same for CSR X. */
  csrKernel(X: CSRMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, threads: number, wait: boolean): LossKernel | null;
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
 * multiply-adds (n*d*K dense, nnz*K sparse). Below it, handing the workers their rows and summing their
 * gradients costs about what the second core saves. Measured on an idle 2-core machine (2026-12-02, whole
 * fits, 1 vs 2 threads alternating, pool running): 0.26e6 per pass 1.24x slower on two threads, 0.51e6
 * 0.83x, 0.92e6 (digits) 0.77x, 1.9e6 0.36x.
 */
export const AUTO_THREADS_MIN_WORK = 500_000;

/**
 * Starting the workers is another matter: they load their code and compile the kernels on the second core
 * for about 0.3 s, which is also where V8 compiles the process's own hot code, so a fresh process's first
 * digits fit took 140-160 ms with a starting pool against 85-95 ms without. An 'auto' fit starts the pool
 * only when its passes are at least POOL_START_MIN_WORK (a fit long enough to amortize it), or when
 * SMALL_FITS_BEFORE_POOL fits between the two thresholds have shown the process does repeated work (model
 * selection, benchmarks); a running pool serves every 'auto' fit from AUTO_THREADS_MIN_WORK. On the
 * benchmark sets: iris, wine and breast_cancer stay on one thread; digits uses a running pool; the MNIST
 * subset (63e6), the synthetic dense (160e6) and sparse (54e6) sets start one.
 */
export const POOL_START_MIN_WORK = 2_000_000;
const SMALL_FITS_BEFORE_POOL = 3;
let smallAutoRequests = 0;

/** Rows each thread must get at least (the kernels take rows 4 at a time). */
const MIN_ROWS_PER_THREAD = 8;

/**
 * Threads for one pass of `work` multiply-adds over `rows` rows: 1 without a host; 'auto' uses the host's
 * autoThreads when work >= AUTO_THREADS_MIN_WORK and a pool runs or may be started (above); a count is
 * taken as asked (at most one thread per MIN_ROWS_PER_THREAD rows). Only fits (`fit`) count toward starting
 * a pool for small problems; predictions use a running one.
 */
export function resolveThreads(threads: Threads | undefined, work: number, rows: number, fit = true): number {
  if (!host) return 1;
  let want: number;
  if (threads !== undefined && threads !== 'auto') want = threads;
  else if (work < AUTO_THREADS_MIN_WORK) want = 1;
  else if (work >= POOL_START_MIN_WORK || host.running || (fit && ++smallAutoRequests >= SMALL_FITS_BEFORE_POOL)) want = host.autoThreads;
  else want = 1;
  return Math.max(1, Math.min(want, Math.floor(rows / MIN_ROWS_PER_THREAD)));
}
