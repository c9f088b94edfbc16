/**
 * Resource limits and the memory estimate of a fit. Every reader and every fit checks what it is about to
 * allocate against these limits BEFORE allocating, and refuses beyond them with a LimitError that names the
 * limit and how to raise it, so hostile or oversized input gets a one-line error instead of a runtime abort
 * (V8's "invalid size" or heap out-of-memory, which no try/catch can intercept).
 *
 * The core has fixed defaults (it cannot ask the machine how much memory it has); the Node layer
 * (softmax-regression/node) sets the memory budget from os.totalmem() when it is imported, and the CLI
 * from --max-memory.
 */
import { LimitError, OptionError } from '../errors.js';

export interface Limits {
  /** Bytes a fit (data + parameters + solver state) or a reader's output may use. */
  maxMemory: number;
  /** Columns of a CSV header (and LibSVM feature indices are bounded by the memory budget). */
  maxColumns: number;
  /** Characters in one CSV record (a line, or several when a quoted field holds newlines). */
  maxLineLength: number;
}

/** 2 GiB: the core's budget when nothing else is set (a browser tab rarely has more). */
export const CORE_DEFAULT_MAX_MEMORY = 2 * 1024 ** 3;

/**
 * Largest number of elements a plain JS array may hold: V8 aborts the process ("invalid size error")
 * beyond about 2^27 elements, so per-row arrays (labels) are capped below it.
 */
export const MAX_JS_ARRAY_LENGTH = 2 ** 27 - 1024;
/** Largest typed array V8 allocates (elements); beyond it `new Float64Array(n)` throws a RangeError. */
export const MAX_TYPED_ARRAY_LENGTH = 2 ** 32 - 1;

const defaults: Limits = {
  maxMemory: CORE_DEFAULT_MAX_MEMORY,
  maxColumns: 1_000_000,
  maxLineLength: 64 * 1024 * 1024,
};

/** The limits in force (defaults, as changed by setDefaultLimits), overridden by `over`. */
export function resolveLimits(over: Partial<Limits> = {}): Limits {
  const out = { ...defaults };
  for (const k of Object.keys(over) as Array<keyof Limits>) {
    const v = over[k];
    if (v === undefined) continue;
    checkLimit(k, v);
    out[k] = v;
  }
  return out;
}

/** Change the defaults every reader and fit uses (e.g. the Node layer's memory budget). */
export function setDefaultLimits(over: Partial<Limits>): void {
  Object.assign(defaults, resolveLimits(over));
}

export function defaultLimits(): Limits {
  return { ...defaults };
}

function checkLimit(name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new OptionError(name, `must be a finite number > 0, got ${String(v)}`);
}

/** 1536 -> '1.5 KiB'. */
export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return String(b);
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let u = 0;
  let v = b;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** 'Now 2 GiB; raise it with ...' advice shared by the memory errors. */
export const RAISE_MEMORY = 'raise the budget with the maxMemory option (CLI: --max-memory SIZE, e.g. --max-memory 8G)';

/** Refuse `needed` bytes beyond the budget, naming what needs them. */
export function checkMemory(needed: number, limits: Limits, what: string, hint = ''): void {
  if (needed > limits.maxMemory) {
    throw new LimitError(
      'maxMemory',
      needed,
      limits.maxMemory,
      `${what} needs about ${formatBytes(needed)}, more than the memory budget of ${formatBytes(limits.maxMemory)}: ${hint ? `${hint}, or ` : ''}${RAISE_MEMORY}`,
    );
  }
}

/** Parse '512M', '8G', '1.5GiB', '1000000' (bytes) into bytes. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) throw new OptionError('maxMemory', `'${text}' is not a size (examples: 512M, 8G, 1.5GiB, 1000000)`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const v = Number(m[1]) * mult;
  if (!(v > 0) || !Number.isFinite(v)) throw new OptionError('maxMemory', `'${text}' must be a size > 0`);
  return Math.floor(v);
}

// ---- the memory a fit needs ---------------------------------------------------------------------------

export interface FitShape {
  /** Rows, columns, classes. */
  n: number;
  d: number;
  K: number;
  /** Stored entries when X is sparse (CSR); undefined for dense X. */
  nnz?: number;
  solver: string;
  /** Bytes per element of X as the fit holds it (8 float64, 4 float32). */
  elementBytes: 8 | 4;
  /** A scaled copy of X is made (option scale). */
  scaled: boolean;
  /** Per-row weights (sampleWeight or classWeight). */
  weighted: boolean;
  /** L-BFGS history pairs (default 10). */
  lbfgsMemory?: number;
  /** How the fit solves: 'binomial' (two classes, one score) and 'ovr' solve one-column problems. */
  multiClass: 'multinomial' | 'ovr' | 'binomial';
}

export interface MemoryEstimate {
  /** X as given (counted: it is alive during the fit). */
  data: number;
  /** Copies of X the fit makes: scaled, float32. */
  dataCopies: number;
  /** Labels, label indices, weights: per-row arrays. */
  rows: number;
  /** The n x K probability (and, for sag/saga, gradient-memory) matrices of the objective. */
  perRowClass: number;
  /** Parameter-sized vectors: the solver's iterate, gradient, history, preconditioner, the fitted model. */
  parameters: number;
  /** Newton's dense p x p Hessian. */
  hessian: number;
  total: number;
}

/**
 * Peak bytes of a fit, as documented in docs/reliability.md:
 *
 *   data        X: n d b (dense, b = 8 or 4 bytes) or 12 nnz + 4 (n + 1) (CSR)
 *   copies      + the same again when scale is set (the scaled copy), + 4 n d for dtype float32 from float64
 *   rows        + 24 n (labels as given, their class indices, weights)
 *   n x K       + 16 n K: the fit's probabilities (the WebAssembly kernels and the second-order solvers
 *               keep n x K of them, and WebAssembly memory is never returned) and the predictions that
 *               score the fit afterwards [+ 8 n K for sag/saga's gradient memory]
 *   parameters  + 8 p (v + 6) with p = K (d + 1) and v the solver's parameter-sized vectors
 *               (lbfgs 2m + 8 with m = 10; newton-cg, trust-region 10; newton 8 + p (the dense Hessian);
 *               sag/saga, gd, mini-batch 6) + 8 p x 4 for the fitted model (its flat copy, the
 *               coefficient arrays, the model file's arrays and their check)
 *
 * OvR fits one class at a time (K = 1 per-row columns, one binary problem's parameters at a time, plus the
 * K x d result).
 */
export function estimateFitMemory(s: FitShape): MemoryEstimate {
  const { n, d, K } = s;
  const dense = s.nnz === undefined;
  const data = dense ? n * d * s.elementBytes : 12 * s.nnz! + 4 * (n + 1);
  let dataCopies = 0;
  if (s.scaled) dataCopies += data;
  if (dense && s.elementBytes === 4) dataCopies += 4 * n * d;
  const rows = 24 * n;
  const sagLike = s.solver === 'sag' || s.solver === 'saga';
  const Kfit = s.multiClass === 'multinomial' ? K : 1;
  // OvR solves K binary problems (one column each) but is scored on all K columns like any model.
  const perRowClass = 8 * n * Kfit + 8 * n * K + (sagLike ? 8 * n * Kfit : 0);
  const pSolve = Kfit * (d + 1);
  const pModel = K * (d + 1);
  const vectors =
    s.solver === 'lbfgs' ? 2 * (s.lbfgsMemory ?? 10) + 8 : s.solver === 'newton-cg' || s.solver === 'trust-region' || s.solver === 'newton' ? 10 : 6;
  const parameters = 8 * pSolve * (vectors + 6) + 8 * pModel * 4;
  const hessian = s.solver === 'newton' ? 8 * pSolve * pSolve : 0;
  const total = data + dataCopies + rows + perRowClass + parameters + hessian;
  return { data, dataCopies, rows, perRowClass, parameters, hessian, total };
}

/** One line: 'about 1.2 GiB (data 800 MiB, copies 0, ..., parameters 3 MiB)'. */
export function describeEstimate(e: MemoryEstimate): string {
  const parts = [
    `data ${formatBytes(e.data)}`,
    e.dataCopies ? `copies ${formatBytes(e.dataCopies)}` : '',
    `per-row ${formatBytes(e.rows)}`,
    `n x K ${formatBytes(e.perRowClass)}`,
    `parameters and solver state ${formatBytes(e.parameters)}`,
    e.hessian ? `Hessian ${formatBytes(e.hessian)}` : '',
  ].filter(Boolean);
  return `about ${formatBytes(e.total)} (${parts.join(', ')})`;
}

/** Refuse a fit whose estimate exceeds the budget, with what would make it fit. */
export function checkFitMemory(s: FitShape, limits: Limits): MemoryEstimate {
  const e = estimateFitMemory(s);
  if (e.total > limits.maxMemory) {
    const hints: string[] = [];
    if (e.hessian > limits.maxMemory / 4) hints.push("use solver 'lbfgs' or 'newton-cg' (newton holds the dense Hessian)");
    if (e.perRowClass > limits.maxMemory / 4)
      hints.push(
        `the ${s.n} x ${s.K} probability matrix dominates: fewer classes or rows${s.solver === 'sag' || s.solver === 'saga' ? ", or solver 'lbfgs' (sag/saga keep an n x K gradient memory)" : ''}`,
      );
    if (e.parameters > limits.maxMemory / 4)
      hints.push(
        `the ${s.K} x ${s.d + 1} parameters dominate: fewer classes or features${s.solver === 'lbfgs' ? ", or solver 'newton-cg' (lbfgs keeps 2 x 10 parameter-sized history vectors)" : ''}`,
      );
    if (s.nnz !== undefined && s.d > 16 * Math.max(1, s.nnz))
      hints.push(
        `the ${s.d} columns come from the largest feature index, but only ${s.nnz} values are stored: number the features densely (1..number of distinct indices)`,
      );
    if (e.data + e.dataCopies > limits.maxMemory / 2 && s.nnz === undefined) hints.push("dtype 'float32', a sparse (LibSVM) file, or a sample of the rows");
    throw new LimitError(
      'maxMemory',
      e.total,
      limits.maxMemory,
      `this fit (${s.n} rows, ${s.d} features, ${s.K} classes, solver ${s.solver}) needs ${describeEstimate(e)}, more than the memory budget of ${formatBytes(limits.maxMemory)}: ${[...hints, RAISE_MEMORY].join('; ')}`,
    );
  }
  return e;
}
