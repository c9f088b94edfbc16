/**
 * `softmax predict`: the predicted class and per-class probabilities for every row of DATA, as CSV
 * (`predicted`, then one p_<class> column per class; --keep columns first) or JSON lines. Output goes to
 * stdout, or to -o FILE written atomically (the whole output is built first, so an error midway never
 * leaves a partial file). The predicted column is called `predicted`, never `label`, so it cannot be taken
 * for (or collide with) the true label when the two are put side by side.
 *
 * LIBLINEAR's form `predict TEST MODEL OUTPUT` is accepted: the second and third arguments are --model and -o.
 */
import type { Command } from 'commander';
import { listForMessage } from '../../src/errors.js';
import { writeFileAtomic } from '../../node/model-file.js';
import { loadModelAsync } from '../../node/spark.js';
import { readBytes } from '../../node/io.js';
import type { Dataset, Label } from '../../src/index.js';
import { csvTextColumns, sniffDelimiter } from '../../src/data/csv.js';
import { addGlobalFlags, UsageError, type CommandContext, type CommandModule, type GlobalFlags } from '../context.js';
import { builtin, modelColumns, readData, readStdin, checkOneSource } from '../data.js';
import { addDataFlags, parseNameList, type DataFlags } from '../options.js';
import { checkOutput } from '../outputs.js';
import { csvText } from '../safe-output.js';
import { writeFileSafe } from '../../node/safe-write.js';
import type { SoftmaxRegression } from '../../src/index.js';
import { shouldStream, streamProgress, type StreamFlags } from '../stream.js';

interface PredictFlags extends GlobalFlags, DataFlags, StreamFlags {
  progress?: boolean;
  model?: string;
  dataset?: string;
  output?: string;
  format?: string;
  keep?: string[];
}

/** Name of the predicted-class column (CSV) and key (JSON lines). */
export const PREDICTED = 'predicted';

/** A CSV field: quoted when it holds a delimiter, quote or line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A label or column name as a CSV field: formula-escaped text (see csvText), then quoted as needed. */
export function csvLabelField(v: string | number): string {
  return csvField(typeof v === 'number' ? String(v) : csvText(v));
}

/** Text of DATA, for reading the --keep columns next to the features (stdin is read once, by the caller). */
function textOf(path: string, stdinText: string | null): string {
  return path === '-' ? stdinText! : new TextDecoder('utf-8').decode(readBytes(path));
}

/** The --keep columns of a built-in set: its feature columns and `label`. */
function keepFromDataset(ds: Dataset, names: string[], dataset: string): Map<string, string[]> {
  const cols = new Map<string, string[]>();
  for (const nm of names) {
    if (nm === 'label') cols.set(nm, ds.y.map(String));
    else {
      const j = ds.featureNames?.indexOf(nm) ?? -1;
      if (j < 0)
        throw new UsageError(
          `--keep: no column '${nm}' in the built-in data set '${dataset}' (columns: ${listForMessage([...(ds.featureNames ?? []), 'label'], { quote: '' })})`,
        );
      cols.set(
        nm,
        Array.from({ length: ds.X.rows }, (_, i) => String(ds.X.get(i, j))),
      );
    }
  }
  return cols;
}

async function run(ctx: CommandContext, data: string | undefined, f: PredictFlags): Promise<void> {
  checkOneSource(data, f.dataset, "missing DATA: give a data file, '-' for stdin, or --dataset NAME");
  if (!f.model) throw new UsageError('missing the model: give --model FILE (a model saved by softmax train -o FILE)');
  const format = f.format ?? (f.json && !f.output ? 'jsonl' : 'csv');
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be 'csv' or 'jsonl', got '${format}'`);
  checkOutput(f.output);
  const model = await loadModelAsync(f.model);
  const classes = model.classes!;
  const keep = f.keep ?? [];
  const outNames = [PREDICTED, ...classes.map((c) => `p_${c}`)];
  const clash = keep.find((k) => outNames.includes(k));
  if (clash) throw new UsageError(`--keep: column '${clash}' would clash with an output column (${listForMessage(outNames, { quote: '' })})`);
  if (!f.dataset && shouldStream(data, f)) return runStreamed(ctx, data!, f, model, format, outNames);
  // With --keep the text is read here once, parsed for the features and scanned for the kept columns.
  const stdinText = data === '-' && keep.length > 0 ? await readStdin(ctx.io) : null;
  let ds: Dataset;
  let kept = new Map<string, string[]>();
  if (f.dataset) {
    ds = builtin(f.dataset).test;
    if (keep.length) kept = keepFromDataset(ds, keep, f.dataset);
  } else {
    // The model's feature names pick the columns (so a label or id column in the file is ignored); without
    // them, the file must hold exactly the model's features unless --label names a column to drop.
    ds = await readData(data!, f, ctx.io, { label: f.label ?? null, ...modelColumns(model) }, stdinText ?? undefined);
    if (keep.length) {
      if (!model.featureNames && f.dataFormat !== 'csv') throw new UsageError('--keep names CSV columns; this data has no column names (LibSVM)');
      const text = textOf(data!, stdinText);
      kept = csvTextColumns(text, keep, {
        delimiter: f.delimiter ?? (/\.tsv(\.gz)?$/i.test(data!) ? '\t' : sniffDelimiter(text)),
        file: data === '-' ? '<stdin>' : data,
      });
    }
  }
  const P = model.predictProbaFlat(ds.X);
  const K = classes.length;
  const n = P.length / K;
  const labelOf = (i: number): Label => {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + best]!) best = k;
    return classes[best]!;
  };
  const keptCols = keep.map((k) => kept.get(k)!);
  const parts: string[] = [];
  if (format === 'csv') {
    parts.push([...keep, ...outNames].map(csvLabelField).join(',') + '\n');
    for (let i = 0; i < n; i++) {
      // Kept cells and labels are text from the data: formula-escaped (numbers pass unchanged).
      const row = keptCols.map((c) => csvField(csvText(c[i]!)));
      row.push(csvLabelField(labelOf(i)));
      for (let k = 0; k < K; k++) row.push(String(P[i * K + k]));
      parts.push(row.join(',') + '\n');
    }
  } else {
    for (let i = 0; i < n; i++) {
      // No prototype: a class named __proto__ is then an ordinary key.
      const proba: Record<string, number> = Object.create(null) as Record<string, number>;
      classes.forEach((c, k) => (proba[String(c)] = P[i * K + k]!));
      const rec: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      keep.forEach((k, t) => (rec[k] = keptCols[t]![i]));
      rec[PREDICTED] = labelOf(i);
      rec.proba = proba;
      parts.push(JSON.stringify(rec) + '\n');
    }
  }
  if (f.output !== undefined) {
    // The lines as chunks: no single giant string for large outputs.
    writeFileAtomic(f.output, parts);
    const summary = { rows: n, classes, output: f.output, format };
    ctx.io.stdout.write(f.json ? JSON.stringify(summary) + '\n' : `wrote ${n} predictions (${format}) to ${f.output}\n`);
  } else for (let i = 0; i < parts.length; i += 4096) ctx.io.stdout.write(parts.slice(i, i + 4096).join(''));
}

/**
 * Predictions for a file read in blocks (docs/streaming.md): the input goes through a binary cache (the
 * first pass), then every block is predicted and its lines handed to the output as they are made, so
 * memory stays at a block whatever the size. An output file is written as every output is
 * (node/safe-write.ts): to a temporary file renamed over the target at the end, so an error midway leaves
 * the previous file, never a half-written one.
 */
async function runStreamed(ctx: CommandContext, data: string, f: PredictFlags, model: SoftmaxRegression, format: string, outNames: string[]): Promise<void> {
  if (f.keep?.length) throw new UsageError('--keep is not available when streaming (the kept columns are read whole); use --no-stream, or split the file');
  if (f.missing !== undefined && f.missing !== 'error') throw new UsageError('--missing mean needs all rows at once: it is not available when streaming');
  const classes = model.classes!;
  const K = classes.length;
  const progress = streamProgress(ctx.io, f.progress !== false && !f.json && f.output !== undefined);
  // Loaded only when streaming (zlib, the cache code).
  const { inputBlocks, openFileCache, removeCache } = await import('../../node/stream/fit.js');
  let opened: Awaited<ReturnType<typeof openFileCache>>;
  try {
    opened = await openFileCache(data, {
      format: f.dataFormat as 'csv' | 'libsvm' | 'parquet' | undefined,
      label: f.label ?? null,
      ...(model.inputFeatureNames ? { features: model.inputFeatureNames } : {}),
      delimiter: f.delimiter,
      nFeatures: f.nFeatures ?? (model.inputFeatureNames ? undefined : model.nInputFeatures),
      cacheDir: f.cacheDir,
      reuseCache: false,
      dtype: 'float64',
      requireLabels: false,
      onProgress: progress?.onProgress,
    });
  } catch (e) {
    progress?.stop();
    throw e;
  }
  const { store } = opened;
  let n = 0;
  function* lines(): Generator<string> {
    if (format === 'csv') yield outNames.map(csvLabelField).join(',') + '\n';
    for (const { X } of inputBlocks(store)) {
      const P = model.predictProbaFlat(X);
      const out: string[] = [];
      for (let i = 0; i < X.rows; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (P[i * K + k]! > P[i * K + best]!) best = k;
        if (format === 'csv') {
          const row = [csvLabelField(classes[best]!)];
          for (let k = 0; k < K; k++) row.push(String(P[i * K + k]));
          out.push(row.join(',') + '\n');
        } else {
          const proba: Record<string, number> = Object.create(null) as Record<string, number>;
          classes.forEach((c, k) => (proba[String(c)] = P[i * K + k]!));
          const rec: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          rec[PREDICTED] = classes[best];
          rec.proba = proba;
          out.push(JSON.stringify(rec) + '\n');
        }
      }
      n += X.rows;
      yield out.join('');
    }
  }
  try {
    if (f.output !== undefined) {
      writeFileSafe(f.output, lines());
      const summary = { rows: n, classes, output: f.output, format, streamed: true };
      ctx.io.stdout.write(f.json ? JSON.stringify(summary) + '\n' : `wrote ${n} predictions (${format}, streamed) to ${f.output}\n`);
    } else {
      const out = ctx.io.stdout as NodeJS.WritableStream & { once?: (ev: string, cb: () => void) => void };
      for (const chunk of lines()) {
        if (!out.write(chunk) && typeof out.once === 'function') await new Promise<void>((res) => out.once!('drain', res));
      }
    }
  } finally {
    progress?.stop();
    removeCache(store);
  }
}

/** LIBLINEAR's `predict TEST MODEL OUTPUT`: positional MODEL and OUTPUT, unless given as flags too. */
function positional(model: string | undefined, output: string | undefined, f: PredictFlags): PredictFlags {
  if (model !== undefined && f.model !== undefined)
    throw new UsageError(`give the model once: as the second argument (${model}) or with --model (${f.model}), not both`);
  if (output !== undefined && f.output !== undefined)
    throw new UsageError(`give the output once: as the third argument (${output}) or with -o (${f.output}), not both`);
  return { ...f, model: f.model ?? model, output: f.output ?? output };
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('predict')
      .description('predict classes and class probabilities for DATA with a saved model')
      .argument('[DATA]', "data file, or '-' to read CSV from stdin")
      .argument('[MODEL]', "LIBLINEAR's form `predict DATA MODEL [OUTPUT]`: the model file (same as --model MODEL)")
      .argument('[OUTPUT]', 'with MODEL: the output file (same as -o OUTPUT)')
      .option('-m, --model <file>', 'model file saved by softmax train -o')
      .option('--dataset <name>', "predict a built-in data set's test split")
      .option('-o, --output <file>', 'write predictions here (atomically) instead of stdout')
      .option('--keep <columns>', 'comma-separated input columns to copy to the output before the predictions (e.g. an id)', parseNameList)
      .option(
        '--format <format>',
        'csv (kept columns, predicted, p_<class>...) or jsonl ({"predicted":..,"proba":{..}} per line); default csv, or jsonl with --json',
      )
      .option('--stream', 'read DATA in blocks and write predictions as they are made (default: when the file is above a quarter of --max-memory)')
      .option('--no-stream', 'never stream, whatever the file size')
      .option('--cache-dir <dir>', 'where the streamed input is staged (default: $SOFTMAX_CACHE_DIR, else <tmpdir>/softmax-regression-cache)')
      .option('--no-progress', 'never show a progress bar');
    addDataFlags(cmd);
    addGlobalFlags(cmd);
    cmd.addHelpText(
      'after',
      '\nExamples:\n  softmax predict --model model.json new.csv --keep id -o predictions.csv\n  cat new.csv | softmax predict --model model.json - --format jsonl\n  softmax predict new.csv model.json predictions.csv   (LIBLINEAR order)',
    );
    cmd.action((data: string | undefined, model: string | undefined, output: string | undefined, flags: PredictFlags) =>
      run(ctx, data, positional(model, output, flags)),
    );
  },
};
export default command;
