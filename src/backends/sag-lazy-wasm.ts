/**
 * WebAssembly SIMD loops for sag/saga's just-in-time steps on CSR rows (src/solvers/sag-lazy.ts drives
 * them and documents the scheme; assembly/kernels.ts "just-in-time" has the loops). The CSR arrays are
 * copied into the instance's memory once per fit (nnz * 12 + n * 4 bytes), beside the state: per feature
 * V and sumG (2 K doubles), its last step, and the cumulative step sums (n + 1 doubles each).
 */
import type { SparseRows } from '../matrix/matrix.js';
import { planBytes, wasmAvailable, WasmWorkspace } from '../kernels/wasm.js';

export function wasmLazyAvailable(): boolean {
  return wasmAvailable();
}

export class WasmLazyRows {
  readonly z: Float64Array;
  readonly delta: Float64Array;
  readonly b: Float64Array;
  readonly cumA: Float64Array;
  readonly cumB: Float64Array;
  private readonly ws: WasmWorkspace;
  private readonly S: Float64Array;
  private readonly pIndptr: number;
  private readonly pIndices: number;
  private readonly pData: number;
  private readonly pS: number;
  private readonly pLast: number;
  private readonly pCumA: number;
  private readonly pCumB: number;
  private readonly pz: number;
  private readonly pDelta: number;
  private readonly pb: number;

  constructor(
    rows: SparseRows,
    n: number,
    private readonly d: number,
    private readonly K: number,
    private readonly l1: boolean,
  ) {
    const nnz = rows.indptr[n]!;
    const bytes =
      planBytes(n + 1, 4) + planBytes(nnz, 4) + planBytes(nnz, 8) + planBytes(2 * d * K, 8) + planBytes(d, 4) + 2 * planBytes(n + 1, 8) + 3 * planBytes(K, 8);
    const ws = new WasmWorkspace(bytes);
    this.ws = ws;
    this.pIndptr = ws.alloc((n + 1) * 4);
    this.pIndices = ws.alloc(nnz * 4);
    this.pData = ws.alloc(nnz * 8);
    this.pS = ws.alloc(2 * d * K * 8);
    this.pLast = ws.alloc(d * 4);
    this.pCumA = ws.alloc((n + 1) * 8);
    this.pCumB = ws.alloc((n + 1) * 8);
    this.pz = ws.alloc(K * 8);
    this.pDelta = ws.alloc(K * 8);
    this.pb = ws.alloc(K * 8);
    ws.i32(this.pIndptr, n + 1).set(rows.indptr.subarray(0, n + 1));
    ws.i32(this.pIndices, nnz).set(rows.indices.subarray(0, nnz));
    const data = ws.f64(this.pData, nnz);
    for (let p = 0; p < nnz; p++) data[p] = rows.data[p]!;
    this.S = ws.f64(this.pS, 2 * d * K);
    this.cumA = ws.f64(this.pCumA, n + 1);
    this.cumB = ws.f64(this.pCumB, n + 1);
    this.z = ws.f64(this.pz, K);
    this.delta = ws.f64(this.pDelta, K);
    this.b = ws.f64(this.pb, K);
  }

  load(w: Float64Array): void {
    const { d, K, S } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) S[2 * K * j + k] = w[k * d + j]!;
    this.ws.i32(this.pLast, d).fill(0);
  }

  rowScores(i: number, t: number, wscale: number, intercept: boolean): void {
    this.ws.k.lazyRowScores(
      this.pIndptr,
      this.pIndices,
      this.pData,
      this.pS,
      this.K,
      this.pLast,
      this.pCumA,
      this.pCumB,
      this.l1 ? 1 : 0,
      t,
      i,
      wscale,
      intercept ? this.pb : 0,
      this.pz,
    );
  }

  sagaRow(i: number, s: number, gs: number, gsn: number, th: number): void {
    this.ws.k.lazySagaRow(this.pIndptr, this.pIndices, this.pData, this.pS, this.K, this.pLast, i, s, this.pDelta, gs, gsn, th);
  }

  addRow(i: number): void {
    this.ws.k.lazyAddRow(this.pIndptr, this.pIndices, this.pData, this.pS, this.K, i, this.pDelta);
  }

  flush(t: number, wscale: number): void {
    this.ws.k.lazyFlush(this.pS, this.K, this.d, this.pLast, this.pCumA, this.pCumB, this.l1 ? 1 : 0, t, wscale);
  }

  writeParams(w: Float64Array): void {
    const { d, K, S } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) w[k * d + j] = S[2 * K * j + k]!;
  }

  writeSumG(sumG: Float64Array): void {
    const { d, K, S } = this;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) sumG[k * d + j] = S[2 * K * j + K + k]!;
  }
}
