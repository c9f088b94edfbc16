/** `softmax report` and `softmax plot KIND` end to end, in-process: files out, parsed and checked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { loadModel } from '../../node/model-file.js';
import { buildReport } from '../../src/report/report.js';
import { SoftmaxRegression } from '../../src/index.js';
import { marks, parseSvg, texts } from './svg-helpers.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'softmax-plots-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('softmax report --dataset digits: one offline HTML file with every plot that applies', async () => {
  const out = join(dir, 'report.html');
  const r = await run(['report', '--dataset', 'digits', '-o', out, '--json']);
  assert.equal(r.code, 0, r.err);
  const res = JSON.parse(r.out);
  assert.equal(res.output, out);
  assert.ok(res.testAccuracy >= 0.9694 - 1e-9, `test accuracy ${res.testAccuracy} (scikit-learn: 0.9694)`);
  const html = readFileSync(out, 'utf8');
  // Self-contained: no scripts, no external URLs (SVG namespace declarations are not fetched).
  assert.ok(!/<script/i.test(html));
  const urls = [...html.matchAll(/(?:src|href)\s*=\s*"([^"#][^"]*)"/gi)].map((m) => m[1]);
  assert.deepEqual(urls, []);
  assert.ok(!/url\(\s*['"]?http/i.test(html));
  for (const id of ['fit', 'metrics', 'math', 'curves', 'confusion', 'calibration', 'weights', 'path'])
    assert.ok(html.includes(`<section id="${id}">`), `section ${id}`);
  assert.ok(!html.includes('<section id="regions">'), 'digits are 64-D: no decision regions');
  // The math in MathML, with the library's conventions.
  assert.ok(html.includes('<math display="block">'));
  assert.ok(html.includes('<mi>diag</mi>'), 'softmax Jacobian diag(p) - p p^T');
  // Each plot is a parseable SVG with its marks: 10 weight tiles of 64 cells, a 10x10 confusion matrix.
  const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => parseSvg(m[0]));
  assert.equal(svgs.length, 5);
  const byTitle = (t: string) => svgs.find((s) => texts(s, 'role-title-text').some((x) => x.startsWith(t)))!;
  assert.equal(marks(byTitle('Learned weights'), 'rect').length, 640);
  assert.equal(marks(byTitle('Confusion matrix'), 'rect').length, 100);
  assert.equal(marks(byTitle('Coefficient paths'), 'line').length, 640);
});

test('buildReport on 2-D data includes decision regions; metrics match an independent count', async () => {
  const X = [
    [0, 0],
    [0.2, 0.1],
    [1, 1],
    [1.1, 0.9],
    [0, 1],
    [0.1, 1.2],
    [0.5, 0.5],
  ];
  const y = [0, 0, 1, 1, 2, 2, 1];
  const model = new SoftmaxRegression({ C: 10 }).fit(X, y, { featureNames: ['a', 'b'] });
  const html = await buildReport({ model, train: { X, y, name: 'toy' }, date: new Date(0) });
  assert.ok(html.includes('<section id="regions">'));
  assert.ok(html.includes('1970-01-01 00:00:00 UTC'));
  const pred = model.predict(X);
  const acc = pred.filter((p, i) => p === y[i]).length / y.length;
  assert.ok(html.includes(`<td class="n">${acc.toFixed(4)}</td>`), `accuracy ${acc.toFixed(4)} in the metrics table`);
  // User-supplied names are escaped.
  const evil = new SoftmaxRegression().fit(X, y, { featureNames: ['<img src=x>', 'b'] });
  const html2 = await buildReport({ model: evil, train: { X, y, name: '<b>x</b>' } });
  assert.ok(!html2.includes('<img src=x>') && html2.includes('&lt;img src=x&gt;'));
});

test('softmax plot: every kind writes a file (SVG or PNG); curves from a saved model; errors exit 2', async () => {
  const model = join(dir, 'iris.json');
  assert.equal((await run(['train', '--dataset', 'iris', '-o', model, '--no-progress'])).code, 0);
  const cases: Array<[string, string[], (svg: ReturnType<typeof parseSvg>) => void]> = [
    ['curves', ['--model', model], (s) => assert.equal(marks(s, 'line').length, 2)],
    ['confusion', ['--model', model, '--dataset', 'iris'], (s) => assert.equal(marks(s, 'rect').length, 9)],
    [
      'calibration',
      ['--model', model, '--dataset', 'iris', '--bins', '5'],
      (s) => assert.equal(texts(s, 'role-title-subtitle')[0]!.includes('in 5 bins'), true),
    ],
    ['weights', ['--dataset', 'digits', '--max-iter', '50'], (s) => assert.equal(marks(s, 'rect').length, 640)],
    [
      'regions',
      ['--dataset', 'iris', '--features', 'petal_length_cm,petal_width_cm', '--grid', '10'],
      (s) => {
        assert.equal(marks(s, 'rect').length, 100);
        assert.deepEqual(texts(s, 'role-axis-title'), ['petal_length_cm', 'petal_width_cm']);
      },
    ],
    ['path', ['--dataset', 'iris', '--Cs', '0.01,1,100'], (s) => assert.equal(marks(s, 'line').length, 12)],
  ];
  for (const [kind, args, check] of cases) {
    const f = join(dir, `${kind}.svg`);
    const r = await run(['plot', kind, ...args, '-o', f]);
    assert.equal(r.code, 0, `${kind}: ${r.err}`);
    check(parseSvg(readFileSync(f, 'utf8')));
  }
  const png = join(dir, 'confusion.png');
  assert.equal((await run(['plot', 'confusion', '--model', model, '--dataset', 'iris', '-o', png])).code, 0);
  assert.deepEqual([...readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  // SVG on stdout without -o.
  const so = await run(['plot', 'curves', '--model', model]);
  assert.equal(so.code, 0);
  assert.ok(so.out.startsWith('<svg'));
  // Bad usage: unknown kind, regions on 4-D data without --features... (iris picks the first two, with a note).
  const bad = await run(['plot', 'histogram', '--dataset', 'iris']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown plot kind 'histogram'; kinds: curves, regions, confusion, weights, calibration, path/);
  const note = await run(['plot', 'regions', '--dataset', 'iris', '--grid', '5', '-o', join(dir, 'r2.svg')]);
  assert.equal(note.code, 0, note.err);
  assert.match(note.err, /first two features/);
  // Tabular data (wine, d = 13) get the feature x class heat map (issue 14: no more "not a square number");
  // an image shape that does not fit d is still an error that leaves no file.
  const heat = await run(['plot', 'weights', '--dataset', 'wine', '-o', join(dir, 'w.svg')]);
  assert.equal(heat.code, 0, heat.err);
  assert.equal(marks(parseSvg(readFileSync(join(dir, 'w.svg'), 'utf8')), 'rect').length, 13 * 3);
  const noShape = await run(['plot', 'weights', '--dataset', 'wine', '--image-shape', '3x4', '-o', join(dir, 'w2.svg')]);
  assert.equal(noShape.code, 1);
  assert.match(noShape.err, /d = 13 but shape is 3x4/);
  assert.ok(!existsSync(join(dir, 'w2.svg')), 'no file on error');
  assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary files left');
  // The saved model still loads (plot never rewrites it).
  assert.equal(loadModel(model).nClasses, 3);
});
