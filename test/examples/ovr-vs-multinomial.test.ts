import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, SKLEARN, DATASETS, STRATEGIES } from '../../examples/ovr-vs-multinomial.js';
import type { ExampleResult } from '../../examples/types.js';

const value = (r: ExampleResult, name: string): number => {
  const f = r.figures.find((x) => x.name === name);
  assert.ok(f, `figure '${name}' missing; have ${r.figures.map((x) => x.name).join(', ')}`);
  return f.value;
};

test('ovr-vs-multinomial (quick): scikit-learn figures for both strategies; multinomial better calibrated; four reliability diagrams', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-example-ovr-'));
  try {
    const r = await run({ outDir: dir, quick: true, log: () => {} });
    for (const name of DATASETS)
      for (const s of STRATEGIES) {
        const ref = SKLEARN[name][s];
        const at = (what: string) => value(r, `${name} ${s}: ${what}`);
        assert.equal(at('test accuracy'), ref.testAccuracy, `${name} ${s} accuracy`);
        assert.ok(Math.abs(at('test log loss') - ref.testLogLoss) < 1e-6, `${name} ${s} log loss ${at('test log loss')} vs ${ref.testLogLoss}`);
        assert.ok(Math.abs(at('test Brier score') - ref.testBrier) < 1e-6, `${name} ${s} Brier`);
        assert.ok(Math.abs(at('test ECE (10 bins)') - ref.testEce) < 1e-6, `${name} ${s} ECE ${at('test ECE (10 bins)')} vs ${ref.testEce}`);
      }
    assert.ok(value(r, 'iris multinomial: test accuracy') >= 0.93);
    assert.ok(value(r, 'digits multinomial: test accuracy') >= 0.95);
    assert.ok(value(r, 'digits ovr: test accuracy') >= 0.95);
    // What the example shows: the joint model's probabilities are better (log loss, Brier, ECE on digits).
    for (const name of DATASETS) {
      assert.ok(value(r, `${name} multinomial: test log loss`) < value(r, `${name} ovr: test log loss`), name);
      assert.ok(value(r, `${name} multinomial: test Brier score`) < value(r, `${name} ovr: test Brier score`), name);
    }
    assert.ok(value(r, 'digits multinomial: test ECE (10 bins)') < value(r, 'digits ovr: test ECE (10 bins)'));
    assert.equal(r.plots.length, 4);
    for (const p of r.plots) assert.match(readFileSync(p, 'utf8'), /reliability diagram/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
