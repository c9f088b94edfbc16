/**
 * UFLDL's softmax regression exercise (Stanford, Ng et al.), reproduced on the MNIST subset the package ships.
 *
 * The exercise minimizes, over Theta (K x d, no bias),
 *
 *   J(Theta) = -(1/n) sum_i log p(y_i | x_i) + (lambda/2) ||Theta||^2,   lambda = 1e-4,
 *
 * with minFunc's L-BFGS for 100 iterations, after checking its gradient numerically on a small random problem
 * (its DEBUG mode: 8 features, 100 samples). The library's objective is the sum form with scikit-learn's C,
 *
 *   F(W) = sum_i loss_i + (1/(2C)) ||W||^2 = n * J   when   1/C = n lambda,   i.e.   C = 1/(n lambda),
 *
 * so the same minimizer: C = 1.25 on the 8,000 training rows (C = 1/6 on UFLDL's 60,000).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DenseMatrix, SoftmaxRegression, accuracy, subsetDataset, type Dataset } from '../src/index.js';
import { SoftmaxObjective, checkGradient, makeRng } from '../src/solvers/index.js';
import { loadBuiltinDataset } from '../node/index.js';
import { trainingCurvesSvg, weightsSvg } from '../src/plots/index.js';
import { writePlot } from '../node/png.js';
import { printResult, type ExampleOptions, type ExampleResult } from './types.js';

export const description = 'UFLDL softmax exercise: lambda = 1e-4 weight decay, no bias, L-BFGS 100 iterations, gradient check (MNIST subset)';

/** UFLDL's weight decay on the mean loss. */
export const LAMBDA = 1e-4;
/** The exercise's reported test accuracy (full MNIST, 60,000 / 10,000). */
export const UFLDL_REPORTED_ACCURACY = 0.922;
/**
 * scikit-learn 1.2.1 on the same rows and split (data/mnist10k_train.csv.gz / _test.csv.gz, pixels in [0, 1]):
 * LogisticRegression(C=1.25, fit_intercept=False, solver='lbfgs', max_iter=100, tol=1e-12,
 * multi_class='multinomial'), i.e. the same objective and the same 100 L-BFGS iterations. Obtained with
 * `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/examples_sklearn.py ufldl` (its JSON line:
 * n_iter 100, train_accuracy 0.976, test_accuracy 0.8995).
 */
export const SKLEARN_TEST_ACCURACY = 0.8995;
export const SKLEARN_TRAIN_ACCURACY = 0.976;

export interface UfldlOptions extends ExampleOptions {
  /** L-BFGS iterations (default 100, the exercise's; 40 with quick). */
  maxIter?: number;
}

/** UFLDL's DEBUG problem: 8 features, 100 samples, 10 classes, random data, Theta = 0.005 randn. */
function gradientCheck(): { error: number; relativeNormDiff: number; dimension: number } {
  const rng = makeRng(7);
  const randn = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const n = 100;
  const d = 8;
  const K = 10;
  const X = new Float64Array(n * d).map(randn);
  const y = Int32Array.from({ length: n }, () => Math.floor(rng() * K));
  // n * J = sum loss + (n lambda / 2)||Theta||^2: the library's objective with l2 = n lambda.
  const f = new SoftmaxObjective(new DenseMatrix(n, d, X), y, K, { l2: n * LAMBDA, fitIntercept: false, kernel: 'js' });
  const theta = new Float64Array(f.dimension).map(() => 0.005 * randn());
  // UFLDL's checkNumericalGradient uses a fixed step of 1e-4; the library's default (cbrt(eps) ~ 6e-6) is also fine.
  const r = checkGradient(f, theta, { hessianDirections: 0, eps: 1e-4 });
  // The exercise's own measure: norm(numGrad - grad) / norm(numGrad + grad), "should be < 1e-9".
  let diff = 0;
  let sum = 0;
  for (let j = 0; j < f.dimension; j++) {
    diff += (r.numericGradient[j]! - r.gradient[j]!) ** 2;
    sum += (r.numericGradient[j]! + r.gradient[j]!) ** 2;
  }
  return { error: r.gradientError, relativeNormDiff: Math.sqrt(diff / sum), dimension: f.dimension };
}

function firstRows(ds: Dataset, n: number): Dataset {
  return n >= ds.X.rows
    ? ds
    : subsetDataset(
        ds,
        Array.from({ length: n }, (_, i) => i),
      );
}

export async function run(options: UfldlOptions): Promise<ExampleResult> {
  const log = options.log ?? console.log;
  const quick = options.quick ?? false;
  mkdirSync(options.outDir, { recursive: true });

  const check = gradientCheck();
  log(
    `gradient check (UFLDL's DEBUG problem, ${check.dimension} parameters): max error ${check.error.toExponential(2)}, norm(num - grad)/norm(num + grad) = ${check.relativeNormDiff.toExponential(2)}`,
  );

  const mnist = loadBuiltinDataset('mnist');
  // quick: the first 2,000 / 500 rows (the shipped files are already shuffled and stratified).
  const train = quick ? firstRows(mnist.train, 2000) : mnist.train;
  const test = quick ? firstRows(mnist.test, 500) : mnist.test;
  const n = train.X.rows;
  const C = 1 / (n * LAMBDA);
  const maxIter = options.maxIter ?? (quick ? 40 : 100);
  log(`training on ${n} MNIST digits (${train.X.cols} pixels), testing on ${test.X.rows}; lambda = ${LAMBDA} -> C = 1/(n lambda) = ${C}`);

  // tol 0: run exactly maxIter iterations as minFunc's MaxIter does; precondition off: plain L-BFGS iterates.
  const model = new SoftmaxRegression({ solver: 'lbfgs', C, fitIntercept: false, maxIter, tol: 0, precondition: false });
  const t0 = performance.now();
  model.fit(train.X, train.y);
  const seconds = (performance.now() - t0) / 1000;
  const fit = model.fitResult!;
  const testAcc = accuracy(test.y, model.predict(test.X));
  const trainAcc = accuracy(train.y, model.predict(train.X));
  log(`L-BFGS: ${fit.iterations} iterations in ${seconds.toFixed(2)} s, J = F/n = ${(fit.value / n).toFixed(6)}`);

  const plots: string[] = [];
  const weightsPath = join(options.outDir, 'weights.png');
  writePlot(
    weightsPath,
    await weightsSvg(model.coef!, model.classes!, {
      title: 'UFLDL softmax: learned weights per digit',
      subtitle: `lambda = ${LAMBDA} (C = ${C}), no bias, L-BFGS ${fit.iterations} iterations; test accuracy ${testAcc.toFixed(4)}`,
    }),
  );
  plots.push(weightsPath);
  const curvesPath = join(options.outDir, 'curves.png');
  writePlot(curvesPath, await trainingCurvesSvg(fit.history, { title: 'UFLDL softmax: L-BFGS objective and gradient per iteration' }));
  plots.push(curvesPath);

  const sameSubset = 'scikit-learn 1.2.1, same rows, same objective, 100 L-BFGS iterations';
  const result: ExampleResult = {
    example: 'ufldl-mnist',
    figures: [
      { name: 'gradient check error (max, relative)', value: check.error, reference: 1e-6, referenceSource: 'must be below' },
      {
        name: 'norm(num-grad)/norm(num+grad)',
        value: check.relativeNormDiff,
        reference: 1e-9,
        referenceSource: 'UFLDL: "less than 1e-9" in their implementation (same step 1e-4)',
      },
      {
        name: 'test accuracy',
        value: testAcc,
        reference: UFLDL_REPORTED_ACCURACY,
        referenceSource: 'UFLDL exercise, full MNIST 60k/10k',
        note: quick ? 'quick: 2,000 training rows, 40 iterations' : 'ours: 8,000 / 2,000 subset',
      },
      { name: 'test accuracy (scikit-learn, subset)', value: testAcc, reference: quick ? null : SKLEARN_TEST_ACCURACY, referenceSource: sameSubset },
      { name: 'train accuracy', value: trainAcc, reference: quick ? null : SKLEARN_TRAIN_ACCURACY, referenceSource: sameSubset },
      { name: 'J = mean loss + (lambda/2)||W||^2', value: fit.value / n, reference: null },
      { name: 'fit seconds', value: seconds, reference: null },
    ],
    plots,
    notes: [
      `C = 1/(n lambda) = ${C} for n = ${n}: the library's sum-form objective is n times UFLDL's mean-form J`,
      "L-BFGS memory 10 (scikit-learn's); minFunc defaults to 100 corrections",
    ],
  };
  printResult(result, log);
  return result;
}
