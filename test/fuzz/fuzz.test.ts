/**
 * The fuzzing suite, bounded for `npm test`: a fixed seed and a few hundred cases per target (a few
 * seconds), in-process. `npm run fuzz -- --cases 100000` runs many more, each target in child processes
 * so that a runtime abort or a hang is caught and counted (scripts/fuzz.ts; counts in docs/reliability.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BAD, emptyCounts, runCase, TARGETS, type Target } from './harness.js';

const SEED = 20261202;
const CASES: Record<Target, number> = { csv: 400, libsvm: 300, idx: 400, cifar: 200, model: 400, cli: 60 };

for (const target of TARGETS) {
  test(`fuzz ${target}: ${CASES[target]} cases, no crash, hang, non-finite output or budget overrun`, { timeout: 120_000 }, async () => {
    const counts = emptyCounts();
    const bad: string[] = [];
    for (let i = 0; i < CASES[target]; i++) {
      const r = await runCase(target, SEED, i);
      counts[r.outcome]++;
      if (BAD.includes(r.outcome)) bad.push(`${r.outcome} case ${i} (npm run fuzz -- --target ${target} --seed ${SEED} --from ${i} --cases 1): ${r.detail}`);
    }
    assert.deepEqual(bad, []);
    // The generators reach both ends: inputs that parse and inputs that are refused.
    assert.ok(counts.result > 0 && counts.error > 0, JSON.stringify(counts));
  });
}
