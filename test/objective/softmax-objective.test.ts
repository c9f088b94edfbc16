/** The objective: gradient and Hessian-vector product checked numerically; numerical stability; K = 2. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DenseMatrix, SoftmaxRegression } from '../../src/index.js';
import { checkGradient, logSumExp, softmaxCrossEntropyInPlace, SoftmaxObjective } from '../../src/solvers/index.js';
import { blobs, rng } from '../helpers.js';

function randomProblem(n: number, d: number, K: number, seed: number) {
  const r = rng(seed);
  const X = new DenseMatrix(
    n,
    d,
    Float64Array.from({ length: n * d }, () => 2 * r() - 1),
  );
  const y = Int32Array.from({ length: n }, (_, i) => (i < K ? i : Math.floor(r() * K)));
  const w = Float64Array.from({ length: K * d + K }, () => r() - 0.5);
  const sw = Float64Array.from({ length: n }, () => 0.1 + 2 * r());
  return { X, y, w, sw };
}

describe('checkGradient across penalty x intercept x sample weights', () => {
  let seed = 1;
  for (const l2 of [0, 1 / 0.3]) {
    for (const fitIntercept of [true, false]) {
      for (const weighted of [false, true]) {
        it(`l2=${l2.toFixed(2)} intercept=${fitIntercept} weighted=${weighted}`, () => {
          const K = 4;
          const d = 5;
          const { X, y, w, sw } = randomProblem(40, d, K, seed++);
          const obj = new SoftmaxObjective(X, y, K, { l2, fitIntercept, sampleWeight: weighted ? sw : null });
          const ww = w.subarray(0, obj.dimension).slice();
          const res = checkGradient(obj, ww, { hessianDirections: 4 });
          assert.ok(res.gradientError < 1e-7, `gradient error ${res.gradientError}`);
          assert.ok(res.hessianError < 1e-6, `Hessian-vector error ${res.hessianError}`);
        });
      }
    }
  }

  it('detects a wrong gradient (the check can fail)', () => {
    const { X, y, w } = randomProblem(30, 3, 3, 99);
    const obj = new SoftmaxObjective(X, y, 3, { l2: 1, fitIntercept: true });
    const broken = {
      dimension: obj.dimension,
      value: (v: Float64Array) => obj.value(v),
      valueAndGradient: (v: Float64Array, g: Float64Array) => {
        const f = obj.valueAndGradient(v, g);
        g[2]! *= 1.01;
        return f;
      },
    };
    assert.ok(checkGradient(broken, w).gradientError > 1e-4);
  });
});

describe('numerical stability', () => {
  it('log-sum-exp is finite and exact for logits of +-1e300', () => {
    const z = Float64Array.from([1e300, -1e300, 0]);
    assert.equal(logSumExp(z, 0, 3), 1e300);
    const z2 = Float64Array.from([-1e300, -1e300]);
    assert.equal(logSumExp(z2, 0, 2), -1e300 + Math.log(2));
  });

  it('a confidently wrong sample has a finite, correct loss (not log(0))', () => {
    // True class 1 has score 0, class 0 has 1000: loss = logsumexp - z_y = 1000 + log(1 + e^-1000) = 1000.
    const z = Float64Array.from([1000, 0]);
    const loss = softmaxCrossEntropyInPlace(z, 0, 2, 1);
    assert.equal(loss, 1000);
    assert.equal(z[0], 1);
    assert.equal(z[1], 0);
    const z3 = Float64Array.from([1e300, -1e300, 5]);
    const l3 = softmaxCrossEntropyInPlace(z3, 0, 3, 1);
    assert.equal(l3, 2e300);
    assert.ok([...z3].every(Number.isFinite));
  });

  it('objective, gradient and predictions stay finite for huge scores', () => {
    const X = new DenseMatrix(3, 2, Float64Array.from([1e150, -1e150, -1e150, 1e150, 1, 1]));
    const y = Int32Array.from([0, 1, 0]);
    const obj = new SoftmaxObjective(X, y, 2, { l2: 0, fitIntercept: true });
    const w = Float64Array.from([1e150, 0, -1e150, 0, 0, 0]);
    const g = new Float64Array(obj.dimension);
    const f = obj.valueAndGradient(w, g);
    assert.ok(Number.isFinite(f), `f = ${f}`);
    assert.ok([...g].every(Number.isFinite));
  });
});

describe('binary logistic regression is the K = 2 case', () => {
  it('p(class 1) = sigmoid(z_1 - z_0)', () => {
    const { X, y } = blobs(120, 3, 2, 7, 2.5);
    // The K = 2 softmax form (multiClass 'multinomial'; the default for two classes is the binomial model).
    const m = new SoftmaxRegression({ C: 0.5, multiClass: 'multinomial' }).fit(X, y);
    const Z = m.decisionFunction(X);
    const P = m.predictProba(X);
    for (let i = 0; i < X.length; i++) {
      const s = 1 / (1 + Math.exp(-(Z[i]![1]! - Z[i]![0]!)));
      assert.ok(Math.abs(P[i]![1]! - s) < 1e-15, `row ${i}: ${P[i]![1]} vs ${s}`);
    }
    // And the L2 optimum of the full softmax form is symmetric: W_0 = -W_1 (the binary w is W_1 - W_0).
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(m.coef![0]![j]! + m.coef![1]![j]!) < 1e-6);
  });
});

describe('Hessian operators', () => {
  for (const [n, d] of [
    [30, 3],
    [400, 12],
  ] as const)
    it(`a stale operator throws rather than using the wrong probabilities (n=${n}, d=${d}: ${n * d * 3 >= 4096 ? 'wasm' : 'TypeScript'} kernel)`, () => {
      const { X, y, w } = randomProblem(n, d, 3, 5);
      const obj = new SoftmaxObjective(X, y, 3, { l2: 1, fitIntercept: true });
      const H1 = obj.hessianAt(w);
      const v = new Float64Array(obj.dimension).fill(1);
      const out = new Float64Array(obj.dimension);
      H1.apply(v, out);
      // Evaluations in between (a line search, a rejected trust-region step) keep it valid.
      obj.valueAndGradient(
        w.map((x) => x + 1),
        new Float64Array(obj.dimension),
      );
      const again = new Float64Array(obj.dimension);
      H1.apply(v, again);
      assert.deepEqual(again, out);
      obj.hessianAt(w.map((x) => 2 * x));
      assert.throws(() => H1.apply(v, out), /stale Hessian operator/);
    });
});
