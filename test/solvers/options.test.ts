/**
 * Solver options and behaviour: reproducibility (randomState), incompatible options failing in the
 * constructor with the option named, class/sample weights for every solver, warm start, the
 * regularization path, cross-validation, group lasso, convergence advice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionError, SoftmaxRegression, SoftmaxRegressionCV, regularizationPath } from '../../src/index.js';
import { NEWTON_MAX_DIMENSION, SOLVERS, SOLVER_NAMES, stratifiedFolds } from '../../src/solvers/index.js';
import { loadReference, maxAbsDiff, referenceData, relDiff } from './helpers.js';

const iris = referenceData(loadReference('iris_standard_C1'));
const ALL_SOLVERS = [...SOLVER_NAMES];
const STOCHASTIC = ALL_SOLVERS.filter((s) => SOLVERS[s]!.stochastic);

describe('randomState', () => {
  for (const solver of STOCHASTIC) {
    it(`${solver}: same seed -> bit-identical fit, different seed -> different fit`, () => {
      const fit = (seed: number) => new SoftmaxRegression({ solver, randomState: seed, epochs: 3 }).fit(iris.X, iris.y);
      const a = fit(7);
      const b = fit(7);
      const c = fit(8);
      assert.deepEqual(a.coef, b.coef);
      assert.deepEqual(a.intercept, b.intercept);
      assert.equal(a.fitResult!.value, b.fitResult!.value);
      assert.notDeepEqual(a.coef, c.coef);
    });
  }
  it('is stored in the model file and restored', () => {
    const m = new SoftmaxRegression({ solver: 'sag', randomState: 12345 }).fit(iris.X, iris.y);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    assert.equal(json.options.randomState, 12345);
    const back = SoftmaxRegression.fromJSON(json);
    assert.equal(back.options.randomState, 12345);
    const refit = new SoftmaxRegression(back.options).fit(iris.X, iris.y);
    assert.deepEqual(refit.coef, m.coef);
  });
  it('early stopping split is seeded too', () => {
    const fit = (seed: number) => new SoftmaxRegression({ solver: 'sgd', earlyStopping: true, randomState: seed, learningRate: 0.1 }).fit(iris.X, iris.y);
    assert.deepEqual(fit(3).coef, fit(3).coef);
  });
});

describe('incompatible options fail in the constructor, naming the option', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ solver: 'lbfgs', penalty: 'l1' }, 'penalty'],
    [{ solver: 'newton-cg', penalty: 'elasticnet', l1Ratio: 0.5 }, 'penalty'],
    [{ solver: 'sag', penalty: 'l1' }, 'penalty'],
    [{ solver: 'adam', penalty: 'l1' }, 'penalty'],
    [{ solver: 'saga', penalty: 'elasticnet' }, 'l1Ratio'],
    [{ solver: 'saga', penalty: 'l1', l1Ratio: 0.5 }, 'l1Ratio'],
    [{ penalty: 'l2', l1Ratio: 0.3 }, 'l1Ratio'],
    [{ solver: 'fista', penalty: 'group-lasso', multiClass: 'ovr' }, 'multiClass'],
    [{ solver: 'adam', momentum: 0.9 }, 'momentum'],
    [{ solver: 'sgd', nesterov: true }, 'nesterov'],
    [{ solver: 'lbfgs', batchSize: 64 }, 'batchSize'],
    [{ solver: 'sag', schedule: 'invscaling' }, 'schedule'],
    [{ solver: 'saga', earlyStopping: true }, 'earlyStopping'],
    [{ solver: 'newton', learningRate: 0.1 }, 'learningRate'],
    [{ solver: 'lbfgs', epochs: 10 }, 'epochs'],
    [{ solver: 'no-such-solver' }, 'solver'],
    [{ l1Ratio: 2, penalty: 'elasticnet', solver: 'saga' }, 'l1Ratio'],
    [{ randomState: 1.5 }, 'randomState'],
    [{ solver: 'sgd', validationFraction: 1 }, 'validationFraction'],
    [{ multiClass: 'ova' }, 'multiClass'],
  ];
  for (const [opts, option] of cases) {
    it(`${JSON.stringify(opts)} -> '${option}'`, () => {
      assert.throws(
        () => new SoftmaxRegression(opts as never),
        (e: unknown) => e instanceof OptionError && e.option === option && e.message.includes(option),
      );
    });
  }
  it('newton refuses problems above its documented size, naming the solver', () => {
    const d = Math.ceil(NEWTON_MAX_DIMENSION / 2);
    const X = [Array.from({ length: d }, (_, j) => j % 3), Array.from({ length: d }, (_, j) => (j % 5) - 2)];
    assert.throws(
      () => new SoftmaxRegression({ solver: 'newton', multiClass: 'multinomial' }).fit(X, [0, 1]),
      (e: unknown) => e instanceof OptionError && e.option === 'solver' && e.code === 'TOO_LARGE' && /newton-cg/.test(e.message),
    );
  });
});

describe('class and sample weights, every solver', () => {
  // Class weight w_c on class c equals a sample weight w_c on its rows; both equal the objective on data
  // where those rows are repeated (integer weights).
  const y = iris.y;
  const sw = y.map((c) => (c === 1 ? 3 : 1));
  const Xrep = iris.X.flatMap((r, i) => (y[i] === 1 ? [r, r, r] : [r]));
  const yrep = y.flatMap((c) => (c === 1 ? [c, c, c] : [c]));
  const ref = new SoftmaxRegression({ solver: 'newton', tol: 1e-12 }).fit(Xrep, yrep);
  for (const solver of ALL_SOLVERS) {
    it(`${solver}: classWeight map == sampleWeight == repeated rows`, () => {
      const penalty = solver === 'fista' || solver === 'saga' ? 'l2' : undefined;
      const mini = SOLVERS[solver]!.minibatch;
      const extra = mini
        ? {
            learningRate: solver === 'rmsprop' ? 0.02 : solver === 'adagrad' ? 0.5 : 0.1,
            ...(solver === 'sgd' ? { momentum: 0.9 } : {}),
            schedule: 'step',
            dropEvery: 50,
            epochs: 300,
            nIterNoChange: 1000,
          }
        : {};
      const tol = mini ? 1e-9 : 1e-9;
      const a = new SoftmaxRegression({ solver, penalty, classWeight: { 1: 3 }, tol, maxIter: 100000, ...extra }).fit(iris.X, y);
      const b = new SoftmaxRegression({ solver, penalty, tol, maxIter: 100000, ...extra }).fit(iris.X, y, { sampleWeight: sw });
      const bound = mini ? (solver === 'adagrad' || solver === 'rmsprop' ? 1e-2 : 1e-3) : 1e-6;
      assert.ok(relDiff(a.fitResult!.value, ref.fitResult!.value) <= bound, `class weight: ${a.fitResult!.value} vs ${ref.fitResult!.value}`);
      assert.ok(relDiff(b.fitResult!.value, ref.fitResult!.value) <= bound, `sample weight: ${b.fitResult!.value} vs ${ref.fitResult!.value}`);
      if (!mini) assert.ok(maxAbsDiff(a.coef!, ref.coef!) <= 1e-4);
      assert.equal(a.fitResult!.sumWeights, 250);
    });
  }
});

describe('warm start', () => {
  for (const solver of ['lbfgs', 'trust-region', 'newton', 'sag', 'saga', 'fista', 'gd'] as const) {
    it(`${solver}: a refit from the optimum stops almost at once`, () => {
      const m = new SoftmaxRegression({ solver, tol: 1e-6, warmStart: true, maxIter: 100000 });
      m.fit(iris.X, iris.y);
      const first = m.fitResult!.iterations;
      const value = m.fitResult!.value;
      m.fit(iris.X, iris.y);
      assert.ok(m.fitResult!.iterations <= Math.max(2, first / 10), `${m.fitResult!.iterations} iterations after ${first}`);
      assert.ok(relDiff(m.fitResult!.value, value) <= 1e-8);
    });
  }
  it('ovr warm start', () => {
    const m = new SoftmaxRegression({ multiClass: 'ovr', warmStart: true, tol: 1e-8 });
    m.fit(iris.X, iris.y);
    const first = m.fitResult!.functionEvaluations;
    m.fit(iris.X, iris.y);
    assert.ok(m.fitResult!.functionEvaluations <= first / 3);
  });
  it('without warmStart, a second fit starts from zero again', () => {
    const m = new SoftmaxRegression({ tol: 1e-6 });
    m.fit(iris.X, iris.y);
    const first = m.fitResult!.iterations;
    m.fit(iris.X, iris.y);
    assert.equal(m.fitResult!.iterations, first);
  });
});

describe('regularization path', () => {
  it('L2: matches the reference optimum at each C, warm-started', () => {
    const path = regularizationPath(iris.X, iris.y, { Cs: [1, 0.1], tol: 1e-9, solver: 'trust-region' });
    assert.deepEqual(
      path.points.map((p) => p.C),
      [0.1, 1],
    );
    for (const p of path.points) {
      const ref = loadReference(`iris_standard_C${p.C}`);
      assert.ok(relDiff(p.objective, ref.objective) <= 1e-9);
      assert.ok(maxAbsDiff(p.coef, ref.W) <= 1e-5);
    }
    const cold = new SoftmaxRegression({ C: 1, tol: 1e-9, solver: 'trust-region' }).fit(iris.X, iris.y).fitResult!.iterations;
    assert.ok(path.points[1]!.iterations < cold, `warm ${path.points[1]!.iterations} vs cold ${cold}`);
  });
  it('L1: zeros shrink as C grows; the strongest penalty zeroes everything', () => {
    const path = regularizationPath(iris.X, iris.y, { Cs: [1e-3, 0.01, 0.1, 1, 10], solver: 'fista', penalty: 'l1', tol: 1e-8 });
    assert.equal(path.points[0]!.zeros, 12);
    for (let i = 1; i < path.points.length; i++) assert.ok(path.points[i]!.zeros <= path.points[i - 1]!.zeros);
    assert.ok(path.points.at(-1)!.zeros < 12);
  });
  it('refuses C among the options', () => {
    assert.throws(
      () => regularizationPath(iris.X, iris.y, { C: 1 } as never),
      (e: unknown) => e instanceof OptionError && e.option === 'C',
    );
  });
});

describe('SoftmaxRegressionCV', () => {
  it('stratified folds keep class proportions', () => {
    const y = Int32Array.from(iris.y);
    let s = 1;
    const folds = stratifiedFolds(y, 5, () => (s = (s * 16807) % 2147483647) / 2147483647);
    for (let f = 0; f < 5; f++) {
      for (let c = 0; c < 3; c++) {
        let n = 0;
        for (let i = 0; i < y.length; i++) if (folds[i] === f && y[i] === c) n++;
        assert.equal(n, 10);
      }
    }
  });
  it('log-loss scoring rejects the near-zero C and refits on all the data', () => {
    const cv = new SoftmaxRegressionCV({ Cs: [1e-4, 1, 100], cv: 3, scoring: 'log-loss', tol: 1e-8 });
    cv.fit(iris.X, iris.y);
    assert.notEqual(cv.C, 1e-4);
    // At C = 1e-4 the model is nearly uniform: log loss close to log 3.
    assert.ok(Math.abs(cv.meanScores![0]![0]! - Math.log(3)) < 0.05);
    assert.ok(cv.meanScores![0]![1]! < 0.5);
    const direct = new SoftmaxRegression({ C: cv.C!, tol: 1e-8 }).fit(iris.X, iris.y);
    assert.ok(maxAbsDiff(cv.model!.coef!, direct.coef!) <= 1e-6);
    assert.deepEqual(cv.predict(iris.X.slice(0, 5)), direct.predict(iris.X.slice(0, 5)));
  });
  it('chooses l1Ratio for elastic net', () => {
    const cv = new SoftmaxRegressionCV({ Cs: [0.1, 1], l1Ratios: [0.2, 0.8], penalty: 'elasticnet', solver: 'fista', cv: 3, tol: 1e-6 });
    cv.fit(iris.X, iris.y);
    assert.ok(cv.l1Ratio === 0.2 || cv.l1Ratio === 0.8);
    assert.equal(cv.scores!.length, 2);
    assert.equal(cv.model!.options.l1Ratio, cv.l1Ratio);
  });
  it('validates its own options up front', () => {
    assert.throws(
      () => new SoftmaxRegressionCV({ solver: 'lbfgs', penalty: 'l1' }),
      (e: unknown) => e instanceof OptionError && e.option === 'penalty',
    );
    assert.throws(
      () => new SoftmaxRegressionCV({ l1Ratios: [0.5] }),
      (e: unknown) => e instanceof OptionError && e.option === 'l1Ratios',
    );
    assert.throws(
      () => new SoftmaxRegressionCV({ cv: 1 }),
      (e: unknown) => e instanceof OptionError && e.option === 'cv',
    );
  });
});

describe('group lasso', () => {
  it('fista and saga agree; features are in or out for all classes together', () => {
    const wine = referenceData(loadReference('wine_standard_C1'));
    const a = new SoftmaxRegression({ solver: 'fista', penalty: 'group-lasso', C: 0.05, tol: 1e-9 }).fit(wine.X, wine.y);
    const b = new SoftmaxRegression({ solver: 'saga', penalty: 'group-lasso', C: 0.05, tol: 1e-9 }).fit(wine.X, wine.y);
    assert.ok(a.fitResult!.converged && b.fitResult!.converged);
    assert.ok(relDiff(a.fitResult!.value, b.fitResult!.value) <= 1e-8);
    assert.ok(maxAbsDiff(a.coef!, b.coef!) <= 1e-5);
    const d = wine.X[0]!.length;
    let zeroCols = 0;
    for (let j = 0; j < d; j++) {
      const col = a.coef!.map((r) => r[j]!);
      const zeros = col.filter((v) => v === 0).length;
      assert.ok(zeros === 0 || zeros === col.length, `feature ${j}: ${zeros} of ${col.length} zero`);
      if (zeros) zeroCols++;
    }
    assert.ok(zeroCols > 0 && zeroCols < d, `${zeroCols} features dropped`);
  });
});

describe('convergence advice', () => {
  it('a fixed gd step that is too large is named', () => {
    const m = new SoftmaxRegression({ solver: 'gd', learningRate: 1e6, penalty: 'none', maxIter: 50 }).fit(iris.X, iris.y);
    assert.equal(m.fitResult!.converged, false);
    assert.ok(
      m.fitResult!.advice.some((a) => /learningRate/.test(a)),
      m.fitResult!.advice.join(' | '),
    );
  });
  it('sag on unscaled features: names the scales and suggests another solver', () => {
    const raw = referenceData(loadReference('wine_unscaled_C1'));
    const m = new SoftmaxRegression({ solver: 'sag', maxIter: 5 }).fit(raw.X, raw.y);
    assert.equal(m.fitResult!.stopReason, 'max-iterations');
    const adv = m.fitResult!.advice.join(' | ');
    assert.match(adv, /different scales \(column \d+/);
    assert.match(adv, /lbfgs/);
  });
  it('every stop has a reason and a message', () => {
    for (const solver of ALL_SOLVERS) {
      const m = new SoftmaxRegression({ solver, maxIter: 2 }).fit(iris.X, iris.y);
      assert.ok(m.fitResult!.stopReason.length > 0 && m.fitResult!.message.length > 0);
      assert.ok(m.coef!.flat().every(Number.isFinite));
    }
  });
});
