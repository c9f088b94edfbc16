/**
 * Worker side of node/threads.ts: attaches to the shared wasm memory of the current problem and runs the
 * row-range kernels on its rows when the main thread bumps its sequence number. Everything it needs
 * arrives through shared memory; the MessagePort carries only the memory handle and layout (read
 * synchronously with receiveMessageOnPort, since this thread spends its life in Atomics.wait).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { WasmDenseWorkspaceView, type WasmDenseLayout } from '../src/backends/dense-wasm.js';
import { WasmCsrView, type WasmCsrLayout } from '../src/backends/csr-wasm.js';
import { CTRL, OP, csrShare, denseShare } from './threads-protocol.js';

const { ctrl, port, index } = workerData as { ctrl: SharedArrayBuffer; port: MessagePort; index: number };
const c = new Int32Array(ctrl, 0, CTRL.INTS);
const res = new Float64Array(ctrl, CTRL.RESULT_BYTE, 1);
let view: WasmDenseWorkspaceView | null = null;
let csr: WasmCsrView | null = null;
let seen = 0;

/**
 * Before sleeping in Atomics.wait, watch for the next task for up to SPIN_MS: between two evaluations of a fit
 * the main thread works for tens of microseconds (the solver's step), and a futex wake-up costs about as much,
 * which kept small problems (digits: 0.3 ms per evaluation) from gaining anything on a second thread.
 */
const SPIN_MS = 0.2;

function spinUntilTask(): void {
  if (Atomics.load(c, CTRL.SEQ) !== seen) return;
  const t0 = performance.now();
  for (;;) {
    for (let i = 0; i < 256; i++) if (Atomics.load(c, CTRL.SEQ) !== seen) return;
    if (performance.now() - t0 > SPIN_MS) return;
  }
}

for (;;) {
  spinUntilTask();
  Atomics.wait(c, CTRL.SEQ, seen);
  seen = Atomics.load(c, CTRL.SEQ);
  const op = c[CTRL.OP]!;
  if (op === OP.EXIT) break;
  let r = 0;
  try {
    if (op === OP.ATTACH) {
      // The latest attach request wins: requests made while this thread was busy (or still starting) left
      // their messages queued, and only the last one matches the current problem. When it wakes for a later
      // request whose message an earlier wake-up already read (and applied), there is nothing left to read.
      let latest = receiveMessageOnPort(port);
      for (let next = latest; next; next = receiveMessageOnPort(port)) latest = next;
      if (latest) {
        const msg = latest.message as {
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
      }
    } else if (csr) {
      csr.hasB = c[CTRL.HASB] === 1;
      r = csrShare(csr, index, op, c[CTRL.START]!, c[CTRL.END]!);
    } else if (view) {
      view.hasB = c[CTRL.HASB] === 1;
      r = denseShare(view, index, op, c[CTRL.START]!, c[CTRL.END]!);
    }
  } catch (e) {
    // Tell the main thread at once (it is blocked in Atomics.wait and would otherwise time out), then end
    // with the error, which the main thread's 'error' listener records.
    Atomics.store(c, CTRL.FAILED, 1);
    Atomics.store(c, CTRL.DONE, seen);
    Atomics.notify(c, CTRL.DONE);
    throw e;
  }
  res[0] = r;
  Atomics.store(c, CTRL.DONE, seen);
  Atomics.notify(c, CTRL.DONE);
}
