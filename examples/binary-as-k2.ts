/**
 * Binary logistic regression is softmax regression with K = 2, on breast_cancer (standardized on the training rows).
 *
 * The identity. Two scores [z1, z0] and their softmax: p1 = e^z1 / (e^z1 + e^z0) = 1 / (1 + e^-(z1 - z0)),
 * so softmax([z, 0]) gives sigmoid(z) to the first score (softmax([0, z])_1 = sigmoid(z)), and only the difference
 * of the scores matters. With the two-row parameterization W = [w0; w1] (one row per class, classes[0] first
 * as in the model's coef), the binomial model's single row is w = w1 - w0 and its intercept b = b1 - b0: the same probabilities for every x.
 *
 * How C maps. The binomial objective is F_b(w) = sum_i l(w.x_i) + ||w||^2 / (2 C_b). The two-row one is
 * F_2(w0, w1) = sum_i l((w1 - w0).x_i) + (||w0||^2 + ||w1||^2) / (2 C_2): the loss sees only w = w1 - w0,
 * and for a fixed difference ||w0||^2 + ||w1||^2 is smallest at w1 = w/2, w0 = -w/2 (write w1 = w/2 + v,
 * w0 = -w/2 + v: the sum is ||w||^2/2 + 2||v||^2), where it is ||w||^2 / 2. So min over rows of F_2 is
 * sum_i l(w.x_i) + ||w||^2 / (4 C_2) = F_b(w) with C_b = 2 C_2: the two-row model at C reaches the binomial
 * optimum at 2C (same w, same probabilities, same objective value), with symmetric rows w1 = -w0.
 * The intercepts are not penalized, so only b1 - b0 is determined (the model picks b0 + b1 = 0).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DenseMatrix, SoftmaxRegression, accuracy, applyScaler, fitScaler, logLoss, type Dataset, type Matrix } from '../src/index.js';
import { softmaxInPlace } from '../src/solvers/index.js';
import { loadBuiltinDataset } from '../node/index.js';
import { decisionRegionsSvg } from '../src/plots/index.js';
import { writePlot } from '../node/png.js';
import { printResult, type ExampleFlag, type ExampleOptions, type ExampleResult } from './types.js';

export const description =
  'binary logistic regression as softmax with K = 2 on breast_cancer: sigmoid = softmax([z, 0]), one row vs two rows, C_binomial = 2 C_two-row';

/**
 * scikit-learn 1.2.1 on the same split (standardized on the training rows, newton-cg, tol 1e-12), from
 * `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/examples_sklearn_b.py binary`:
 * the binomial model at C = 1, and its multinomial (two-row) model at C = 0.5, whose test log loss equals
 * the binomial one at C = 1 to 1e-11 (scikit-learn's own check of C_b = 2 C_2).
 */
export const SKLEARN = {
  binomialC1: { testAccuracy: 0.9824561403508771, objective: 29.83467457310723, testLogLoss: 0.0778251491738588 },
  multinomialC05: { testAccuracy: 0.9824561403508771, testLogLoss: 0.07782514916385137 },
};

/** The two standardized features the decision boundary is drawn on (the plot's own two-feature models). */
export const PLOT_FEATURES = ['worst_concave_points', 'worst_area'] as const;

export interface BinaryAsK2Options extends ExampleOptions {
  /** The binomial model's C (default 1); the two-row model is fitted at C / 2 and at C. */
  C?: number | string;
}

export const flags: Record<string, ExampleFlag> = {
  C: { type: 'string', description: 'the binomial model C (default 1); the two-row model is fitted at C / 2 and C' },
};

function column(ds: Dataset, name: string): number {
  const j = ds.featureNames?.indexOf(name) ?? -1;
  if (j < 0) throw new Error(`breast_cancer has no column ${name}`);
  return j;
}

function dense(M: Matrix): DenseMatrix {
  if (!(M instanceof DenseMatrix)) throw new Error('breast_cancer is dense: expected a DenseMatrix');
  return M;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export async function run(options: BinaryAsK2Options): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const C = options.C === undefined ? 1 : Number(options.C);
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`C must be a positive number, got ${String(options.C)}`);
  mkdirSync(options.outDir, { recursive: true });
  const ds = loadBuiltinDataset('breast_cancer');
  // Standardized once here (mean and population std of the training rows), so coef is read on these features.
  const scaler = fitScaler('standard', ds.train.X);
  const X = dense(applyScaler(scaler, ds.train.X));
  const Xt = dense(applyScaler(scaler, ds.test.X));
  const y = ds.train.y;
  const yt = ds.test.y;
  log(
    `breast_cancer: ${X.rows} training rows, ${Xt.rows} test rows, ${X.cols} standardized features, classes ${ds.train.y.filter((v, i, a) => a.indexOf(v) === i).join(', ')}`,
  );

  // 1. The identity on a grid of scores: the library's softmax kernel on [0, z] (scores of classes[0], classes[1])
  // against 1 / (1 + e^-z); softmax([z, 0])_0 is the same identity with the classes' order swapped.
  let identityError = 0;
  const pair = new Float64Array(2);
  for (let z = -40; z <= 40; z += 0.01) {
    pair[0] = 0;
    pair[1] = z; // [z0, z1] = [0, z]: class 1's probability is sigmoid(z)
    softmaxInPlace(pair, 0, 2);
    identityError = Math.max(identityError, Math.abs(pair[1]! - 1 / (1 + Math.exp(-z))));
  }
  log(`softmax([0, z])_1 vs sigmoid(z) on z in [-40, 40] (8001 points): max |difference| = ${identityError.toExponential(2)}`);

  // 2. The fits: tight (exact Newton, tol 1e-12) so the comparisons measure the models, not the stopping rule.
  const tight = { solver: 'newton' as const, tol: 1e-12, maxIter: 200 };
  const binomial = new SoftmaxRegression({ ...tight, C }).fit(X, y);
  const twoRowHalf = new SoftmaxRegression({ ...tight, C: C / 2, multiClass: 'multinomial' }).fit(X, y);
  const twoRowSame = new SoftmaxRegression({ ...tight, C, multiClass: 'multinomial' }).fit(X, y);
  const binomialDouble = new SoftmaxRegression({ ...tight, C: 2 * C }).fit(X, y);
  const w = binomial.coef![0]!;
  const [w0, w1] = twoRowHalf.coef! as [number[], number[]];
  const diff = w1.map((v, j) => v - w0[j]!);
  const bDiff = twoRowHalf.intercept![1]! - twoRowHalf.intercept![0]!;
  const coefError = Math.max(maxAbsDiff(diff, w), Math.abs(bDiff - binomial.intercept![0]!));
  const symmetry = Math.max(
    maxAbsDiff(
      w1,
      w0.map((v) => -v),
    ),
    Math.abs(twoRowHalf.intercept![0]! + twoRowHalf.intercept![1]!),
  );
  const Pb = binomial.predictProbaFlat(Xt);
  const P2 = twoRowHalf.predictProbaFlat(Xt);
  const probaError = maxAbsDiff(Pb, P2);
  const objectiveGap = Math.abs(binomial.fitResult!.value - twoRowHalf.fitResult!.value) / binomial.fitResult!.value;
  // The same C on both is a different model (twice the penalty on w): the probabilities visibly differ,
  // and they match the binomial model at 2C instead.
  const P2same = twoRowSame.predictProbaFlat(Xt);
  const sameCError = maxAbsDiff(Pb, P2same);
  const doubleError = maxAbsDiff(binomialDouble.predictProbaFlat(Xt), P2same);
  // Through the scores: the binomial model's score z = w.x + b, pushed through softmax([0, z]), is its probability.
  const zb = binomial.decisionFunctionFlat(Xt);
  let scoreError = 0;
  for (let i = 0; i < zb.length; i++) {
    pair[0] = 0;
    pair[1] = zb[i]!;
    softmaxInPlace(pair, 0, 2);
    scoreError = Math.max(scoreError, Math.abs(pair[1]! - Pb[2 * i + 1]!));
  }
  log(
    `binomial (C = ${C}): one row, |w| = ${Math.hypot(...w).toFixed(6)}, b = ${binomial.intercept![0]!.toFixed(6)}, F = ${binomial.fitResult!.value.toFixed(9)}`,
  );
  log(
    `two-row (C = ${C / 2}): rows w0, w1; max|w1 - w0 - w| = ${coefError.toExponential(2)}, max|w1 + w0| = ${symmetry.toExponential(2)}, F = ${twoRowHalf.fitResult!.value.toFixed(9)}`,
  );
  log(`test probabilities: binomial(C) vs two-row(C/2) max |difference| = ${probaError.toExponential(2)}; vs two-row(C) ${sameCError.toExponential(2)}`);
  log(`two-row(C) vs binomial(2C): max |difference| = ${doubleError.toExponential(2)}`);

  const accB = accuracy(yt, binomial.predict(Xt));
  const acc2 = accuracy(yt, twoRowHalf.predict(Xt));
  const llB = logLoss(yt, { rows: Xt.rows, cols: 2, data: Pb }, binomial.classes!);
  const ll2 = logLoss(yt, { rows: Xt.rows, cols: 2, data: P2 }, twoRowHalf.classes!);

  // 3. The decision boundary, drawn on two standardized features (a model of those two only: a 30-D
  // boundary has no faithful 2-D picture). Both parameterizations, C and C/2: the same regions.
  const ja = column(ds.train, PLOT_FEATURES[0]);
  const jb = column(ds.train, PLOT_FEATURES[1]);
  const two = (M: typeof X) => DenseMatrix.fromArrays(Array.from({ length: M.rows }, (_, i) => [M.get(i, ja), M.get(i, jb)]));
  const X2 = two(X);
  const Xt2 = two(Xt);
  const names: [string, string] = [`${PLOT_FEATURES[0]} (standardized)`, `${PLOT_FEATURES[1]} (standardized)`];
  const b2 = new SoftmaxRegression({ ...tight, C }).fit(X2, y);
  const r2 = new SoftmaxRegression({ ...tight, C: C / 2, multiClass: 'multinomial' }).fit(X2, y);
  const planeError = maxAbsDiff(b2.predictProbaFlat(Xt2), r2.predictProbaFlat(Xt2));
  const grid = options.quick ? 30 : 60;
  const plots: string[] = [];
  const ext = options.quick ? 'svg' : 'png';
  for (const [model, label, file] of [
    [b2, `binomial, one row w, C = ${C}`, 'regions-binomial'],
    [r2, `two rows [w0; w1], C = ${C / 2}`, 'regions-two-row'],
  ] as const) {
    const acc2d = model.score(Xt2, yt);
    const svg = await decisionRegionsSvg(model, Xt2, yt, {
      grid,
      featureNames: names,
      title: `breast_cancer, ${label}`,
      subtitle: `test rows (accuracy ${(100 * acc2d).toFixed(1)}% on these 2 features); boundary p = 1/2 where the shades meet`,
    });
    const path = join(options.outDir, `${file}.${ext}`);
    writePlot(path, svg);
    plots.push(path);
  }

  const result: ExampleResult = {
    example: 'binary-as-k2',
    figures: [
      { name: 'max |softmax([0,z])_1 - sigmoid(z)|', value: identityError, reference: 0, referenceSource: 'identity (rounding only)' },
      { name: 'max |p binomial(C) - p two-row(C/2)|', value: probaError, reference: 0, referenceSource: 'derivation: C_b = 2 C_2' },
      { name: 'max |w1 - w0 - w|, intercepts too', value: coefError, reference: 0, referenceSource: 'w = w1 - w0' },
      { name: 'max |w1 + w0| (symmetric rows)', value: symmetry, reference: 0, referenceSource: 'penalty picks w1 = -w0' },
      { name: 'relative |F binomial(C) - F two-row(C/2)|', value: objectiveGap, reference: 0, referenceSource: 'same optimum value' },
      { name: 'max |p binomial(C) - p two-row(C)|', value: sameCError, reference: null, note: 'same C is a different model' },
      { name: 'max |p binomial(2C) - p two-row(C)|', value: doubleError, reference: 0, referenceSource: 'derivation' },
      { name: 'max |softmax([0, z_b]) - p binomial|', value: scoreError, reference: 0, referenceSource: 'identity on the fitted scores' },
      {
        name: 'binomial objective F (C = 1)',
        value: binomial.fitResult!.value,
        reference: C === 1 ? SKLEARN.binomialC1.objective : null,
        referenceSource: 'scikit-learn 1.2.1',
      },
      { name: 'test accuracy, binomial', value: accB, reference: SKLEARN.binomialC1.testAccuracy, referenceSource: 'scikit-learn 1.2.1, C = 1' },
      {
        name: 'test accuracy, two-row (C/2)',
        value: acc2,
        reference: SKLEARN.multinomialC05.testAccuracy,
        referenceSource: 'scikit-learn 1.2.1 multinomial, C = 0.5',
      },
      { name: 'test log loss, binomial', value: llB, reference: SKLEARN.binomialC1.testLogLoss, referenceSource: 'scikit-learn 1.2.1, C = 1' },
      {
        name: 'test log loss, two-row (C/2)',
        value: ll2,
        reference: SKLEARN.multinomialC05.testLogLoss,
        referenceSource: 'scikit-learn 1.2.1 multinomial, C = 0.5',
      },
      { name: '2-feature plane: max |p b - p 2-row|', value: planeError, reference: 0, referenceSource: 'the plotted models' },
    ],
    plots,
    notes: [
      `all fits: exact Newton, tol 1e-12, features standardized on the ${X.rows} training rows; figures on the ${Xt.rows} test rows`,
      `decision boundary drawn for models of two standardized features (${PLOT_FEATURES.join(', ')}), not a slice of the 30-feature model`,
    ],
  };
  printResult(result, log);
  return result;
}
