/**
 * Worker side of node/threads.ts: attaches to the shared wasm memory of the current problem and runs the
 * row-range kernels on its rows when the main thread bumps its sequence number. Everything it needs
 * arrives through shared memory; the MessagePort carries only the memory handle and layout (read
 * synchronously with receiveMessageOnPort, since this thread spends its life in Atomics.wait).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { WasmDenseWorkspaceView, type WasmDenseLayout } from '../src/backends/dense-wasm.js';
import { WasmCsrView, type WasmCsrLayout } from '../src/backends/csr-wasm.js';
import { CTRL, OP } from './threads-protocol.js';

const { ctrl, port, index } = workerData as { ctrl: SharedArrayBuffer; port: MessagePort; index: number };
const c = new Int32Array(ctrl, 0, CTRL.INTS);
const res = new Float64Array(ctrl, CTRL.RESULT_BYTE, 1);
let view: WasmDenseWorkspaceView | null = null;
let csr: WasmCsrView | null = null;
let seen = 0;

for (;;) {
  Atomics.wait(c, CTRL.SEQ, seen);
  seen = Atomics.load(c, CTRL.SEQ);
  const op = c[CTRL.OP]!;
  let r = 0;
  if (op === OP.EXIT) break;
  if (op === OP.ATTACH) {
    const msg = receiveMessageOnPort(port)!.message as {
      layout: WasmDenseLayout | WasmCsrLayout;
      workers: number;
      memory: ConstructorParameters<typeof WasmDenseWorkspaceView>[3];
    };
    if ('kind' in msg.layout && msg.layout.kind === 'csr') {
      csr = new WasmCsrView(msg.layout, 'shared', msg.memory);
      view = null;
    } else {
      view = new WasmDenseWorkspaceView(msg.layout as WasmDenseLayout, 'shared', msg.workers, msg.memory);
      csr = null;
    }
  } else if (csr) {
    const v = csr;
    v.hasB = c[CTRL.HASB] === 1;
    const start = c[CTRL.START]!;
    const end = c[CTRL.END]!;
    const pG = v.pWorkerGT[index]!;
    const pgb = pG + v.K * v.d * 8;
    const pz = v.pWorkerZ[index]!;
    if (op === OP.LOSSGRAD || op === OP.HVP) v.ws.f64(pG, v.K * v.d + v.K).fill(0);
    if (op === OP.LOSSGRAD) r = v.lossGradRows(start, end, pG, pgb, pz);
    else if (op === OP.LOSS) r = v.lossGradRows(start, end, 0, 0, pz);
    else if (op === OP.PROB) v.probabilitiesRows(start, end);
    else if (op === OP.HVP) v.hvpRows(start, end, pG, pgb, pz);
  } else if (view) {
    const v = view;
    v.hasB = c[CTRL.HASB] === 1;
    const start = c[CTRL.START]!;
    const end = c[CTRL.END]!;
    const [pz, pG32] = v.pWorkerScratch[index]!;
    const pG = v.pWorkerG[index]!;
    const pgb = pG + v.K * v.d * 8;
    if (op === OP.LOSSGRAD || op === OP.HVP) v.ws.f64(pG, v.K * v.d + v.K).fill(0);
    if (op === OP.LOSSGRAD) r = v.lossGradRows(start, end, pG, pgb, pz, pG32);
    else if (op === OP.LOSS) r = v.lossRows(start, end, pz);
    else if (op === OP.PROB) v.probabilitiesRows(start, end);
    else if (op === OP.SCORES) v.scoresRows(start, end);
    else if (op === OP.HVP) v.hvpRows(start, end, pG, pgb, pz, pG32);
  }
  res[0] = r;
  Atomics.store(c, CTRL.DONE, seen);
  Atomics.notify(c, CTRL.DONE);
}
