/**
 * Our side of the whole-fit benchmark: SoftmaxRegression.fit on a CSV/LibSVM file, timed around fit()
 * only (reading and, as scikit-learn's script does, scaling happen before the clock starts), with the
 * objective reached in scikit-learn's convention and, given a target objective, the wall time at which the
 * fit first got within 1e-6 relative of it (from the iteration history).
 *   node --import tsx bench/fit.ts TRAIN [--test TEST] [--C 1] [--scale standard|none] [--solver lbfgs]
 *        [--tol 1e-4] [--dtype float64|float32] [--target F] [--repeats 1]
 */
import { readDataset } from '../node/io.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { applyScaler, fitScaler } from '../src/preprocess/scaler.js';
import { median } from './kernels.js';
import { disableThreads, enableThreads } from '../node/threads.js';

export interface FitBenchResult {
  side: 'ours';
  train: string;
  n: number;
  d: number;
  k: number;
  solver: string;
  dtype: string;
  threads: number;
  fit_s_median: number;
  fit_s_all: number[];
  n_iter: number;
  objective: number;
  stop: string;
  reached_target_s: number | null;
  reached_target_iter: number | null;
  evaluations: number;
  data_passes: number | null;
  test_acc: number | null;
}

export interface FitBenchOptions {
  test?: string;
  C?: number;
  scale?: 'standard' | 'none';
  solver?: string;
  tol?: number;
  dtype?: 'float64' | 'float32';
  target?: number;
  repeats?: number;
  maxIter?: number;
  /** Threads for the dense kernels (1: single thread). */
  threads?: number;
}

export function fitBench(train: string, o: FitBenchOptions = {}): FitBenchResult {
  const tr = readDataset(train);
  let X = tr.X;
  const te = o.test ? readDataset(o.test) : null;
  let Xte = te?.X ?? null;
  if ((o.scale ?? 'standard') === 'standard' && X.kind === 'dense') {
    const sc = fitScaler('standard', X);
    // applyScaler keeps the storage kind: dense in, dense out.
    X = applyScaler(sc, X) as typeof X;
    if (Xte) Xte = applyScaler(sc, Xte) as typeof Xte;
  }
  const threads = o.threads && o.threads > 1 ? enableThreads(o.threads) : 1;
  const times: number[] = [];
  let model: SoftmaxRegression | null = null;
  let reached: number | null = null;
  let reachedIter: number | null = null;
  for (let r = 0; r < (o.repeats ?? 1); r++) {
    const opts: Record<string, unknown> = { C: o.C ?? 1, solver: o.solver ?? 'lbfgs', tol: o.tol ?? 1e-4, maxIter: o.maxIter ?? 10000 };
    if (o.dtype && o.dtype !== 'float64') opts.dtype = o.dtype;
    const m = new SoftmaxRegression(opts as never);
    let reachedAt: number | null = null;
    let reachedAtIter: number | null = null;
    const t0 = performance.now();
    m.fit(X, tr.y, {
      onIteration: (info) => {
        if (reachedAt === null && o.target !== undefined && info.value <= o.target * (1 + 1e-6)) {
          reachedAt = (performance.now() - t0) / 1000;
          reachedAtIter = info.iteration;
        }
      },
    });
    times.push((performance.now() - t0) / 1000);
    model = m;
    reached = reachedAt;
    reachedIter = reachedAtIter;
  }
  if (threads > 1) void disableThreads();
  const fr = model!.fitResult as unknown as { value: number; stopReason: string; iterations: number; functionEvaluations: number; dataPasses?: number };
  let acc: number | null = null;
  if (Xte && te) {
    const pred = model!.predict(Xte as never);
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (String(pred[i]) === String(te.y[i])) ok++;
    acc = ok / pred.length;
  }
  return {
    side: 'ours',
    train,
    n: X.rows,
    d: X.cols,
    k: model!.classes!.length,
    solver: o.solver ?? 'lbfgs',
    dtype: o.dtype ?? 'float64',
    threads,
    fit_s_median: median(times),
    fit_s_all: times,
    n_iter: fr.iterations,
    objective: fr.value,
    stop: fr.stopReason,
    reached_target_s: reached,
    reached_target_iter: reachedIter,
    evaluations: fr.functionEvaluations,
    data_passes: fr.dataPasses ?? null,
    test_acc: acc,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const a = process.argv.slice(2);
  const train = a[0]!;
  const get = (k: string) => {
    const i = a.indexOf(`--${k}`);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const num = (k: string) => (get(k) !== undefined ? Number(get(k)) : undefined);
  console.log(
    JSON.stringify(
      fitBench(train, {
        test: get('test'),
        C: num('C'),
        scale: get('scale') as 'standard' | 'none' | undefined,
        solver: get('solver'),
        tol: num('tol'),
        dtype: get('dtype') as 'float64' | 'float32' | undefined,
        target: num('target'),
        repeats: num('repeats'),
        threads: num('threads'),
        maxIter: num('max-iter'),
      }),
    ),
  );
}
