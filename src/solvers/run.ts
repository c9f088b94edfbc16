/**
 * The one solver skeleton: every solver in this folder starts, iterates, stops and reports through a
 * SolveRun, so the bookkeeping cannot drift between solvers (the counters, the history, the order of the
 * stop tests, the finiteness check, the callback, the result's fields).
 *
 *   const run = new SolveRun(objective, options);     // run.objective counts what the solver asks of it
 *   let reason = run.start(f, gnorm);                 // non-finite or already converged at w0?
 *   while (reason === null) {
 *     if (run.iterations >= options.maxIter) { reason = 'max-iterations'; break; }
 *     run.iterations++;
 *     ...the solver's step...
 *     reason = run.endIteration({ value, gradientNorm, step }, w, fPrev);
 *   }
 *   return run.result({ w, value, gradientNorm, reason, detail });
 */
import type { HessianOperator, Objective } from '../objective/objective.js';
import { callbackStops, now, stopMessage, type IterationInfo, type SolveOptions, type SolveResult, type StopReason } from './solver.js';

/**
 * The objective as a solver sees it, counting its calls: a value is a function evaluation, a value and
 * gradient is both, and each product of a Hessian operator is a Hessian-vector product. The counts are the
 * result's evaluation fields; `inner` is the objective itself, for what is not counted (per-sample access).
 */
export class CountedObjective<O extends Objective = Objective> implements Objective {
  functionEvaluations = 0;
  gradientEvaluations = 0;
  hessianVectorProducts = 0;
  readonly hessianAt?: (w: Float64Array) => HessianOperator;

  constructor(readonly inner: O) {
    const hessianAt = inner.hessianAt;
    if (hessianAt) {
      this.hessianAt = (w) => {
        const op = hessianAt.call(inner, w);
        return {
          apply: (v, out) => {
            this.hessianVectorProducts++;
            op.apply(v, out);
          },
        };
      };
    }
  }

  get dimension(): number {
    return this.inner.dimension;
  }

  get dataPasses(): number | undefined {
    return this.inner.dataPasses;
  }

  value(w: Float64Array): number {
    this.functionEvaluations++;
    return this.inner.value(w);
  }

  valueAndGradient(w: Float64Array, g: Float64Array): number {
    this.functionEvaluations++;
    this.gradientEvaluations++;
    return this.inner.valueAndGradient(w, g);
  }
}

/** What a solver measured in one iteration; SolveRun adds the counters and the clock. */
export interface IterationFields {
  value: number;
  gradientNorm: number;
  step: number;
  /** Extra per-solver figures (CG iterations, trust radius, validation loss, ...). */
  [extra: string]: number | undefined;
}

export interface EndFlags {
  /** false: the iterate's gradient was not evaluated (skip the gradient test). */
  gradientFresh?: boolean;
  /** false: the step was rejected (skip the relative-decrease test). */
  decreased?: boolean;
  /**
   * The solver's own stop test (early stopping, a plateau, a diverging fixed step), asked only when the
   * shared tests did not stop; returns a reason, or null to go on.
   */
  stop?: () => StopReason | null;
}

export interface ResultFields {
  w: Float64Array;
  value: number;
  gradientNorm: number;
  reason: StopReason;
  /** Why it stopped, in words; default: the gradient norm against the tolerance and the iteration count. */
  detail?: string;
  /** Appended to the default detail line (e.g. ", 40 Hessian-vector products"). */
  note?: string;
}

export class SolveRun<O extends Objective = Objective> {
  readonly objective: CountedObjective<O>;
  readonly history: IterationInfo[] = [];
  iterations = 0;
  private readonly t0 = now();

  constructor(
    objective: O,
    readonly options: SolveOptions,
  ) {
    this.objective = new CountedObjective(objective);
  }

  /** The stop test at the start point: a non-finite value or gradient, or already converged. */
  start(value: number, gradientNorm: number): StopReason | null {
    if (!Number.isFinite(value) || !Number.isFinite(gradientNorm)) return 'non-finite';
    return gradientNorm <= this.options.gtol ? 'gradient-tolerance' : null;
  }

  /**
   * The objective half of the convergence test (SolveOptions.gapTol): the estimated decrease still to come
   * is small relative to the objective. The estimate -g.d/2 is that of the solver's quadratic model,
   * g^T H^-1 g / 2, which does not depend on the coordinates (w = T u leaves it unchanged), so a solve in
   * preconditioned coordinates tests the same number as one in the user's. No estimate (no curvature pairs
   * yet, or a solver without a model): the gradient test alone.
   */
  private gapMet(gap: number | undefined, f: number): boolean {
    const t = this.options.gapTol ?? 0;
    return !(t > 0) || gap === undefined || gap <= t * Math.max(Math.abs(f), 1);
  }

  /** The iteration's record: the solver's figures plus the evaluation count, data passes and time. */
  info(fields: IterationFields): IterationInfo {
    const { value, gradientNorm, step, ...extra } = fields;
    return {
      iteration: this.iterations,
      value,
      gradientNorm,
      step,
      evaluations: this.objective.functionEvaluations,
      dataPasses: this.objective.dataPasses,
      elapsedMs: now() - this.t0,
      ...extra,
    };
  }

  /**
   * The end of one iteration, the same for every solver: record it, then test, in this order, a non-finite
   * value or gradient, the gradient tolerance, a relative decrease below ftol, and the solver's own test.
   * The callback sees every iteration, the last one too, and can only stop a fit that would go on.
   */
  endIteration(fields: IterationFields, w: Float64Array, fPrev: number, flags: EndFlags = {}): StopReason | null {
    const info = this.info(fields);
    const o = this.options;
    if (o.history !== false) this.history.push(info);
    const f = info.value;
    const ftol = o.ftol ?? 0;
    let reason: StopReason | null = null;
    if (!Number.isFinite(f) || !Number.isFinite(info.gradientNorm)) reason = 'non-finite';
    else if (flags.gradientFresh !== false && info.gradientNorm <= o.gtol && this.gapMet(fields.gap, f)) reason = 'gradient-tolerance';
    else if (flags.decreased !== false && ftol > 0 && (fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) reason = 'function-tolerance';
    else if (flags.stop) reason = flags.stop();
    if (callbackStops(o.onIteration, info, w) && reason === null) reason = 'callback';
    return reason;
  }

  /** The SolveResult, built the same way for every solver. */
  result(r: ResultFields): SolveResult {
    const c = this.objective;
    const detail =
      r.detail || `max|g| = ${r.gradientNorm.toExponential(3)}, tol ${this.options.gtol.toExponential(3)}, ${this.iterations} iterations${r.note ?? ''}`;
    return {
      w: r.w,
      value: r.value,
      gradientNorm: r.gradientNorm,
      iterations: this.iterations,
      functionEvaluations: c.functionEvaluations,
      gradientEvaluations: c.gradientEvaluations,
      hessianVectorProducts: c.hessianVectorProducts,
      dataPasses: c.dataPasses,
      converged: r.reason === 'gradient-tolerance' || r.reason === 'function-tolerance' || r.reason === 'early-stopping',
      stopReason: r.reason,
      message: stopMessage(r.reason, detail),
      history: this.history,
      elapsedMs: now() - this.t0,
    };
  }
}
