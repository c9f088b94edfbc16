// Hostile input to the command line: randomly mutated CSV, LibSVM and model files must end in success or
// a one-line error with exit code 1 or 2: never a crash, a stack trace, or an "unexpected" (non-typed) error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import '../fc-setup.js';
import { assertOneLineError, IRIS, run, tempDir } from './helpers.js';

const NASTY = [
  ',',
  '"',
  '\n',
  '\r\n',
  '',
  ' ',
  'NaN',
  '1e999',
  '-1e308',
  'Infinity',
  '-',
  '.',
  '\u0000',
  '\ufeff',
  'é',
  ':',
  '0:',
  '-1:',
  '99999999999:',
  '{',
  '}',
  '[',
  ']',
  'null',
  '"__proto__"',
  '1e-400',
  '#',
];

type Edit = { kind: 'insert' | 'replace' | 'delete' | 'truncate'; at: number; text: string; len: number };

const edit = fc.record({
  kind: fc.constantFrom<Edit['kind']>('insert', 'replace', 'delete', 'truncate'),
  at: fc.nat(),
  text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4 })),
  len: fc.integer({ min: 1, max: 8 }),
});

function mutate(base: string, edits: Edit[]): string {
  let s = base;
  for (const e of edits) {
    const at = s.length ? e.at % (s.length + 1) : 0;
    if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at);
    else if (e.kind === 'replace') s = s.slice(0, at) + e.text + s.slice(at + e.len);
    else if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.len);
    else s = s.slice(0, at);
  }
  return s;
}

function checkOutcome(r: { code: number; stderr: string }, what: string): void {
  assert.ok([0, 1, 2].includes(r.code), `${what}: exit ${r.code}`);
  if (r.code !== 0) {
    assertOneLineError(r.stderr);
    // main() tags errors that are not the library's typed errors with '(unexpected <Name>; run with --debug ...)'.
    assert.doesNotMatch(r.stderr, /\(unexpected \w*;/, `${what}: untyped error: ${r.stderr}`);
  }
}

// Two classes of iris, 20 rows: small enough to fit in milliseconds.
const irisLines = readFileSync(IRIS, 'utf8').trim().split('\n');
const baseCsv = [irisLines[0], ...irisLines.slice(1, 11), ...irisLines.slice(51, 61)].join('\n') + '\n';
const baseLibsvm =
  irisLines
    .slice(1, 21)
    .concat(irisLines.slice(51, 71))
    .map((l) => {
      const f = l.split(',');
      return `${f.at(-1)} ${f
        .slice(0, -1)
        .map((v, j) => `${j + 1}:${v}`)
        .join(' ')}`;
    })
    .join('\n') + '\n';

test('mutated CSV files: train and eval end in success or a one-line typed error', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const model = join(dir, 'm.json');
    const f = join(dir, 'data.csv');
    writeFileSync(f, baseCsv);
    assert.equal((await run(['train', f, '-o', model, '--max-iter', '50'])).code, 0);
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        writeFileSync(f, mutate(baseCsv, edits));
        checkOutcome(await run(['train', f, '--max-iter', '50']), 'train');
        checkOutcome(await run(['eval', '--model', model, f]), 'eval');
      }),
      { numRuns: 120 },
    );
  } finally {
    cleanup();
  }
});

test('mutated LibSVM text on stdin: train ends in success or a one-line typed error', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
      checkOutcome(await run(['train', '-', '--data-format', 'libsvm', '--max-iter', '50'], mutate(baseLibsvm, edits)), 'train libsvm');
    }),
    { numRuns: 80 },
  );
});

test('mutated model files: inspect and predict end in success or a one-line typed error, never a partial output', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const data = join(dir, 'data.csv');
    writeFileSync(data, baseCsv);
    const good = join(dir, 'good.json');
    assert.equal((await run(['train', data, '-o', good])).code, 0);
    const baseModel = readFileSync(good, 'utf8');
    const m = join(dir, 'm.json');
    const out = join(dir, 'out.csv');
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        writeFileSync(m, mutate(baseModel, edits));
        checkOutcome(await run(['inspect', m]), 'inspect');
        rmSync(out, { force: true });
        const p = await run(['predict', '--model', m, data, '-o', out]);
        checkOutcome(p, 'predict');
        if (p.code !== 0) assert.equal(existsSync(out), false, 'predict failed but wrote an output file');
        else {
          // Whatever model survived validation predicts finite probabilities.
          const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1);
          for (const r of rows) for (const v of r.split(',').slice(1)) assert.ok(Number.isFinite(Number(v)), `non-finite probability ${v}`);
        }
      }),
      { numRuns: 150 },
    );
  } finally {
    cleanup();
  }
});
