/** `softmax train`: fit a model on a file or a built-in data set, report the fit and its metrics, save it. */
import type { Command } from 'commander';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import type { FitResult } from '../../src/model/state.js';
import { DEFAULT_OPTIONS } from '../../src/model/options.js';
import { defaultLimits, describeEstimate, formatBytes } from '../../src/core/limits.js';
import { saveModel } from '../../node/model-file.js';
import { addGlobalFlags, emit, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { readTrainTest } from '../data.js';
import { metricsLine, metricsOf, score, type SetMetrics } from '../evaluate.js';
import { fitSummaryRows, labelList, optionSummary, table } from '../format.js';
import { addDataFlags, addModelFlags, modelOptionsFrom, useThreads, parseInteger, parseNumber, type DataFlags, type ModelFlags } from '../options.js';
import { fitProgress } from '../progress.js';
import { checkOutput } from '../outputs.js';
import { formatFromPath } from '../../node/io.js';
import { readData } from '../data.js';
import { shouldStream, streamProgress, streamThreshold, type StreamFlags } from '../stream.js';

interface TrainFlags extends GlobalFlags, DataFlags, ModelFlags, StreamFlags {
  dataset?: string;
  test?: string;
  testSize?: number;
  output?: string;
  progress?: boolean;
  verbose?: boolean;
  keepCache?: boolean;
}

export const DEFAULT_SEED = 0;

/**
 * LIBLINEAR's `train DATA MODEL` saves the model to MODEL; here that is -o MODEL. A second argument that is
 * a data file was more likely meant as test data: answer with the command for either meaning.
 */
function modelArgument(data: string | undefined, model: string | undefined, output: string | undefined): string | undefined {
  if (model === undefined) return output;
  if (output !== undefined) throw new UsageError(`give the model file once: as the second argument (${model}) or with -o (${output}), not both`);
  if (model === '-' || formatFromPath(model) !== undefined) {
    throw new UsageError(
      `'${model}' looks like a data file, not a model file. To evaluate on it: softmax train ${data} --test ${model}; to save the model: softmax train ${data} -o model.json`,
    );
  }
  return model;
}

async function run(ctx: CommandContext, data: string | undefined, f: TrainFlags): Promise<void> {
  const seed = f.seed ?? DEFAULT_SEED;
  const options = modelOptionsFrom(f);
  checkOutput(f.output);
  // Validate options before reading anything: a typo in --solver should not wait for a big file to parse.
  const model = new SoftmaxRegression(options);
  if (shouldStream(data, f)) return runStreamed(ctx, data!, f, model);
  const {
    train,
    test,
    source: name,
    testFrom,
  } = await readTrainTest(data, f, ctx.io, 'missing training data: give a DATA file (or - for stdin) or --dataset NAME');
  // Threads: loaded only when this fit may use them (--threads, or 'auto' on a large pass).
  await useThreads(f, train.X, new Set(train.y).size);
  const source = testFrom === 'builtin' ? `built-in data set '${name}' (fixed split)` : name;
  const testSource =
    testFrom === 'builtin'
      ? `'${name}' test split`
      : testFrom === 'split'
        ? `held-out ${test!.y.length} rows (--test-size ${f.testSize}, --seed ${seed})`
        : testFrom === 'file'
          ? f.test!
          : null;

  const progress = fitProgress(ctx.io, model.options.maxIter, f.progress !== false && !f.json);
  const verbose = f.verbose
    ? (info: { iteration: number; value: number; gradientNorm: number }) =>
        void ctx.io.stderr.write(`iter ${info.iteration}  objective ${info.value.toPrecision(12)}  max|g| ${info.gradientNorm.toExponential(3)}\n`)
    : null;
  if (f.verbose) {
    // The peak-memory estimate the fit checks against the budget (formula: docs/reliability.md).
    const est = model.estimateMemory(train.X, train.y);
    ctx.io.stderr.write(`memory: the fit needs ${describeEstimate(est)}; budget ${formatBytes(f.maxMemory ?? defaultLimits().maxMemory)} (--max-memory)\n`);
  }
  try {
    model.fit(train.X, train.y, {
      maxMemory: f.maxMemory,
      featureNames: train.featureNames ?? undefined,
      onIteration: progress || verbose ? (info, w) => (verbose?.(info), progress?.onIteration(info, w)) : undefined,
    });
  } finally {
    progress?.stop();
  }
  const fr = model.fitResult!;
  const trainMetrics = metricsOf(model, score(model, train));
  let testMetrics: SetMetrics | null = null;
  if (test) {
    if (test.y.length === 0) throw new UsageError(`test data ${testSource} has no label column`);
    testMetrics = metricsOf(model, score(model, test));
  }
  if (f.output) saveModel(model, f.output);

  const result = {
    data: source,
    test: testSource,
    classes: model.classes,
    nFeatures: model.nFeatures,
    options: model.options,
    threads: fr.threads ?? 1,
    fit: fitJson(fr),
    train: trainMetrics,
    testMetrics,
    model: f.output ?? null,
  };
  emit(ctx, f, result, () => {
    const o = model.options;
    const rows: Array<[string, string]> = [
      ['data', `${source}: ${train.y.length} rows, ${model.nFeatures} features, ${model.classes!.length} classes (${labelList(model.classes!)})`],
      ['options', optionSummary(o, DEFAULT_OPTIONS)],
      ...fitSummaryRows(fr),
      ['train', metricsLine(trainMetrics)],
    ];
    if (testMetrics) rows.push(['test', `${metricsLine(testMetrics)}  [${testSource}]`]);
    if (f.output) rows.push(['saved', f.output]);
    return table(rows);
  });
}

/**
 * The streamed form of train (docs/streaming.md): the file is read in blocks into the binary cache, the fit
 * replays it; train metrics come from one more pass; --test FILE is read whole (test sets are small).
 */
async function runStreamed(ctx: CommandContext, data: string, f: TrainFlags, model: SoftmaxRegression): Promise<void> {
  if (f.testSize !== undefined) throw new UsageError('--test-size needs all rows at once; a streamed fit (--stream, or a file this large) takes --test FILE');
  if (f.missing !== undefined && f.missing !== 'error') throw new UsageError('--missing mean needs all rows at once: it is not available when streaming');
  if (f.dataFormat !== undefined && f.dataFormat !== 'csv' && f.dataFormat !== 'libsvm')
    throw new UsageError(`--data-format ${f.dataFormat} files are not streamed`);
  const progress = streamProgress(ctx.io, f.progress !== false && !f.json);
  const verbose = f.verbose
    ? (info: { iteration: number; value: number; gradientNorm: number }) =>
        void ctx.io.stderr.write(`iter ${info.iteration}  objective ${info.value.toPrecision(12)}  max|g| ${info.gradientNorm.toExponential(3)}\n`)
    : null;
  if (f.verbose) {
    ctx.io.stderr.write(
      `streaming ${data} in blocks (${f.stream ? '--stream' : `larger than a quarter of the memory budget, ${formatBytes(streamThreshold(f.maxMemory))}`}); cache in ${f.cacheDir ?? 'the default cache directory'}\n`,
    );
  }
  // Loaded only when streaming: the readers pull in zlib and the cache code, which an in-memory train never needs.
  const { openFileCache, streamMetrics, removeCache } = await import('../../node/stream/fit.js');
  const t0 = Date.now();
  let opened: Awaited<ReturnType<typeof openFileCache>>;
  try {
    opened = await openFileCache(data, {
      format: f.dataFormat as 'csv' | 'libsvm' | 'parquet' | undefined,
      label: f.label,
      features: f.features,
      delimiter: f.delimiter,
      nFeatures: f.nFeatures,
      cacheDir: f.cacheDir,
      reuseCache: !f.rebuildCache,
      dtype: model.options.dtype,
      onProgress: progress?.onProgress,
    });
    model.fitBlocks(opened.store, { onIteration: verbose ? (info) => verbose(info) : undefined });
  } finally {
    progress?.stop();
  }
  const { store } = opened;
  const fr = model.fitResult!;
  const trainMetrics = streamMetrics(model, store);
  let testMetrics: SetMetrics | null = null;
  if (f.test) {
    const test = await readData(f.test, f, ctx.io, { ...(model.featureNames ? { features: model.featureNames } : {}) });
    if (test.y.length === 0) throw new UsageError(`test data ${f.test} has no label column`);
    testMetrics = metricsOf(model, score(model, test));
  }
  if (f.output) saveModel(model, f.output);
  const stream = {
    rows: store.summary.n,
    cache: store.binPath,
    cacheBytes: store.meta.bytes,
    cacheReused: opened.reused,
    cacheDtype: store.dtype,
    parser: opened.parser ?? null,
    firstPassMs: opened.firstPassMs,
    passes: store.passes,
    elapsedMs: Date.now() - t0,
  };
  const result = {
    data,
    test: f.test ?? null,
    classes: model.classes,
    nFeatures: model.nFeatures,
    options: model.options,
    // The streamed kernels run on this thread (the worker-thread kernels need X whole).
    threads: 1,
    stream,
    fit: fitJson(fr),
    train: trainMetrics,
    testMetrics,
    model: f.output ?? null,
  };
  if (f.keepCache === false) removeCache(store);
  emit(ctx, f, result, () => {
    const rows: Array<[string, string]> = [
      ['data', `${data}: ${store.summary.n} rows, ${model.nFeatures} features, ${model.classes!.length} classes (${labelList(model.classes!)}), streamed`],
      [
        'cache',
        `${store.binPath} (${formatBytes(store.meta.bytes)}, ${store.dtype}, ${opened.reused ? 'reused' : `first pass ${(opened.firstPassMs / 1000).toFixed(1)} s`}, ${store.passes} passes)`,
      ],
      ['options', optionSummary(model.options, DEFAULT_OPTIONS)],
      ...fitSummaryRows(fr),
      ['train', `accuracy ${trainMetrics.accuracy.toFixed(4)}  log-loss ${trainMetrics.logLoss.toFixed(4)}`],
    ];
    if (testMetrics) rows.push(['test', `${metricsLine(testMetrics)}  [${f.test}]`]);
    if (f.output) rows.push(['saved', f.output]);
    return table(rows);
  });
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('train')
      .description('fit a model on DATA (or a built-in data set); print the fit summary and metrics; -o saves the model')
      .argument('[DATA]', "training data file (CSV with header, .csv.gz, LibSVM, IDX, CIFAR-10 .bin, .parquet), or '-' for CSV on stdin")
      .argument('[MODEL]', "LIBLINEAR's form `train DATA MODEL`: save the model to MODEL (same as -o MODEL)")
      .option(
        '--dataset <name>',
        'train on a built-in data set (iris, wine, breast_cancer, digits, mnist; fashion-mnist when the Debian package dataset-fashion-mnist is installed) with its fixed train/test split',
      )
      .option('--test <file>', 'test data file (same columns as DATA): report test metrics')
      .option('--test-size <f>', 'hold out this fraction of DATA (stratified) as a test set (or a whole number of rows)', parseNumber)
      .option('--seed <n>', `seed for --test-size (and for stochastic solvers) (default ${DEFAULT_SEED})`, parseInteger)
      .option('-o, --output <file>', 'save the fitted model to this JSON file (written atomically)')
      .option('--no-progress', 'never show a progress bar')
      .option('--verbose', 'print the estimated peak memory, then one line per iteration, on stderr')
      .option('--stream', 'read DATA in blocks through a binary cache, never whole (default: when the file is above a quarter of --max-memory)')
      .option('--no-stream', 'never stream, whatever the file size')
      .option('--cache-dir <dir>', 'where a streamed fit keeps its binary cache (default: $SOFTMAX_CACHE_DIR, else <tmpdir>/softmax-regression-cache)')
      .option('--rebuild-cache', 'read the file again even if a cache of the unchanged file exists')
      .option('--no-keep-cache', 'delete the cache after a streamed fit (default: kept, so a refit skips the parse)');
    addModelFlags(cmd);
    addDataFlags(cmd);
    addGlobalFlags(cmd);
    cmd.addHelpText('after', '\nExamples:\n  softmax train --dataset iris\n  softmax train data.csv --label species --test-size 0.2 --C 0.5 -o model.json');
    cmd.action((data: string | undefined, model: string | undefined, flags: TrainFlags) =>
      run(ctx, data, { ...flags, output: modelArgument(data, model, flags.output) }),
    );
  },
};
export default command;

/** The fit summary of `train --json`, the same for in-memory and streamed fits. */
function fitJson(fr: FitResult) {
  return {
    solver: fr.solver,
    converged: fr.converged,
    stopReason: fr.stopReason,
    message: fr.message,
    iterations: fr.iterations,
    objective: fr.value,
    gradientNorm: fr.gradientNorm,
    functionEvaluations: fr.functionEvaluations,
    gradientEvaluations: fr.gradientEvaluations,
    elapsedMs: fr.elapsedMs,
    advice: fr.advice,
  };
}
