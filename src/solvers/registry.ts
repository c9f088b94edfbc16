/**
 * The solver table: the single source of truth about solvers. Each entry says what the solver accepts
 * (penalties, multi-class modes, sparse X, sample weights), which model options it reads, its own defaults,
 * and how the model's options become its options (`configure`). Everything else derives from this table:
 * the `SolverName` type, option validation (src/model/options.ts), the fit's dispatch (src/model/dispatch.ts),
 * the CLI's choices and help (cli/options.ts), the playground's list (web/main.ts), the solver table in
 * docs/solvers.md (`npm run docs:solvers`) and the conformance suite every solver passes (test/solvers/).
 *
 * Adding a solver: its file in this folder, one entry here, one export line in src/solvers/index.ts.
 */
import type { NonSmoothTerm, Objective } from '../objective/objective.js';
import { gd, type GdOptions } from './gd.js';
import { lbfgs, type LbfgsOptions } from './lbfgs.js';
import { newtonCg, type NewtonCgOptions } from './newton-cg.js';
import { newton } from './newton.js';
import { fista, type ProximalOptions } from './proximal.js';
import { sag, saga, type SagOptions } from './sag.js';
import type { IterationCallback, SolveOptions, Solver } from './solver.js';
import { adagrad, adam, rmsprop, sgd, type StochasticOptions } from './stochastic.js';
import { trustRegion, type TrustRegionOptions } from './trust-region.js';
import { makeSchedule, type ScheduleName } from './update-rules.js';

export type PenaltyName = 'none' | 'l2' | 'l1' | 'elasticnet' | 'group-lasso';
export const PENALTIES: readonly PenaltyName[] = ['none', 'l2', 'l1', 'elasticnet', 'group-lasso'];
export type MultiClass = 'multinomial' | 'ovr';

/** The model options that steer a solver (the model's options extend this). */
export interface SolverKnobs {
  maxIter: number;
  /** Stochastic solvers: the epoch cap (null: maxIter). */
  epochs: number | null;
  learningRate: number | null;
  batchSize: number;
  momentum: number;
  nesterov: boolean;
  schedule: ScheduleName;
  powerT: number;
  dropFactor: number;
  dropEvery: number;
  earlyStopping: boolean;
  validationFraction: number;
  nIterNoChange: number;
}

/** Knobs that only some solvers read (maxIter is everyone's). */
export type SolverOptionName = Exclude<keyof SolverKnobs, 'maxIter'>;

/** What the model prepared for one solve, beyond the knobs. */
export interface SolveContext {
  /** Absolute gradient tolerance (the model's tol times the sum of sample weights). */
  gtol: number;
  /** The model's tol, for relative tests (the mini-batch plateau rule). */
  tol: number;
  /** Relative objective-gap tolerance for solvers that estimate the gap (SolveOptions.gapTol); 0: off. */
  gapTol?: number;
  /** Sum of sample weights S of the rows being fitted. */
  sumWeights: number;
  /** The fit's one seeded stream. */
  rng: () => number;
  nonSmooth: NonSmoothTerm | null;
  /** Held-out rows for early stopping (mini-batch solvers), or null. */
  validation: Objective | null;
  onIteration?: IterationCallback;
}

export interface SolverEntry<O extends SolveOptions = SolveOptions> {
  solver: Solver<O>;
  /** One line for docs, `--help` and the playground. */
  summary: string;
  penalties: readonly PenaltyName[];
  multiClass: readonly MultiClass[];
  /** Accepts CSR X. */
  sparse: boolean;
  /** Accepts sample (and class) weights. */
  sampleWeight: boolean;
  /** Draws random numbers (so the result depends on randomState). */
  stochastic: boolean;
  /** A mini-batch method: one iteration is an epoch of mini-batch updates. */
  minibatch: boolean;
  /**
   * The model may run it in preconditioned coordinates (an exact change of variables, see
   * src/objective/standardized.ts): only for solvers that use nothing but value, gradient and Hessian-vector
   * products, which is exactly what the change of variables provides.
   */
  preconditioned: boolean;
  /** The knobs it reads; setting any other knob away from its default is an error that names it. */
  reads: readonly SolverOptionName[];
  /** Its own defaults for knobs whose model default is null (the learning rate). */
  defaults: Partial<SolverKnobs>;
  /** The model's knobs and the prepared context -> this solver's options. */
  configure(k: SolverKnobs, ctx: SolveContext): O;
}

/** Keeps each entry's own option type while the table is checked against SolverEntry. */
function entry<O extends SolveOptions>(e: SolverEntry<O>): SolverEntry<O> {
  return e;
}

const BOTH: readonly MultiClass[] = ['multinomial', 'ovr'];
const SMOOTH: readonly PenaltyName[] = ['none', 'l2'];
const ANY_PENALTY = PENALTIES;
const MINIBATCH_READS: readonly SolverOptionName[] = [
  'learningRate',
  'batchSize',
  'epochs',
  'schedule',
  'powerT',
  'dropFactor',
  'dropEvery',
  'earlyStopping',
  'validationFraction',
  'nIterNoChange',
];

const base = (k: SolverKnobs, c: SolveContext): SolveOptions => ({ gtol: c.gtol, gapTol: c.gapTol, maxIter: k.maxIter, onIteration: c.onIteration });

/** The mini-batch solvers share their options; only the rule differs (sgd's reads momentum). */
function minibatchOptions(k: SolverKnobs, c: SolveContext, defaultRate: number): StochasticOptions {
  return {
    ...base(k, c),
    maxIter: k.epochs ?? k.maxIter,
    rng: c.rng,
    learningRate: k.learningRate ?? defaultRate,
    momentum: k.momentum,
    nesterov: k.nesterov,
    schedule: makeSchedule(k.schedule, { powerT: k.powerT, dropFactor: k.dropFactor, dropEvery: k.dropEvery }),
    batchSize: k.batchSize,
    nIterNoChange: k.nIterNoChange,
    plateauTol: c.tol,
    validation: c.validation,
    nonSmooth: c.nonSmooth,
  };
}

function minibatch(
  solver: Solver<StochasticOptions>,
  summary: string,
  penalties: readonly PenaltyName[],
  learningRate: number,
  extra: readonly SolverOptionName[] = [],
): SolverEntry<StochasticOptions> {
  return entry({
    solver,
    summary,
    penalties,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: true,
    minibatch: true,
    preconditioned: false,
    reads: [...MINIBATCH_READS, ...extra],
    defaults: { learningRate },
    configure: (k, c) => minibatchOptions(k, c, learningRate),
  });
}

/** The table with each entry's own option type (SOLVERS below is the same table, indexable by any string). */
export const SOLVER_TABLE = {
  lbfgs: entry<LbfgsOptions>({
    solver: lbfgs,
    summary: "L-BFGS with a strong Wolfe line search (default; scikit-learn's default too)",
    penalties: SMOOTH,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: false,
    minibatch: false,
    preconditioned: true,
    reads: [],
    defaults: {},
    configure: base,
  }),
  'newton-cg': entry<NewtonCgOptions>({
    solver: newtonCg,
    summary: 'truncated Newton: conjugate gradients on Hessian-vector products, strong Wolfe line search',
    penalties: SMOOTH,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: false,
    minibatch: false,
    preconditioned: true,
    reads: [],
    defaults: {},
    configure: base,
  }),
  newton: entry<SolveOptions>({
    solver: newton,
    summary: 'Newton with the exact (dense) Hessian, damped Cholesky, strong Wolfe line search; up to 2500 parameters',
    penalties: SMOOTH,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: false,
    minibatch: false,
    preconditioned: false,
    reads: [],
    defaults: {},
    configure: base,
  }),
  'trust-region': entry<TrustRegionOptions>({
    solver: trustRegion,
    summary: 'trust-region Newton-CG (TRON, as LIBLINEAR): Steihaug CG on Hessian-vector products',
    penalties: SMOOTH,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: false,
    minibatch: false,
    preconditioned: true,
    reads: [],
    defaults: {},
    configure: base,
  }),
  gd: entry<GdOptions>({
    solver: gd,
    summary: 'full-batch gradient descent: fixed learningRate, or Armijo backtracking when learningRate is unset',
    penalties: SMOOTH,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: false,
    minibatch: false,
    preconditioned: true,
    reads: ['learningRate'],
    defaults: {},
    configure: (k, c) => ({ ...base(k, c), learningRate: k.learningRate, scale: c.sumWeights }),
  }),
  fista: entry<ProximalOptions>({
    solver: fista,
    summary: 'FISTA: accelerated proximal gradient with backtracking and restarts (exact zeros for L1 / group lasso)',
    penalties: ANY_PENALTY,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: false,
    minibatch: false,
    preconditioned: false,
    reads: [],
    defaults: {},
    configure: (k, c) => ({ ...base(k, c), nonSmooth: c.nonSmooth }),
  }),
  sag: entry<SagOptions>({
    solver: sag,
    summary: "stochastic average gradient (scikit-learn's step rule), seeded",
    penalties: SMOOTH,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: true,
    minibatch: false,
    preconditioned: false,
    reads: ['epochs'],
    defaults: {},
    configure: (k, c) => ({ ...base(k, c), maxIter: k.epochs ?? k.maxIter, rng: c.rng }),
  }),
  saga: entry<SagOptions>({
    solver: saga,
    summary: "SAGA: stochastic average gradient with a proximal step (scikit-learn's L1/elastic-net solver), seeded",
    penalties: ANY_PENALTY,
    multiClass: BOTH,
    sparse: true,
    sampleWeight: true,
    stochastic: true,
    minibatch: false,
    preconditioned: false,
    reads: ['epochs'],
    defaults: {},
    configure: (k, c) => ({ ...base(k, c), maxIter: k.epochs ?? k.maxIter, rng: c.rng, nonSmooth: c.nonSmooth }),
  }),
  // Default rates: scikit-learn's SGD eta0 (0.01), Keras' Adam and RMSProp (0.001), AdaGrad as SGD.
  sgd: minibatch(sgd, 'mini-batch SGD (momentum / Nesterov, schedules, early stopping; proximal step for L1)', ANY_PENALTY, 0.01, ['momentum', 'nesterov']),
  adam: minibatch(adam, 'mini-batch Adam (Kingma & Ba)', SMOOTH, 0.001),
  adagrad: minibatch(adagrad, 'mini-batch AdaGrad', SMOOTH, 0.01),
  rmsprop: minibatch(rmsprop, 'mini-batch RMSProp', SMOOTH, 0.001),
};

/** The names of the solvers: a type derived from the table, so a misspelt solver is a compile error. */
export type SolverName = keyof typeof SOLVER_TABLE;

/** The table; indexing it with an arbitrary string gives undefined for an unknown name. */
export const SOLVERS: { readonly [N in SolverName]: SolverEntry } & { readonly [name: string]: SolverEntry | undefined } = SOLVER_TABLE;

export const SOLVER_NAMES = Object.keys(SOLVER_TABLE) as SolverName[];

export function solverNames(): SolverName[] {
  return [...SOLVER_NAMES];
}

export function isSolverName(name: unknown): name is SolverName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(SOLVER_TABLE, name);
}

/** The solvers that read a knob (for messages and help: "learningRate is used by gd, sgd, ..."). */
export function solversReading(option: SolverOptionName): SolverName[] {
  return SOLVER_NAMES.filter((n) => SOLVERS[n].reads.includes(option));
}

/** The solvers that accept a penalty. */
export function solversFor(penalty: PenaltyName): SolverName[] {
  return SOLVER_NAMES.filter((n) => SOLVERS[n].penalties.includes(penalty));
}

/** Solvers named for people: "solver 'sgd'", "the mini-batch solvers (sgd, adam, ...)", "gd, sgd, ...". */
export function describeSolvers(names: readonly SolverName[]): string {
  const same = (pick: (e: SolverEntry) => boolean) => {
    const group = SOLVER_NAMES.filter((n) => pick(SOLVERS[n]));
    return group.length > 1 && group.length === names.length && group.every((n) => names.includes(n)) ? group : null;
  };
  if (names.length === 1) return `solver '${names[0]}'`;
  const mb = same((e) => e.minibatch);
  if (mb) return `the mini-batch solvers (${mb.join(', ')})`;
  const st = same((e) => e.stochastic);
  if (st) return `the stochastic solvers (${st.join(', ')})`;
  return names.length === 0 ? 'no solver' : `the solvers ${names.join(', ')}`;
}
