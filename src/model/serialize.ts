/**
 * The model file: versioned JSON. Loading validates every field and rejects anything malformed,
 * truncated or tampered with (wrong shapes, non-finite numbers, unknown version or keys, `__proto__`), so a
 * model file is data, never code, and a loaded model predicts bit-identically to the saved one (JSON
 * numbers round-trip doubles exactly).
 */
import { ModelFormatError, SoftmaxError } from '../errors.js';
import type { ScalerState } from '../preprocess/scaler.js';
import { validateFeatureMapState, type FeatureMapState } from '../preprocess/features.js';
import type { Label } from '../core/labels.js';
import type { SoftmaxRegressionOptions } from './options.js';
import type { FitResult, FittedState } from './state.js';

export const MODEL_FORMAT = 'softmax-regression';
/**
 * 2: two-class models fitted with multiClass 'auto' or 'ovr' are binomial: `coef` has ONE row (the weights
 * of classes[1]) and `intercept` one entry; options.C may be the string "Infinity" (no penalty).
 * 1: `coef` always has one row per class. Version-1 files still load (they are read as before).
 */
export const MODEL_VERSION = 2;
/** Versions this library reads. */
export const MODEL_VERSIONS_READ = [1, 2] as const;
/** Per-iteration history kept in the file (for training-curve plots); longer histories are thinned. */
const MAX_HISTORY = 5000;

export interface FitSummaryJSON {
  solver: string;
  converged: boolean;
  stopReason: string;
  message: string;
  iterations: number;
  value: number;
  gradientNorm: number;
  /** Present when the solver tested its gradient in preconditioned coordinates (gradientNorm is max|dF/dw|). */
  preconditionedGradientNorm?: number;
  functionEvaluations: number;
  gradientEvaluations: number;
  hessianVectorProducts: number;
  elapsedMs: number;
  nSamples: number;
  sumWeights: number;
  advice: string[];
  /** Objective and gradient norm per iteration. */
  history: { iteration: number[]; value: number[]; gradientNorm: number[] };
}

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  classes: Label[];
  nFeatures: number;
  featureNames: string[] | null;
  /** R x nFeatures: R = 1 for a binomial model (two classes, one row: the weights of classes[1]), else K. */
  coef: number[][];
  /** R intercepts. */
  intercept: number[];
  /** The model's options; C = Infinity is written as the string "Infinity" (JSON has no infinity). */
  options: Omit<SoftmaxRegressionOptions, 'C'> & { C: number | 'Infinity' };
  scaler: ScalerState | null;
  /** Present only for models fitted with option featureMap: applied to X before the scaler. */
  featureMap?: FeatureMapState;
  fit: FitSummaryJSON | null;
}

export function modelToJSON(st: FittedState, options: SoftmaxRegressionOptions): ModelJSON {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    classes: st.classes,
    nFeatures: st.coef[0]!.length,
    featureNames: st.featureNames,
    coef: st.coef,
    intercept: st.intercept,
    options: {
      ...options,
      C: options.C === Infinity ? 'Infinity' : options.C,
      classWeight: options.classWeight && typeof options.classWeight === 'object' ? { ...options.classWeight } : options.classWeight,
    },
    scaler: st.scaler,
    ...(st.featureMap ? { featureMap: st.featureMap } : {}),
    fit: st.fitResult ? summarize(st.fitResult) : null,
  };
}

function summarize(r: FitResult): FitSummaryJSON {
  const h = r.history;
  const step = Math.max(1, Math.ceil(h.length / MAX_HISTORY));
  const kept = h.filter((_, i) => i % step === 0 || i === h.length - 1);
  return {
    solver: r.solver,
    converged: r.converged,
    stopReason: r.stopReason,
    message: r.message,
    iterations: r.iterations,
    value: finiteOr0(r.value),
    gradientNorm: finiteOr0(r.gradientNorm),
    ...(r.preconditionedGradientNorm !== undefined ? { preconditionedGradientNorm: finiteOr0(r.preconditionedGradientNorm) } : {}),
    functionEvaluations: r.functionEvaluations,
    gradientEvaluations: r.gradientEvaluations,
    hessianVectorProducts: r.hessianVectorProducts,
    elapsedMs: r.elapsedMs,
    nSamples: r.nSamples,
    sumWeights: r.sumWeights,
    advice: [...r.advice],
    history: {
      iteration: kept.map((e) => e.iteration),
      value: kept.map((e) => finiteOr0(e.value)),
      gradientNorm: kept.map((e) => finiteOr0(e.gradientNorm)),
    },
  };
}

function finiteOr0(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

// ---- validation -----------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function fail(path: string, msg: string): never {
  throw new ModelFormatError(path, msg);
}

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

function obj(v: unknown, path: string, required: string[], optional: string[] = []): Obj {
  if (!isPlainObject(v)) fail(path, `expected an object, got ${describe(v)}`);
  const allowed = new Set([...required, ...optional]);
  for (const k of Object.getOwnPropertyNames(v)) {
    if (!allowed.has(k)) fail(path ? `${path}.${k}` : k, `unexpected key '${k}'`);
  }
  for (const k of required) if (!Object.prototype.hasOwnProperty.call(v, k)) fail(path ? `${path}.${k}` : k, 'missing');
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'number') return String(v);
  return typeof v;
}

function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `expected a finite number, got ${describe(v)}`);
  return v;
}

function int(v: unknown, path: string, min = 0): number {
  const x = finite(v, path);
  if (!Number.isInteger(x) || x < min) fail(path, `expected an integer >= ${min}, got ${x}`);
  return x;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${describe(v)}`);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, `expected true or false, got ${describe(v)}`);
  return v;
}

function arr(v: unknown, path: string, len?: number): unknown[] {
  if (!Array.isArray(v)) fail(path, `expected an array, got ${describe(v)}`);
  if (len !== undefined && v.length !== len) fail(path, `expected ${len} entries, got ${v.length}`);
  return v;
}

function numArray(v: unknown, path: string, len?: number): number[] {
  return arr(v, path, len).map((x, i) => finite(x, `${path}[${i}]`));
}

/** Validate a model file and hand its fitted state and options to `make` (the model is built from them, never patched). */
export function modelFromJSON<M>(input: unknown, make: (state: FittedState, o: Partial<SoftmaxRegressionOptions>) => M): M {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      // JSON.parse quotes the text around the error, line breaks included: keep the message one line.
      fail('', `not valid JSON (truncated or corrupted?): ${(e as Error).message.replace(/\r\n|\r|\n/g, '\\n')}`);
    }
  }
  const root = obj(json, '', ['format', 'version', 'classes', 'nFeatures', 'featureNames', 'coef', 'intercept', 'options', 'scaler', 'fit'], ['featureMap']);
  if (root.format !== MODEL_FORMAT) fail('format', `expected '${MODEL_FORMAT}', got ${describe(root.format)}`);
  const version = int(root.version, 'version', 1);
  if (!(MODEL_VERSIONS_READ as readonly number[]).includes(version))
    fail('version', `unsupported model file version ${version} (this library reads versions ${MODEL_VERSIONS_READ.join(' and ')})`);

  const classesRaw = arr(root.classes, 'classes');
  if (classesRaw.length < 2) fail('classes', `expected at least 2 classes, got ${classesRaw.length}`);
  const allNum = classesRaw.every((c) => typeof c === 'number' && Number.isFinite(c));
  const allStr = classesRaw.every((c) => typeof c === 'string');
  if (!allNum && !allStr) fail('classes', 'expected all finite numbers or all strings');
  const classes = classesRaw as Label[];
  for (let k = 1; k < classes.length; k++) {
    const ordered = allNum ? (classes[k - 1] as number) < (classes[k] as number) : (classes[k - 1] as string) < (classes[k] as string);
    if (!ordered) fail(`classes[${k}]`, 'classes must be sorted and distinct');
  }
  const K = classes.length;
  const d = int(root.nFeatures, 'nFeatures', 1);
  let featureNames: string[] | null = null;
  if (root.featureNames !== null) featureNames = arr(root.featureNames, 'featureNames', d).map((x, i) => str(x, `featureNames[${i}]`));
  // Version 2: a two-class model may be binomial, one row. Version 1 always has K rows.
  const nRows = Array.isArray(root.coef) && version >= 2 && K === 2 && root.coef.length === 1 ? 1 : K;
  const coef = arr(root.coef, 'coef', nRows).map((row, k) => numArray(row, `coef[${k}]`, d));
  const intercept = numArray(root.intercept, 'intercept', nRows);

  const optsRaw = { ...obj(root.options, 'options', [], Object.keys(root.options && isPlainObject(root.options) ? root.options : {})) };
  if (optsRaw.C === 'Infinity') optsRaw.C = Infinity;
  const multiClass = optsRaw.multiClass;
  const kind = nRows === 1 ? 'binomial' : multiClass === 'ovr' ? 'ovr' : 'multinomial';

  let scaler: ScalerState | null = null;
  if (root.scaler !== null) {
    const s = obj(root.scaler, 'scaler', ['kind', 'offset', 'scale']);
    const kind = str(s.kind, 'scaler.kind');
    if (kind !== 'standard' && kind !== 'minmax') fail('scaler.kind', `expected 'standard' or 'minmax', got '${kind}'`);
    const scale = numArray(s.scale, 'scaler.scale', d);
    scale.forEach((v, j) => v === 0 && fail(`scaler.scale[${j}]`, 'must not be 0'));
    scaler = { kind, offset: numArray(s.offset, 'scaler.offset', d), scale };
  }

  let featureMap: FeatureMapState | null = null;
  if (root.featureMap !== undefined) {
    const f = obj(root.featureMap, 'featureMap', ['inputs', 'inputNames', 'terms']);
    const inputs = int(f.inputs, 'featureMap.inputs', 1);
    featureMap = {
      inputs,
      inputNames: f.inputNames === null ? null : arr(f.inputNames, 'featureMap.inputNames', inputs).map((x, i) => str(x, `featureMap.inputNames[${i}]`)),
      terms: arr(f.terms, 'featureMap.terms', d).map((x, i) => str(x, `featureMap.terms[${i}]`)),
    };
    try {
      validateFeatureMapState(featureMap);
    } catch (e) {
      if (e instanceof SoftmaxError) fail('featureMap.terms', e.message);
      throw e;
    }
  }

  let fit: FitResult | null = null;
  if (root.fit !== null) {
    const f = obj(
      root.fit,
      'fit',
      [
        'solver',
        'converged',
        'stopReason',
        'message',
        'iterations',
        'value',
        'gradientNorm',
        'functionEvaluations',
        'gradientEvaluations',
        'hessianVectorProducts',
        'elapsedMs',
        'nSamples',
        'sumWeights',
        'advice',
        'history',
      ],
      ['preconditionedGradientNorm'],
    );
    const h = obj(f.history, 'fit.history', ['iteration', 'value', 'gradientNorm']);
    const it = numArray(h.iteration, 'fit.history.iteration');
    const hv = numArray(h.value, 'fit.history.value', it.length);
    const hg = numArray(h.gradientNorm, 'fit.history.gradientNorm', it.length);
    fit = {
      solver: str(f.solver, 'fit.solver'),
      converged: bool(f.converged, 'fit.converged'),
      stopReason: str(f.stopReason, 'fit.stopReason') as FitResult['stopReason'],
      message: str(f.message, 'fit.message'),
      iterations: int(f.iterations, 'fit.iterations'),
      value: finite(f.value, 'fit.value'),
      gradientNorm: finite(f.gradientNorm, 'fit.gradientNorm'),
      ...(f.preconditionedGradientNorm !== undefined
        ? { preconditionedGradientNorm: finite(f.preconditionedGradientNorm, 'fit.preconditionedGradientNorm') }
        : {}),
      functionEvaluations: int(f.functionEvaluations, 'fit.functionEvaluations'),
      gradientEvaluations: int(f.gradientEvaluations, 'fit.gradientEvaluations'),
      hessianVectorProducts: int(f.hessianVectorProducts, 'fit.hessianVectorProducts'),
      elapsedMs: finite(f.elapsedMs, 'fit.elapsedMs'),
      nSamples: int(f.nSamples, 'fit.nSamples'),
      sumWeights: finite(f.sumWeights, 'fit.sumWeights'),
      advice: arr(f.advice, 'fit.advice').map((x, i) => str(x, `fit.advice[${i}]`)),
      history: it.map((iteration, i) => ({ iteration, value: hv[i]!, gradientNorm: hg[i]!, step: 0, evaluations: 0, elapsedMs: 0 })),
    };
  }

  const state: FittedState = { classes: [...classes], multiClass: kind, coef, intercept, featureNames, scaler, featureMap, fitResult: fit };
  try {
    return make(state, optsRaw as Partial<SoftmaxRegressionOptions>);
  } catch (e) {
    if (e instanceof SoftmaxError && !(e instanceof ModelFormatError))
      fail(e.code === 'INVALID_OPTION' || e.code === 'INCOMPATIBLE_OPTIONS' ? 'options' : '', e.message);
    throw e;
  }
}
