/**
 * Solver benchmark (not a test): for each data set (standardized on its training rows, C = 1, L2) and
 * solver, the wall time and passes over the data until the objective first comes within 1e-6 relative of
 * the optimum F* (F* from trust-region at tol 1e-11), and the test accuracy of the model at that point.
 * An L1 table (C = 0.1) compares the solvers that support it.
 *
 * The exact objective is evaluated in the iteration callback on a separate objective, so it counts in
 * neither the time (its duration is subtracted) nor the passes; solvers whose own history is an estimate
 * (sag, saga) are measured the same way as the others.
 *
 *   node --import tsx bench/solvers.ts [--datasets iris,wine,digits,mnist] [--budget 1]
 * `runSolversBench` / `formatSolversTable` are exported for bench/run.ts.
 */
import { pathToFileURL } from 'node:url';
import { loadBuiltinDataset } from '../node/datasets.js';
import { LinearFiniteSum, softmaxRowLoss } from '../src/objective/finite-sum.js';
import { splitPenalty } from '../src/objective/penalty.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { encodeLabels, uniqueSortedLabels } from '../src/core/labels.js';
import { applyScaler, fitScaler } from '../src/preprocess/scaler.js';
import type { Matrix } from '../src/matrix/matrix.js';
import { NEWTON_MAX_DIMENSION } from '../src/solvers/newton.js';
import type { SolverName } from '../src/solvers/registry.js';

export interface SolverBenchRow {
  dataset: string;
  penalty: 'l2' | 'l1';
  solver: string;
  /** Seconds until F <= F* (1 + 1e-6), or null if not reached within the budget. */
  seconds: number | null;
  passes: number | null;
  iterations: number | null;
  /** Relative gap (F - F*) / F* when the run ended. */
  finalGap: number;
  testAccuracy: number;
  note: string;
}

const TARGET = 1e-6;

/** Solver settings used in the benchmark (mini-batch ones: the suite's documented settings). */
const L2_SOLVERS: Array<[SolverName, Record<string, unknown>]> = [
  ['lbfgs', {}],
  ['newton-cg', {}],
  ['newton', {}],
  ['trust-region', {}],
  ['gd', {}],
  ['fista', {}],
  ['sag', {}],
  ['saga', {}],
  ['sgd', { learningRate: 0.1, momentum: 0.9, schedule: 'step', dropEvery: 50, nIterNoChange: 100000 }],
  ['adam', { learningRate: 0.1, schedule: 'step', dropEvery: 50, nIterNoChange: 100000 }],
];
const L1_SOLVERS: Array<[SolverName, Record<string, unknown>]> = [
  ['fista', {}],
  ['saga', {}],
  ['sgd', { learningRate: 0.1, schedule: 'step', dropEvery: 50, nIterNoChange: 100000 }],
];

/** Seconds of solver time allowed per (data set, solver), before the budget multiplier. */
const BUDGET_S: Record<string, number> = { iris: 5, wine: 5, breast_cancer: 5, digits: 20, mnist: 60 };

interface Prepared {
  name: string;
  Xtr: Matrix;
  ytr: (string | number)[];
  Xte: Matrix;
  yte: (string | number)[];
}

function prepare(name: string): Prepared {
  const ds = loadBuiltinDataset(name);
  const sc = fitScaler('standard', ds.train.X);
  return { name, Xtr: applyScaler(sc, ds.train.X), ytr: ds.train.y, Xte: applyScaler(sc, ds.test.X), yte: ds.test.y };
}

function exactObjective(p: Prepared, penalty: 'l2' | 'l1', C: number) {
  const classes = uniqueSortedLabels(p.ytr);
  const K = classes.length;
  const { l2, nonSmooth } = splitPenalty(penalty, C, 0, K, p.Xtr.cols);
  const obj = new LinearFiniteSum(p.Xtr, encodeLabels(p.ytr, classes), softmaxRowLoss(K), { l2, fitIntercept: true });
  return (w: Float64Array) => obj.value(w) + (nonSmooth ? nonSmooth.value(w) : 0);
}

function runOne(
  p: Prepared,
  penalty: 'l2' | 'l1',
  C: number,
  solver: SolverName,
  extra: Record<string, unknown>,
  Fstar: number,
  budgetS: number,
): SolverBenchRow {
  const F = exactObjective(p, penalty, C);
  let reached: { s: number; passes: number; it: number } | null = null;
  let lastGap = Infinity;
  let evalMs = 0;
  const dim = uniqueSortedLabels(p.ytr).length * (p.Xtr.cols + 1);
  if (solver === 'newton' && dim > NEWTON_MAX_DIMENSION) {
    return {
      dataset: p.name,
      penalty,
      solver,
      seconds: null,
      passes: null,
      iterations: null,
      finalGap: NaN,
      testAccuracy: NaN,
      note: `refused: ${dim} parameters > ${NEWTON_MAX_DIMENSION}`,
    };
  }
  const m = new SoftmaxRegression({ solver, C, penalty, tol: 1e-12, maxIter: 10_000_000, ...extra });
  m.fit(p.Xtr as never, p.ytr, {
    onIteration: (info, w) => {
      const t = performance.now();
      const gap = (F(w) - Fstar) / Math.abs(Fstar);
      evalMs += performance.now() - t;
      lastGap = gap;
      const solverS = (info.elapsedMs - evalMs) / 1000;
      if (gap <= TARGET) {
        reached = { s: solverS, passes: info.dataPasses ?? NaN, it: info.iteration };
        return 'stop';
      }
      return solverS > budgetS ? 'stop' : undefined;
    },
  });
  const r = reached as { s: number; passes: number; it: number } | null;
  if (!r && m.fitResult!.converged) lastGap = (m.fitResult!.value - Fstar) / Math.abs(Fstar);
  return {
    dataset: p.name,
    penalty,
    solver,
    seconds: r ? r.s : null,
    passes: r ? r.passes : null,
    iterations: r ? r.it : null,
    finalGap: r ? Math.max(lastGap, 0) : lastGap,
    testAccuracy: m.score(p.Xte as never, p.yte),
    note: r ? '' : `not within ${TARGET.toExponential(0)} after ${budgetS} s (${m.fitResult!.iterations} iterations)`,
  };
}

export function runSolversBench(opts: { datasets?: string[]; budget?: number; log?: (s: string) => void } = {}): SolverBenchRow[] {
  const datasets = opts.datasets ?? ['iris', 'wine', 'digits', 'mnist'];
  const log = opts.log ?? (() => {});
  const rows: SolverBenchRow[] = [];
  for (const name of datasets) {
    const p = prepare(name);
    const budget = (BUDGET_S[name] ?? 10) * (opts.budget ?? 1);
    const tables: Array<['l2' | 'l1', number, Array<[SolverName, Record<string, unknown>]>]> = [['l2', 1, L2_SOLVERS]];
    if (name !== 'mnist') tables.push(['l1', 0.1, L1_SOLVERS]);
    for (const [penalty, C, solvers] of tables) {
      // F*: a tight second-order (smooth) or FISTA (L1) solve.
      const ref = new SoftmaxRegression({ solver: penalty === 'l2' ? 'trust-region' : 'fista', C, penalty, tol: 1e-11, maxIter: 100000 }).fit(
        p.Xtr as never,
        p.ytr,
      );
      const Fstar = ref.fitResult!.value;
      log(`${name} ${penalty} C=${C}: F* = ${Fstar}`);
      for (const [solver, extra] of solvers) {
        const row = runOne(p, penalty, C, solver, extra, Fstar, budget);
        log(
          `  ${solver}: ${row.seconds === null ? row.note : `${row.seconds.toFixed(3)} s, ${row.passes?.toFixed(1)} passes`}, test acc ${row.testAccuracy.toFixed(4)}`,
        );
        rows.push(row);
      }
    }
  }
  return rows;
}

export function formatSolversTable(rows: SolverBenchRow[]): string {
  const out = ['| data set | penalty | solver | time to 1e-6 (s) | passes | iterations | test accuracy | note |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(
      `| ${r.dataset} | ${r.penalty} | ${r.solver} | ${r.seconds === null ? '—' : r.seconds.toFixed(3)} | ${r.passes === null ? '—' : r.passes.toFixed(1)} | ${r.iterations ?? '—'} | ${Number.isNaN(r.testAccuracy) ? '—' : r.testAccuracy.toFixed(4)} | ${r.note || (r.seconds === null ? '' : '')}${r.seconds === null && Number.isFinite(r.finalGap) ? ` gap ${r.finalGap.toExponential(1)}` : ''} |`,
    );
  }
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rows = runSolversBench({
    datasets: get('--datasets')?.split(','),
    budget: get('--budget') ? Number(get('--budget')) : 1,
    log: (s) => console.error(s),
  });
  console.log(formatSolversTable(rows));
}
