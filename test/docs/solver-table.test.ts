/** The solver table in docs/solvers.md is the registry's (scripts/solver-table.ts): it cannot go stale. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PAGE, withTable } from '../../scripts/solver-table.js';

test('docs/solvers.md holds the table generated from the solver registry (npm run docs:solvers)', () => {
  const page = readFileSync(PAGE, 'utf8');
  assert.equal(page, withTable(page));
});
