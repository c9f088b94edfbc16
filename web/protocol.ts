/** Messages between the page and the training worker. */
import type { ModelJSON } from '../src/model/serialize.js';
import type { FeatureMapState } from '../src/preprocess/features.js';

export interface HistoryEntry {
  iteration: number;
  value: number;
  gradientNorm: number;
}

/**
 * The shared control block (an Int32Array over a SharedArrayBuffer, cross-origin isolated pages only). A fit
 * is one synchronous loop in the worker, so it cannot read messages until it returns; between iterations its
 * callback reads this block instead, and blocks in Atomics.wait while paused.
 * - CTL_CMD holds one word, seq * CMD_SPAN + command: the page's latest command and its sequence number, written
 *   together so the worker never sees a command without knowing which click it came from (the same seq rides on
 *   the message the page posts, and the worker drops messages a running fit has already obeyed).
 * - CTL_SPEED: milliseconds to wait after each iteration (0: as fast as possible).
 * - CTL_EXPORT: seq of an export request not yet served (0: none); a paused fit answers it from its current weights.
 */
export const CTL_CMD = 0;
export const CTL_SPEED = 1;
export const CTL_EXPORT = 2;
export const CTL_SLOTS = 3;
export const CMD_SPAN = 8;
export const Cmd = {
  Run: 0,
  Pause: 1,
  /** Let exactly one more iteration run, then pause. */
  Step: 2,
  /** End the fit (Reset). */
  Stop: 3,
  /** End the fit because data or options changed; a running one continues as a new fit from its weights. */
  Restart: 4,
} as const;
export type Cmd = (typeof Cmd)[keyof typeof Cmd];
export const cmdOf = (word: number): Cmd => (word % CMD_SPAN) as Cmd;
export const seqOf = (word: number): number => Math.floor(word / CMD_SPAN);
export const cmdWord = (seq: number, c: Cmd): number => seq * CMD_SPAN + c;

/** Mean cross-entropy on the training and the held-out rows at one iteration (iteration 0: the starting weights). */
export interface CurvePoint {
  iteration: number;
  train: number;
  test: number | null;
}

export type ToWorker =
  | { type: 'init'; control: SharedArrayBuffer }
  | { type: 'data'; X: number[][]; y: number[]; Xtest?: number[][]; ytest?: number[] }
  | { type: 'options'; options: Record<string, unknown> }
  | { type: 'run'; seq?: number }
  | { type: 'pause'; seq?: number }
  | { type: 'step'; seq?: number }
  | { type: 'reset'; seq?: number }
  | { type: 'export'; seq?: number };

export type TrainState = 'idle' | 'running' | 'paused' | 'converged' | 'stopped';

export interface StateMessage {
  type: 'state';
  state: TrainState;
  /** Human-readable status (solver message, or why training stopped). */
  message: string;
  iteration: number;
  classes: number[] | null;
  coef: number[][] | null;
  intercept: number[] | null;
  history: HistoryEntry[];
  /** Loss curve from iteration 0 (train and held-out mean cross-entropy). */
  curve: CurvePoint[];
  /** The fitted feature map (option featureMap) and the names of the model's columns. */
  featureMap: FeatureMapState | null;
  featureNames: string[] | null;
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

export type FromWorker = StateMessage | { type: 'model'; json: ModelJSON } | { type: 'error'; message: string };
