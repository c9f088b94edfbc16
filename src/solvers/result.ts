/** Shared bookkeeping for the solvers in this folder: building the SolveResult the same way everywhere. */
import { callbackStops, stopMessage, type IterationInfo, type SolveOptions, type SolveResult, type StopReason } from './solver.js';

export interface Tally {
  iterations: number;
  functionEvaluations: number;
  gradientEvaluations: number;
  hessianVectorProducts: number;
}

export function makeResult(
  w: Float64Array,
  value: number,
  gradientNorm: number,
  reason: StopReason,
  detail: string,
  tally: Tally,
  dataPasses: number | undefined,
  history: IterationInfo[],
  elapsedMs: number,
): SolveResult {
  return {
    w,
    value,
    gradientNorm,
    ...tally,
    dataPasses,
    converged: reason === 'gradient-tolerance' || reason === 'function-tolerance' || reason === 'early-stopping',
    stopReason: reason,
    message: stopMessage(reason, detail),
    history,
    elapsedMs,
  };
}

/** "max|g| = ..., tol ..., N iterations": the default detail line. */
export function gradDetail(gnorm: number, gtol: number, iter: number, extra = ''): string {
  return `max|g| = ${gnorm.toExponential(3)}, tol ${gtol.toExponential(3)}, ${iter} iterations${extra}`;
}

/** The stop test before the first iteration. */
export function initialStop(f: number, gnorm: number, gtol: number): StopReason | null {
  if (!Number.isFinite(f) || !Number.isFinite(gnorm)) return 'non-finite';
  return gnorm <= gtol ? 'gradient-tolerance' : null;
}

/**
 * The end of one iteration, the same for every full-batch solver: record it, then test, in this order,
 * a non-finite value or gradient, the gradient tolerance, and a relative decrease below ftol. The callback
 * sees every iteration, the last one too, and can only stop a fit that would go on.
 * `gradientFresh: false` (an iterate whose gradient was not evaluated) skips the gradient test;
 * `decreased: false` (a rejected trust-region step) skips the ftol test.
 */
export function endIteration(
  info: IterationInfo,
  w: Float64Array,
  fPrev: number,
  options: SolveOptions,
  history: IterationInfo[],
  flags: { gradientFresh?: boolean; decreased?: boolean } = {},
): StopReason | null {
  if (options.history !== false) history.push(info);
  const f = info.value;
  const ftol = options.ftol ?? 0;
  let reason: StopReason | null = null;
  if (!Number.isFinite(f) || !Number.isFinite(info.gradientNorm)) reason = 'non-finite';
  else if (flags.gradientFresh !== false && info.gradientNorm <= options.gtol) reason = 'gradient-tolerance';
  else if (flags.decreased !== false && ftol > 0 && (fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) reason = 'function-tolerance';
  if (callbackStops(options.onIteration, info, w) && reason === null) reason = 'callback';
  return reason;
}
