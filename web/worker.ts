/**
 * Training off the main thread, with the library's own estimator, in one of two modes.
 *
 * One fit (cross-origin isolated pages, where SharedArrayBuffer exists): Train runs ONE `fit()`, and the page
 * steers it between iterations through a shared control block (see protocol.ts). A fit is a synchronous loop,
 * so the worker cannot read messages while it runs; its iteration callback posts progress to the page and reads
 * the control block instead: Pause blocks it in Atomics.wait, Step lets exactly one more iteration of the
 * running solver happen, Reset returns 'stop', and the speed control is the Atomics.wait timeout. The L-BFGS
 * memory, Adam moments and momentum live through the whole run, as in a fit from the CLI.
 *
 * Chunks (the fallback for hosts that do not send the isolation headers): a fit runs in short chunks (a time
 * budget per chunk, or one iteration for Step), each warm-started from the previous chunk's weights, so the page
 * can pause, step and redraw between chunks. A warm restart rebuilds the solver's internal state each chunk; the
 * optimum is the same, the path to it is not.
 */
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { uniqueSortedLabels } from '../src/core/labels.js';
import type { IterationInfo } from '../src/solvers/solver.js';
import { Cmd, CTL_CMD, CTL_EXPORT, CTL_SPEED, cmdOf, cmdWord, seqOf } from './protocol.js';
import type { FromWorker, HistoryEntry, StateMessage, ToWorker, TrainState } from './protocol.js';

/** Wall time per chunk while running (and between progress posts of one fit): short enough that Pause and redraws feel immediate. */
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
  const m = new SoftmaxRegression({ ...libOptions(), warmStart: true, maxIter });
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

// ---- one fit, steered through the shared control block ----------------------------------------------
/** The control block (cross-origin isolated pages only; null: chunk mode). */
let control: Int32Array | null = null;
/** Highest command seq a fit's callback has read: messages up to it were already obeyed, and are dropped. */
let handledSeq = 0;
/** Highest export seq already answered from inside a fit. */
let exportedSeq = 0;
/** A running fit ended because data or options changed: the next data/options message starts a new one. */
let pendingRestart = false;

const libOptions = () => Object.fromEntries(Object.entries(options).filter(([k]) => k !== 'speed'));

/** A model holding the weights a fit has reached so far (w: W[k*d+j] then the K intercepts). */
function liveModel(w: Float64Array, classes: number[], info: IterationInfo, total: number, entries: HistoryEntry[]): SoftmaxRegression {
  const K = classes.length;
  const d = X[0]!.length;
  const m = new SoftmaxRegression(libOptions());
  m.classes = classes;
  m.setParams(w.slice(0, K * d), w.length >= K * d + K ? w.slice(K * d, K * d + K) : new Float64Array(K));
  m.fitResult = {
    solver: m.options.solver,
    converged: false,
    stopReason: 'callback',
    message: `training in progress (exported at iteration ${total})`,
    iterations: total,
    value: info.value,
    gradientNorm: info.gradientNorm,
    functionEvaluations: info.evaluations,
    gradientEvaluations: 0,
    hessianVectorProducts: 0,
    elapsedMs: info.elapsedMs,
    history: entries.map((h) => ({ ...h, step: 0, evaluations: 0, elapsedMs: 0 })),
    nSamples: X.length,
    sumWeights: X.length,
    advice: [],
  };
  return m;
}

/**
 * Run ONE fit, from the current weights if there are any (a run continued after a data or option change).
 * `seq` is the command that started it: Step starts a fit whose first iteration is the step.
 */
function oneFit(start: 'run' | 'step' | 'restart', seq: number): void {
  const ctl = control!;
  const classes = uniqueSortedLabels(y) as number[];
  if (classes.length < 2) {
    state = 'stopped';
    message = 'need points of at least 2 classes';
    return;
  }
  const v0 = Atomics.load(ctl, CTL_CMD);
  // Page commands written after the one that started this fit stand; otherwise set this fit's own start state.
  if (start === 'step' && seqOf(v0) === seq && cmdOf(v0) === Cmd.Step) Atomics.compareExchange(ctl, CTL_CMD, v0, cmdWord(seq, Cmd.Pause));
  if (start === 'restart' && cmdOf(v0) === Cmd.Restart) Atomics.compareExchange(ctl, CTL_CMD, v0, cmdWord(seqOf(v0), Cmd.Run));
  handledSeq = Math.max(handledSeq, seq);

  const offset = iteration;
  const before = history.slice();
  // Same classes and features: continue from the weights reached so far (a new fit after a change).
  const prev = model?.coef && model.intercept && model.nFeatures === X[0]!.length && sameSet(model.classes as number[], classes) ? model : null;
  const m = new SoftmaxRegression({ ...libOptions(), maxIter: MAX_TOTAL_ITER - offset, ...(prev ? { warmStart: true } : {}) });
  if (prev) {
    m.classes = prev.classes;
    m.setParams(new Float64Array(prev.coef!.flat()), new Float64Array(prev.intercept!));
  }
  let stopCause: Cmd | null = null;
  let wasRunning = false;
  let stepped = start === 'step';
  let lastPost = -Infinity;
  state = start === 'step' ? 'paused' : 'running';
  message = start === 'restart' ? 'data or options changed: training continues from the current weights' : 'training';

  const progress = (w: Float64Array, info: IterationInfo) => {
    model = liveModel(w, classes, info, iteration, history);
    post(snapshot());
    lastPost = performance.now();
  };
  const onIteration = (info: IterationInfo, w: Float64Array): 'stop' | undefined => {
    iteration = offset + info.iteration;
    history.push({ iteration, value: info.value, gradientNorm: info.gradientNorm });
    let posted = false;
    let waited = false;
    for (;;) {
      const e = Atomics.exchange(ctl, CTL_EXPORT, 0);
      if (e > 0) {
        exportedSeq = Math.max(exportedSeq, e);
        post({ type: 'model', json: liveModel(w, classes, info, iteration, history).toJSON() });
      }
      const v = Atomics.load(ctl, CTL_CMD);
      handledSeq = Math.max(handledSeq, seqOf(v));
      const c = cmdOf(v);
      if (c === Cmd.Stop || c === Cmd.Restart) {
        stopCause = c;
        wasRunning = state === 'running';
        return 'stop';
      }
      if (c === Cmd.Step) {
        // This callback returning lets exactly one more iteration run; the next callback finds Pause.
        if (Atomics.compareExchange(ctl, CTL_CMD, v, cmdWord(seqOf(v), Cmd.Pause)) !== v) continue;
        stepped = true;
        state = 'paused';
        return undefined;
      }
      if (c === Cmd.Run) {
        stepped = false;
        if (state !== 'running') {
          state = 'running';
          lastPost = -Infinity;
        }
        const speed = Atomics.load(ctl, CTL_SPEED);
        if (!posted && (speed > 0 || performance.now() - lastPost >= CHUNK_MS)) {
          message = `iteration ${iteration}: objective ${info.value.toPrecision(6)}`;
          progress(w, info);
          posted = true;
        }
        if (speed > 0 && !waited) {
          // The speed control: wait, but wake at once for Pause, Step or Reset (they change the word).
          waited = true;
          Atomics.wait(ctl, CTL_CMD, v, speed);
          continue;
        }
        return undefined;
      }
      // Pause: show where the fit stands, then block until the page changes the command word.
      if (!posted || state !== 'paused') {
        state = 'paused';
        message = stepped ? `stepped to iteration ${iteration}` : `paused at iteration ${iteration}`;
        progress(w, info);
        posted = true;
      }
      Atomics.wait(ctl, CTL_CMD, v);
    }
  };
  try {
    m.fit(X, y, { onIteration });
  } catch (e) {
    model = null;
    state = 'stopped';
    message = (e as Error).message;
    return;
  }
  const r = m.fitResult!;
  model = m;
  history = [...before, ...r.history.map((h) => ({ iteration: offset + h.iteration, value: h.value, gradientNorm: h.gradientNorm }))];
  iteration = offset + r.iterations;
  if (r.converged) {
    state = 'converged';
    message = offset === 0 ? r.message : `${r.message.replace(/,? ?\d+ iterations\)/, ')').replace(/ \(\)$/, '')}; ${iteration} iterations in all`;
  } else if (r.stopReason === 'callback' && stopCause !== null) {
    if (stopCause === Cmd.Restart && wasRunning) {
      state = 'running';
      pendingRestart = true;
    } else {
      state = 'paused';
      message = `stopped at iteration ${iteration}; Train continues from these weights`;
    }
  } else if (r.stopReason === 'max-iterations') {
    state = 'stopped';
    message = `stopped after ${iteration} iterations without converging${r.advice.length ? ': ' + r.advice[0] : ''}`;
  } else {
    state = 'stopped';
    message = r.message;
  }
}

/** The next data/options message after a running fit was ended by a change: continue as a new fit. */
function maybeRestart(): void {
  if (!pendingRestart) return;
  pendingRestart = false;
  if (state !== 'running' || X.length === 0) return;
  setTimeout(() => {
    if (state !== 'running') return;
    oneFit('restart', 0);
    post(snapshot());
  }, 0);
}

/** The model as the CLI saves it, with the whole history of this run (all chunks) as its fit history. */
function exportJson() {
  if (!model || !model.fitResult) throw new Error('train a model first');
  const fr = model.fitResult;
  // One uninterrupted fit: its own record is the run's. Several (chunks, or a run continued after a change): the merged history.
  if (fr.iterations === iteration && fr.history.length === history.length) return model.toJSON();
  model.fitResult = { ...fr, iterations: iteration, history: history.map((h) => ({ ...h, step: 0, evaluations: 0, elapsedMs: 0 })) };
  const json = model.toJSON();
  model.fitResult = fr;
  return json;
}

/** A command the running fit already obeyed through the control block (its message arrives after the fit). */
const alreadyObeyed = (msg: { seq?: number }) => control !== null && msg.seq !== undefined && msg.seq <= handledSeq;

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case 'init':
        control = new Int32Array(msg.control);
        return;
      case 'data':
        X = msg.X;
        y = msg.y;
        Xtest = msg.Xtest ?? null;
        ytest = msg.ytest ?? null;
        // Same classes and features: keep the weights (the regions stay; training continues from them).
        if (model && (X.length === 0 || model.nFeatures !== X[0]!.length || !sameSet(model.classes as number[], [...new Set(y)])))
          reset('data changed: weights reset');
        maybeRestart();
        break;
      case 'options': {
        const before = JSON.stringify(libOptions());
        options = msg.options;
        delayMs = typeof options.speed === 'number' ? options.speed : 0;
        // The library validates options; an invalid combination is reported, not thrown at the page.
        new SoftmaxRegression(libOptions());
        // New options make a converged model worth training further; a new speed alone does not.
        if (state === 'converged' && JSON.stringify(libOptions()) !== before) state = 'paused';
        maybeRestart();
        break;
      }
      case 'run':
        if (alreadyObeyed(msg)) return;
        if (X.length === 0) {
          message = 'no data: place points or pick a preset';
          break;
        }
        if (state === 'converged') {
          message = 'already converged (change data or options, or Reset)';
          break;
        }
        if (control) {
          oneFit('run', msg.seq ?? 0);
          break;
        }
        state = 'running';
        stopTimer();
        timer = setTimeout(loop, 0);
        return;
      case 'pause':
        if (alreadyObeyed(msg)) return;
        stopTimer();
        pendingRestart = false;
        if (state === 'running') {
          state = 'paused';
          message = `paused at iteration ${iteration}`;
        }
        break;
      case 'step':
        if (alreadyObeyed(msg)) return;
        stopTimer();
        pendingRestart = false;
        if (X.length === 0) break;
        if (control) {
          oneFit('step', msg.seq ?? 0);
          break;
        }
        state = 'paused';
        chunk(1, Infinity);
        if ((state as TrainState) === 'paused') message = `stepped to iteration ${iteration}`;
        break;
      case 'reset':
        pendingRestart = false;
        reset();
        break;
      case 'export':
        if (control && msg.seq !== undefined) {
          if (msg.seq <= exportedSeq) return;
          Atomics.compareExchange(control, CTL_EXPORT, msg.seq, 0);
        }
        post({ type: 'model', json: exportJson() });
        return;
    }
  } catch (e) {
    if (msg.type !== 'options') state = state === 'running' ? 'stopped' : state;
    post({ type: 'error', message: (e as Error).message });
  }
  post(snapshot());
};
