/**
 * `softmax cv`: stratified k-fold cross-validation over a list of C values. For each C and fold, fit on
 * the other folds and score the held-out one; print mean and standard deviation per C and the best C.
 */
import type { Command } from 'commander';
import type { Dataset } from '../../src/data/dataset.js';
import { stratifiedKFold, subsetDataset } from '../../src/data/split.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import { addGlobalFlags, emit, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { builtin, readData } from '../data.js';
import { metricsOf, score } from '../evaluate.js';
import { ms, num } from '../format.js';
import { addDataFlags, addModelFlags, modelOptionsFrom, parseInteger, parseNumberList, parsePositiveInteger, type DataFlags, type ModelFlags } from '../options.js';

interface CvFlags extends GlobalFlags, DataFlags, ModelFlags {
  dataset?: string;
  folds: number;
  cs?: number[];
  scoring: string;
}

export const DEFAULT_CS = [0.01, 0.1, 1, 10];
export const DEFAULT_FOLDS = 5;
const SCORINGS = ['accuracy', 'log-loss'] as const;

export interface CvRow {
  C: number;
  mean: number;
  std: number;
  folds: number[];
  /** Folds whose fit stopped without converging. */
  notConverged: number;
  meanIterations: number;
  elapsedMs: number;
}

/** Population standard deviation across folds (numpy's default, as scikit-learn's cv_results_ std). */
function std(v: number[]): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
}

export function crossValidate(ds: Dataset, options: Record<string, unknown>, cs: number[], folds: number, seed: number, scoring: (typeof SCORINGS)[number]): CvRow[] {
  // Build every model first so a bad option fails before any fitting.
  for (const C of cs) new SoftmaxRegression({ ...options, C });
  const splits = stratifiedKFold(ds.y, folds, seed);
  const parts = splits.map((s) => ({ train: subsetDataset(ds, s.train), test: subsetDataset(ds, s.test) }));
  return cs.map((C) => {
    const scores: number[] = [];
    let notConverged = 0;
    let iters = 0;
    let elapsed = 0;
    for (const p of parts) {
      const model = new SoftmaxRegression({ ...options, C });
      model.fit(p.train.X, p.train.y, { featureNames: p.train.featureNames ?? undefined });
      const fr = model.fitResult!;
      if (!fr.converged) notConverged++;
      iters += fr.iterations;
      elapsed += fr.elapsedMs;
      const m = metricsOf(model, score(model, p.test));
      if (scoring === 'log-loss' && m.logLoss === null) throw new UsageError('a test fold holds a class its training folds lack: use fewer --folds or --scoring accuracy');
      scores.push(scoring === 'accuracy' ? m.accuracy : m.logLoss!);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    return { C, mean, std: std(scores), folds: scores, notConverged, meanIterations: iters / parts.length, elapsedMs: elapsed };
  });
}

async function run(ctx: CommandContext, data: string | undefined, f: CvFlags): Promise<void> {
  if (data && f.dataset) throw new UsageError('give a DATA file or --dataset NAME, not both');
  if (!data && !f.dataset) throw new UsageError("missing DATA: give a labelled data file, '-' for stdin, or --dataset NAME");
  if (!(SCORINGS as readonly string[]).includes(f.scoring)) throw new UsageError(`--scoring must be one of ${SCORINGS.join(', ')}, got '${f.scoring}'`);
  if (f.folds < 2) throw new UsageError(`--folds must be at least 2, got ${f.folds}`);
  const options = modelOptionsFrom(f);
  const cs = f.cs ?? DEFAULT_CS;
  const seed = f.seed ?? 0;
  const ds = f.dataset ? builtin(f.dataset).train : await readData(data!, f, ctx.io);
  if (ds.y.length === 0) throw new UsageError('cv needs labelled data: the data has no label column (see --label)');
  const scoring = f.scoring as (typeof SCORINGS)[number];
  const rows = crossValidate(ds, options, cs, f.folds, seed, scoring);
  const better = (a: CvRow, b: CvRow) => (scoring === 'accuracy' ? a.mean > b.mean : a.mean < b.mean);
  const best = rows.reduce((a, b) => (better(b, a) ? b : a));
  const source = f.dataset ? `built-in '${f.dataset}' train split` : data === '-' ? 'stdin' : data!;
  const result = { data: source, rows: ds.y.length, folds: f.folds, seed, scoring, options, results: rows, bestC: best.C };
  emit(ctx, f, result, () => {
    const head = `${f.folds}-fold stratified cross-validation on ${source} (${ds.y.length} rows, seed ${seed}), scoring ${scoring} (${scoring === 'accuracy' ? 'higher' : 'lower'} is better)\n\n`;
    const cols = ['C', `mean ${scoring}`, 'std', 'folds', 'iterations', 'fit time'];
    const body = rows.map((r) => [
      num(r.C),
      num(r.mean),
      num(r.std, 2),
      r.folds.map((v) => num(v)).join(' '),
      `${num(r.meanIterations, 3)}${r.notConverged ? ` (${r.notConverged} not converged)` : ''}`,
      ms(r.elapsedMs),
    ]);
    const widths = cols.map((c, j) => Math.max(c.length, ...body.map((r) => r[j]!.length)));
    const line = (r: string[]) => r.map((v, j) => v.padEnd(widths[j]!)).join('  ').trimEnd();
    return head + [line(cols), ...body.map(line)].join('\n') + `\n\nbest C = ${num(best.C)} (mean ${scoring} ${num(best.mean)})\n`;
  });
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('cv')
      .description('stratified k-fold cross-validation of each C in a list; prints the score per C and the best C')
      .argument('[DATA]', "labelled data file, or '-' to read CSV from stdin")
      .option('--dataset <name>', "cross-validate on a built-in data set's training split")
      .option('--folds <k>', `number of folds (default ${DEFAULT_FOLDS})`, parsePositiveInteger, DEFAULT_FOLDS)
      .option('--C <list>', `comma-separated C values (default ${DEFAULT_CS.join(',')})`, parseNumberList)
      .option('--scoring <name>', `accuracy or log-loss (default accuracy)`, 'accuracy')
      .option('--seed <n>', 'seed for the fold assignment (default 0)', parseInteger);
    addModelFlags(cmd, { withC: false });
    addDataFlags(cmd);
    addGlobalFlags(cmd);
    cmd.addHelpText('after', '\nExample:\n  softmax cv data.csv --folds 5 --C 0.01,0.1,1,10');
    cmd.action((data: string | undefined, flags: Omit<CvFlags, 'C'> & { C?: number[] }) => {
      // Here --C is a list; the single-C model flag must not reach the model options.
      const { C, ...rest } = flags;
      return run(ctx, data, { ...rest, cs: C });
    });
  },
};
export default command;
