/**
 * Model options: defaults, and validation in one table. The constructor validates everything (unknown
 * option, bad value, incompatible pair) and throws an OptionError that names the option.
 */
import { OptionError } from '../errors.js';
import { SOLVERS, solverNames, type PenaltyName } from '../solvers/registry.js';
import type { ScaleKind } from '../preprocess/scaler.js';

export type ClassWeight = null | 'balanced' | Record<string, number>;

export interface SoftmaxRegressionOptions {
  /** Inverse regularization strength: the penalty is (1/(2C))||W||^2 (scikit-learn's C). Default 1. */
  C: number;
  /** Default 'l2'. */
  penalty: PenaltyName;
  /** Default 'lbfgs'. */
  solver: string;
  /** Stop when max|grad F| <= tol * sum_i s_i (the mean objective's gradient below tol). Default 1e-4. */
  tol: number;
  /** Iteration cap (default 1000). */
  maxIter: number;
  /** Fit an unpenalized intercept per class (default true). */
  fitIntercept: boolean;
  /** null (all 1), 'balanced' (n / (K * count_k), as scikit-learn), or a map label -> weight. */
  classWeight: ClassWeight;
  /** Start the next fit from the current coefficients (same classes and features). Default false. */
  warmStart: boolean;
  /** Print one line per iteration through `logger` (default console.log). Default false. */
  verbose: boolean;
  /** Feature scaling fitted in fit() and stored in the model (default 'none'). */
  scale: ScaleKind;
  /** Element type X is held in during fit: 'float32' halves memory and doubles SIMD width (default 'float64'). */
  dtype: 'float64' | 'float32';
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
  verbose: false,
  scale: 'none',
  dtype: 'float64',
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
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

const PENALTIES: readonly PenaltyName[] = ['none', 'l2', 'l1', 'elasticnet', 'group-lasso'];

/** Per-option checks. Extend this table (and DEFAULT_OPTIONS) to add an option. */
export const OPTION_CHECKS: Record<string, Check> = {
  C: positiveFinite,
  penalty: oneOf(PENALTIES),
  solver: (v, name) => oneOf(solverNames())(v, name),
  tol: positiveFinite,
  maxIter: positiveInt,
  fitIntercept: bool,
  classWeight: (v, name) => {
    if (v === null || v === 'balanced') return;
    if (typeof v !== 'object' || Array.isArray(v)) throw new OptionError(name, `must be null, 'balanced' or an object mapping class label to weight, got ${fmt(v)}`);
    for (const [k, w] of Object.entries(v as Record<string, unknown>)) {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new OptionError(name, `weight for class '${k}' must be a finite number >= 0, got ${fmt(w)}`);
    }
  },
  warmStart: bool,
  verbose: bool,
  scale: oneOf(['none', 'standard', 'minmax']),
  dtype: oneOf(['float64', 'float32']),
};

/** Checks that involve more than one option. */
const CROSS_CHECKS: Array<(o: SoftmaxRegressionOptions) => void> = [
  (o) => {
    const entry = SOLVERS[o.solver]!;
    if (!entry.penalties.includes(o.penalty)) {
      throw new OptionError(
        'penalty',
        `solver '${o.solver}' does not support penalty '${o.penalty}' (it supports ${entry.penalties.map((p) => `'${p}'`).join(', ')}); solvers for '${o.penalty}': ${
          Object.entries(SOLVERS)
            .filter(([, e]) => e.penalties.includes(o.penalty))
            .map(([n]) => `'${n}'`)
            .join(', ') || 'none'
        }`,
        'INCOMPATIBLE_OPTIONS',
      );
    }
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
