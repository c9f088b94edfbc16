/**
 * A hook for host-specific loss kernels. The core cannot import worker_threads (it must run in browsers),
 * so the Node layer registers a provider (node/threads.ts: `enableThreads()`) that SoftmaxObjective asks
 * first for dense X; returning null falls through to the single-thread kernels.
 */
import type { DenseMatrix } from '../matrix/dense.js';
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
