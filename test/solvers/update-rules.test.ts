/**
 * Update rules and schedules against their formulas (update-rules.ts), evaluated here by hand for one or
 * two steps, and the optax contract: the state is a value the caller holds, not hidden in the rule.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  adagradRule,
  adamRule,
  chain,
  makeSchedule,
  rmspropRule,
  scaleByLearningRate,
  sgdRule,
  traceMomentum,
  type UpdateRule,
} from '../../src/solvers/update-rules.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-15) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `[${i}] ${a[i]} vs ${b[i]}`);
};

/** Run `rule` on the gradients in turn; returns the steps. */
function steps(rule: UpdateRule, grads: number[][], lr: number): number[][] {
  let state = rule.init(grads[0]!.length);
  return grads.map((g) => {
    const r = rule.update(Float64Array.from(g), state, { learningRate: lr });
    state = r.state;
    return Array.from(r.step);
  });
}

const g1 = [0.5, -2, 0];
const g2 = [1, 1, -3];

describe('update rules', () => {
  it('sgd: step = lr g', () => {
    close(steps(sgdRule(), [g1], 0.1)[0]!, [0.05, -0.2, 0]);
  });

  it('momentum: v = beta v + g, step = lr v', () => {
    const [s1, s2] = steps(sgdRule(0.9), [g1, g2], 0.1);
    close(
      s1!,
      g1.map((g) => 0.1 * g),
    );
    close(
      s2!,
      g1.map((g, i) => 0.1 * (0.9 * g + g2[i]!)),
    );
  });

  it('nesterov: step = lr (g + beta v)', () => {
    const [s1, s2] = steps(sgdRule(0.9, true), [g1, g2], 0.1);
    close(
      s1!,
      g1.map((g) => 0.1 * (g + 0.9 * g)),
    );
    const v2 = g1.map((g, i) => 0.9 * g + g2[i]!);
    close(
      s2!,
      g2.map((g, i) => 0.1 * (g + 0.9 * v2[i]!)),
    );
  });

  it('adagrad: step = lr g / (sqrt(sum g^2) + eps)', () => {
    const [s1, s2] = steps(adagradRule(1e-8), [g1, g2], 0.5);
    close(
      s1!,
      g1.map((g) => (0.5 * g) / (Math.abs(g) + 1e-8)),
    );
    close(
      s2!,
      g2.map((g, i) => (0.5 * g) / (Math.sqrt(g1[i]! ** 2 + g ** 2) + 1e-8)),
    );
  });

  it('rmsprop: step = lr g / (sqrt(E) + eps), E = rho E + (1 - rho) g^2', () => {
    const [s1] = steps(rmspropRule(0.9, 1e-8), [g1], 0.01);
    close(
      s1!,
      g1.map((g) => (0.01 * g) / (Math.sqrt(0.1 * g * g) + 1e-8)),
    );
  });

  it('adam: bias-corrected moments; the first step is lr sign(g) (up to eps)', () => {
    const b1 = 0.9;
    const b2 = 0.999;
    const [s1, s2] = steps(adamRule(b1, b2, 1e-8), [g1, g2], 0.001);
    close(
      s1!,
      g1.map((g) => (0.001 * g) / (Math.abs(g) + 1e-8)),
      1e-12,
    );
    const m = g1.map((g, i) => (b1 * (1 - b1) * g + (1 - b1) * g2[i]!) / (1 - b1 ** 2));
    const v = g1.map((g, i) => (b2 * (1 - b2) * g * g + (1 - b2) * g2[i]! ** 2) / (1 - b2 ** 2));
    close(
      s2!,
      m.map((mi, i) => (0.001 * mi) / (Math.sqrt(v[i]!) + 1e-8)),
      1e-12,
    );
  });

  it('keeps its state in the value it returns: two runs from fresh states agree, a carried state differs', () => {
    const rule = adamRule();
    const a = rule.init(3);
    const first = Array.from(rule.update(Float64Array.from(g1), a, { learningRate: 1 }).step);
    const again = Array.from(rule.update(Float64Array.from(g1), rule.init(3), { learningRate: 1 }).step);
    assert.deepEqual(again, first);
    const carried = rule.update(Float64Array.from(g1), rule.update(Float64Array.from(g2), rule.init(3), { learningRate: 1 }).state, { learningRate: 1 });
    assert.notDeepEqual(Array.from(carried.step), first);
  });

  it('chain applies its parts in order, each with its own state', () => {
    const rule = chain('momentum-then-lr', traceMomentum(0.5), scaleByLearningRate());
    const state = rule.init(1);
    assert.equal(state.length, 2);
    const r1 = rule.update(Float64Array.of(2), state, { learningRate: 0.1 });
    assert.ok(Math.abs(r1.step[0]! - 0.2) < 1e-15);
    const r2 = rule.update(Float64Array.of(2), r1.state, { learningRate: 0.1 });
    assert.ok(Math.abs(r2.step[0]! - 0.1 * (0.5 * 2 + 2)) < 1e-15);
  });
});

describe('schedules', () => {
  it('constant', () => {
    const s = makeSchedule('constant');
    assert.equal(s(0.1, 0), 0.1);
    assert.equal(s(0.1, 37.5), 0.1);
  });
  it('invscaling: lr0 / (1 + epoch)^powerT', () => {
    const s = makeSchedule('invscaling', { powerT: 0.5 });
    assert.equal(s(0.1, 0), 0.1);
    assert.ok(Math.abs(s(0.1, 3) - 0.05) < 1e-17);
    assert.ok(Math.abs(makeSchedule('invscaling', { powerT: 1 })(1, 1.5) - 0.4) < 1e-16);
  });
  it('step: lr0 dropFactor^floor(epoch / dropEvery)', () => {
    const s = makeSchedule('step', { dropFactor: 0.5, dropEvery: 10 });
    assert.equal(s(0.8, 0), 0.8);
    assert.equal(s(0.8, 9.99), 0.8);
    assert.equal(s(0.8, 10), 0.4);
    assert.equal(s(0.8, 25), 0.2);
  });
});
