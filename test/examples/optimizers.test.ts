import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, firstBelow, REFERENCE_OPTIMUM, type Trace } from '../../examples/optimizers.js';

test("optimizers (quick, iris): F* is scikit-learn's optimum; Newton converges quadratically in few passes, gradient descent linearly in many", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-example-optimizers-'));
  try {
    const r = await run({ outDir: dir, quick: true, log: () => {} });
    const fStar = r.fStar;
    assert.ok(Math.abs(fStar - REFERENCE_OPTIMUM.iris) < 1e-10 * REFERENCE_OPTIMUM.iris, `F* ${fStar}`);
    const t = Object.fromEntries(r.traces.map((x) => [x.key, x])) as Record<'gd' | 'sgd' | 'newton' | 'lbfgs', Trace>;
    assert.deepEqual(Object.keys(t).sort(), ['gd', 'lbfgs', 'newton', 'sgd']);
    // Every trace starts at w = 0 (F = n log K for 150 rows, 3 classes) and records passes and time in order.
    for (const x of r.traces) {
      assert.ok(Math.abs(x.gap[0]! + fStar - 150 * Math.log(3)) < 1e-9, x.key);
      assert.equal(x.passes.length, x.gap.length);
      for (let i = 1; i < x.passes.length; i++) {
        assert.ok(x.passes[i]! > x.passes[i - 1]!, `${x.key} passes increase`);
        assert.ok(x.seconds[i]! >= x.seconds[i - 1]!, `${x.key} time increases`);
      }
    }
    const newton = firstBelow(t.newton, fStar, 1e-6);
    const lbfgs = firstBelow(t.lbfgs, fStar, 1e-6);
    const gd = firstBelow(t.gd, fStar, 1e-6);
    assert.ok(newton && lbfgs && gd, 'newton, lbfgs and gd reach a relative gap of 1e-6');
    assert.ok(newton.iteration <= 10, `newton: ${newton.iteration} iterations`);
    assert.ok(gd.passes > 5 * newton.passes && gd.passes > 5 * lbfgs.passes, `passes gd ${gd.passes}, newton ${newton.passes}, lbfgs ${lbfgs.passes}`);
    // Newton ends at the optimum to rounding; the last steps are quadratic: some step squares the gap's
    // relative size at least (gap_{k+1} / F* <= 10 (gap_k / F*)^2 with gap_k / F* < 1e-3).
    const rel = t.newton.gap.map((g) => g / fStar);
    assert.ok(rel[rel.length - 1]! < 1e-12);
    assert.ok(
      rel.some((g, k) => k + 1 < rel.length && g < 1e-3 && g > 1e-14 && rel[k + 1]! <= 10 * g * g),
      rel.join(', '),
    );
    // Gradient descent with Armijo steps never increases F; its rate is linear (a steady ratio per step).
    for (let i = 1; i < t.gd.gap.length; i++) assert.ok(t.gd.gap[i]! <= t.gd.gap[i - 1]! + 1e-12 * fStar, `gd step ${i}`);
    // Mini-batch SGD with a constant step: progress, then a noise floor far above the others' 1e-6.
    assert.ok(t.sgd.gap[t.sgd.gap.length - 1]! < 0.1 * t.sgd.gap[0]!);
    assert.equal(firstBelow(t.sgd, fStar, 1e-6), null);
    assert.equal(r.plots.length, 1);
    const svg = readFileSync(r.plots[0]!, 'utf8');
    for (const label of ['gradient descent (Armijo)', 'mini-batch SGD', "Newton's method (exact Hessian)", 'L-BFGS (10 pairs)'])
      assert.ok(svg.includes(label.replace("'", '&#39;')) || svg.includes(label), label);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('optimizers (quick, 2 runs): seconds are the median over runs in alternating order, with the ratio to L-BFGS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-example-optimizers-'));
  try {
    const lines: string[] = [];
    const r = await run({ outDir: dir, quick: true, rounds: '2', maxPasses: '250', log: (l) => lines.push(l) });
    assert.deepEqual(
      lines.filter((l) => l.startsWith('run ')),
      ['run 1 of 2', 'run 2 of 2'],
    );
    // Run 2 goes backwards: L-BFGS first.
    const run2 = lines.slice(lines.indexOf('run 2 of 2') + 1, lines.indexOf('run 2 of 2') + 5).map((l) => l.split(':')[0]);
    assert.deepEqual(run2, ['L-BFGS (10 pairs)', "Newton's method (exact Hessian)", 'mini-batch SGD', 'gradient descent (Armijo)']);
    for (const key of ['gd', 'newton', 'lbfgs']) {
      const f = r.figures.find((x) => x.name === `${key}: seconds to gap 1e-6 F* (median of 2 runs)`);
      assert.ok(f, key);
      const runs = f.note!.replace('runs: ', '').split(', ').map(Number);
      assert.equal(runs.length, 2);
      assert.ok(Math.abs(f.value - (runs[0]! + runs[1]!) / 2) < 1e-3, `${key}: median of two is their mean`);
    }
    assert.ok(r.figures.some((x) => x.name === 'newton: seconds / L-BFGS seconds (median over runs)'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
