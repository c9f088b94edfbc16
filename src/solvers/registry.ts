/**
 * The solver table: name -> solver and what it supports. Model options are validated against this table
 * up front (an incompatible solver/penalty pair fails in the constructor), and fit dispatches through it,
 * so adding a solver is one entry here, not an if-chain in two places.
 */
import { lbfgs } from './lbfgs.js';
import { newtonCg } from './newton-cg.js';
import type { Solver } from './solver.js';

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
}

export const SOLVERS: Record<string, SolverEntry> = {
  lbfgs: {
    solver: lbfgs,
    penalties: ['none', 'l2'],
    summary: 'L-BFGS with a strong Wolfe line search (default; scikit-learn\'s default too)',
    secondOrder: false,
    stochastic: false,
  },
  'newton-cg': {
    solver: newtonCg,
    penalties: ['none', 'l2'],
    summary: 'truncated Newton: conjugate gradients on Hessian-vector products, strong Wolfe line search',
    secondOrder: true,
    stochastic: false,
  },
};

export function solverNames(): string[] {
  return Object.keys(SOLVERS);
}
