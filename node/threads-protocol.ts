/**
 * What node/threads.ts and node/threads-worker.ts share: the control block (Int32 slots, then one float64
 * result), the operation codes, and worker t's share of each operation. The share is one function for both
 * sides so that rows a worker has not yet joined for (node/threads.ts, Pool.split) are computed on the calling
 * thread into that worker's own buffers, in the same order: a fit's results do not depend on when its workers
 * started.
 */
import type { WasmDenseWorkspaceView } from '../src/backends/dense-wasm.js';
import type { WasmCsrView } from '../src/backends/csr-wasm.js';

/** FAILED: set (1) by a worker whose operation threw, just before it ends, so the main thread stops waiting for it. */
export const CTRL = { SEQ: 0, OP: 1, DONE: 2, START: 3, END: 4, HASB: 5, FAILED: 6, INTS: 8, RESULT_BYTE: 32, BYTES: 40 } as const;
export const OP = { ATTACH: 1, LOSSGRAD: 2, LOSS: 3, PROB: 4, HVP: 5, EXIT: 6, SCORES: 7 } as const;

/** Worker `index`'s share of `op` on dense rows [start, end), into its own gradient and scratch buffers. */
export function denseShare(v: WasmDenseWorkspaceView, index: number, op: number, start: number, end: number): number {
  const [pz, pG32] = v.pWorkerScratch[index]!;
  const pG = v.pWorkerG[index]!;
  const pgb = pG + v.K * v.d * 8;
  if (op === OP.LOSSGRAD || op === OP.HVP) v.ws.f64(pG, v.K * v.d + v.K).fill(0);
  if (op === OP.LOSSGRAD) return v.lossGradRows(start, end, pG, pgb, pz, pG32);
  if (op === OP.LOSS) return v.lossRows(start, end, pz);
  if (op === OP.PROB) v.probabilitiesRows(start, end);
  else if (op === OP.SCORES) v.scoresRows(start, end);
  else if (op === OP.HVP) v.hvpRows(start, end, pG, pgb, pz, pG32);
  return 0;
}

/** The same for CSR rows. */
export function csrShare(v: WasmCsrView, index: number, op: number, start: number, end: number): number {
  const pG = v.pWorkerGT[index]!;
  const pgb = pG + v.K * v.d * 8;
  const pz = v.pWorkerZ[index]!;
  if (op === OP.LOSSGRAD || op === OP.HVP) v.ws.f64(pG, v.K * v.d + v.K).fill(0);
  if (op === OP.LOSSGRAD) return v.lossGradRows(start, end, pG, pgb, pz);
  if (op === OP.LOSS) return v.lossGradRows(start, end, 0, 0, pz);
  if (op === OP.PROB) v.probabilitiesRows(start, end);
  else if (op === OP.HVP) v.hvpRows(start, end, pG, pgb, pz);
  return 0;
}
