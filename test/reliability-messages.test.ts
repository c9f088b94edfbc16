// Error messages stay one short line (issue 16, item 5): a list of names in a message shows the first ten
// and how many there are, whatever the data hold (thousands of columns, classes or labels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listForMessage, SoftmaxError } from '../src/errors.js';
import { parseCsv } from '../src/data/csv.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { encodeLabels } from '../src/core/labels.js';
import { logLoss, confusionMatrix } from '../src/metrics/index.js';
import { assertOneLineError, run, tempDir } from './cli/helpers.js';

/** The message of what `fn` throws (it must throw a SoftmaxError). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SoftmaxError, `not a SoftmaxError: ${String(e)}`);
    return e.message;
  }
  assert.fail('did not throw');
}

/** One line, at most `max` characters, ending the list with the count. */
function assertCapped(msg: string, count: number, max = 1200): void {
  assert.ok(!msg.includes('\n'), msg);
  assert.ok(msg.length <= max, `${msg.length} characters: ${msg.slice(0, 200)}…`);
  // listForMessage's form, or the CSV reader's own ("... (4001 columns)").
  assert.match(msg, new RegExp(`(… \\(${count.toLocaleString('en-US')} in all|\\.\\.\\. \\(${count} columns)\\)`), msg.slice(0, 400));
}

test('listForMessage: at most ten items, each at most 60 characters, then the count', () => {
  assert.equal(listForMessage(['a', 'b']), "'a', 'b'");
  assert.equal(listForMessage([1, 2, 3], { quote: '' }), '1, 2, 3');
  const many = Array.from({ length: 4000 }, (_, i) => `c${i}`);
  assert.equal(listForMessage(many), "'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', … (4,000 in all)");
  assert.equal(listForMessage(many.slice(0, 10)).split(', ').length, 10);
  assert.equal(listForMessage(['x'.repeat(1000)], { quote: '' }), `${'x'.repeat(60)}…`);
});

const wideHeader = Array.from({ length: 4000 }, (_, i) => `feature_with_a_long_name_${i}`);
const wideCsv = `${wideHeader.join(',')},label\n${wideHeader.map(() => '1').join(',')},a\n${wideHeader.map(() => '2').join(',')},b\n`;

test('CSV: an unknown --label or --features column among 4,000 is named with ten columns and the count', () => {
  assertCapped(
    messageOf(() => parseCsv(wideCsv, { label: 'nosuch' })),
    4001,
  );
  assertCapped(
    messageOf(() => parseCsv(wideCsv, { features: ['nosuch'] })),
    4001,
  );
});

test('labels and classes: unknown class weights, unknown labels, duplicate labels among thousands', () => {
  const K = 3000;
  const y = Array.from({ length: K }, (_, k) => `class_${k}`);
  const X = y.map((_, i) => [i % 7, i % 3]);
  assertCapped(
    messageOf(() => new SoftmaxRegression({ classWeight: { nosuch: 2 }, maxIter: 1 }).fit(X, y)),
    K,
  );
  assertCapped(
    messageOf(() => encodeLabels(['nosuch'], y)),
    K,
  );
  const P = { rows: 1, cols: K, data: new Float64Array(K).fill(1 / K) };
  assertCapped(
    messageOf(() => logLoss(['nosuch'], P, y)),
    K,
  );
  const dup = [...y, ...y];
  assertCapped(
    messageOf(() => confusionMatrix(['class_0'], ['class_0'], { labels: dup })),
    K,
  );
});

test('option values are not echoed whole: a 10,000-entry --class-weight array is cut', () => {
  const big = Array.from({ length: 10_000 }, (_, i) => i);
  const msg = messageOf(() => new SoftmaxRegression({ classWeight: big as never }));
  assert.ok(msg.length < 300, msg.slice(0, 300));
  assert.match(msg, /… \(\d+ characters\)/);
});

test('CLI: one short line for a missing column among 4,000 (train --label, --features, predict --keep)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const data = join(dir, 'wide.csv');
    writeFileSync(data, wideCsv);
    for (const argv of [
      ['train', data, '--label', 'nosuch', '--no-progress'],
      ['train', data, '--features', 'nosuch', '--no-progress'],
    ]) {
      const r = await run(argv);
      assert.notEqual(r.code, 0);
      assertOneLineError(r.stderr);
      assert.ok(r.stderr.length < 1500, `${argv.join(' ')}: ${r.stderr.length} characters`);
      assert.match(r.stderr, /\((4,001 in all|4001 columns)\)/);
    }
    const model = join(dir, 'm.json');
    const t = await run(['train', '--dataset', 'digits', '-o', model, '--no-progress', '--max-iter', '5']);
    assert.equal(t.code, 0, t.stderr);
    const k = await run(['predict', '-m', model, '--dataset', 'digits', '--keep', 'nosuch']);
    assert.equal(k.code, 2, k.stderr);
    assertOneLineError(k.stderr);
    assert.match(k.stderr, /\(65 in all\)/);
  } finally {
    cleanup();
  }
});
