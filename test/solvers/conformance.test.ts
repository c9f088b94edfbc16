/**
 * One conformance suite for every solver in the registry (hono's shared router cases, optax's table of
 * optimizers under test): the contract of the shared skeleton (src/solvers/run.ts) and of the registry entry.
 * A new solver gets all of this by being in the table; a skip needs a reason written here.
 *
 * Each solver runs through its own entry: the registry maps the model's options to the solver's
 * (`configure`), exactly as a fit does, on standardized iris (K = 3, d = 4).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { OptionError } from '../../src/errors.js';
import { makeRng } from '../../src/core/random.js';
import { DenseMatrix } from '../../src/matrix/dense.js';
import { multinomialProblem } from '../../src/model/dispatch.js';
import { DEFAULT_OPTIONS, type SoftmaxRegressionOptions } from '../../src/model/options.js';
import { SoftmaxRegression } from '../../src/model/softmax-regression.js';
import type { Objective } from '../../src/objective/objective.js';
import { PENALTIES, SOLVERS, SOLVER_NAMES, type SolverName, type SolverOptionName } from '../../src/solvers/registry.js';
import type { IterationCallback, SolveResult, StopReason } from '../../src/solvers/solver.js';
import { loadFixtureCsv } from '../helpers.js';

const iris = loadFixtureCsv('iris');
// Standardize by hand (the model's scaler is not under test here).
const d = iris.X[0]!.length;
const mean = Array.from({ length: d }, (_, j) => iris.X.reduce((s, r) => s + r[j]!, 0) / iris.X.length);
const sd = Array.from({ length: d }, (_, j) => Math.sqrt(iris.X.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / iris.X.length));
const X = DenseMatrix.fromArrays(iris.X.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!)));
const classes = [...new Set(iris.y)].sort();
const y = Int32Array.from(iris.y, (c) => classes.indexOf(c));
const K = classes.length;

const CONVERGED: readonly StopReason[] = ['gradient-tolerance', 'function-tolerance', 'early-stopping'];

/** Every call the solver makes on the objective, counted outside the solver (a Proxy forwards the rest). */
function counted<T extends Objective>(objective: T): { objective: T; calls: { f: number; g: number; hv: number } } {
  const calls = { f: 0, g: 0, hv: 0 };
  const proxy = new Proxy(objective, {
    get(target, key) {
      if (key === 'value') return (w: Float64Array) => (calls.f++, target.value(w));
      if (key === 'valueAndGradient') return (w: Float64Array, g: Float64Array) => (calls.f++, calls.g++, target.valueAndGradient(w, g));
      if (key === 'hessianAt' && target.hessianAt) {
        return (w: Float64Array) => {
          const op = target.hessianAt!(w);
          return { apply: (v: Float64Array, out: Float64Array) => (calls.hv++, op.apply(v, out)) };
        };
      }
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { objective: proxy, calls };
}

/** Run `name` through its registry entry, as a fit would. */
function solve(
  name: SolverName,
  given: Partial<SoftmaxRegressionOptions> = {},
  extra: { w0?: Float64Array; onIteration?: IterationCallback; seed?: number } = {},
) {
  const o: SoftmaxRegressionOptions = { ...DEFAULT_OPTIONS, solver: name, tol: 1e-12, ...given };
  const { objective, nonSmooth } = multinomialProblem(X, y, K, null, o);
  const c = counted(objective);
  const entry = SOLVERS[name];
  const options = entry.configure(o, {
    gtol: o.tol * objective.sumWeights,
    tol: o.tol,
    sumWeights: objective.sumWeights,
    rng: makeRng(extra.seed ?? 0),
    nonSmooth,
    validation: null,
    onIteration: extra.onIteration,
  });
  const result = entry.solver.solve(c.objective, extra.w0 ?? new Float64Array(objective.dimension), options);
  return { result, calls: c.calls, dimension: objective.dimension };
}

function assertContract(r: SolveResult, dimension: number): void {
  assert.equal(r.w.length, dimension);
  assert.equal(r.converged, CONVERGED.includes(r.stopReason), `converged ${r.converged} with ${r.stopReason}`);
  assert.equal(typeof r.message, 'string');
  assert.ok(r.message.length > 0);
  assert.equal(r.history.length, r.iterations, 'one history entry per iteration');
  r.history.forEach((h, i) => {
    assert.equal(h.iteration, i + 1);
    if (i > 0) assert.ok(h.evaluations >= r.history[i - 1]!.evaluations, 'evaluations only grow');
  });
}

for (const name of SOLVER_NAMES) {
  const entry = SOLVERS[name];
  // Mini-batch solvers need a step size that suits standardized iris; the others run with their defaults.
  const tuned: Partial<SoftmaxRegressionOptions> = entry.minibatch ? { learningRate: 0.05 } : {};

  describe(`solver ${name}`, () => {
    it('meets the result contract, and its evaluation counts are the calls it made', () => {
      const { result, calls, dimension } = solve(name, { ...tuned, maxIter: 30 });
      assertContract(result, dimension);
      assert.ok(result.w.every(Number.isFinite));
      assert.equal(result.functionEvaluations, calls.f);
      assert.equal(result.gradientEvaluations, calls.g);
      assert.equal(result.hessianVectorProducts, calls.hv);
    });

    it('is deterministic (stochastic ones: for a given seed; another seed differs)', () => {
      const a = solve(name, { ...tuned, maxIter: 5 }, { seed: 1 }).result.w;
      assert.deepEqual(Array.from(solve(name, { ...tuned, maxIter: 5 }, { seed: 1 }).result.w), Array.from(a));
      if (entry.stochastic) assert.notDeepEqual(Array.from(solve(name, { ...tuned, maxIter: 5 }, { seed: 2 }).result.w), Array.from(a));
    });

    it("stops at maxIter with 'max-iterations'", () => {
      const { result, dimension } = solve(name, { ...tuned, maxIter: 2 });
      assert.equal(result.stopReason, 'max-iterations');
      assert.equal(result.iterations, 2);
      assertContract(result, dimension);
    });

    it("stops when the callback asks, after the iteration it saw, with 'callback'", () => {
      const seen: number[] = [];
      const { result } = solve(
        name,
        { ...tuned, maxIter: 50 },
        { onIteration: (info) => (seen.push(info.iteration), info.iteration === 2 ? 'stop' : undefined) },
      );
      assert.equal(result.stopReason, 'callback');
      assert.equal(result.iterations, 2);
      assert.deepEqual(seen, [1, 2]);
    });

    it("reports a non-finite start as 'non-finite', without throwing", () => {
      const { result } = solve(name, tuned, { w0: new Float64Array(3 * (d + 1)).fill(NaN) });
      assert.equal(result.stopReason, 'non-finite');
      assert.equal(result.converged, false);
      assert.equal(result.iterations, 0);
    });

    it('takes every penalty its entry declares, and the model refuses the others naming the penalty', () => {
      for (const penalty of PENALTIES) {
        const opts: Partial<SoftmaxRegressionOptions> = { ...tuned, solver: name, penalty, ...(penalty === 'elasticnet' ? { l1Ratio: 0.5 } : {}) };
        if (entry.penalties.includes(penalty)) {
          const { result } = solve(name, { ...opts, maxIter: 3 });
          assert.ok(result.w.every(Number.isFinite), `${penalty}`);
        } else {
          assert.throws(
            () => new SoftmaxRegression(opts),
            (e: unknown) => e instanceof OptionError && e.option === 'penalty',
            penalty,
          );
        }
      }
    });

    it('accepts the options its entry reads and refuses the others, naming the option', () => {
      const nonDefault: Record<SolverOptionName, unknown> = {
        epochs: 3,
        learningRate: 0.5,
        batchSize: 7,
        momentum: 0.5,
        nesterov: true,
        schedule: 'step',
        powerT: 0.25,
        dropFactor: 0.9,
        dropEvery: 3,
        earlyStopping: true,
        validationFraction: 0.2,
        nIterNoChange: 2,
      };
      for (const [option, value] of Object.entries(nonDefault) as Array<[SolverOptionName, unknown]>) {
        // nesterov is sgd's momentum variant: it needs momentum > 0 as well.
        // Options that only a schedule or early stopping reads come with it (an option nothing reads is an error).
        const enabling: Partial<Record<SolverOptionName, Partial<SoftmaxRegressionOptions>>> = {
          powerT: { schedule: 'invscaling' },
          dropFactor: { schedule: 'step' },
          dropEvery: { schedule: 'step' },
          validationFraction: { earlyStopping: true },
        };
        const context = entry.reads.includes(option) ? (enabling[option] ?? {}) : {};
        const opts = {
          solver: name,
          ...context,
          [option]: value,
          ...(option === 'nesterov' && entry.reads.includes('momentum') ? { momentum: 0.5 } : {}),
        } as Partial<SoftmaxRegressionOptions>;
        if (entry.reads.includes(option)) assert.doesNotThrow(() => new SoftmaxRegression(opts), option);
        else
          assert.throws(
            () => new SoftmaxRegression(opts),
            (e: unknown) => e instanceof OptionError && e.option === option,
            option,
          );
      }
    });

    it('accepts sparse X and sample weights as declared', () => {
      assert.equal(entry.sparse, true, 'every solver takes CSR today (test/matrix/csr-conformance.test.ts runs them all)');
      assert.equal(entry.sampleWeight, true);
      const m = new SoftmaxRegression({ ...tuned, solver: name, maxIter: 3 });
      m.fit(X, iris.y, { sampleWeight: iris.y.map((_, i) => 1 + (i % 3)) });
      assert.ok(m.coef!.flat().every(Number.isFinite));
    });
  });
}
