/**
 * docs/cli-reference.md is generated from the commander definitions (npm run docs:cli): the checked-in
 * file must be what the generator writes today, so an option added, renamed or re-described in cli/ fails
 * here until the reference is regenerated.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { cliReferenceMarkdown } from '../../scripts/cli-reference.js';

it('docs/cli-reference.md is current (regenerate with npm run docs:cli)', async () => {
  const generated = await cliReferenceMarkdown();
  const checkedIn = readFileSync(new URL('../../docs/cli-reference.md', import.meta.url), 'utf8');
  assert.equal(checkedIn, generated, 'docs/cli-reference.md is stale: run `npm run docs:cli` and commit the result');
  // Spot-check that the generator saw the real command tree (not an empty program).
  for (const flag of ['--solver <name>', '--dataset <name>', '-m, --model <file>', '--folds <k>']) {
    assert.ok(generated.includes(`\`${flag}\``), `reference lacks ${flag}`);
  }
});
