/**
 * `softmax cv`: stratified k-fold cross-validation over a list of C values (and l1 ratios for elastic net).
 * The folds, the warm-started fits along C, the scoring and the choice of the best are the library's
 * SoftmaxRegressionCV (src/model/cv.ts documents them); this command reads the data, runs it and prints it.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { SoftmaxRegressionCV, type CVScoring } from '../../src/model/cv.js';
import { saveModel } from '../../node/model-file.js';
import { addGlobalFlags, emit, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { builtin, readData, checkOneSource } from '../data.js';
import { columns, ms, num } from '../format.js';
import { checkOutput } from '../outputs.js';
import {
  addDataFlags,
  addModelFlags,
  modelOptionsFrom,
  useThreads,
  parseInteger,
  parseNumber,
  parseNumberList,
  parsePositiveInteger,
  type DataFlags,
  type ModelFlags,
} from '../options.js';

interface CvFlags extends GlobalFlags, DataFlags, Omit<ModelFlags, 'C' | 'l1Ratio'> {
  dataset?: string;
  folds: number;
  cs?: number[];
  l1Ratios?: number[];
  scoring: string;
  output?: string;
}

export const DEFAULT_CS = [0.01, 0.1, 1, 10];
export const DEFAULT_FOLDS = 5;
const SCORINGS: readonly CVScoring[] = ['accuracy', 'log-loss'];

export interface CvRow {
  C: number;
  /** Only with penalty elasticnet. */
  l1Ratio?: number;
  mean: number;
  std: number;
  folds: number[];
  /** Folds whose fit stopped without converging. */
  notConverged: number;
  meanIterations: number;
  elapsedMs: number;
}

/** "0,0.5,1" -> [0, 0.5, 1]; the library checks the range. */
function parseRatioList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new InvalidArgumentError(`'${value}' is not a comma-separated list of numbers.`);
  return parts.map(parseNumber);
}

/** One row per (l1Ratio, C), from the library's per-fold scores and fit statistics. */
export function cvRows(cv: SoftmaxRegressionCV): CvRow[] {
  const rows: CvRow[] = [];
  cv.l1Ratios.forEach((r, ri) => {
    cv.Cs.forEach((C, ci) => {
      const stats = cv.fitStats![ri]!.map((fold) => fold[ci]!);
      rows.push({
        C,
        ...(r === null ? {} : { l1Ratio: r }),
        mean: cv.meanScores![ri]![ci]!,
        std: cv.stdScores![ri]![ci]!,
        folds: cv.scores![ri]!.map((fold) => fold[ci]!),
        notConverged: stats.filter((s) => !s.converged).length,
        meanIterations: stats.reduce((a, s) => a + s.iterations, 0) / stats.length,
        elapsedMs: stats.reduce((a, s) => a + s.elapsedMs, 0),
      });
    });
  });
  return rows;
}

async function run(ctx: CommandContext, data: string | undefined, f: CvFlags): Promise<void> {
  checkOneSource(data, f.dataset, "missing DATA: give a labelled data file, '-' for stdin, or --dataset NAME");
  if (!(SCORINGS as readonly string[]).includes(f.scoring)) throw new UsageError(`--scoring must be one of ${SCORINGS.join(', ')}, got '${f.scoring}'`);
  if (f.folds < 2) throw new UsageError(`--folds must be at least 2, got ${f.folds}`);
  checkOutput(f.output);
  const options = modelOptionsFrom(f);
  const seed = f.seed ?? 0;
  const scoring = f.scoring as CVScoring;
  // The library validates every option (and the C / l1-ratio lists) before any data is read.
  const cv = new SoftmaxRegressionCV({
    ...options,
    randomState: seed,
    Cs: f.cs ?? DEFAULT_CS,
    ...(f.l1Ratios ? { l1Ratios: f.l1Ratios } : {}),
    cv: f.folds,
    scoring,
    refit: f.output !== undefined,
  });
  const ds = f.dataset ? builtin(f.dataset).train : await readData(data!, f, ctx.io);
  if (ds.y.length === 0) throw new UsageError('cv needs labelled data: the data has no label column (see --label)');
  await useThreads(f, ds.X, new Set(ds.y).size);
  cv.fit(ds.X, ds.y, { featureNames: ds.featureNames ?? undefined, maxMemory: f.maxMemory });
  if (f.output) saveModel(cv.model!, f.output);
  const rows = cvRows(cv);
  const elastic = cv.l1Ratios[0] !== null;
  const source = f.dataset ? `built-in '${f.dataset}' train split` : data === '-' ? 'stdin' : data!;
  const result = {
    data: source,
    rows: ds.y.length,
    folds: f.folds,
    seed,
    scoring,
    options,
    results: rows,
    bestC: cv.C,
    ...(elastic ? { bestL1Ratio: cv.l1Ratio } : {}),
    bestScore: cv.bestScore,
    output: f.output ?? null,
  };
  emit(ctx, f, result, () => {
    const head = `${f.folds}-fold stratified cross-validation on ${source} (${ds.y.length} rows, seed ${seed}), scoring ${scoring} (${scoring === 'accuracy' ? 'higher' : 'lower'} is better)\n\n`;
    const cols = ['C', ...(elastic ? ['l1 ratio'] : []), `mean ${scoring}`, 'std', 'folds', 'iterations', 'fit time'];
    const body = rows.map((r) => [
      num(r.C),
      ...(elastic ? [num(r.l1Ratio)] : []),
      num(r.mean),
      num(r.std, 2),
      r.folds.map((v) => num(v)).join(' '),
      `${num(r.meanIterations, 3)}${r.notConverged ? ` (${r.notConverged} not converged)` : ''}`,
      ms(r.elapsedMs),
    ]);
    const best = `best C = ${num(cv.C)}${elastic ? `, l1 ratio = ${num(cv.l1Ratio)}` : ''} (mean ${scoring} ${num(cv.bestScore)})`;
    return head + columns(cols, body) + `\n${best}\n` + (f.output ? `saved      ${f.output} (refitted on all ${ds.y.length} rows)\n` : '');
  });
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('cv')
      .description('stratified k-fold cross-validation of each C in a list; prints the score per C and the best C')
      .argument('[DATA]', "labelled data file, or '-' to read CSV from stdin")
      .option('--dataset <name>', "cross-validate on a built-in data set's training split")
      .option('--folds <k>', `number of folds (default ${DEFAULT_FOLDS}); every class needs at least k rows`, parsePositiveInteger, DEFAULT_FOLDS)
      .option('-c, --C <list>', `comma-separated C values (default ${DEFAULT_CS.join(',')})`, parseNumberList)
      .option('--l1-ratio <list>', 'comma-separated elastic-net l1 ratios in [0, 1] (penalty elasticnet; default 0.5)', parseRatioList)
      .option('--scoring <name>', 'accuracy (higher is better) or log-loss (mean -log p of the true class; lower is better); default accuracy', 'accuracy')
      .option('--seed <n>', 'seed for the fold assignment and stochastic solvers (default 0)', parseInteger)
      .option('-o, --output <file>', 'refit on all the data with the best C and save the model');
    addModelFlags(cmd, { withC: false, withL1Ratio: false });
    addDataFlags(cmd);
    addGlobalFlags(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  softmax cv data.csv --folds 5 --C 0.01,0.1,1,10\n  softmax cv data.csv --solver saga --penalty elasticnet --C 0.1,1 --l1-ratio 0.2,0.8 -o best.json',
    );
    cmd.action((data: string | undefined, flags: Omit<CvFlags, 'cs' | 'l1Ratios'> & { C?: number[]; l1Ratio?: number[] }) => {
      // Here --C and --l1-ratio are lists (the library's Cs and l1Ratios), never single model options.
      const { C, l1Ratio, ...rest } = flags;
      return run(ctx, data, { ...rest, cs: C, l1Ratios: l1Ratio });
    });
  },
};
export default command;
