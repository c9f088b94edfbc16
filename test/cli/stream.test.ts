/**
 * The CLI's streaming (issue 13, item 3): `train --stream` reaches the in-memory fit's optimum, a file above
 * a quarter of --max-memory streams by itself, `predict --stream` writes exactly what the in-memory predict
 * writes, and a streamed predict that fails midway leaves the previous output file untouched. (The progress
 * bar only draws on a terminal; its callback is exercised through fitFile's onProgress in test/node.)
 */
import { strict as assert } from 'node:assert';
import { describe, it, before, after } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run, tempDir, assertOneLineError } from './helpers.js';

const WINE = join(ROOT, 'test', 'fixtures', 'data', 'wine.csv');
let tmp: ReturnType<typeof tempDir>;
before(() => (tmp = tempDir()));
after(() => tmp.cleanup());

describe('softmax train streaming', () => {
  it('--stream reaches the in-memory optimum and reports the cache', async () => {
    const common = ['--scale', 'standard', '--tol', '1e-9', '--max-iter', '3000', '--json'];
    const a = await run(['train', WINE, ...common]);
    const b = await run(['train', WINE, '--stream', '--cache-dir', join(tmp.dir, 'c'), ...common]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    assert.ok(Math.abs(rb.fit.objective - ra.fit.objective) / ra.fit.objective < 1e-9);
    assert.equal(rb.stream.rows, 178);
    assert.equal(rb.stream.cacheReused, false);
    assert.ok(Math.abs(rb.train.accuracy - ra.train.accuracy) < 1e-12);
    const again = JSON.parse((await run(['train', WINE, '--stream', '--cache-dir', join(tmp.dir, 'c'), ...common])).stdout);
    assert.equal(again.stream.cacheReused, true);
  });

  it('a file above a quarter of --max-memory (and 16 MiB) streams by itself; --no-stream reads it whole (and hits the budget)', async () => {
    // 17 MiB of wine rows: above the 16 MiB floor and above a quarter of a 40 MiB budget.
    const lines = readFileSync(WINE, 'utf8').trim().split('\n');
    const body = lines.slice(1).join('\n') + '\n';
    const big = join(tmp.dir, 'big.csv');
    writeFileSync(big, lines[0] + '\n' + body.repeat(Math.ceil((17 << 20) / body.length)));
    const auto = await run(['train', big, '--max-memory', '40M', '--cache-dir', join(tmp.dir, 'c2'), '--max-iter', '5', '--json']);
    assert.equal(auto.code, 0, auto.stderr);
    assert.ok(JSON.parse(auto.stdout).stream.rows > 100000);
    const small = JSON.parse((await run(['train', WINE, '--json'])).stdout);
    assert.equal(small.stream, undefined);
    // In memory, the same budget is too small: what the threshold is for.
    const forced = await run(['train', big, '--max-memory', '40M', '--no-stream', '--max-iter', '5', '--json']);
    assert.notEqual(forced.code, 0);
    assert.match(forced.stderr, /memory budget/);
  });

  it('refuses what needs every row: --test-size, and --stream on stdin', async () => {
    const r = await run(['train', WINE, '--stream', '--test-size', '0.2']);
    assert.notEqual(r.code, 0);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /--test-size/);
    const s = await run(['train', '-', '--stream'], readFileSync(WINE, 'utf8'));
    assert.notEqual(s.code, 0);
    assert.match(s.stderr, /--stream reads a data file/);
  });
});

describe('softmax predict streaming', () => {
  it('writes the same predictions as the in-memory predict, CSV and JSON lines', async () => {
    const model = join(tmp.dir, 'm.json');
    assert.equal((await run(['train', WINE, '--scale', 'standard', '-o', model])).code, 0);
    for (const format of ['csv', 'jsonl']) {
      const a = await run(['predict', WINE, '--model', model, '--format', format, '--no-stream']);
      const b = await run(['predict', WINE, '--model', model, '--format', format, '--stream', '--cache-dir', join(tmp.dir, 'pc')]);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(b.stdout, a.stdout);
    }
    const out = join(tmp.dir, 'p.csv');
    const r = await run(['predict', WINE, '--model', model, '--stream', '-o', out, '--cache-dir', join(tmp.dir, 'pc')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), (await run(['predict', WINE, '--model', model, '--no-stream'])).stdout);
  });

  it('a bad row midway leaves the previous output file as it was', async () => {
    const model = join(tmp.dir, 'm.json');
    const lines = readFileSync(WINE, 'utf8').trim().split('\n');
    lines.splice(150, 0, lines[150]!.replace(/^[^,]+/, 'oops'));
    const bad = join(tmp.dir, 'bad.csv');
    writeFileSync(bad, lines.join('\n') + '\n');
    const out = join(tmp.dir, 'keep.csv');
    writeFileSync(out, 'previous\n');
    const r = await run(['predict', bad, '--model', model, '--stream', '-o', out, '--cache-dir', join(tmp.dir, 'pc')]);
    assert.notEqual(r.code, 0);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /line 151/);
    assert.equal(readFileSync(out, 'utf8'), 'previous\n');
  });
});
