/**
 * A hook for host-specific loss kernels. The core cannot import worker_threads (it must run in browsers),
 * so the Node layer registers a provider (node/threads.ts: `enableThreads()`) that SoftmaxObjective asks
 * first for dense X; returning null falls through to the single-thread kernels.
 */
import type { DenseMatrix } from '../matrix/dense.js';
import type { CSRMatrix } from '../matrix/csr.js';
import type { Dtype } from './dense-wasm.js';
import type { LossKernel } from './loss-kernel.js';

export type DenseKernelProvider = (X: DenseMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null, dtype: Dtype) => LossKernel | null;

let provider: DenseKernelProvider | null = null;

export function setDenseKernelProvider(p: DenseKernelProvider | null): void {
  provider = p;
}

export function denseKernelProvider(): DenseKernelProvider | null {
  return provider;
}

/**
 * The same hook for prediction: scores (or, with `softmax`, probabilities) of all rows of dense X into
 * `out` (n x K). Returns false to decline (small X, X not wasm-resident, ...): the caller then runs the
 * single-thread path. node/threads.ts registers one that splits the rows over the worker pool.
 */
export type DenseScoresProvider = (X: DenseMatrix, W: Float64Array, K: number, b: Float64Array | null, out: Float64Array, softmax: boolean) => boolean;

let scoresProvider: DenseScoresProvider | null = null;

export function setDenseScoresProvider(p: DenseScoresProvider | null): void {
  scoresProvider = p;
}

export function denseScoresProvider(): DenseScoresProvider | null {
  return scoresProvider;
}

/** The same hook for CSR X (node/threads.ts: rows split over the worker pool); null falls through. */
export type CsrKernelProvider = (X: CSRMatrix, y: Int32Array, K: number, sampleWeight: Float64Array | null) => LossKernel | null;

let csrProvider: CsrKernelProvider | null = null;

export function setCsrKernelProvider(p: CsrKernelProvider | null): void {
  csrProvider = p;
}

export function csrKernelProvider(): CsrKernelProvider | null {
  return csrProvider;
}
