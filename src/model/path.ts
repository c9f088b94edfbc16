/**
 * Regularization path: fit along a grid of C from the strongest penalty (smallest C) up, each fit warm-
 * started from the previous solution (glmnet's and scikit-learn's _logistic_regression_path strategy:
 * neighbouring optima are close, so each fit takes a few iterations). Returns the coefficients, intercepts
 * and objective at every C.
 */
import { OptionError } from '../errors.js';
import type { FitOptions } from './softmax-regression.js';
import { SoftmaxRegression } from './softmax-regression.js';
import type { Label } from '../core/labels.js';
import type { MatrixLike } from './input.js';
import type { SoftmaxRegressionOptions } from './options.js';
import type { StopReason } from '../solvers/solver.js';

export interface PathPoint {
  C: number;
  coef: number[][];
  intercept: number[];
  /** The objective value at the solution (summed convention, this C's penalty). */
  objective: number;
  iterations: number;
  converged: boolean;
  stopReason: StopReason;
  /** Wall time of this C's fit. */
  elapsedMs: number;
  /** Coefficients that are exactly zero (L1 / elastic net / group lasso produce them). */
  zeros: number;
}

export interface PathResult {
  classes: Label[];
  points: PathPoint[];
}

/** scikit-learn's default grid: 10 values, log-spaced from 1e-4 to 1e4. */
/**
 * scikit-learn's grid for `Cs` given as a count: numpy.logspace(lo, hi, count), for every count (1 gives
 * [10^lo] = [1e-4], as numpy's). The exponents are numpy.linspace's: lo + i * step, the last one hi exactly.
 */
export function defaultCs(count = 10, lo = -4, hi = 4): number[] {
  if (!Number.isInteger(count) || count < 1) throw new OptionError('Cs', `must be a positive integer or an array of C values, got ${count}`);
  const step = count > 1 ? (hi - lo) / (count - 1) : 0;
  return Array.from({ length: count }, (_, i) => 10 ** (count > 1 && i === count - 1 ? hi : lo + i * step));
}

export function resolveCs(Cs: number[] | number | undefined): number[] {
  if (Cs === undefined) return defaultCs();
  if (typeof Cs === 'number') return defaultCs(Cs);
  if (!Array.isArray(Cs) || Cs.length === 0) throw new OptionError('Cs', 'must be a non-empty array of C values or a count');
  Cs.forEach((c, i) => {
    if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) throw new OptionError('Cs', `entry ${i} must be a finite number > 0, got ${String(c)}`);
  });
  return [...Cs];
}

/**
 * Fit `options` (any SoftmaxRegression options except C and warmStart) along Cs, sorted ascending.
 * `onFit` sees each fitted model (e.g. to score it on held-out rows).
 */
export function regularizationPath(
  X: MatrixLike,
  y: ArrayLike<Label>,
  options: Partial<SoftmaxRegressionOptions> & { Cs?: number[] | number } = {},
  fitOptions: FitOptions = {},
  onFit?: (model: SoftmaxRegression, C: number) => void,
): PathResult {
  const { Cs: rawCs, ...rest } = options;
  if ('C' in rest) throw new OptionError('C', 'a path sets C itself: pass the grid as Cs');
  const Cs = resolveCs(rawCs).sort((a, b) => a - b);
  const points: PathPoint[] = [];
  let prev: SoftmaxRegression | null = null;
  for (const C of Cs) {
    // The previous solution is this fit's starting point (warmStart reads it from the fitted state).
    const m: SoftmaxRegression = prev
      ? SoftmaxRegression.fromState(prev.fittedState(), { ...rest, C, warmStart: true })
      : new SoftmaxRegression({ ...rest, C, warmStart: true });
    m.fit(X, y, fitOptions);
    const r = m.fitResult!;
    let zeros = 0;
    for (const row of m.coef!) for (const v of row) if (v === 0) zeros++;
    points.push({
      C,
      coef: m.coef!.map((r2) => [...r2]),
      intercept: [...m.intercept!],
      objective: r.value,
      iterations: r.iterations,
      converged: r.converged,
      stopReason: r.stopReason,
      elapsedMs: r.elapsedMs,
      zeros,
    });
    onFit?.(m, C);
    prev = m;
  }
  return { classes: [...prev!.classes!], points };
}
