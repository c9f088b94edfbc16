import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, SKLEARN } from '../../examples/binary-as-k2.js';
import type { ExampleResult } from '../../examples/types.js';

const value = (r: ExampleResult, name: string): number => {
  const f = r.figures.find((x) => x.name === name);
  assert.ok(f, `figure '${name}' missing; have ${r.figures.map((x) => x.name).join(', ')}`);
  return f.value;
};

test('binary-as-k2 (quick): sigmoid = softmax([0, z]); binomial(C) = two-row(C/2), not two-row(C); scikit-learn figures', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-example-binary-'));
  try {
    const r = await run({ outDir: dir, quick: true, log: () => {} });
    assert.equal(r.example, 'binary-as-k2');
    // The identity and the equal probabilities: rounding only.
    assert.ok(value(r, 'max |softmax([0,z])_1 - sigmoid(z)|') < 1e-15);
    assert.ok(value(r, 'max |softmax([0, z_b]) - p binomial|') < 1e-15);
    assert.ok(value(r, 'max |p binomial(C) - p two-row(C/2)|') < 1e-9);
    assert.ok(value(r, 'max |p binomial(2C) - p two-row(C)|') < 1e-9);
    assert.ok(value(r, 'max |w1 - w0 - w|, intercepts too') < 1e-7);
    assert.ok(value(r, 'max |w1 + w0| (symmetric rows)') < 1e-7);
    assert.ok(value(r, 'relative |F binomial(C) - F two-row(C/2)|') < 1e-12);
    assert.ok(value(r, '2-feature plane: max |p b - p 2-row|') < 1e-9);
    // The same C on both rows is a different (more regularized) model: visibly different probabilities.
    assert.ok(value(r, 'max |p binomial(C) - p two-row(C)|') > 1e-2);
    // Against scikit-learn 1.2.1 on the same split (scripts/examples_sklearn_b.py).
    assert.ok(Math.abs(value(r, 'binomial objective F (C = 1)') - SKLEARN.binomialC1.objective) < 1e-8 * SKLEARN.binomialC1.objective);
    assert.equal(value(r, 'test accuracy, binomial'), SKLEARN.binomialC1.testAccuracy);
    assert.equal(value(r, 'test accuracy, two-row (C/2)'), SKLEARN.multinomialC05.testAccuracy);
    assert.ok(value(r, 'test accuracy, binomial') >= 0.97);
    assert.ok(Math.abs(value(r, 'test log loss, binomial') - SKLEARN.binomialC1.testLogLoss) < 1e-8);
    assert.ok(Math.abs(value(r, 'test log loss, two-row (C/2)') - SKLEARN.multinomialC05.testLogLoss) < 1e-8);
    assert.equal(r.plots.length, 2);
    for (const p of r.plots) {
      const svg = readFileSync(p, 'utf8');
      assert.match(svg, /^<svg/);
      assert.match(svg, /worst_concave_points \(standardized\)/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
