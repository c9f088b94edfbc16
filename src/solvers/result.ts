/** Shared bookkeeping for the solvers in this folder: building the SolveResult the same way everywhere. */
import { stopMessage, type IterationInfo, type SolveResult, type StopReason } from './solver.js';

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
