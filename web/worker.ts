/**
 * Training off the main thread, with the library's own estimator. A fit runs in short chunks (a time budget
 * per chunk, or one iteration for Step), each warm-started from the previous chunk's weights, so the page can
 * pause, step and redraw between chunks. A warm restart rebuilds the solver's internal state (L-BFGS memory,
 * momentum), which is the price of pausing a synchronous solver; the optimum is the same.
 */
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import type { FromWorker, HistoryEntry, StateMessage, ToWorker, TrainState } from './protocol.js';

/** Wall time per chunk while running: short enough that Pause and redraws feel immediate. */
const CHUNK_MS = 30;
/** Iteration cap for one training run (unpenalized separable data would otherwise run forever). */
const MAX_TOTAL_ITER = 3000;

let X: number[][] = [];
let y: number[] = [];
let Xtest: number[][] | null = null;
let ytest: number[] | null = null;
let options: Record<string, unknown> = {};
let model: SoftmaxRegression | null = null;
let history: HistoryEntry[] = [];
let iteration = 0;
let state: TrainState = 'idle';
let message = 'place points or pick a preset, then Train';
let timer: ReturnType<typeof setTimeout> | null = null;
/** Extra delay between chunks (ms) and iterations per chunk cap: the "speed" control. */
let delayMs = 0;

const post = (m: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

function snapshot(): StateMessage {
  return {
    type: 'state',
    state,
    message,
    iteration,
    classes: model ? (model.classes as number[]) : null,
    coef: model ? model.coef : null,
    intercept: model ? model.intercept : null,
    history,
    trainAccuracy: model && X.length ? model.score(X, y) : null,
    testAccuracy: model && Xtest && ytest ? model.score(Xtest, ytest) : null,
  };
}

function reset(msg = 'reset: weights back to 0'): void {
  stopTimer();
  model = null;
  history = [];
  iteration = 0;
  state = 'idle';
  message = msg;
}

function stopTimer(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

/** Run up to `maxIter` iterations (and at most `budgetMs`), continuing from the current weights. */
function chunk(maxIter: number, budgetMs: number): void {
  const classes = [...new Set(y)];
  if (classes.length < 2) {
    state = 'stopped';
    message = 'need points of at least 2 classes';
    return;
  }
  const { speed: _s, ...libOptions } = options;
  const m = new SoftmaxRegression({ ...libOptions, warmStart: true, maxIter });
  if (model && model.nFeatures === X[0]!.length && sameSet(model.classes as number[], classes)) {
    // Hand the previous weights over; fit() warm-starts from them (same classes, same features).
    m.classes = model.classes;
    m.setParams(new Float64Array(model.coef!.flat()), new Float64Array(model.intercept!));
  }
  const t0 = performance.now();
  const start = iteration;
  m.fit(X, y, { onIteration: () => (performance.now() - t0 > budgetMs ? 'stop' : undefined) });
  const r = m.fitResult!;
  for (const h of r.history) history.push({ iteration: start + h.iteration, value: h.value, gradientNorm: h.gradientNorm });
  iteration = start + r.iterations;
  model = m;
  if (r.converged) {
    state = 'converged';
    // The solver's message counts this chunk's iterations only; say the run's total instead.
    message = `${r.message.replace(/,? ?\d+ iterations\)/, ')').replace(/ \(\)$/, '')}; ${iteration} iterations in all`;
  } else if (r.stopReason === 'callback' || r.stopReason === 'max-iterations') {
    if (iteration >= MAX_TOTAL_ITER) {
      state = 'stopped';
      message = `stopped after ${iteration} iterations without converging${r.advice.length ? ': ' + r.advice[0] : ''}`;
    } else message = `iteration ${iteration}: objective ${r.value.toPrecision(6)}`;
  } else {
    state = 'stopped';
    message = r.message;
  }
}

function loop(): void {
  timer = null;
  if (state !== 'running') return;
  try {
    // Slow speeds show every iteration: one per chunk, with a pause between chunks.
    chunk(delayMs > 0 ? 1 : MAX_TOTAL_ITER, CHUNK_MS);
  } catch (e) {
    state = 'stopped';
    message = (e as Error).message;
  }
  post(snapshot());
  if (state === 'running') timer = setTimeout(loop, delayMs);
}

function sameSet(a: number[], b: number[]): boolean {
  return a.length === b.length && b.every((v) => a.includes(v));
}

/** The model as the CLI saves it, with the whole history of this run (all chunks) as its fit history. */
function exportJson() {
  if (!model || !model.fitResult) throw new Error('train a model first');
  const fr = model.fitResult;
  model.fitResult = { ...fr, iterations: iteration, history: history.map((h) => ({ ...h, step: 0, evaluations: 0, elapsedMs: 0 })) };
  const json = model.toJSON();
  model.fitResult = fr;
  return json;
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case 'data':
        X = msg.X;
        y = msg.y;
        Xtest = msg.Xtest ?? null;
        ytest = msg.ytest ?? null;
        // Same classes and features: keep the weights (the regions stay; training continues from them).
        if (model && (X.length === 0 || model.nFeatures !== X[0]!.length || !sameSet(model.classes as number[], [...new Set(y)]))) reset('data changed: weights reset');
        break;
      case 'options':
        options = msg.options;
        delayMs = typeof options.speed === 'number' ? options.speed : 0;
        // The library validates options; an invalid combination is reported, not thrown at the page.
        new SoftmaxRegression(Object.fromEntries(Object.entries(options).filter(([k]) => k !== 'speed')));
        if (state === 'converged') state = 'paused';
        break;
      case 'run':
        if (X.length === 0) {
          message = 'no data: place points or pick a preset';
          break;
        }
        if (state === 'converged') {
          message = 'already converged (change data or options, or Reset)';
          break;
        }
        state = 'running';
        stopTimer();
        timer = setTimeout(loop, 0);
        return;
      case 'pause':
        stopTimer();
        if (state === 'running') {
          state = 'paused';
          message = `paused at iteration ${iteration}`;
        }
        break;
      case 'step':
        stopTimer();
        if (X.length === 0) break;
        state = 'paused';
        chunk(1, Infinity);
        if ((state as TrainState) === 'paused') message = `stepped to iteration ${iteration}`;
        break;
      case 'reset':
        reset();
        break;
      case 'export':
        post({ type: 'model', json: exportJson() });
        return;
    }
  } catch (e) {
    if (msg.type !== 'options') state = state === 'running' ? 'stopped' : state;
    post({ type: 'error', message: (e as Error).message });
  }
  post(snapshot());
};
