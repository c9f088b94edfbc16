// The progress bar: only on a terminal, only once a fit has run for a while, drawn on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitProgress } from '../../cli/progress.js';

function sink(isTTY: boolean) {
  const s = { text: '', isTTY, columns: 100, write: (c: string) => ((s.text += c), true), on: () => s, once: () => s, removeListener: () => s };
  return s;
}
const info = (iteration: number, elapsedMs: number) => ({ iteration, value: 1.5, gradientNorm: 0.01, step: 1, evaluations: iteration, elapsedMs });

test('no bar when stdout is piped, or when disabled', () => {
  assert.equal(fitProgress({ stdout: sink(false), stderr: sink(true) }, 100, true), null);
  assert.equal(fitProgress({ stdout: sink(true), stderr: sink(true) }, 100, false), null);
});

test('on a terminal: nothing for a short fit, a bar on stderr once the fit runs long', () => {
  const out = sink(true);
  const err = sink(true);
  const p = fitProgress({ stdout: out, stderr: err }, 100, true)!;
  assert.ok(p);
  const w = new Float64Array(1);
  p.onIteration(info(1, 5), w);
  p.onIteration(info(2, 200), w);
  assert.equal(err.text, '');
  p.onIteration(info(3, 1500), w);
  p.onIteration(info(4, 1600), w);
  p.stop();
  assert.match(err.text, /fitting/);
  assert.match(err.text, /iter \d+\/100/);
  assert.equal(out.text, '');
});
