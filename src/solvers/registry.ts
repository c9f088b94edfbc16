/**
 * The solver table: name -> solver and what it supports. Model options are validated against this table
 * up front (an incompatible solver/penalty pair fails in the constructor), and fit dispatches through it,
 * so adding a solver is one entry here, not an if-chain in two places.
 */
import { lbfgs } from './lbfgs.js';
import { newtonCg } from './newton-cg.js';
import type { Solver } from './solver.js';
import { gd } from './gd.js';
import { newton } from './newton.js';
import { fista } from './proximal.js';
import { sag, saga } from './sag.js';
import { adagrad, adam, rmsprop, sgd } from './stochastic.js';
import { trustRegion } from './trust-region.js';

export type PenaltyName = 'none' | 'l2' | 'l1' | 'elasticnet' | 'group-lasso';

export interface SolverEntry {
  solver: Solver<any>;
  penalties: readonly PenaltyName[];
  /** One-line description for docs and `--help`. */
  summary: string;
  /** Whether the solver needs Hessian-vector products. */
  secondOrder: boolean;
  /** Whether the solver draws random numbers (and so uses randomState). */
  stochastic: boolean;
  /** Needs per-sample access (a FiniteSumObjective), e.g. sag, saga, sgd. */
  finiteSum?: boolean;
  /** Mini-batch method driven by learningRate / batchSize / schedule (sgd, adam, adagrad, rmsprop). */
  minibatch?: boolean;
  /**
   * Whether the model may run this solver in preconditioned coordinates (an exact change of variables, see
   * src/objective/standardized.ts). Only for solvers that use nothing but value/gradient/Hessian-vector
   * products: the change of variables provides exactly those.
   */
  preconditioned?: boolean;
}

export const SOLVERS: Record<string, SolverEntry> = {
  lbfgs: {
    solver: lbfgs,
    penalties: ['none', 'l2'],
    summary: 'L-BFGS with a strong Wolfe line search (default; scikit-learn\'s default too)',
    secondOrder: false,
    stochastic: false,
    preconditioned: true,
  },
  'newton-cg': {
    solver: newtonCg,
    penalties: ['none', 'l2'],
    summary: 'truncated Newton: conjugate gradients on Hessian-vector products, strong Wolfe line search',
    secondOrder: true,
    stochastic: false,
    preconditioned: true,
  },
  newton: {
    solver: newton,
    penalties: ['none', 'l2'],
    summary: 'Newton with the exact (dense) Hessian, damped Cholesky, strong Wolfe line search; up to 2500 parameters',
    secondOrder: true,
    stochastic: false,
  },
  'trust-region': {
    solver: trustRegion,
    penalties: ['none', 'l2'],
    summary: 'trust-region Newton-CG (TRON, as LIBLINEAR): Steihaug CG on Hessian-vector products',
    secondOrder: true,
    stochastic: false,
    preconditioned: true,
  },
  gd: {
    solver: gd,
    penalties: ['none', 'l2'],
    summary: 'full-batch gradient descent: fixed learningRate, or Armijo backtracking when learningRate is unset',
    secondOrder: false,
    stochastic: false,
    preconditioned: true,
  },
  fista: {
    solver: fista,
    penalties: ['none', 'l2', 'l1', 'elasticnet', 'group-lasso'],
    summary: 'FISTA: accelerated proximal gradient with backtracking and restarts (exact zeros for L1 / group lasso)',
    secondOrder: false,
    stochastic: false,
  },
  sag: {
    solver: sag,
    penalties: ['none', 'l2'],
    summary: 'stochastic average gradient (scikit-learn\'s step rule), seeded',
    secondOrder: false,
    stochastic: true,
    finiteSum: true,
  },
  saga: {
    solver: saga,
    penalties: ['none', 'l2', 'l1', 'elasticnet', 'group-lasso'],
    summary: 'SAGA: stochastic average gradient with a proximal step (scikit-learn\'s L1/elastic-net solver), seeded',
    secondOrder: false,
    stochastic: true,
    finiteSum: true,
  },
  sgd: {
    solver: sgd,
    penalties: ['none', 'l2', 'l1', 'elasticnet', 'group-lasso'],
    summary: 'mini-batch SGD (momentum / Nesterov, schedules, early stopping; proximal step for L1)',
    secondOrder: false,
    stochastic: true,
    finiteSum: true,
    minibatch: true,
  },
  adam: {
    solver: adam,
    penalties: ['none', 'l2'],
    summary: 'mini-batch Adam (Kingma & Ba)',
    secondOrder: false,
    stochastic: true,
    finiteSum: true,
    minibatch: true,
  },
  adagrad: {
    solver: adagrad,
    penalties: ['none', 'l2'],
    summary: 'mini-batch AdaGrad',
    secondOrder: false,
    stochastic: true,
    finiteSum: true,
    minibatch: true,
  },
  rmsprop: {
    solver: rmsprop,
    penalties: ['none', 'l2'],
    summary: 'mini-batch RMSProp',
    secondOrder: false,
    stochastic: true,
    finiteSum: true,
    minibatch: true,
  },
};

export function solverNames(): string[] {
  return Object.keys(SOLVERS);
}
