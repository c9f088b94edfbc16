/**
 * Getting data for a command: a file, '-' (stdin), or a built-in data set. Reading is the data layer's job
 * (node/io.ts, node/datasets.ts); this maps the flags onto it and checks the combination makes sense.
 */
import type { Dataset, Label } from '../src/index.js';
import { stratifiedSplit, subsetDataset } from '../src/data/split.js';
import { DenseMatrix } from '../src/matrix/dense.js';
import { DataError, listForMessage, OptionError, LimitError } from '../src/errors.js';
import { defaultLimits, formatBytes } from '../src/core/limits.js';
import { readDatasetAsync, readDatasetFromStream, readDatasetFromText } from '../node/io.js';
import { BUILTIN_DATASETS, isBuiltinDataset, loadBuiltinDataset } from '../node/datasets.js';
import { didYouMean } from './suggest.js';
import { RAISE_MEMORY } from '../src/core/limits.js';
import { UsageError, type CliIO } from './context.js';
import type { DataFlags } from './options.js';

export interface ReadOptions {
  /** Label column: undefined = the reader's default (last column), null = the data has no labels. */
  label?: string | null;
  /** Feature columns to select (e.g. the model's feature names). */
  features?: string[];
  /** Width for formats without a header (LibSVM): the model's number of features. */
  nFeatures?: number;
}

/**
 * All of stdin as text (for '-' when a command needs the text itself, e.g. predict --keep), at most
 * `maxMemory` bytes of it: an endless stream is refused at the budget.
 */
export async function readStdin(io: CliIO, maxMemory = defaultLimits().maxMemory): Promise<string> {
  if (!io.stdin) throw new UsageError("'-' reads data from stdin, but no stdin is available");
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  let total = 0;
  for await (const c of io.stdin) {
    total += c.length;
    if (total > maxMemory) {
      throw new LimitError(
        'maxMemory',
        total,
        maxMemory,
        `<stdin>: more than ${formatBytes(maxMemory)} of input, the memory budget (an endless stream?): ${RAISE_MEMORY}, or read from a file`,
      );
    }
    chunks.push(typeof c === 'string' ? c : decoder.decode(c, { stream: true }));
  }
  chunks.push(decoder.decode());
  return chunks.join('');
}

/** Read DATA ('-' = stdin) with the data flags; `over` wins over the flags (commands set label/features). */
export async function readData(path: string, flags: DataFlags, io: CliIO, over: ReadOptions = {}, stdinText?: string): Promise<Dataset> {
  const label = 'label' in over ? over.label : flags.label;
  const opts = {
    format: flags.dataFormat as never,
    label: label as string | null | undefined,
    features: over.features ?? flags.features,
    missing: flags.missing as 'error' | 'mean' | undefined,
    labelsPath: flags.labels,
    delimiter: flags.delimiter,
    nFeatures: flags.nFeatures ?? over.nFeatures,
    maxMemory: flags.maxMemory,
    limits: { maxColumns: flags.maxColumns, maxLineLength: flags.maxLineLength },
  };
  try {
    if (path === '-') {
      if (stdinText !== undefined) return readDatasetFromText(stdinText, opts);
      if (!io.stdin) throw new UsageError("'-' reads data from stdin, but no stdin is available");
      // Parsed as it arrives; more input than the memory budget (an endless stream) is refused.
      return await readDatasetFromStream(io.stdin, opts);
    }
    return await readDatasetAsync(path, opts);
  } catch (e) {
    // Columns picked by the command (the model's features), not by a flag: a missing one is a data problem
    // (exit 1), not bad usage.
    if (over.features && e instanceof OptionError && e.option === 'features') {
      throw new DataError('FEATURE_MISMATCH', `the data lacks a feature the model was trained on: ${e.message.replace(/^option 'features': /, '')}`);
    }
    throw e;
  }
}

export interface BuiltinSplit {
  train: Dataset;
  test: Dataset;
  description: string;
}

export function builtin(name: string): BuiltinSplit {
  if (!isBuiltinDataset(name)) {
    throw new DataError(
      'UNKNOWN_DATASET',
      `unknown data set '${name}'; the built-in data sets are ${BUILTIN_DATASETS.join(', ')}${didYouMean(name, BUILTIN_DATASETS)}`,
    );
  }
  return loadBuiltinDataset(name);
}

/**
 * Labels read from a second file may come back typed differently from the model's classes (a column of
 * "1","2" parsed as numbers in one file and kept as strings in another): map each label to the class with
 * the same text, leaving unknown labels as they are (they then count as errors in the metrics).
 *
 * Unknown labels of the other type (text labels against a model with numeric classes, or the reverse) mean
 * the model and the file disagree on what the labels are: a wrong --label column, or a model trained on an
 * encoded copy. That is named as such (DataError INVALID_LABEL), with examples from both sides.
 */
export function alignLabels(y: Label[], classes: readonly Label[], source = 'the data'): Label[] {
  const byText = new Map<string, Label>();
  for (const c of classes) byText.set(String(c), c);
  const out = y.map((v) => byText.get(String(v)) ?? v);
  const classType = typeof classes[0];
  const foreign = [...new Set(out.filter((v) => typeof v !== classType))];
  if (classes.length > 0 && foreign.length > 0) {
    const rows = out.filter((v) => typeof v !== classType).length;
    const kind = (t: string) => (t === 'number' ? 'numbers' : 'text');
    const show = (vs: readonly Label[]) =>
      vs
        .slice(0, 4)
        .map((v) => JSON.stringify(v))
        .join(', ') + (vs.length > 4 ? ', …' : '');
    throw new DataError(
      'INVALID_LABEL',
      `the labels in ${source} do not match the model's classes: the model's classes are ${kind(classType)} (${show(classes)}) but ${rows} of ${y.length} rows have ${kind(typeof foreign[0])} labels (${show(foreign)}); is --label the column the model was trained on?`,
    );
  }
  return out;
}

export function describe(ds: Dataset, fallback: string): string {
  return ds.source ?? fallback;
}

/**
 * How to read data for a fitted model: its feature names pick and order the CSV columns (an id or label
 * column in the file is then ignored); without names (LibSVM), its width pads the rows.
 */
export function modelColumns(model: { inputFeatureNames: string[] | null; nInputFeatures: number }): ReadOptions {
  // A model with a feature map reads its inputs (featureNames then names the transformed columns).
  return model.inputFeatureNames ? { features: model.inputFeatureNames } : { nFeatures: model.nInputFeatures };
}

/** Refuse DATA together with --dataset, and neither (with the command's own hint). */
export function checkOneSource(data: string | undefined, dataset: string | undefined, missing: string): void {
  if (data && dataset) throw new UsageError('give a DATA file or --dataset NAME, not both');
  if (!data && !dataset) throw new UsageError(missing);
}

/** Keep only the named feature columns of a dense data set (built-in sets are dense). */
export function selectFeatures(ds: Dataset, names: string[]): Dataset {
  const have = ds.featureNames ?? [];
  const idx = names.map((n) => {
    const j = have.indexOf(n);
    if (j < 0) throw new UsageError(`--features: no column '${n}' (columns: ${listForMessage(have, { quote: '' })})`);
    return j;
  });
  const n = ds.X.rows;
  const out = new DenseMatrix(n, idx.length);
  for (let i = 0; i < n; i++) for (let c = 0; c < idx.length; c++) out.data[i * idx.length + c] = ds.X.get(i, idx[c]!);
  return { ...ds, X: out, featureNames: [...names] };
}

export interface TrainTestFlags extends DataFlags {
  dataset?: string;
  test?: string;
  testSize?: number;
  seed?: number;
}

export interface TrainTest {
  train: Dataset;
  test: Dataset | null;
  /** The file name, 'stdin', or the built-in set's name. */
  source: string;
  /** Where the test rows came from: the built-in set's fixed split, a --test-size split of DATA, a --test file. */
  testFrom: 'builtin' | 'split' | 'file' | null;
  /** Built-in data sets: origin and licence. */
  description: string | null;
}

/**
 * Training and (optional) test data from DATA or --dataset, --test FILE or --test-size F (a stratified split
 * seeded by --seed): what train, report and plot share. `features` picks columns (e.g. a loaded model's).
 */
export async function readTrainTest(data: string | undefined, f: TrainTestFlags, io: CliIO, missing: string, features?: string[]): Promise<TrainTest> {
  checkOneSource(data, f.dataset, missing);
  if (f.test && f.testSize !== undefined) throw new UsageError('give --test FILE or --test-size F, not both');
  if (f.dataset && (f.test || f.testSize !== undefined))
    throw new UsageError(`--dataset ${f.dataset} comes with a fixed train/test split: --test and --test-size do not apply`);
  if (f.dataset) {
    const b = builtin(f.dataset);
    const pick = (ds: Dataset) => (features ? selectFeatures(ds, features) : ds);
    return { train: pick(b.train), test: pick(b.test), source: f.dataset, testFrom: 'builtin', description: b.description };
  }
  const source = data === '-' ? 'stdin' : data!;
  const all = await readData(data!, f, io, features ? { features } : {});
  if (all.y.length === 0) throw new UsageError(`${source} has no label column (see --label)`);
  let train = all;
  let test: Dataset | null = null;
  let testFrom: TrainTest['testFrom'] = null;
  if (f.testSize !== undefined) {
    const sp = stratifiedSplit(all.y, f.testSize, f.seed ?? 0);
    train = subsetDataset(all, sp.train);
    test = subsetDataset(all, sp.test);
    testFrom = 'split';
  }
  if (f.test) {
    // Same columns, same order as training, whatever order the test file has them in.
    test = await readData(f.test, f, io, train.featureNames ? { features: train.featureNames } : { nFeatures: train.X.cols });
    testFrom = 'file';
  }
  return { train, test, source, testFrom, description: null };
}
