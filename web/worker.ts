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
import { fittedMultiClassFor } from '../src/model/state.js';
import { uniqueSortedLabels } from '../src/core/labels.js';
import { DenseMatrix } from '../src/matrix/dense.js';
import { applyFeatureMap, featureMapNames, fitFeatureMap, type FeatureMapState } from '../src/preprocess/features.js';
import type { IterationInfo } from '../src/solvers/solver.js';
import { Cmd, CTL_CMD, CTL_EXPORT, CTL_SPEED, cmdOf, cmdWord, seqOf } from './protocol.js';
import type { CurvePoint, FromWorker, HistoryEntry, StateMessage, ToWorker, TrainState } from './protocol.js';

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
let curve: CurvePoint[] = [];
let iteration = 0;
let state: TrainState = 'idle';
let message = 'place points or pick a preset, then Train';
let timer: ReturnType<typeof setTimeout> | null = null;
/** Extra delay between chunks (ms) and iterations per chunk cap: the "speed" control. */
let delayMs = 0;

const post = (m: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(m);

/**
 * The page draws K softmax rows. A binomial model (two classes: one row w, one intercept b) is shown in its
 * K = 2 softmax form, W = [-w/2; w/2], b = [-b/2, b/2]: the same probabilities, intercepts summing to 0.
 */
function softmaxRows(m: SoftmaxRegression): { coef: number[][]; intercept: number[] } {
  if (m.fittedMultiClass !== 'binomial') return { coef: m.coef!, intercept: m.intercept! };
  const w = m.coef![0]!;
  const b = m.intercept![0]!;
  return { coef: [w.map((v) => -v / 2), w.map((v) => v / 2)], intercept: [-b / 2, b / 2] };
}

function snapshot(): StateMessage {
  const rows = model?.coef ? softmaxRows(model) : null;
  return {
    type: 'state',
    state,
    message,
    iteration,
    classes: model ? (model.classes as number[]) : null,
    coef: rows ? rows.coef : null,
    intercept: rows ? rows.intercept : null,
    history,
    curve,
    featureMap: model ? model.featureMap : null,
    featureNames: model ? model.featureNames : null,
    trainAccuracy: model && X.length ? model.score(X, y) : null,
    testAccuracy: model && Xtest && ytest ? model.score(Xtest, ytest) : null,
  };
}

function reset(msg = 'reset: weights back to 0'): void {
  stopTimer();
  model = null;
  history = [];
  curve = [];
  iteration = 0;
  state = 'idle';
  message = msg;
}

// ---- the loss curve ------------------------------------------------------------------------------------
/** The rows as the model sees them (after the feature map), for the per-iteration losses. */
interface Mapped {
  map: FeatureMapState | null;
  d: number;
  X: Float64Array;
  y: Int32Array;
  Xt: Float64Array | null;
  yt: Int32Array | null;
}

function mapRows(classes: number[]): Mapped {
  const spec = options.featureMap as string[] | null | undefined;
  const raw = DenseMatrix.fromArrays(X);
  const map = spec ? fitFeatureMap(spec, raw) : null;
  const A = map ? applyFeatureMap(map, raw) : raw;
  const enc = (ys: number[]) => Int32Array.from(ys, (c) => classes.indexOf(c));
  let Xt: Float64Array | null = null;
  if (Xtest && Xtest.length) {
    const T = DenseMatrix.fromArrays(Xtest);
    Xt = (map ? applyFeatureMap(map, T) : T).data as Float64Array;
  }
  return { map, d: A.cols, X: A.data as Float64Array, y: enc(y), Xt, yt: Xt && ytest ? enc(ytest) : null };
}

/**
 * Mean cross-entropy -log p_y over rows (w: W[r*d+j] then the R intercepts; missing intercepts are 0). Two
 * classes with one row of weights is the binomial model: its scores are (0, w.x + b), whose softmax is the sigmoid.
 */
function meanLoss(w: ArrayLike<number>, K: number, d: number, A: Float64Array, ys: Int32Array): number {
  const n = ys.length;
  const R = K === 2 && w.length < 2 * d ? 1 : K;
  const z = new Float64Array(K);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let r = 0; r < R; r++) {
      let s = w.length >= R * d + R ? w[R * d + r]! : 0;
      for (let j = 0; j < d; j++) s += w[r * d + j]! * A[i * d + j]!;
      z[R === 1 ? 1 : r] = s;
    }
    if (R === 1) z[0] = 0;
    for (let k = 0; k < K; k++) if (z[k]! > mx) mx = z[k]!;
    let e = 0;
    for (let k = 0; k < K; k++) e += Math.exp(z[k]! - mx);
    sum += mx + Math.log(e) - z[ys[i]!]!;
  }
  return sum / Math.max(1, n);
}

function curvePoint(it: number, w: ArrayLike<number>, K: number, m: Mapped): CurvePoint {
  return { iteration: it, train: meanLoss(w, K, m.d, m.X, m.y), test: m.Xt && m.yt ? meanLoss(w, K, m.d, m.Xt, m.yt) : null };
}

/** Same classes, inputs and features: a fit may continue from `model`'s weights. */
function compatible(m: SoftmaxRegression | null, classes: number[]): m is SoftmaxRegression {
  const spec = (options.featureMap as string[] | null | undefined) ?? null;
  const terms = m?.featureMap ? m.featureMap.terms : null;
  return (
    !!m?.coef &&
    !!m.intercept &&
    X.length > 0 &&
    m.nInputFeatures === X[0]!.length &&
    sameSet(m.classes as number[], classes) &&
    JSON.stringify(terms) === JSON.stringify(spec)
  );
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
  const sorted = uniqueSortedLabels(y) as number[];
  const rows = mapRows(sorted);
  if (compatible(model, sorted)) {
    // Hand the previous weights over; fit() warm-starts from them (same classes, same features).
    m.classes = model.classes;
    m.setParams(new Float64Array(model.coef!.flat()), new Float64Array(model.intercept!));
  } else if (iteration === 0) curve = [curvePoint(0, new Float64Array(sorted.length * (rows.d + 1)), sorted.length, rows)];
  const t0 = performance.now();
  const start = iteration;
  m.fit(X, y, {
    onIteration: (info, w) => {
      curve.push(curvePoint(start + info.iteration, w, sorted.length, rows));
      return performance.now() - t0 > budgetMs ? 'stop' : undefined;
    },
  });
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
function liveModel(
  w: Float64Array,
  classes: number[],
  info: IterationInfo,
  total: number,
  entries: HistoryEntry[],
  map: FeatureMapState | null,
): SoftmaxRegression {
  const d = map ? map.terms.length : X[0]!.length;
  const m = new SoftmaxRegression(libOptions());
  // Rows of w: one for the binomial model (two classes, multiClass 'auto' or 'ovr'), K otherwise.
  const K = fittedMultiClassFor(m.options.multiClass, classes.length) === 'binomial' ? 1 : classes.length;
  m.classes = classes;
  m.setParams(w.slice(0, K * d), w.length >= K * d + K ? w.slice(K * d, K * d + K) : new Float64Array(K));
  m.featureMap = map;
  m.featureNames = map ? featureMapNames(map) : null;
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
  const rows = mapRows(classes);
  // Same classes and features: continue from the weights reached so far (a new fit after a change).
  const prev = compatible(model, classes) ? model : null;
  if (!prev && offset === 0) curve = [curvePoint(0, new Float64Array(classes.length * (rows.d + 1)), classes.length, rows)];
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
    model = liveModel(w, classes, info, iteration, history, rows.map);
    post(snapshot());
    lastPost = performance.now();
  };
  const onIteration = (info: IterationInfo, w: Float64Array): 'stop' | undefined => {
    iteration = offset + info.iteration;
    history.push({ iteration, value: info.value, gradientNorm: info.gradientNorm });
    curve.push(curvePoint(iteration, w, classes.length, rows));
    let posted = false;
    let waited = false;
    for (;;) {
      const e = Atomics.exchange(ctl, CTL_EXPORT, 0);
      if (e > 0) {
        exportedSeq = Math.max(exportedSeq, e);
        post({ type: 'model', json: liveModel(w, classes, info, iteration, history, rows.map).toJSON() });
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
        if (model && !compatible(model, [...new Set(y)])) reset('data changed: weights reset');
        maybeRestart();
        break;
      case 'options': {
        const before = JSON.stringify(libOptions());
        const featuresBefore = JSON.stringify(options.featureMap ?? null);
        options = msg.options;
        if (model && JSON.stringify(options.featureMap ?? null) !== featuresBefore) {
          // Other features are another model: start again from W = 0 (a running fit restarts from there).
          const running = state === 'running';
          reset('features changed: weights reset to 0');
          if (running && (pendingRestart || !control)) state = 'running';
          if (running && !control) timer = setTimeout(loop, 0);
        }
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
