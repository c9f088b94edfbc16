/**
 * `softmax report`: a self-contained HTML report (fit summary, metrics, the math, every plot that applies)
 * for a saved model (--model) or for a model trained here on DATA / --dataset. Also home of the
 * model-and-data resolution `softmax plot` shares.
 */
import type { Command } from 'commander';
import { type Dataset, DataError, SoftmaxRegression, regularizationPath, type PathResult } from '../../src/index.js';
import { loadModelAsync } from '../../node/spark.js';
import { addGlobalFlags, emit, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { alignLabels, modelColumns, readData, readTrainTest, type TrainTestFlags } from '../data.js';
import { displayName, num, table } from '../format.js';
import { checkOutput } from '../outputs.js';
import { addDataFlags, addModelFlags, modelOptionsFrom, useThreads, parseInteger, parseNumber, parseNumberList, type ModelFlags } from '../options.js';

export interface SourceFlags extends GlobalFlags, TrainTestFlags, ModelFlags {
  model?: string;
}

export interface Resolved {
  model: SoftmaxRegression;
  /** The rows the model was (or is taken to be) trained on; null when a saved model is only evaluated. */
  train: Dataset | null;
  /** Held-out or evaluation rows. */
  test: Dataset | null;
  trainName: string | null;
  testName: string | null;
  description: string | null;
  /** Whether the model was trained by this command (vs loaded). */
  trained: boolean;
}

/**
 * Model and data from the flags: --model or a fit on the training data; DATA or --dataset.
 *
 * With a saved model, DATA alone (no --test, no --test-size) is evaluation data, not training data: the model
 * was fitted elsewhere, so it is named as what it is and nothing is refitted on it; `--test T` alone (no
 * DATA) evaluates on T. DATA with --test or --test-size keeps its training role (e.g. for a path).
 */
export async function resolveModelAndData(ctx: CommandContext, data: string | undefined, f: SourceFlags): Promise<Resolved> {
  const loaded = f.model ? await loadModelAsync(f.model) : null;
  // Validate model options before reading data, as train does.
  const fresh = loaded ? null : new SoftmaxRegression(modelOptionsFrom(f));
  if (loaded && !f.dataset && f.testSize === undefined && (data === undefined) !== (f.test === undefined)) {
    const file = (data ?? f.test)!;
    const name = `${displayName(file)} (evaluation data)`;
    const ds = await readData(file, f, ctx.io, f.features ? { features: f.features } : modelColumns(loaded));
    if (ds.y.length === 0) throw new UsageError(`${displayName(file)} has no label column (see --label): a report needs labelled data`);
    if (ds.X.cols !== loaded.nInputFeatures)
      throw new DataError('FEATURE_MISMATCH', `the data has ${ds.X.cols} features but model ${displayName(f.model!)} takes ${loaded.nInputFeatures}`);
    const test = { ...ds, y: alignLabels(ds.y, loaded.classes!, name) };
    return { model: loaded, train: null, test, trainName: null, testName: name, description: null, trained: false };
  }
  const tt = await readTrainTest(
    data,
    f,
    ctx.io,
    "missing data: give a DATA file ('-' for stdin), --dataset NAME, or with --model only --test FILE",
    f.features ?? loaded?.inputFeatureNames ?? undefined,
  );
  let { train, test } = tt;
  if (!loaded && train) await useThreads(f, train.X, new Set(train.y).size);
  const src = displayName(tt.source);
  let trainName = tt.testFrom === 'builtin' ? `${src} (train)` : tt.testFrom === 'split' ? `${src} (train split)` : src;
  if (loaded && tt.testFrom !== 'builtin') trainName = `${trainName}, as training data`;
  const testName =
    tt.testFrom === 'builtin'
      ? `${src} (test)`
      : tt.testFrom === 'split'
        ? `${src} (held-out ${test!.y.length} rows)`
        : tt.testFrom === 'file'
          ? displayName(f.test!)
          : null;
  const description = tt.description;
  let model: SoftmaxRegression;
  if (loaded) {
    model = loaded;
    if (train.X.cols !== model.nInputFeatures)
      throw new DataError('FEATURE_MISMATCH', `the data has ${train.X.cols} features but model ${displayName(f.model!)} takes ${model.nInputFeatures}`);
    train = { ...train, y: alignLabels(train.y, model.classes!, trainName) };
    if (test) test = { ...test, y: alignLabels(test.y, model.classes!, testName!) };
  } else {
    model = fresh!.fit(train.X, train.y, { featureNames: train.featureNames ?? undefined, maxMemory: f.maxMemory });
  }
  return { model, train, test, trainName, testName, description, trained: !loaded };
}

/** Default C grid of the regularization path: 10^-3 .. 10^2, two points per decade. */
export const DEFAULT_PATH_GRID = [0.001, 0.00316, 0.01, 0.0316, 0.1, 0.316, 1, 3.16, 10, 31.6, 100];
/** Paths with more coefficients than this are skipped unless asked for: 11 fits of MNIST take minutes, and 7,840 lines are unreadable. */
export const MAX_PATH_COEFFICIENTS = 1000;

/** The library's warm-started regularization path, with the model's options, on the training rows. */
export function computePath(model: SoftmaxRegression, train: Dataset, grid: number[]): PathResult {
  const { C: _c, warmStart: _w, verbose: _v, ...opts } = model.options;
  return regularizationPath(train.X, train.y, { ...opts, Cs: grid });
}

/**
 * Where the model and data come from (the flags resolveModelAndData reads), plus the model, data-reading and
 * global flags: shared by `report` and `plot`.
 */
export function addSourceFlags(cmd: Command, verb: string): Command {
  cmd
    .option('-m, --model <file>', `${verb} this saved model (default: train one on the training data with the model flags)`)
    .option(
      '--dataset <name>',
      'a built-in data set (iris, wine, breast_cancer, digits, mnist; fashion-mnist when the Debian package dataset-fashion-mnist is installed) with its fixed train/test split',
    )
    .option('--test <file>', 'held-out data file: metrics and plots on it')
    .option('--test-size <f>', 'hold out this fraction of DATA (stratified) as the test set', parseNumber)
    .option('--seed <n>', 'seed for --test-size and stochastic solvers (default 0)', parseInteger);
  addModelFlags(cmd);
  addDataFlags(cmd);
  return addGlobalFlags(cmd);
}

interface ReportFlags extends SourceFlags {
  output: string;
  title?: string;
  path?: boolean | number[];
  imageShape?: [number, number];
}

export function parseImageShape(v: string): [number, number] {
  const m = /^(\d+)x(\d+)$/i.exec(v.trim());
  if (!m || +m[1]! < 1 || +m[2]! < 1) throw new UsageError(`--image-shape: expected WIDTHxHEIGHT like 28x28, got '${v}'`);
  return [+m[1]!, +m[2]!];
}

async function run(ctx: CommandContext, data: string | undefined, f: ReportFlags): Promise<void> {
  checkOutput(f.output);
  const r = await resolveModelAndData(ctx, data, f);
  const nCoef = r.model.nFeatures * r.model.nClasses;
  let path: PathResult | null = null;
  // A path refits the model along C on training rows: by default only for a model trained here. For a
  // saved model only when asked (--path C1,C2,...) and on data given as training data, and the report says so.
  if (Array.isArray(f.path) && !r.train)
    throw new UsageError(
      '--path refits the model along C on training data: give DATA with --test FILE or --test-size F (or --dataset); a file given alone with --model is evaluation data',
    );
  const wantPath = f.path !== false && r.train !== null && (Array.isArray(f.path) || (r.trained && nCoef <= MAX_PATH_COEFFICIENTS));
  if (wantPath) path = computePath(r.model, r.train!, Array.isArray(f.path) ? f.path : DEFAULT_PATH_GRID);
  const pathNote = path && !r.trained ? `refitted here with the saved model's options on ${r.trainName}` : undefined;
  // The report (and the plotting it needs) loads only for this command.
  const { writeReport } = await import('../../node/report.js');
  const bytes = await writeReport(f.output, {
    model: r.model,
    train: r.train ? { X: r.train.X, y: r.train.y, name: r.trainName! } : null,
    test: r.test ? { X: r.test.X, y: r.test.y, name: r.testName! } : null,
    description: r.description ?? undefined,
    title:
      f.title ??
      (r.trained ? `Softmax regression on ${f.dataset ?? (data === '-' ? 'stdin' : displayName(data!))}` : `Softmax regression: ${displayName(f.model!)}`),
    imageShape: f.imageShape,
    path,
    pathNote,
    generator: 'made by softmax report (softmax-regression)',
  });
  const acc = (ds: Dataset) => r.model.score(ds.X, ds.y);
  const result = {
    output: f.output,
    bytes,
    model: f.model ?? null,
    trained: r.trained,
    trainAccuracy: r.train ? acc(r.train) : null,
    testAccuracy: r.test ? acc(r.test) : null,
    trainData: r.trainName,
    testData: r.testName,
    path: path ? path.points.map((p) => p.C) : null,
  };
  emit(ctx, f, result, () =>
    table([
      ['report', `${f.output} (${(bytes / 1024).toFixed(0)} kB, self-contained)`],
      ['model', f.model ? `loaded from ${f.model}` : `trained here (${r.model.fitResult?.message ?? ''})`],
      ...(r.train ? ([['train', `accuracy ${num(result.trainAccuracy)} (${r.trainName})`]] as Array<[string, string]>) : []),
      ...(r.test ? ([[r.train ? 'test' : 'evaluation', `accuracy ${num(result.testAccuracy)} (${r.testName})`]] as Array<[string, string]>) : []),
      [
        'path',
        path
          ? `${path.points.length} values of C${pathNote ? ` (${pathNote})` : ''}`
          : !r.trained && f.path !== false
            ? 'off (the model was loaded: a path refits it; ask with --path C1,C2,... and training data)'
            : nCoef > MAX_PATH_COEFFICIENTS && f.path !== false
              ? `skipped (${nCoef} coefficients; ask with --path C1,C2,...)`
              : 'off',
      ],
    ]),
  );
}

function parsePathFlag(v: string): number[] {
  return parseNumberList(v);
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('report')
      .description('write a self-contained HTML report (fit summary, metrics, math, plots) for a saved or freshly trained model')
      .argument('[DATA]', "labelled data file, or '-' for CSV on stdin")
      .requiredOption('-o, --output <file>', 'HTML file to write')
      .option('--title <text>', 'report title')
      .option(
        '--image-shape <WxH>',
        'features are WxH images: show weights as image tiles (default: tiles only when the features look like pixels, else a feature x class heat map)',
        parseImageShape,
      )
      .option(
        '--path <Cs>',
        `regularization path over these C values (default ${DEFAULT_PATH_GRID.length} values 1e-3..1e2 when K x d <= ${MAX_PATH_COEFFICIENTS})`,
        parsePathFlag,
      )
      .option('--no-path', 'no regularization path');
    addSourceFlags(cmd, 'report on');
    cmd.addHelpText(
      'after',
      '\nWith --model, DATA alone (or --test FILE alone) is evaluation data: metrics and plots on it, nothing refitted.\n\nExamples:\n  softmax report --dataset digits -o report.html\n  softmax report --model model.json test.csv -o report.html\n  softmax report --model model.json train.csv --test test.csv -o report.html',
    );
    cmd.action((d: string | undefined, flags: ReportFlags) => run(ctx, d, flags));
  },
};
export default command;
