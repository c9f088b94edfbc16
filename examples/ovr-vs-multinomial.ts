/**
 * One-vs-rest against the multinomial (softmax) model on iris and digits: accuracy, log loss, Brier score and
 * calibration (expected calibration error, reliability diagrams), on each data set's fixed test split.
 *
 * Multinomial: one joint problem, p = softmax(W x + b), the probabilities are the model's own. One-vs-rest:
 * K independent binary problems (class k against the rest), each sigmoid(z_k) an estimate of P(k | x) made
 * without the others, normalized afterwards as scikit-learn does, p_k = sigmoid(z_k) / sum_l sigmoid(z_l).
 * Nothing fits that normalized vector to the labels, so OvR's probabilities are typically less well
 * calibrated (the sigmoids of classes that are hard to separate from the rest stay low, and the
 * normalization spreads the mass), even where its argmax, hence its accuracy, is close.
 *
 * Expected calibration error (the library's calibrationBins / expectedCalibrationError): rows binned by their
 * top probability into 10 equal-width bins, ECE = sum_b (n_b / n) |accuracy_b - confidence_b|.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SoftmaxRegression, accuracy, brierScore, calibrationBins, eceOfBins, logLoss, type Label } from '../src/index.js';
import { loadBuiltinDataset } from '../node/index.js';
import { calibrationSvg } from '../src/plots/index.js';
import { writePlot } from '../node/png.js';
import { printResult, type ExampleFigure, type ExampleFlag, type ExampleOptions, type ExampleResult } from './types.js';

export const description = 'one-vs-rest vs multinomial on iris and digits: accuracy, log loss, Brier score, calibration error, reliability diagrams';

type Strategy = 'multinomial' | 'ovr';
export const DATASETS = ['iris', 'digits'] as const;
export const STRATEGIES: readonly Strategy[] = ['multinomial', 'ovr'];

export interface StrategyFigures {
  testAccuracy: number;
  testLogLoss: number;
  testBrier: number;
  testEce: number;
}

/**
 * scikit-learn 1.2.1 on the same splits: LogisticRegression(C=1, newton-cg, tol=1e-12, multi_class=...), features
 * standardized on the training rows; Brier = mean sum_k (p_k - [y = k])^2, ECE with the library's bins.
 * From `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/examples_sklearn_b.py ovr`.
 */
export const SKLEARN: Record<(typeof DATASETS)[number], Record<Strategy, StrategyFigures>> = {
  iris: {
    multinomial: { testAccuracy: 0.9666666666666667, testLogLoss: 0.13935075236156544, testBrier: 0.05609250074656003, testEce: 0.11998000768353712 },
    ovr: { testAccuracy: 0.9, testLogLoss: 0.2978386178690092, testBrier: 0.16086003830361298, testEce: 0.16163320512922208 },
  },
  digits: {
    multinomial: { testAccuracy: 0.9694444444444444, testLogLoss: 0.12432290825648971, testBrier: 0.05890435765851648, testEce: 0.017333956061523194 },
    ovr: { testAccuracy: 0.9666666666666667, testLogLoss: 0.13792859097667942, testBrier: 0.06756065870712083, testEce: 0.04830954525705082 },
  },
};

export const BINS = 10;

export interface OvrVsMultinomialOptions extends ExampleOptions {
  /** Inverse regularization (default 1, the reference's). */
  C?: number | string;
}

export const flags: Record<string, ExampleFlag> = {
  C: { type: 'string', description: 'inverse regularization C (default 1; the scikit-learn reference figures are for C = 1)' },
};

export async function run(options: OvrVsMultinomialOptions): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const C = options.C === undefined ? 1 : Number(options.C);
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`C must be a positive number, got ${String(options.C)}`);
  mkdirSync(options.outDir, { recursive: true });
  const figures: ExampleFigure[] = [];
  const plots: string[] = [];
  const notes: string[] = [];
  for (const name of DATASETS) {
    const ds = loadBuiltinDataset(name);
    for (const strategy of STRATEGIES) {
      // tol 1e-10: the reference's optimum, so the comparison is of the two models, not of stopping points.
      const model = new SoftmaxRegression({ C, multiClass: strategy, scale: 'standard', tol: 1e-10, maxIter: 10_000 }).fit(ds.train.X, ds.train.y);
      const classes = model.classes! as Label[];
      const P = { rows: ds.test.X.rows, cols: classes.length, data: model.predictProbaFlat(ds.test.X) };
      const acc = accuracy(ds.test.y, model.predict(ds.test.X));
      const ll = logLoss(ds.test.y, P, classes);
      const brier = brierScore(ds.test.y, P, classes);
      const bins = calibrationBins(ds.test.y, P, classes, { bins: BINS });
      const ece = eceOfBins(bins);
      const ref = C === 1 ? SKLEARN[name][strategy] : null;
      const src = `scikit-learn 1.2.1, ${strategy}`;
      figures.push(
        { name: `${name} ${strategy}: test accuracy`, value: acc, reference: ref?.testAccuracy ?? null, referenceSource: src },
        { name: `${name} ${strategy}: test log loss`, value: ll, reference: ref?.testLogLoss ?? null, referenceSource: src },
        { name: `${name} ${strategy}: test Brier score`, value: brier, reference: ref?.testBrier ?? null, referenceSource: src },
        { name: `${name} ${strategy}: test ECE (${BINS} bins)`, value: ece, reference: ref?.testEce ?? null, referenceSource: src },
      );
      log(
        `${name} ${strategy}: ${model.fitResult!.iterations} iterations; test accuracy ${acc.toFixed(4)}, log loss ${ll.toFixed(4)}, Brier ${brier.toFixed(4)}, ECE ${(100 * ece).toFixed(2)}%`,
      );
      const svg = await calibrationSvg(bins, {
        title: `${name}, ${strategy === 'ovr' ? 'one-vs-rest' : 'multinomial (softmax)'}: reliability diagram`,
        subtitle: `${ds.test.X.rows} test rows, ${BINS} bins; ECE ${(100 * ece).toFixed(2)}%, log loss ${ll.toFixed(3)}, accuracy ${(100 * acc).toFixed(1)}%`,
      });
      const path = join(options.outDir, `reliability-${name}-${strategy}.${options.quick ? 'svg' : 'png'}`);
      writePlot(path, svg);
      plots.push(path);
    }
  }
  notes.push('C = 1, lbfgs, tol 1e-10, features standardized on the training rows; all figures on the fixed test splits (iris 30 rows, digits 360)');
  notes.push('iris has 30 test rows: its ECE moves by 1/30 per row that changes bins, so only the digits calibration figures are more than indicative');
  const result: ExampleResult = { example: 'ovr-vs-multinomial', figures, plots, notes };
  printResult(result, log);
  return result;
}
