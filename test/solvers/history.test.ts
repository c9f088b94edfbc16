/**
 * The per-iteration record every solver keeps through the shared skeleton (src/solvers/run.ts), which the
 * optimizers example and the training-curves plot read: at each iteration the objective at the iterate the
 * callback receives, the cumulative passes over the data, and the elapsed time. Checked for every solver in
 * the registry against an independent evaluation of the objective. sag and saga are the exception for the
 * value: they record their running estimate (the memory's stale losses, see src/solvers/sag.ts; an exact value
 * would cost them one more pass per epoch), so only their passes and time are checked here.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import { applyScaler, fitScaler } from '../../src/preprocess/scaler.js';
import { LinearFiniteSum, softmaxRowLoss } from '../../src/objective/finite-sum.js';
import { encodeLabels, uniqueSortedLabels } from '../../src/core/labels.js';
import { splitPenalty } from '../../src/objective/penalty.js';
import { SOLVERS, SOLVER_NAMES } from '../../src/solvers/registry.js';
import type { IterationInfo } from '../../src/solvers/solver.js';
import { loadFixtureCsv } from '../helpers.js';

const ds = loadFixtureCsv('iris');
const M = DenseMatrix.fromArrays(ds.X);
const X = applyScaler(fitScaler('standard', M), M);
const classes = uniqueSortedLabels(ds.y);
const C = 1;

for (const solver of SOLVER_NAMES) {
  test(`${solver}: history records, per iteration, the objective at the callback's iterate, increasing data passes and time`, () => {
    const penalty = SOLVERS[solver].penalties.includes('l2') ? 'l2' : 'l1';
    const { l2, nonSmooth } = splitPenalty(penalty, C, 0, classes.length, X.cols);
    const exact = new LinearFiniteSum(X, encodeLabels(ds.y, classes), softmaxRowLoss(classes.length), { l2, fitIntercept: true });
    const F = (w: Float64Array) => exact.value(w) + (nonSmooth ? nonSmooth.value(w) : 0);
    const seen: Array<{ info: IterationInfo; F: number }> = [];
    const model = new SoftmaxRegression({ solver, penalty, C, tol: 0, maxIter: 6, multiClass: 'multinomial' });
    model.fit(X as never, ds.y, { onIteration: (info, w) => void seen.push({ info: { ...info }, F: F(w) }) });
    const h = model.fitResult!.history;
    assert.equal(h.length, 6);
    assert.equal(seen.length, 6);
    let passes = 0;
    let ms = 0;
    const estimates = solver === 'sag' || solver === 'saga';
    h.forEach((e, k) => {
      assert.equal(e.iteration, k + 1);
      if (!estimates)
        assert.ok(Math.abs(e.value - seen[k]!.F) <= 1e-9 * Math.abs(seen[k]!.F), `${solver} iteration ${k + 1}: history ${e.value}, F(w) ${seen[k]!.F}`);
      assert.ok(typeof e.dataPasses === 'number' && e.dataPasses > passes, `${solver} iteration ${k + 1}: passes ${e.dataPasses} after ${passes}`);
      assert.ok(e.elapsedMs >= ms, `${solver} iteration ${k + 1}: time`);
      passes = e.dataPasses;
      ms = e.elapsedMs;
    });
    assert.equal(model.fitResult!.dataPasses! >= passes, true);
  });
}
