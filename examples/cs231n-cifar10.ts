/**
 * CS231n (Stanford), assignment 1, "softmax.ipynb": a softmax classifier on CIFAR-10 raw pixels.
 *
 *   L(W) = (1/n) sum_i -log softmax(x_i W)_{y_i} + reg ||W||^2,   W: 3073 x 10 (the bias trick: a column of
 *   ones appended to X, so the bias row is part of W and is penalized with it)
 *   dL/dW = (1/n) X^T (P - Y) + 2 reg W
 *
 * The notebook (1) writes the loss with explicit loops and (2) vectorized, times both and checks they agree,
 * (3) checks the gradient numerically at random coordinates, (4) tunes the learning rate and regularization
 * strength on a validation split with mini-batch SGD (batch 200, 1500 iterations), (5) shows the learned W as
 * 32 x 32 x 3 class templates. The assignment asks for over 0.35 validation accuracy on the real data
 * (public solutions report 0.34-0.38).
 *
 * The library's objective is the sum form with scikit-learn's C: F = sum_i loss_i + (1/(2C)) ||W||^2 = n L
 * exactly when 1/(2C) = n reg, so C = 1/(2 n reg); its learning rate is on the mean objective F/n = L, the
 * notebook's step. The naive loss here is the notebook's loops; "vectorized" is the library's objective.
 *
 * CIFAR-10 is not downloaded: with `--data DIR` (or SOFTMAX_CIFAR10_DIR) holding the binary batches
 * (cifar-10-batches-bin: data_batch_1.bin ... data_batch_5.bin, test_batch.bin) the example runs on them;
 * otherwise it writes a generated data set in the same binary format (class templates plus noise) and runs on
 * that, labelled as a demo: the 0.35 target applies to the real data only.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DenseMatrix, SoftmaxError, SoftmaxRegression, accuracy, CIFAR_RECORD, CIFAR_PIXELS, type Dataset } from '../src/index.js';
import { SoftmaxObjective, makeRng, shuffleInPlace } from '../src/solvers/index.js';
import { readDataset, writeFileSafe } from '../node/index.js';
import { renderSvg, type TopLevelSpec } from '../src/plots/index.js';
import { writePlot } from '../node/png.js';
import { printResult, type ExampleFlag, type ExampleOptions, type ExampleResult } from './types.js';

export const description = 'CS231n softmax on CIFAR-10: naive vs vectorized loss, gradient check, lr x reg search with SGD, class templates';

export const flags: Record<string, ExampleFlag> = {
  data: { type: 'string', value: 'DIR', description: 'folder with the CIFAR-10 binary batches (default $SOFTMAX_CIFAR10_DIR; none: a generated demo set)' },
};

export const CIFAR10_CLASSES = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** The assignment's bar for the best validation accuracy on the real CIFAR-10. */
export const CS231N_TARGET_VALIDATION = 0.35;
/** The notebook's grid (its starting suggestion). */
export const LEARNING_RATES = [1e-7, 5e-7];
export const REGULARIZATION_STRENGTHS = [2.5e4, 5e4];

export interface Cs231nOptions extends ExampleOptions {
  /** Folder with data_batch_1.bin ... data_batch_5.bin and test_batch.bin. */
  data?: string;
}

export interface Splits {
  train: Dataset;
  val: Dataset;
  test: Dataset;
  dev: Dataset;
  real: boolean;
  what: string;
}

// ---------------------------------------------------------------------------------------------------------
// Data

/**
 * A demo set in CIFAR-10's binary format: each class is a smooth random colour pattern (a few low-frequency
 * waves per channel); an image is mid-grey plus its class pattern at a random contrast plus pixel noise. Linear
 * templates separate it well but not perfectly, so the search has something to find.
 */
export function generateCifarLike(nImages: number, seed: number, noise = NOISE, templateSeed = 0): Uint8Array {
  // The class patterns come from their own seed, so every file generated shares them (train and test alike).
  const trng = makeRng(templateSeed);
  const rng = makeRng(seed);
  const randn = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const templates: Float64Array[] = [];
  for (let k = 0; k < 10; k++) {
    const t = new Float64Array(CIFAR_PIXELS);
    for (let c = 0; c < 3; c++) {
      for (let wave = 0; wave < 3; wave++) {
        const fx = 1 + Math.floor(trng() * 3);
        const fy = 1 + Math.floor(trng() * 3);
        const phase = 2 * Math.PI * trng();
        const amp = 0.5 + trng();
        for (let p = 0; p < 1024; p++) {
          const r = Math.floor(p / 32);
          const col = p % 32;
          t[c * 1024 + p] = t[c * 1024 + p]! + amp * Math.sin((2 * Math.PI * (fx * col + fy * r)) / 32 + phase);
        }
      }
    }
    templates.push(t);
  }
  const bytes = new Uint8Array(nImages * CIFAR_RECORD);
  for (let i = 0; i < nImages; i++) {
    const k = i % 10;
    const contrast = 2 + 6 * rng();
    const shift = 30 * randn();
    const o = i * CIFAR_RECORD;
    bytes[o] = k;
    for (let j = 0; j < CIFAR_PIXELS; j++) {
      const v = 128 + shift + contrast * templates[k]![j]! + noise * randn();
      bytes[o + 1 + j] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return bytes;
}

/** Pixel noise (standard deviation, in 0-255 units) of the demo images: chosen so a linear model is far from perfect. */
const NOISE = 60;

function rows(ds: Dataset, idx: number[]): Dataset {
  const d = ds.X.cols;
  const src = (ds.X as DenseMatrix).data;
  const X = new Float64Array(idx.length * d);
  idx.forEach((i, r) => X.set(src.subarray(i * d, (i + 1) * d), r * d));
  return { X: new DenseMatrix(idx.length, d, X), y: idx.map((i) => ds.y[i]!), featureNames: null };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function concat(parts: Dataset[]): Dataset {
  const n = parts.reduce((s, p) => s + p.X.rows, 0);
  const X = new Float64Array(n * CIFAR_PIXELS);
  const y: Dataset['y'] = [];
  let r = 0;
  for (const p of parts) {
    X.set((p.X as DenseMatrix).data, r * CIFAR_PIXELS);
    r += p.X.rows;
    for (const v of p.y) y.push(v);
  }
  return { X: new DenseMatrix(n, CIFAR_PIXELS, X), y, featureNames: null };
}

/** CS231n's splits: train, the next rows as validation, the first rows of the test batch, 500 random training rows as dev. */
export function loadSplits(options: Cs231nOptions): Splits {
  const dir = options.data ?? process.env.SOFTMAX_CIFAR10_DIR;
  const quick = options.quick ?? false;
  let full: Dataset;
  let testAll: Dataset;
  let real: boolean;
  let nVal: number;
  let nTest: number;
  let what: string;
  if (dir) {
    const batches = [1, 2, 3, 4, 5].map((b) => join(dir, `data_batch_${b}.bin`)).filter((p) => existsSync(p));
    if (batches.length === 0)
      throw new SoftmaxError('IO_ERROR', `${dir}: no data_batch_1.bin ... data_batch_5.bin here (the CIFAR-10 binary version, cifar-10-batches-bin)`);
    // Raw 0-255 pixels, as the notebook uses them.
    full = concat((quick ? batches.slice(0, 1) : batches).map((p) => readDataset(p, { format: 'cifar', normalize: false })));
    testAll = readDataset(join(dir, 'test_batch.bin'), { format: 'cifar', normalize: false });
    real = true;
    nVal = 1000;
    nTest = 1000;
    what = `CIFAR-10 from ${dir}`;
  } else {
    // The demo: written as binary batches, then read back by the library's CIFAR-10 reader like real data.
    const out = join(options.outDir, 'demo-data');
    mkdirSync(out, { recursive: true });
    const nTrain = quick ? 1500 : 5500;
    nVal = quick ? 300 : 500;
    nTest = quick ? 300 : 500;
    writeFileSafe(join(out, 'data_batch_1.bin'), generateCifarLike(nTrain, 1));
    writeFileSafe(join(out, 'test_batch.bin'), generateCifarLike(nTest, 2));
    full = readDataset(join(out, 'data_batch_1.bin'), { format: 'cifar', normalize: false });
    testAll = readDataset(join(out, 'test_batch.bin'), { format: 'cifar', normalize: false });
    real = false;
    what = `DEMO: generated CIFAR-format data (${out}), not CIFAR-10`;
  }
  const nTrain = full.X.rows - nVal;
  // The notebook's dev set: 500 training rows drawn without replacement.
  const dev = shuffleInPlace(range(0, nTrain), makeRng(0)).slice(0, Math.min(500, nTrain));
  return {
    train: rows(full, range(0, nTrain)),
    val: rows(full, range(nTrain, full.X.rows)),
    test: rows(testAll, range(0, Math.min(nTest, testAll.X.rows))),
    dev: rows(full, dev),
    real,
    what,
  };
}

/** The notebook's preprocessing: subtract the mean training image, then append a column of ones (the bias trick). */
function preprocess(s: Splits): void {
  const n = s.train.X.rows;
  const mean = new Float64Array(CIFAR_PIXELS);
  const tr = (s.train.X as DenseMatrix).data;
  for (let i = 0; i < n; i++) for (let j = 0; j < CIFAR_PIXELS; j++) mean[j] = mean[j]! + tr[i * CIFAR_PIXELS + j]! / n;
  for (const key of ['train', 'val', 'test', 'dev'] as const) {
    const ds = s[key];
    const src = (ds.X as DenseMatrix).data;
    const m = ds.X.rows;
    const X = new Float64Array(m * (CIFAR_PIXELS + 1));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < CIFAR_PIXELS; j++) X[i * (CIFAR_PIXELS + 1) + j] = src[i * CIFAR_PIXELS + j]! - mean[j]!;
      X[i * (CIFAR_PIXELS + 1) + CIFAR_PIXELS] = 1;
    }
    s[key] = { X: new DenseMatrix(m, CIFAR_PIXELS + 1, X), y: ds.y, featureNames: null };
  }
}

// ---------------------------------------------------------------------------------------------------------
// The notebook's loss, with loops (W is D x C, as the notebook stores it: W[j * C + k])

export function softmaxLossNaive(W: Float64Array, X: DenseMatrix, y: ArrayLike<number>, reg: number, C = 10): { loss: number; dW: Float64Array } {
  const n = X.rows;
  const D = X.cols;
  const x = X.data;
  const dW = new Float64Array(D * C);
  const scores = new Float64Array(C);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < C; k++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += x[i * D + j]! * W[j * C + k]!;
      scores[k] = s;
    }
    let max = -Infinity;
    for (let k = 0; k < C; k++) max = Math.max(max, scores[k]!);
    let sum = 0;
    for (let k = 0; k < C; k++) sum += Math.exp(scores[k]! - max);
    loss += Math.log(sum) - (scores[y[i]!]! - max);
    for (let k = 0; k < C; k++) {
      const p = Math.exp(scores[k]! - max) / sum - (k === y[i] ? 1 : 0);
      for (let j = 0; j < D; j++) dW[j * C + k] = dW[j * C + k]! + p * x[i * D + j]!;
    }
  }
  let sq = 0;
  for (let j = 0; j < D * C; j++) {
    sq += W[j]! * W[j]!;
    dW[j] = dW[j]! / n + 2 * reg * W[j]!;
  }
  return { loss: loss / n + reg * sq, dW };
}

/** The same loss through the library: F(w)/n with l2 = 2 n reg, w in the library's K x D layout. */
function softmaxLossVectorized(f: SoftmaxObjective, W: Float64Array, D: number, C = 10): { loss: number; dW: Float64Array } {
  const w = new Float64Array(C * D);
  for (let j = 0; j < D; j++) for (let k = 0; k < C; k++) w[k * D + j] = W[j * C + k]!;
  const g = new Float64Array(C * D);
  const n = f.sumWeights;
  const F = f.valueAndGradient(w, g);
  const dW = new Float64Array(D * C);
  for (let j = 0; j < D; j++) for (let k = 0; k < C; k++) dW[j * C + k] = g[k * D + j]! / n;
  return { loss: F / n, dW };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// ---------------------------------------------------------------------------------------------------------
// Plots

export function templatesSpec(coef: number[][], subtitle: string): TopLevelSpec {
  // The notebook's picture: each class's weights (bias row dropped) rescaled to 0-255 with the global min/max.
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of coef) for (let j = 0; j < CIFAR_PIXELS; j++) ((lo = Math.min(lo, row[j]!)), (hi = Math.max(hi, row[j]!)));
  const scale = (v: number) => Math.round((255 * (v - lo)) / (hi - lo || 1));
  const hex = (v: number) => scale(v).toString(16).padStart(2, '0');
  const values: object[] = [];
  coef.forEach((row, k) => {
    for (let p = 0; p < 1024; p++) {
      values.push({ class: CIFAR10_CLASSES[k], col: p % 32, row: Math.floor(p / 32), rgb: `#${hex(row[p]!)}${hex(row[1024 + p]!)}${hex(row[2048 + p]!)}` });
    }
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Softmax weights as 32 x 32 x 3 class templates', subtitle },
    data: { values },
    facet: { field: 'class', type: 'nominal', sort: CIFAR10_CLASSES, title: null, header: { labelFontSize: 13, labelFontWeight: 'bold', title: null } },
    columns: 5,
    spec: {
      width: 96,
      height: 96,
      mark: { type: 'rect', strokeWidth: 0 },
      encoding: {
        x: { field: 'col', type: 'ordinal', axis: null },
        y: { field: 'row', type: 'ordinal', axis: null },
        fill: { field: 'rgb', type: 'nominal', scale: null, legend: null },
      },
    },
  } as TopLevelSpec;
}

export function searchSpec(grid: { lr: number; reg: number; val: number }[], subtitle: string): TopLevelSpec {
  const vals = grid.map((g) => g.val);
  const mid = (Math.min(...vals) + Math.max(...vals)) / 2;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Validation accuracy, learning rate x regularization', subtitle },
    data: { values: grid.map((g) => ({ lr: g.lr.toExponential(0), reg: g.reg.toExponential(1), val: g.val })) },
    width: 260,
    height: 200,
    encoding: {
      x: { field: 'lr', type: 'ordinal', title: 'learning rate', axis: { labelAngle: 0, grid: false } },
      y: { field: 'reg', type: 'ordinal', title: 'regularization strength', axis: { grid: false } },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'val', type: 'quantitative', title: 'val acc', scale: { scheme: 'blues' } } } },
      {
        mark: { type: 'text', fontSize: 14 },
        encoding: {
          text: { field: 'val', type: 'quantitative', format: '.3f' },
          // Light text on the dark cells, dark text on the light ones.
          color: { condition: { test: `datum.val > ${mid}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------------------

export async function run(options: Cs231nOptions): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const quick = options.quick ?? false;
  mkdirSync(options.outDir, { recursive: true });
  const s = loadSplits(options);
  preprocess(s);
  const D = s.train.X.cols;
  log(
    `${s.what}: train ${s.train.X.rows}, val ${s.val.X.rows}, test ${s.test.X.rows}, dev ${s.dev.X.rows} x ${D} (pixels - mean image, then a bias column of ones)`,
  );

  // (1)-(2) Naive and vectorized loss at a small random W on the dev rows; CS231n: loss ~ -log(0.1) at W ~ 0.
  const rng = makeRng(3);
  const randn = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const W0 = new Float64Array(D * 10).map(() => 0.0001 * randn());
  const reg = 5e-6;
  const devX = s.dev.X as DenseMatrix;
  const devY = Int32Array.from(s.dev.y as number[]);
  const nDev = devX.rows;
  const fDev = new SoftmaxObjective(devX, devY, 10, { l2: 2 * nDev * reg, fitIntercept: false });
  const naiveTimes: number[] = [];
  const vecTimes: number[] = [];
  let naive = softmaxLossNaive(W0, devX, devY, reg);
  let vec = softmaxLossVectorized(fDev, W0, D);
  for (let rep = 0; rep < (quick ? 3 : 7); rep++) {
    // Alternate the two sides so a load spike on the shared machine hits both.
    let t = performance.now();
    naive = softmaxLossNaive(W0, devX, devY, reg);
    naiveTimes.push(performance.now() - t);
    t = performance.now();
    vec = softmaxLossVectorized(fDev, W0, D);
    vecTimes.push(performance.now() - t);
  }
  let diff = 0;
  for (let j = 0; j < D * 10; j++) diff += (naive.dW[j]! - vec.dW[j]!) ** 2;
  const gradDiff = Math.sqrt(diff);
  const naiveMs = median(naiveTimes);
  const vecMs = median(vecTimes);
  log(
    `naive loss ${naive.loss.toFixed(6)} (${naiveMs.toFixed(1)} ms), vectorized ${vec.loss.toFixed(6)} (${vecMs.toFixed(2)} ms); -log(0.1) = ${(-Math.log(0.1)).toFixed(6)}`,
  );
  log(`loss difference ${Math.abs(naive.loss - vec.loss).toExponential(2)}, gradient difference (Frobenius) ${gradDiff.toExponential(2)}`);

  // (3) The notebook's grad_check_sparse: central differences (h = 1e-5) at 10 random coordinates, reg = 5e1.
  const regCheck = 5e1;
  const fCheck = new SoftmaxObjective(devX, devY, 10, { l2: 2 * nDev * regCheck, fitIntercept: false });
  const { dW: gCheck } = softmaxLossVectorized(fCheck, W0, D);
  const h = 1e-5;
  let worstRel = 0;
  let worstAbs = 0;
  const Wp = Float64Array.from(W0);
  for (let t = 0; t < 10; t++) {
    const ix = Math.floor(rng() * D * 10);
    Wp[ix] = W0[ix]! + h;
    const fp = softmaxLossVectorized(fCheck, Wp, D).loss;
    Wp[ix] = W0[ix]! - h;
    const fm = softmaxLossVectorized(fCheck, Wp, D).loss;
    Wp[ix] = W0[ix]!;
    const num = (fp - fm) / (2 * h);
    const ana = gCheck[ix]!;
    worstRel = Math.max(worstRel, Math.abs(num - ana) / (Math.abs(num) + Math.abs(ana)));
    worstAbs = Math.max(worstAbs, Math.abs(num - ana) / Math.max(1, Math.abs(ana)));
  }
  log(`gradient check at 10 random coordinates: max relative error ${worstRel.toExponential(2)} (|num - ana| / (|num| + |ana|))`);

  // (4) Learning rate x regularization on the validation split, mini-batch SGD, batch 200. The notebook runs
  // 1500 iterations: 1500 x 200 / 49,000 = 6 epochs on the real data; the demo runs the same 6 epochs.
  const nTrain = s.train.X.rows;
  const epochs = quick ? 2 : 6;
  const grid: { lr: number; reg: number; val: number; train: number; model: SoftmaxRegression }[] = [];
  const t0 = performance.now();
  for (const lr of LEARNING_RATES) {
    for (const r of REGULARIZATION_STRENGTHS) {
      const model = new SoftmaxRegression({ solver: 'sgd', learningRate: lr, batchSize: 200, epochs, C: 1 / (2 * nTrain * r), fitIntercept: false, tol: 0 });
      model.fit(s.train.X, s.train.y);
      const val = accuracy(s.val.y, model.predict(s.val.X));
      const train = accuracy(s.train.y, model.predict(s.train.X));
      grid.push({ lr, reg: r, val, train, model });
      log(`lr ${lr.toExponential(0)} reg ${r.toExponential(1)}: train accuracy ${train.toFixed(4)}, validation accuracy ${val.toFixed(4)}`);
    }
  }
  const searchSeconds = (performance.now() - t0) / 1000;
  const best = grid.reduce((a, b) => (b.val > a.val ? b : a));
  const testAcc = accuracy(s.test.y, best.model.predict(s.test.X));
  log(`best: lr ${best.lr.toExponential(0)}, reg ${best.reg.toExponential(1)}; validation ${best.val.toFixed(4)}, test ${testAcc.toFixed(4)}`);

  // (5) The templates.
  const plots: string[] = [];
  const label = s.real ? 'CIFAR-10' : 'DEMO data (generated, not CIFAR-10)';
  const templates = join(options.outDir, 'templates.png');
  writePlot(
    templates,
    await renderSvg(
      templatesSpec(
        best.model.coef!.map((row) => row.slice(0, CIFAR_PIXELS)),
        `${label}; lr ${best.lr.toExponential(0)}, reg ${best.reg.toExponential(1)}; validation accuracy ${best.val.toFixed(3)}`,
      ),
    ),
  );
  plots.push(templates);
  const search = join(options.outDir, 'search.png');
  writePlot(search, await renderSvg(searchSpec(grid, `${label}; batch 200, ${epochs} epochs each`)));
  plots.push(search);

  const target = s.real ? CS231N_TARGET_VALIDATION : null;
  const result: ExampleResult = {
    example: 'cs231n-cifar10',
    figures: [
      { name: 'loss at W ~ 0.0001 randn (dev)', value: vec.loss, reference: -Math.log(0.1), referenceSource: 'CS231n sanity check: -log(0.1)' },
      { name: 'naive - vectorized loss', value: Math.abs(naive.loss - vec.loss), reference: null },
      { name: 'naive - vectorized gradient (Frobenius)', value: gradDiff, reference: null },
      { name: 'naive loss ms (loops, median)', value: naiveMs, reference: null, note: `dev ${nDev} x ${D}` },
      { name: 'vectorized loss ms (library, median)', value: vecMs, reference: null, note: `${(naiveMs / vecMs).toFixed(0)}x faster` },
      { name: 'gradient check max relative error', value: worstRel, reference: 1e-6, referenceSource: 'below (10 random coordinates, h = 1e-5)' },
      { name: 'gradient check max error, library measure', value: worstAbs, reference: 1e-6, referenceSource: 'below' },
      {
        name: 'best validation accuracy',
        value: best.val,
        reference: target ?? 'n/a (demo)',
        referenceSource: s.real ? 'CS231n: over 0.35 (public solutions 0.34-0.38)' : 'the 0.35 target applies to real CIFAR-10 only',
        note: s.real ? undefined : 'DEMO data',
      },
      { name: 'test accuracy (best model)', value: testAcc, reference: s.real ? '0.34-0.38' : null, note: s.real ? undefined : 'DEMO data' },
      { name: 'best learning rate', value: best.lr, reference: null },
      { name: 'best regularization strength', value: best.reg, reference: null },
      { name: 'search seconds (4 fits)', value: searchSeconds, reference: null },
    ],
    plots,
    notes: [
      s.what,
      `C = 1/(2 n reg) maps the notebook's mean loss + reg ||W||^2 to the library's objective; SGD batch 200, ${epochs} epochs per setting (the notebook: 1500 iterations = 6 epochs of 49,000)`,
      ...(s.real ? [] : ['no CIFAR-10 given (--data DIR or SOFTMAX_CIFAR10_DIR): these figures are on generated data and say nothing about CIFAR-10']),
    ],
  };
  printResult(result, log);
  return result;
}
