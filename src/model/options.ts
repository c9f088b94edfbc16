/**
 * Model options: defaults, and validation in one table. The constructor validates everything (unknown
 * option, bad value, incompatible pair) and throws an OptionError that names the option.
 */
import { OptionError } from '../errors.js';
import {
  describeSolvers,
  PENALTIES,
  SOLVERS,
  SOLVER_NAMES,
  solversFor,
  solversReading,
  type PenaltyName,
  type SolverKnobs,
  type SolverName,
  type SolverOptionName,
} from '../solvers/registry.js';
import type { ScaleKind } from '../preprocess/scaler.js';
import { checkFeatureMapSpec, type FeatureMapSpec } from '../preprocess/features.js';

import type { Threads } from '../backends/provider.js';

export type ClassWeight = null | 'balanced' | Record<string, number>;

/**
 * Which loops walk X during a fit: 'auto' (WebAssembly SIMD for dense X where available and worth it, worker
 * threads when softmax-regression/node's enableThreads() registered them, else TypeScript), 'wasm' (WebAssembly
 * whenever available, also for small X), 'js' (plain TypeScript: the reference, and what runs where
 * WebAssembly is unavailable). Chosen per fit: two models in one process can use different backends.
 */
export type Backend = 'auto' | 'wasm' | 'js';

export interface SoftmaxRegressionOptions extends SolverKnobs {
  /**
   * Inverse regularization strength: the penalty is (1/(2C))||W||^2 (scikit-learn's C). Default 1.
   * `Infinity` means no penalty (the same problem as penalty 'none'), as scikit-learn's C=np.inf.
   */
  C: number;
  /** Default 'l2'. */
  penalty: PenaltyName;
  /** Default 'lbfgs'. */
  solver: SolverName;
  /**
   * Stop when max|grad F| <= tol * sum_i s_i (the mean objective's gradient below tol) and, for lbfgs, its
   * estimate of the decrease still to come is at most 0.1 tol^2 of the objective (docs/model.md, stopping
   * rule). Default 1e-4. 0 never stops on the gradient: the solver runs to maxIter (or until it can make no
   * progress).
   */
  tol: number;
  /** Iteration cap (default 1000). 0 returns the starting point (zeros, or the warm start) unfitted. */
  maxIter: number;
  /** Fit an unpenalized intercept per class (default true). */
  fitIntercept: boolean;
  /** null (all 1), 'balanced' (n / (K * count_k), as scikit-learn), or a map label -> weight. */
  classWeight: ClassWeight;
  /** Start the next fit from the current coefficients (same classes and features). Default false. */
  warmStart: boolean;
  /**
   * Run lbfgs, newton-cg, trust-region and gd in centered, curvature-scaled coordinates (an exact change of
   * variables: same optimum, far fewer iterations on unscaled features). Default true.
   */
  precondition: boolean;
  /** Print one line per iteration through `logger` (default console.log). Default false. */
  verbose: boolean;
  /** Feature scaling fitted in fit() and stored in the model (default 'none'). */
  scale: ScaleKind;
  /**
   * Nonlinear features computed before scaling (preprocess/features.ts): a preset ('poly2', 'poly3', 'rbf5')
   * or terms ('x1^2', 'x1*x2', 'sin(pi*x1)', 'r', 'rbf(0 0; 4)'); fitted in fit(), stored in the model. Default null.
   */
  featureMap: FeatureMapSpec | null;
  /** Element type X is held in during fit: 'float32' halves memory and doubles SIMD width (default 'float64'). */
  dtype: 'float64' | 'float32';
  /** The loops that walk X during the fit (see Backend). Default 'auto'. */
  backend: Backend;
  /**
   * Threads for this model's fits and predictions. 'auto' (default): in Node, all cores when one pass over
   * the data is at least 4e6 multiply-adds (n*d*K dense, nnz*K sparse), one thread below; in a browser, or
   * wherever no thread host is registered, one thread. A count: that many threads (1 turns threads off).
   * Chosen per fit: two models in one process can use different counts. See docs/performance.md (threads).
   */
  threads: Threads;
  /** Elastic-net mixing r in (1/C)(r ||W||_1 + (1-r)/2 ||W||^2); required with penalty 'elasticnet', only there. */
  l1Ratio: number | null;
  /**
   * 'auto' (default, scikit-learn's): the binomial model for two classes (one coefficient row w and one
   * intercept b, p(y = classes[1] | x) = sigmoid(w.x + b), penalty (1/2C)||w||^2), the multinomial one for
   * more. 'multinomial': one softmax over all K classes, K rows, even for two classes. 'ovr': K binary
   * logistic regressions, scikit-learn's normalization (for two classes it is the binomial model, as in
   * scikit-learn).
   */
  multiClass: 'auto' | 'multinomial' | 'ovr';
  /** Seed for every random choice (sag/saga/sgd sampling, shuffles, early-stopping split). Default 0. */
  randomState: number;
  /** Step size on the mean objective: sgd/adam/adagrad/rmsprop (defaults 0.01/0.001/0.01/0.001), gd (unset: line search). */
  learningRate: number | null;
  /** Rows per mini-batch (sgd, adam, adagrad, rmsprop). Default 32. */
  batchSize: number;
  /** Epoch cap for mini-batch solvers, sag and saga (unset: maxIter). */
  epochs: number | null;
  /** Heavy-ball momentum beta in [0, 1) for sgd. Default 0. */
  momentum: number;
  /** Nesterov momentum (sgd with momentum > 0). Default false. */
  nesterov: boolean;
  /** Learning-rate schedule for mini-batch solvers: 'constant' (default), 'invscaling', 'step'. */
  schedule: SolverKnobs['schedule'];
  /** invscaling exponent: lr / (1 + epoch)^powerT. Default 0.5. */
  powerT: number;
  /** step schedule: lr x dropFactor every dropEvery epochs. Defaults 0.5, 10. */
  dropFactor: number;
  dropEvery: number;
  /** Hold out validationFraction of the rows (stratified, seeded) and stop when its loss stops improving. */
  earlyStopping: boolean;
  validationFraction: number;
  /** Epochs without improvement before a mini-batch solver stops (plateau or early stopping). Default 5. */
  nIterNoChange: number;
}

export const DEFAULT_OPTIONS: SoftmaxRegressionOptions = {
  C: 1,
  penalty: 'l2',
  solver: 'lbfgs',
  tol: 1e-4,
  maxIter: 1000,
  fitIntercept: true,
  classWeight: null,
  warmStart: false,
  precondition: true,
  verbose: false,
  scale: 'none',
  featureMap: null,
  dtype: 'float64',
  backend: 'auto',
  threads: 'auto',
  l1Ratio: null,
  multiClass: 'auto',
  randomState: 0,
  learningRate: null,
  batchSize: 32,
  epochs: null,
  momentum: 0,
  nesterov: false,
  schedule: 'constant',
  powerT: 0.5,
  dropFactor: 0.5,
  dropEvery: 10,
  earlyStopping: false,
  validationFraction: 0.1,
  nIterNoChange: 5,
};

type Check = (v: unknown, name: string) => void;

const positiveFinite: Check = (v, name) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new OptionError(name, `must be a finite number > 0, got ${fmt(v)}`);
};
const positiveInt: Check = (v, name) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new OptionError(name, `must be an integer >= 1, got ${fmt(v)}`);
};
const bool: Check = (v, name) => {
  if (typeof v !== 'boolean') throw new OptionError(name, `must be true or false, got ${fmt(v)}`);
};
const oneOf =
  (values: readonly string[]): Check =>
  (v, name) => {
    if (typeof v !== 'string' || !values.includes(v)) throw new OptionError(name, `must be one of ${values.map((s) => `'${s}'`).join(', ')}, got ${fmt(v)}`);
  };

export function fmt(v: unknown): string {
  if (typeof v === 'string') return `'${clipForMessage(v)}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return clipForMessage(JSON.stringify(v));
  } catch {
    return clipForMessage(String(v));
  }
}

/** A value shown in a message stays short: an option given as a 10,000-entry array is not echoed whole. */
function clipForMessage(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

/** Per-option checks. Extend this table (and DEFAULT_OPTIONS) to add an option. */
export const OPTION_CHECKS: Record<string, Check> = {
  C: (v, name) => {
    if (typeof v !== 'number' || Number.isNaN(v) || v <= 0 || v === -Infinity)
      throw new OptionError(name, `must be a number > 0 (Infinity for no penalty), got ${fmt(v)}`);
  },
  penalty: oneOf(PENALTIES),
  solver: oneOf(SOLVER_NAMES),
  tol: (v, name) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new OptionError(name, `must be a finite number >= 0, got ${fmt(v)}`);
  },
  maxIter: (v, name) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new OptionError(name, `must be an integer >= 0, got ${fmt(v)}`);
  },
  fitIntercept: bool,
  classWeight: (v, name) => {
    if (v === null || v === 'balanced') return;
    if (typeof v !== 'object' || Array.isArray(v))
      throw new OptionError(name, `must be null, 'balanced' or an object mapping class label to weight, got ${fmt(v)}`);
    for (const [k, w] of Object.entries(v as Record<string, unknown>)) {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
        throw new OptionError(name, `weight for class '${k}' must be a finite number >= 0, got ${fmt(w)}`);
    }
  },
  warmStart: bool,
  precondition: bool,
  verbose: bool,
  scale: oneOf(['none', 'standard', 'minmax']),
  featureMap: checkFeatureMapSpec,
  dtype: oneOf(['float64', 'float32']),
  backend: oneOf(['auto', 'wasm', 'js']),
  threads: (v, name) => {
    if (v === 'auto') return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new OptionError(name, `must be 'auto' or an integer >= 1, got ${fmt(v)}`);
  },
  l1Ratio: (v, name) => {
    if (v === null) return;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new OptionError(name, `must be a number in [0, 1] (or null), got ${fmt(v)}`);
  },
  multiClass: oneOf(['auto', 'multinomial', 'ovr']),
  randomState: (v, name) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new OptionError(name, `must be an integer seed, got ${fmt(v)}`);
  },
  learningRate: (v, name) => (v === null ? undefined : positiveFinite(v, name)),
  batchSize: positiveInt,
  epochs: (v, name) => (v === null ? undefined : positiveInt(v, name)),
  momentum: (v, name) => {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new OptionError(name, `must be a number in [0, 1), got ${fmt(v)}`);
  },
  nesterov: bool,
  schedule: oneOf(['constant', 'invscaling', 'step']),
  powerT: positiveFinite,
  dropFactor: (v, name) => {
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new OptionError(name, `must be a number in (0, 1], got ${fmt(v)}`);
  },
  dropEvery: positiveInt,
  earlyStopping: bool,
  validationFraction: (v, name) => {
    if (typeof v !== 'number' || !(v > 0 && v < 1)) throw new OptionError(name, `must be a number in (0, 1), got ${fmt(v)}`);
  },
  nIterNoChange: positiveInt,
};

/** The knobs a solver may or may not read (the registry's `reads` says which): every one but maxIter. */
const SOLVER_KNOBS: readonly SolverOptionName[] = [
  'epochs',
  'learningRate',
  'batchSize',
  'momentum',
  'nesterov',
  'schedule',
  'powerT',
  'dropFactor',
  'dropEvery',
  'earlyStopping',
  'validationFraction',
  'nIterNoChange',
];

function incompatible(option: string, message: string): never {
  throw new OptionError(option, message, 'INCOMPATIBLE_OPTIONS');
}

/**
 * The one rule for options the configuration does not read: a value other than the option's default for
 * an option that the chosen penalty, solver, schedule or stopping rule never reads is an OptionError with
 * code INCOMPATIBLE_OPTIONS that names the option and what reads it (never silently ignored, never a mere
 * warning). Setting an option to its default is always allowed. Exempt: randomState (a seed that a
 * deterministic solver draws nothing from changes nothing; it also seeds cross-validation folds) and
 * verbose (output only).
 */
const IGNORED_WHEN: Array<[keyof SoftmaxRegressionOptions, (o: SoftmaxRegressionOptions) => string | null]> = [
  ['C', (o) => (o.penalty === 'none' ? `is not used with penalty 'none' (no penalty; C: Infinity with penalty 'l2' is the same problem)` : null)],
  ['powerT', (o) => (o.schedule !== 'invscaling' ? `is only used by schedule 'invscaling' (schedule is '${o.schedule}')` : null)],
  ['dropFactor', (o) => (o.schedule !== 'step' ? `is only used by schedule 'step' (schedule is '${o.schedule}')` : null)],
  ['dropEvery', (o) => (o.schedule !== 'step' ? `is only used by schedule 'step' (schedule is '${o.schedule}')` : null)],
  ['validationFraction', (o) => (!o.earlyStopping ? `is only used with earlyStopping: true` : null)],
  [
    'precondition',
    (o) => {
      const e = SOLVERS[o.solver];
      if (!e?.preconditioned)
        return `is only used by the solvers that run in preconditioned coordinates (${SOLVER_NAMES.filter((n) => SOLVERS[n].preconditioned)
          .map((n) => `'${n}'`)
          .join(', ')}), not '${o.solver}'`;
      if (o.penalty === 'l1' || o.penalty === 'elasticnet' || o.penalty === 'group-lasso')
        return `is not used with penalty '${o.penalty}' (non-smooth problems are solved in the original coordinates)`;
      if (o.learningRate !== null) return `is not used by '${o.solver}' with a fixed learningRate (the step is defined in the original coordinates)`;
      return null;
    },
  ],
];

/** Checks that involve more than one option. */
const CROSS_CHECKS: Array<(o: SoftmaxRegressionOptions) => void> = [
  (o) => {
    for (const [name, why] of IGNORED_WHEN) {
      if (o[name] === DEFAULT_OPTIONS[name]) continue;
      const msg = why(o);
      if (msg) incompatible(name, msg);
    }
  },
  (o) => {
    if (!SOLVERS[o.solver].penalties.includes(o.penalty)) return; // the solver/penalty check names 'penalty'
    if (o.penalty === 'elasticnet' && o.l1Ratio === null) incompatible('l1Ratio', `penalty 'elasticnet' needs l1Ratio (a number in [0, 1])`);
    if (o.penalty !== 'elasticnet' && o.l1Ratio !== null) incompatible('l1Ratio', `is only used with penalty 'elasticnet' (penalty is '${o.penalty}')`);
  },
  (o) => {
    if (o.multiClass === 'ovr' && o.penalty === 'group-lasso') {
      incompatible(
        'multiClass',
        `'ovr' fits each class on its own, so penalty 'group-lasso' (one norm per feature across classes) needs multiClass 'multinomial'`,
      );
    }
  },
  (o) => {
    // A knob set away from its default for a solver that does not read it would be silently ignored.
    const e = SOLVERS[o.solver];
    for (const name of SOLVER_KNOBS) {
      if (o[name] !== DEFAULT_OPTIONS[name] && !e.reads.includes(name))
        incompatible(name, `is only used by ${describeSolvers(solversReading(name))}, not '${o.solver}'`);
    }
    if (o.nesterov && o.momentum === 0) incompatible('nesterov', `needs solver 'sgd' with momentum > 0`);
  },
  (o) => {
    const entry = SOLVERS[o.solver];
    if (!entry.penalties.includes(o.penalty)) {
      const others =
        solversFor(o.penalty)
          .map((n) => `'${n}'`)
          .join(', ') || 'none';
      incompatible(
        'penalty',
        `solver '${o.solver}' does not support penalty '${o.penalty}' (it supports ${entry.penalties.map((p) => `'${p}'`).join(', ')}); solvers for '${o.penalty}': ${others}`,
      );
    }
    // 'auto' is the binomial model (a one-output problem, as one-vs-rest's) for two classes, multinomial otherwise.
    const modes = o.multiClass === 'auto' ? (['multinomial', 'ovr'] as const) : [o.multiClass];
    if (!modes.every((m) => entry.multiClass.includes(m))) incompatible('multiClass', `solver '${o.solver}' does not support multiClass '${o.multiClass}'`);
  },
];

export function resolveOptions(given: Partial<SoftmaxRegressionOptions> | Record<string, unknown> = {}): SoftmaxRegressionOptions {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new OptionError('options', `must be an object, got ${fmt(given)}`);
  const out: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(OPTION_CHECKS, key)) {
      throw new OptionError(key, `unknown option; known options: ${Object.keys(OPTION_CHECKS).join(', ')}`);
    }
    const v = (given as Record<string, unknown>)[key];
    if (v === undefined) continue;
    OPTION_CHECKS[key]!(v, key);
    out[key] = v;
  }
  const opts = out as unknown as SoftmaxRegressionOptions;
  for (const c of CROSS_CHECKS) c(opts);
  return opts;
}
