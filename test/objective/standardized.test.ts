/**
 * The preconditioning change of variables w = T u (standardized.ts): W = U / s, b = c - W m. Checked against
 * that formula directly, and T^{-1} against T in both orders.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ParamLayout } from '../../src/objective/layout.js';
import type { Objective } from '../../src/objective/objective.js';
import { StandardizedObjective } from '../../src/objective/standardized.js';
import { rng } from '../helpers.js';

const K = 3;
const d = 4;
const mean = [1, -2, 100, 0];
const scale = [2, 0.5, 1000, 1];
const inner: Objective = { dimension: K * d + K, value: () => 0, valueAndGradient: () => 0 };

describe('standardization inverse', () => {
  for (const fitIntercept of [true, false]) {
    const layout = new ParamLayout(K, d, fitIntercept);
    const T = new StandardizedObjective(inner, layout, mean, scale);
    const r = rng(11);
    const random = () => Float64Array.from({ length: layout.dimension }, (_, i) => (i < K * d || fitIntercept ? 10 * (r() - 0.5) : 0));

    it(`toOriginal is W = U / s, b = c - W m (fitIntercept=${fitIntercept})`, () => {
      const u = random();
      const w = T.toOriginal(u);
      for (let k = 0; k < K; k++) {
        let shift = 0;
        for (let j = 0; j < d; j++) {
          const expected = u[k * d + j]! / scale[j]!;
          assert.ok(Math.abs(w[k * d + j]! - expected) <= 1e-15 * Math.abs(expected), `W[${k}][${j}]`);
          shift += expected * (fitIntercept ? mean[j]! : 0);
        }
        if (fitIntercept) assert.ok(Math.abs(w[K * d + k]! - (u[K * d + k]! - shift)) < 1e-12, `b[${k}]`);
      }
    });

    it(`fromOriginal inverts toOriginal, both ways round (fitIntercept=${fitIntercept})`, () => {
      const u = random();
      const back = T.fromOriginal(T.toOriginal(u));
      back.forEach((v, i) => assert.ok(Math.abs(v - u[i]!) <= 1e-12 * Math.max(1, Math.abs(u[i]!)), `u[${i}]: ${v} vs ${u[i]}`));
      const w = random();
      const again = T.toOriginal(T.fromOriginal(w));
      again.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) <= 1e-12 * Math.max(1, Math.abs(w[i]!)), `w[${i}]: ${v} vs ${w[i]}`));
    });
  }

  it('leaves a zero or non-finite scale alone (the column is not rescaled)', () => {
    const layout = new ParamLayout(1, 2, false);
    const T = new StandardizedObjective({ dimension: 2, value: () => 0, valueAndGradient: () => 0 }, layout, [0, 0], [0, Infinity]);
    assert.deepEqual(Array.from(T.toOriginal(Float64Array.of(3, 4))), [3, 4]);
  });
});
