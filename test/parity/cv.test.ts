/**
 * Issue 10 items 3, 4, 7: the Cs grid, sample weights in CV scoring and score(), refit: false. References:
 * test/fixtures/sklearn/{logspace_Cs,cv_iris,cv_breast_cancer_standard10}.json (make_fixtures.py): numpy's
 * logspace; LogisticRegressionCV(cv=PredefinedSplit(folds), refit=False) for unweighted scores and averaged
 * coefficients; per-fold LogisticRegression fits scored with accuracy_score / log_loss(sample_weight=...)
 * for the weighted fold scores scikit-learn >= 1.4 computes.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { defaultCs, OptionError, SoftmaxRegressionCV } from '../../src/index.js';
import { loadFixtureCsv } from '../helpers.js';
import { loadSk } from './binomial.test.js';

interface CvPart {
  scores: number[][];
  coef: number[][];
  intercept: number[];
  C_?: number[];
  coef_sklearn?: number[][];
  scores_sklearn?: number[][];
  best_per_fold?: number[];
  C_mean_of_fold_best?: number;
  refit_weighted_accuracy_on_all?: number;
}
interface CvRef {
  folds: number[];
  sample_weight: number[];
  Cs: number[];
  classes: string[];
  X: number[][] | null;
  unweighted_accuracy: CvPart;
  unweighted_neg_log_loss: CvPart;
  weighted_accuracy: CvPart;
  weighted_log_loss: CvPart;
}

function data(name: string): { ref: CvRef; X: number[][]; y: string[] } {
  const ref = loadSk<CvRef>(name);
  if (ref.X) return { ref, X: ref.X, y: loadFixtureCsv('breast_cancer').y };
  const { X, y } = loadFixtureCsv('iris');
  return { ref, X, y };
}

const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i]![j]!))));

describe('Cs as a count is numpy.logspace(-4, 4, Cs)', () => {
  it('for every count 1..12', () => {
    const { grids } = loadSk<{ grids: Record<string, number[]> }>('logspace_Cs');
    for (const [n, grid] of Object.entries(grids)) {
      const ours = defaultCs(Number(n));
      assert.equal(ours.length, grid.length);
      ours.forEach((c, i) => assert.ok(Math.abs(c - grid[i]!) <= 4e-16 * grid[i]!, `Cs=${n}[${i}]: ${c} vs ${grid[i]}`));
    }
    // Cs: 1 is [1e-4] (numpy's 10**-4, 9.999999999999999e-5), not the middle of the range.
    assert.deepEqual(new SoftmaxRegressionCV({ Cs: 1 }).Cs, grids['1']);
  });
});

for (const name of ['cv_iris', 'cv_breast_cancer_standard10']) {
  describe(`SoftmaxRegressionCV vs scikit-learn on fixed folds (${name})`, () => {
    const { ref, X, y } = data(name);
    const base = { Cs: ref.Cs, cv: ref.folds, tol: 1e-10, maxIter: 20000 };

    it('unweighted: fold scores and refit: false coefficients (LogisticRegressionCV)', () => {
      for (const [scoring, part] of [
        ['accuracy', ref.unweighted_accuracy],
        ['log-loss', ref.unweighted_neg_log_loss],
      ] as const) {
        const cv = new SoftmaxRegressionCV({ ...base, scoring, refit: false }).fit(X, y);
        const sign = scoring === 'log-loss' ? -1 : 1; // scikit-learn's neg_log_loss
        const ours = cv.scores![0]!.map((r) => r.map((v) => sign * v));
        assert.ok(maxDiff(ours, part.scores) < 1e-6, `${scoring} scores`);
        assert.ok(maxDiff(ours, part.scores_sklearn!) < 1e-4, `${scoring} vs LogisticRegressionCV's scores_`);
        // A usable model: the average over folds of each fold's best fit, C the average of those Cs.
        assert.ok(cv.model, 'refit: false leaves a model');
        assert.equal(cv.C, part.C_![0]);
        // part.coef averages the fold fits polished to the optimum; LogisticRegressionCV's own coef_ averages
        // fits that stopped on scipy's ftol, ~1e-4 away from it.
        assert.ok(maxDiff(cv.model!.coef!, part.coef) < 1e-6, `${scoring} averaged coef: ${maxDiff(cv.model!.coef!, part.coef)}`);
        assert.ok(maxDiff([cv.model!.intercept!], [part.intercept]) < 1e-6, `${scoring} averaged intercept`);
        assert.ok(maxDiff(cv.model!.coef!, part.coef_sklearn!) < 1e-3, `${scoring} vs scikit-learn's coef_`);
        assert.equal(cv.model!.predict(X).length, X.length);
      }
    });

    it('weighted: fold scores weight the held-out rows (scikit-learn >= 1.4), refit: false averages', () => {
      for (const [scoring, part] of [
        ['accuracy', ref.weighted_accuracy],
        ['log-loss', ref.weighted_log_loss],
      ] as const) {
        const cv = new SoftmaxRegressionCV({ ...base, scoring, refit: false }).fit(X, y, { sampleWeight: ref.sample_weight });
        assert.ok(maxDiff(cv.scores![0]!, part.scores) < 1e-6, `${scoring} weighted scores: ${maxDiff(cv.scores![0]!, part.scores)}`);
        assert.deepEqual(
          cv.bestIndexPerFold!.map((b) => b.c),
          part.best_per_fold,
        );
        assert.ok(Math.abs(cv.C! - part.C_mean_of_fold_best!) < 1e-12);
        assert.ok(maxDiff(cv.model!.coef!, part.coef) < 1e-6, `${scoring} averaged coef: ${maxDiff(cv.model!.coef!, part.coef)}`);
      }
    });

    it('score(X, y, sampleWeight) is the weighted accuracy', () => {
      const cv = new SoftmaxRegressionCV({ ...base }).fit(X, y, { sampleWeight: ref.sample_weight });
      const s = cv.score(X, y, ref.sample_weight);
      assert.ok(Math.abs(s - ref.weighted_accuracy.refit_weighted_accuracy_on_all!) < 1e-12, `${s} vs ${ref.weighted_accuracy.refit_weighted_accuracy_on_all}`);
      assert.notEqual(s, cv.score(X, y));
    });
  });
}

describe('SoftmaxRegressionCV options', () => {
  it('fold ids are checked; penalty none is refused', () => {
    assert.throws(
      () => new SoftmaxRegressionCV({ cv: [0, 0, 2] }),
      (e: unknown) => e instanceof OptionError && /fold 1 has no rows/.test(e.message),
    );
    assert.throws(
      () => new SoftmaxRegressionCV({ penalty: 'none' }),
      (e: unknown) => e instanceof OptionError && e.option === 'penalty',
    );
  });
});
