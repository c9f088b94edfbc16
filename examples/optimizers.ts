/**
 * Gradient descent, mini-batch SGD, Newton's method and L-BFGS on one problem (digits: all 1,797 rows, 64
 * standardized features, 10 classes, C = 1, L2; 650 parameters), the objective gap F(w_t) - F* against the
 * passes over the data and against the seconds, on a log scale: the course notes' "gradient descent or
 * Newton's method" as a picture.
 *
 * What the picture shows (the rates the courses state):
 *   - gradient descent: linear convergence, the gap shrinks by a constant factor per iteration, a factor that
 *     depends on the condition number of the Hessian; cheap iterations (one value+gradient pass, plus the
 *     Armijo backtracking's extra values), many of them.
 *   - mini-batch SGD: n / batch updates per pass, fast early progress, then a floor set by the gradient noise
 *     (of order the learning rate; a constant step never converges exactly).
 *   - Newton: quadratic convergence, the number of correct digits doubles per iteration near the optimum,
 *     a handful of iterations; each forms the dense K(d+1) x K(d+1) Hessian (one pass costing n K^2 d^2 / 2
 *     multiply-adds) and factorizes it (dimension^3 / 3): few passes, expensive seconds.
 *   - L-BFGS: a Hessian estimate from the last 10 steps, superlinear in practice, gradient-cost iterations.
 *
 * Everything comes from the solvers' own history (src/solvers/run.ts records, per iteration, the objective,
 * the cumulative data passes and the elapsed milliseconds); F* from a separate tight fit (trust-region,
 * tol 1e-13), checked against the polished scikit-learn reference optimum of the same problem.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DenseMatrix, SoftmaxRegression, applyScaler, fitScaler, type IterationInfo, type SolverName } from '../src/index.js';
import { loadBuiltinDataset } from '../node/index.js';
import { CLASS_COLORS, renderSvg, type TopLevelSpec } from '../src/plots/index.js';
import { writePlot } from '../node/png.js';
import { printResult, type ExampleFigure, type ExampleFlag, type ExampleOptions, type ExampleResult } from './types.js';

export const description =
  "gradient descent, mini-batch SGD, Newton and L-BFGS on one problem: objective gap per pass and per second (the seed's 'gradient descent or Newton's method')";

/**
 * The optimum of the same problem (the full data set, standardized, C = 1): scikit-learn 1.2.1 polished with
 * exact Newton steps to a gradient near 1e-12, the `objective` of test/fixtures/reference/digits_standard_C1.json
 * and iris_standard_C1.json.
 */
export const REFERENCE_OPTIMUM = { digits: 113.47995478033417, iris: 31.378768260796477 };

/**
 * The project's solver benchmark (docs/solvers.md, `npm run bench`, 2026-11-28, quiet machine): passes and
 * seconds until F <= F* (1 + 1e-6) on digits' training split (1,437 rows; ours uses all 1,797, so expect
 * similar passes, not equal ones).
 */
export const BENCH_TO_1E6: Record<string, { passes: number; seconds: number }> = {
  gd: { passes: 1581, seconds: 0.734 },
  newton: { passes: 15, seconds: 5.948 },
  lbfgs: { passes: 70, seconds: 0.054 },
};

export interface OptimizersOptions extends ExampleOptions {
  /** Data set: 'digits' (default) or 'iris' (what quick uses). */
  dataset?: 'digits' | 'iris';
  /** Stop each solver after this many passes over the data (default 2000; quick 400). Numbers or numeric strings (the runner's flags). */
  maxPasses?: number | string;
  /** Stop each solver after this many seconds (default 180: Newton took up to 65 s on the loaded test machine; quick 10). */
  maxSeconds?: number | string;
  /** Mini-batch SGD's learning rate on the mean objective (default 0.1) and batch size (default 32). */
  sgdLearningRate?: number | string;
  sgdBatchSize?: number | string;
  /**
   * Runs of the four methods (default 1). With more, the order alternates (forwards, backwards, ...) so a
   * change in the machine's load hits every method alike, and the seconds reported are the median over runs;
   * the plot and the pass counts (deterministic) are the first run's.
   */
  rounds?: number | string;
}

export const flags: Record<string, ExampleFlag> = {
  dataset: { type: 'string', description: "'digits' (default) or 'iris' (the quick run's)" },
  maxPasses: { type: 'string', description: 'passes over the data allowed per method (default 2000)' },
  maxSeconds: { type: 'string', description: 'seconds allowed per method (default 180)' },
  sgdLearningRate: { type: 'string', description: "mini-batch SGD's constant learning rate on the mean objective (default 0.1)" },
  sgdBatchSize: { type: 'string', description: "mini-batch SGD's batch size (default 32)" },
  rounds: { type: 'string', description: 'runs of the four methods, order alternating; seconds are the median (default 1)' },
};

/** A positive number from an option (the runner passes flags as strings). */
function positive(v: number | string | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (!(x > 0) || !Number.isFinite(x)) throw new Error(`${what} must be a positive number, got ${String(v)}`);
  return x;
}

/** The four methods, with the settings the plot uses. */
export const METHODS: ReadonlyArray<{ key: string; label: string; solver: SolverName }> = [
  { key: 'gd', label: 'gradient descent (Armijo)', solver: 'gd' },
  { key: 'sgd', label: 'mini-batch SGD', solver: 'sgd' },
  { key: 'newton', label: "Newton's method (exact Hessian)", solver: 'newton' },
  { key: 'lbfgs', label: 'L-BFGS (10 pairs)', solver: 'lbfgs' },
];

/** Stop a run when the relative gap is this small: below it the objective's rounding (~1e-15 F) dominates. */
export const TARGET_GAP = 1e-12;
/** The figure the table reports for every method: passes and seconds to a relative gap of 1e-6 (as the benchmark). */
export const REPORT_GAP = 1e-6;
/** Gaps below this fraction of F* are drawn at it (a log axis has no zero). */
const FLOOR = 1e-14;

export interface Trace {
  key: string;
  label: string;
  /** One point per recorded iteration, the start point first: cumulative passes, seconds, F - F*. */
  passes: number[];
  seconds: number[];
  gap: number[];
  iterations: number;
  stopReason: string;
}

export interface OptimizersResult extends ExampleResult {
  fStar: number;
  traces: Trace[];
}

/** The first point of a trace where the relative gap is at most `rel`, or null. */
export function firstBelow(t: Trace, fStar: number, rel: number): { passes: number; seconds: number; iteration: number } | null {
  for (let i = 0; i < t.gap.length; i++) if (t.gap[i]! <= rel * Math.abs(fStar)) return { passes: t.passes[i]!, seconds: t.seconds[i]!, iteration: i };
  return null;
}

export function gapSpec(traces: readonly Trace[], fStar: number, title: string): TopLevelSpec {
  const floor = FLOOR * Math.abs(fStar);
  const rows = traces.flatMap((t) =>
    t.gap.map((g, i) => ({ method: t.label, passes: t.passes[i]!, seconds: t.seconds[i]!, gap: Math.max(g, floor), order: i })),
  );
  const labels = traces.map((t) => t.label);
  const color = {
    field: 'method',
    type: 'nominal',
    title: null,
    scale: { domain: labels, range: labels.map((_, k) => CLASS_COLORS[k]!) },
    legend: { orient: 'bottom' },
  };
  const y = { field: 'gap', type: 'quantitative', title: 'F(w) − F* (log scale)', scale: { type: 'log' }, axis: { format: '.0e' } };
  // Symmetric-log x axes: linear near 0 (the shared start point at 0 passes, 0 s stays on the plot), logarithmic
  // beyond `constant`, so Newton's 15 passes and gradient descent's 2,000 are both readable.
  const panel = (x: 'passes' | 'seconds', xTitle: string, constant: number, ticks: number[]) => {
    const top = Math.max(...rows.map((r) => r[x]));
    return {
      width: 340,
      height: 280,
      mark: { type: 'line', point: { size: 14 }, strokeWidth: 2, clip: true },
      encoding: {
        x: {
          field: x,
          type: 'quantitative',
          title: xTitle,
          scale: { type: 'symlog', constant },
          axis: { values: ticks.filter((v) => v <= top * 1.5), labelExpr: "format(datum.value, ',~r')" },
        },
        y,
        color,
        order: { field: 'order' },
      },
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: `F* = ${fStar.toPrecision(12)}; gaps below ${FLOOR.toExponential(0)} F* drawn at that floor` },
    data: { values: rows },
    hconcat: [
      panel('passes', 'passes over the data (symlog scale)', 1, [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]),
      panel('seconds', 'seconds (symlog scale; one thread)', 0.01, [0, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300]),
    ],
  } as TopLevelSpec;
}

export async function run(options: OptimizersOptions): Promise<OptimizersResult> {
  const log = options.log ?? console.log;
  const name = options.dataset ?? (options.quick ? 'iris' : 'digits');
  if (name !== 'digits' && name !== 'iris') throw new Error(`dataset must be 'digits' or 'iris', got '${String(name)}'`);
  const maxPasses = positive(options.maxPasses, options.quick ? 400 : 2000, 'maxPasses');
  const maxSeconds = positive(options.maxSeconds, options.quick ? 10 : 180, 'maxSeconds');
  const lr = positive(options.sgdLearningRate, 0.1, 'sgdLearningRate');
  const batch = positive(options.sgdBatchSize, 32, 'sgdBatchSize');
  const rounds = Math.round(positive(options.rounds, 1, 'rounds'));
  mkdirSync(options.outDir, { recursive: true });
  const ds = loadBuiltinDataset(name);
  const full = ds.full!;
  const Xs = applyScaler(fitScaler('standard', full.X), full.X);
  if (!(Xs instanceof DenseMatrix)) throw new Error(`${name} is dense: expected a DenseMatrix`);
  const X = Xs;
  const y = full.y;
  const C = 1;
  log(`${name}: all ${X.rows} rows, ${X.cols} standardized features, C = ${C}, L2`);

  // F*: trust-region Newton-CG (not one of the four) to a gradient of 1e-13 per row.
  const ref = new SoftmaxRegression({ C, solver: 'trust-region', tol: 1e-13, maxIter: 10_000 }).fit(X, y);
  const fStar = ref.fitResult!.value;
  const refOpt = REFERENCE_OPTIMUM[name];
  log(`F* = ${fStar.toPrecision(15)} (trust-region, max|g| ${ref.fitResult!.gradientNorm.toExponential(1)}); scikit-learn reference ${refOpt.toPrecision(15)}`);
  // The start point (w = 0) every method shares: maxIter 0 returns it with its objective.
  const f0 = new SoftmaxRegression({ C, maxIter: 0 }).fit(X, y).fitResult!.value;

  const runMethod = (m: (typeof METHODS)[number]): Trace => {
    const extra = m.solver === 'sgd' ? { learningRate: lr, batchSize: batch, nIterNoChange: 1_000_000, epochs: 1_000_000 } : {};
    const trace: Trace = { key: m.key, label: m.label, passes: [0], seconds: [0], gap: [f0 - fStar], iterations: 0, stopReason: '' };
    const model = new SoftmaxRegression({ C, solver: m.solver, tol: 0, maxIter: 1_000_000, ...extra });
    model.fit(X, y, {
      // The solver's own record of this iteration: exact F (the stochastic solver evaluates it once per
      // epoch), cumulative passes, elapsed time. Nothing is computed here, so the clock is the solver's.
      onIteration: (info: IterationInfo) => {
        const gap = info.value - fStar;
        trace.passes.push(info.dataPasses ?? NaN);
        trace.seconds.push(info.elapsedMs / 1000);
        trace.gap.push(gap);
        if (gap <= TARGET_GAP * Math.abs(fStar) || (info.dataPasses ?? 0) >= maxPasses || info.elapsedMs >= 1000 * maxSeconds) return 'stop';
        return undefined;
      },
    });
    trace.iterations = model.fitResult!.iterations;
    trace.stopReason = model.fitResult!.stopReason;
    const last = trace.gap[trace.gap.length - 1]!;
    log(
      `${m.label}: ${trace.iterations} iterations, ${trace.passes[trace.passes.length - 1]!.toFixed(1)} passes, ${trace.seconds[trace.seconds.length - 1]!.toFixed(3)} s, final gap ${last.toExponential(2)} (${model.fitResult!.stopReason})`,
    );
    return trace;
  };
  const traces: Trace[] = [];
  /** Per method, the seconds to a relative gap of REPORT_GAP in each run (NaN: not reached). */
  const secondsByRun = new Map<string, number[]>(METHODS.map((m) => [m.key, []]));
  for (let r = 0; r < rounds; r++) {
    if (rounds > 1) log(`run ${r + 1} of ${rounds}`);
    const order = r % 2 === 0 ? METHODS : [...METHODS].reverse();
    const byKey = new Map(order.map((m) => [m.key, runMethod(m)]));
    for (const m of METHODS) {
      const t = byKey.get(m.key)!;
      if (r === 0) traces.push(t);
      secondsByRun.get(m.key)!.push(firstBelow(t, fStar, REPORT_GAP)?.seconds ?? NaN);
    }
  }
  const median = (v: number[]): number => {
    const a = [...v].sort((x, z) => x - z);
    return a.length % 2 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
  };
  const lbfgsSeconds = secondsByRun.get('lbfgs')!;

  const figures: ExampleFigure[] = [
    { name: 'F* (trust-region, tol 1e-13)', value: fStar, reference: refOpt, referenceSource: 'scikit-learn 1.2.1, polished (test/fixtures/reference)' },
    { name: 'F(0) (start point)', value: f0, reference: X.rows * Math.log(new Set(y.map(String)).size), referenceSource: 'n log K' },
  ];
  for (const t of traces) {
    const hit = firstBelow(t, fStar, REPORT_GAP);
    const bench = name === 'digits' ? BENCH_TO_1E6[t.key] : undefined;
    const src = 'docs/solvers.md benchmark (train split, quiet machine)';
    if (hit) {
      figures.push({ name: `${t.key}: passes to gap 1e-6 F*`, value: hit.passes, reference: bench?.passes ?? null, referenceSource: bench ? src : undefined });
      const runs = secondsByRun.get(t.key)!;
      figures.push({
        name: `${t.key}: seconds to gap 1e-6 F*${rounds > 1 ? ` (median of ${rounds} runs)` : ''}`,
        value: median(runs),
        reference: bench?.seconds ?? null,
        referenceSource: bench ? src : undefined,
        note: rounds > 1 ? `runs: ${runs.map((v) => v.toFixed(3)).join(', ')}` : undefined,
      });
      if (t.key !== 'lbfgs' && lbfgsSeconds.every(Number.isFinite))
        figures.push({
          name: `${t.key}: seconds / L-BFGS seconds${rounds > 1 ? ' (median over runs)' : ''}`,
          value: median(runs.map((v, r) => v / lbfgsSeconds[r]!)),
          reference: null,
        });
      figures.push({ name: `${t.key}: iterations to gap 1e-6 F*`, value: hit.iteration, reference: null });
    } else {
      figures.push({
        name: `${t.key}: relative gap at the end`,
        value: t.gap[t.gap.length - 1]! / Math.abs(fStar),
        reference: null,
        note: `not within 1e-6 after ${t.passes[t.passes.length - 1]!.toFixed(0)} passes`,
      });
    }
  }
  // The rates made explicit: gradient descent's constant factor per iteration over its second half (linear
  // convergence), and Newton's gap per iteration (the exponent doubles near the optimum: quadratic).
  const gdT = traces.find((t) => t.key === 'gd')!;
  const half = Math.floor(gdT.gap.length / 2);
  const gdRate = Math.pow(gdT.gap[gdT.gap.length - 1]! / gdT.gap[half]!, 1 / (gdT.gap.length - 1 - half));
  figures.push({ name: 'gd: gap factor per iteration, 2nd half', value: gdRate, reference: null, note: 'linear convergence: a constant factor' });
  const newtonGaps = traces.find((t) => t.key === 'newton')!.gap.map((g) => (g / Math.abs(fStar)).toExponential(1));
  const svg = await renderSvg(gapSpec(traces, fStar, `${name} (${X.rows} x ${X.cols}, ${new Set(y.map(String)).size} classes, C = ${C}): objective gap`));
  const path = join(options.outDir, `gap.${options.quick ? 'svg' : 'png'}`);
  writePlot(path, svg);
  const result: OptimizersResult = {
    example: 'optimizers',
    figures,
    plots: [path],
    notes: [
      `Newton's relative gap per iteration: ${newtonGaps.join(', ')}`,
      `every run starts at w = 0 and stops at a relative gap of ${TARGET_GAP.toExponential(0)}, ${maxPasses} passes or ${maxSeconds} s`,
      'passes as the solvers count them: a value(+gradient) pass, one dense-Hessian pass (Newton), or n rows read (SGD); SGD also makes one exact pass per epoch for its history and stop rule, counted too',
      `SGD: learning rate ${lr} on the mean objective, batch ${batch}, constant; gd and lbfgs run in the library's default preconditioned coordinates (an exact change of variables)`,
    ],
    fStar,
    traces,
  };
  printResult(result, log);
  return result;
}
