/** Messages between the page and the training worker. */
import type { ModelJSON } from '../src/model/serialize.js';

export interface HistoryEntry {
  iteration: number;
  value: number;
  gradientNorm: number;
}

export type ToWorker =
  | { type: 'data'; X: number[][]; y: number[]; Xtest?: number[][]; ytest?: number[] }
  | { type: 'options'; options: Record<string, unknown> }
  | { type: 'run' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'reset' }
  | { type: 'export' };

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
  trainAccuracy: number | null;
  testAccuracy: number | null;
}

export type FromWorker = StateMessage | { type: 'model'; json: ModelJSON } | { type: 'error'; message: string };
