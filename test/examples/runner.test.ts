import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const runner = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/example.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

test('example runner: --list names every examples/*.ts with its description; unknown names are refused', () => {
  const list = runner('--list');
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /ufldl-mnist\s+UFLDL softmax exercise/);
  assert.doesNotMatch(list.stdout, /^\s+types\b/m);
  const bad = runner('no-such-example');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown example 'no-such-example'; the examples are .*ufldl-mnist/);
});
