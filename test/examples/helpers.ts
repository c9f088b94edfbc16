/** Shared by the example tests: a scratch output folder and lookups into an ExampleResult. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { ExampleFigure, ExampleResult } from '../../examples/types.js';

export function scratchDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `softmax-example-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function figure(result: ExampleResult, name: string): ExampleFigure {
  const f = result.figures.find((x) => x.name === name);
  assert.ok(f, `figure '${name}' missing; have ${result.figures.map((x) => x.name).join(', ')}`);
  return f;
}

/** Every plot the example reports exists and is a PNG (magic bytes) of some size. */
export function assertPngs(result: ExampleResult, count: number): void {
  assert.equal(result.plots.length, count, result.plots.join(', '));
  for (const p of result.plots) {
    const bytes = readFileSync(p);
    assert.ok(bytes.length > 2000, `${p}: ${bytes.length} bytes`);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], p);
  }
}

export const quiet = (): void => {};
