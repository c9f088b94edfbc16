// Plots and reports for tabular data: a feature x class coefficient heat map with names (images only for
// pixels), regions in the plane of two features of a many-feature model, legible confusion matrices up to 30
// classes, legends never cut, no text under 11 px, relative names in report headings, and report's train/test
// naming with a saved model. Every SVG is parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { SoftmaxRegression } from '../../src/index.js';
import { calibrationBins, confusionMatrix } from '../../src/metrics/index.js';
import {
  calibrationSvg,
  coefficientsSvg,
  confusionSvg,
  decisionRegionsSvg,
  looksLikeImage,
  pathSvg,
  trainingCurvesSvg,
  weightsSvg,
} from '../../src/plots/index.js';
import { all, marks, parseSvg, texts, type El } from './svg-helpers.js';
import { IRIS } from '../cli/helpers.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

/** Every text element's font size (attribute or style), in px. */
function fontSizes(svg: El): number[] {
  return all(svg, (e) => e.name === 'text').map((t) => {
    const a = t.attrs['font-size'] ?? /font-size:\s*([\d.]+)/.exec(t.attrs.style ?? '')?.[1];
    return a === undefined ? NaN : parseFloat(a);
  });
}

function assertReadableText(svg: El, what: string): void {
  const sizes = fontSizes(svg);
  assert.ok(sizes.length > 0, `${what}: has text`);
  for (const s of sizes) assert.ok(s >= 11, `${what}: text of ${s} px (< 11)`);
  // Vega marks a truncated label with an ellipsis: no legend or axis label may be cut.
  for (const role of ['role-legend-label', 'role-legend-title', 'role-axis-label', 'role-axis-title']) {
    for (const t of texts(svg, role)) assert.ok(!t.endsWith('…'), `${what}: ${role} '${t}' is cut`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'softmax-plots-tabular-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** 18 named tabular features, 4 classes (deterministic): too many for regions, not pixels. */
function tabular(): { X: number[][]; y: string[]; names: string[] } {
  const names = Array.from({ length: 18 }, (_, j) => `measure_${String.fromCharCode(97 + j)}`);
  const X: number[][] = [];
  const y: string[] = [];
  for (let i = 0; i < 200; i++) {
    const k = i % 4;
    X.push(names.map((_, j) => Math.sin(i * (j + 1) * 0.37) + (j === k ? 2.5 : 0) + (j === 4 + k ? -1.5 : 0)));
    y.push(['ant', 'bee', 'cat', 'dog'][k]!);
  }
  return { X, y, names };
}

test('coefficients: a feature x class heat map with feature names, values in the cells, one diverging scale', async () => {
  const { X, y, names } = tabular();
  const m = new SoftmaxRegression({ C: 1 }).fit(X, y, { featureNames: names });
  assert.equal(looksLikeImage(18, names), null);
  assert.equal(looksLikeImage(16, names.slice(0, 16)), null, '16 named measurements are not a 4x4 image');
  assert.deepEqual(
    looksLikeImage(
      64,
      Array.from({ length: 64 }, (_, j) => `pixel_${j >> 3}_${j & 7}`),
    ),
    [8, 8],
  );
  assert.deepEqual(
    looksLikeImage(
      784,
      Array.from({ length: 784 }, (_, j) => `px${j}`),
    ),
    [28, 28],
  );
  assert.deepEqual(looksLikeImage(64, null), [8, 8]);
  assert.equal(looksLikeImage(16, null), null);
  const svg = parseSvg(await coefficientsSvg(m.coef!, m.classes!, { featureNames: names }));
  assert.equal(marks(svg, 'rect').length, 18 * 4);
  assert.deepEqual(
    texts(svg, 'role-axis-label').filter((t) => names.includes(t)),
    names,
    'every feature named, in order',
  );
  assert.deepEqual(
    texts(svg, 'role-axis-label').filter((t) => ['ant', 'bee', 'cat', 'dog'].includes(t)),
    ['ant', 'bee', 'cat', 'dog'],
  );
  // Each cell's text is its coefficient, rounded.
  const cellText = marks(svg, 'text').map((t) => t.text);
  assert.equal(cellText.length, 72);
  const w = m.coef![1]![2]!;
  assert.ok(cellText.includes(w.toFixed(Math.abs(w) >= 10 ? 1 : 2)), `${w} shown`);
  // Red for positive, blue for negative, on one shared scale (read back from the cell's accessible label).
  for (const c of marks(svg, 'rect')) {
    const v = Number(/coefficient: (\S+)/.exec(c.attrs['aria-label'] ?? '')?.[1]?.replace('\u2212', '-') ?? NaN);
    const [r, , b] = c.attrs.fill!.match(/\d+/g)!.map(Number);
    if (v > 0.3) assert.ok(r! > b!, `w=${v} red`);
    if (v < -0.3) assert.ok(b! > r!, `w=${v} blue`);
  }
  assertReadableText(svg, 'coefficients');
  // Many features: the largest ones, said so.
  const wide = Array.from({ length: 3 }, (_, k) => Array.from({ length: 100 }, (_, j) => (j === 50 + k ? 5 : Math.sin(j + k) * 0.1)));
  const many = parseSvg(await coefficientsSvg(wide, [0, 1, 2], { maxFeatures: 20 }));
  assert.equal(marks(many, 'rect').length, 60);
  assert.ok(texts(many, 'role-axis-label').includes('x51'));
  assert.match(texts(many, 'role-title-subtitle').join(' '), /the 20 of 100 features with the largest \|w\|/);
});

test('softmax plot weights: heat map for tabular data (no "not a square number"), tiles for pixels, PNG too', async () => {
  const model = join(dir, 'wine.json');
  assert.equal((await run(['train', '--dataset', 'wine', '-o', model])).code, 0);
  const out = join(dir, 'w.svg');
  const r = await run(['plot', 'weights', '--model', model, '-o', out]);
  assert.equal(r.code, 0, r.err);
  const svg = parseSvg(readFileSync(out, 'utf8'));
  assert.equal(marks(svg, 'rect').length, 13 * 3);
  assert.ok(texts(svg, 'role-axis-label').includes('proline'));
  assert.ok(
    texts(svg, 'role-axis-label').some((t) => t.startsWith('od280/od315')),
    'long names are not cut',
  );
  assertReadableText(svg, 'plot weights (wine)');
  const png = join(dir, 'w.png');
  assert.equal((await run(['plot', 'weights', '--model', model, '-o', png])).code, 0);
  assert.deepEqual([...readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  // Pixels still get image tiles; --image-shape forces them (and a wrong shape is an error, no file).
  const digits = await run(['plot', 'weights', '--dataset', 'digits', '--max-iter', '30', '--json']);
  assert.equal(digits.code, 0, digits.err);
  assert.equal(marks(parseSvg(JSON.parse(digits.out).svg), 'rect').length, 640);
  const bad = await run(['plot', 'weights', '--model', model, '--image-shape', '4x4', '-o', join(dir, 'bad.svg')]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /d = 13 but shape is 4x4/);
  assert.ok(!existsSync(join(dir, 'bad.svg')));
});

test('softmax plot regions --features A,B on a many-feature model: the plane of A and B, the others at their means', async () => {
  const { X, y, names } = tabular();
  const csv = join(dir, 'tab.csv');
  writeFileSync(csv, [[...names, 'label'].join(','), ...X.map((r, i) => [...r.map((v) => v.toFixed(6)), y[i]].join(','))].join('\n') + '\n');
  const model = join(dir, 'tab.json');
  assert.equal((await run(['train', csv, '-o', model])).code, 0);
  const out = join(dir, 'regions.svg');
  const r = await run(['plot', 'regions', '--model', model, csv, '--features', 'measure_a,measure_c', '--grid', '12', '-o', out]);
  assert.equal(r.code, 0, r.err);
  const svg = parseSvg(readFileSync(out, 'utf8'));
  assert.equal(marks(svg, 'rect').length, 144);
  assert.equal(marks(svg, 'symbol').length, 200);
  assert.deepEqual(texts(svg, 'role-axis-title'), ['measure_a', 'measure_c']);
  assert.match(texts(svg, 'role-title-subtitle').join(' '), /the other 16 features held at their means/);
  assertReadableText(svg, 'regions');
  // The grid is the model evaluated with the other features at their means: check one cell independently.
  const m = new SoftmaxRegression().fit(X, y, { featureNames: names });
  const svg2 = parseSvg(await decisionRegionsSvg(m, X, y, { grid: 3, features: [0, 2] }));
  const means = names.map((_, j) => X.reduce((a, row) => a + row[j]!, 0) / X.length);
  const a = X.map((row) => row[0]!);
  const c = X.map((row) => row[2]!);
  const span = (v: number[]) => [Math.min(...v), Math.max(...v)];
  const [a0, a1] = span(a);
  const [c0, c1] = span(c);
  // Centre cell of a 3x3 grid over the data range widened by 8% on each side is the range's midpoint.
  const centre = means.slice();
  centre[0] = (a0! + a1!) / 2;
  centre[2] = (c0! + c1!) / 2;
  const want = String(m.predict([centre])[0]);
  const cells = marks(svg2, 'rect');
  assert.equal(cells.length, 9);
  assert.match(cells[4]!.attrs['aria-label']!, new RegExp(`class: ${want}\\b`));
  // Unknown feature: did you mean; a 2-feature choice without a model trains on the two, as before.
  const typo = await run(['plot', 'regions', '--model', model, csv, '--features', 'measure_a,mesure_c']);
  assert.equal(typo.code, 2);
  assert.match(typo.err, /no feature 'mesure_c' \(Did you mean measure_c\?\)/);
});

test('confusion matrix of 30 classes: no grid lines, no text under 11 px, count only, zeros blank', async () => {
  const labels = Array.from({ length: 30 }, (_, k) => `class_${k}`);
  const yt: string[] = [];
  const yp: string[] = [];
  labels.forEach((l, k) => {
    for (let i = 0; i < 20; i++) {
      yt.push(l);
      yp.push(i < 17 ? l : labels[(k + i) % 30]!);
    }
  });
  const svg = parseSvg(await confusionSvg(confusionMatrix(yt, yp, { labels })));
  assert.equal(marks(svg, 'rect').length, 900);
  assert.equal(all(svg, (e) => e.name === 'g' && /role-axis-grid/.test(e.attrs.class ?? '')).length, 0, 'no axis grid');
  const cellTexts = marks(svg, 'text').map((t) => t.text);
  assert.equal(cellTexts.length, 30 * 4, 'one count per non-zero cell, nothing in zero cells');
  assert.ok(cellTexts.every((t) => /^\d+$/.test(t)));
  assertReadableText(svg, 'confusion 30');
  // Cells are large enough for an 11 px count.
  const w = Number(marks(svg, 'rect')[0]!.attrs.d?.match(/h([\d.]+)/)?.[1] ?? 30);
  assert.ok(w >= 28, `cell width ${w}`);
  // Small matrices keep count and rate.
  const small = parseSvg(await confusionSvg(confusionMatrix(['a', 'a', 'b'], ['a', 'b', 'b'])));
  assert.ok(
    marks(small, 'text')
      .map((t) => t.text)
      .includes('50.0%'),
  );
  assertReadableText(small, 'confusion 2');
});

test('every plot: legends and labels never cut, no text under 11 px', async () => {
  const { X, y, names } = tabular();
  const m = new SoftmaxRegression({ C: 1 }).fit(X, y, { featureNames: names });
  const P = m.predictProbaFlat(X);
  const bins = calibrationBins(y, { rows: y.length, cols: 4, data: P }, m.classes!);
  const two = new SoftmaxRegression().fit(
    X.map((r) => [r[0]!, r[1]!]),
    y,
    { featureNames: ['measure_a', 'measure_b'] },
  );
  const svgs: Array<[string, string]> = [
    ['calibration', await calibrationSvg(bins)],
    ['curves', await trainingCurvesSvg(m.fitResult!.history)],
    [
      'regions',
      await decisionRegionsSvg(
        two,
        X.map((r) => [r[0]!, r[1]!]),
        y,
      ),
    ],
    ['path', await pathSvg({ C: [0.1, 1, 10], coef: [m.coef!, m.coef!, m.coef!] }, { classes: m.classes!, featureNames: names })],
    ['weights', await weightsSvg([[1, -1, 0.5, 0]], ['only'])],
  ];
  for (const [what, s] of svgs) assertReadableText(parseSvg(s), what);
  // The calibration legend's longest entry is whole.
  assert.ok(texts(parseSvg(svgs[0]![1]), 'role-legend-label').includes('mean confidence of the bin'));
});

test('report --model M FILE: FILE is evaluation data (not "train"), nothing refitted; --test T alone works; relative names', async () => {
  const model = join(dir, 'iris.json');
  assert.equal((await run(['train', IRIS, '-o', model])).code, 0);
  const out = join(dir, 'eval.html');
  const r = await run(['report', '--model', model, IRIS, '-o', out, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.trainAccuracy, null);
  assert.ok(j.testAccuracy > 0.9);
  assert.equal(j.path, null, 'no coefficient path refitted on evaluation data');
  assert.match(j.testData, /iris\.csv \(evaluation data\)$/);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /a saved model evaluated on [^<]*iris\.csv \(evaluation data\)/);
  assert.ok(!/\(train\)|trained on/.test(html), 'the evaluation file is never called training data');
  assert.ok(!html.includes('<section id="path">'));
  // Headings: no absolute paths.
  for (const h of html.match(/<h[12][^>]*>[^<]*<\/h[12]>|<p class="sub">[^<]*/g) ?? [])
    assert.ok(!h.includes(dir) && !h.includes('/work/') && !/\s\/\w/.test(h), `absolute path in heading: ${h}`);
  // The tabular weights are a heat map with the feature names.
  const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((mm) => parseSvg(mm[0]));
  const coef = svgs.find((s) => texts(s, 'role-title-text').includes('Coefficients per feature and class'))!;
  assert.ok(coef, 'coefficient heat map in the report');
  assert.ok(texts(coef, 'role-axis-label').includes('petal_width_cm'));
  for (const s of svgs) assertReadableText(s, 'report plot');

  const t = await run(['report', '--model', model, '--test', IRIS, '-o', join(dir, 't.html'), '--json']);
  assert.equal(t.code, 0, t.err);
  assert.equal(JSON.parse(t.out).trainAccuracy, null);
  // A path on a saved model needs data given as training data.
  const p = await run(['report', '--model', model, IRIS, '--path', '0.1,1', '-o', join(dir, 'p.html')]);
  assert.equal(p.code, 2);
  assert.match(p.err, /--path refits the model along C on training data/);
  const withTrain = await run(['report', '--model', model, IRIS, '--test', IRIS, '--path', '0.1,1', '-o', join(dir, 'p2.html'), '--json']);
  assert.equal(withTrain.code, 0, withTrain.err);
  assert.deepEqual(JSON.parse(withTrain.out).path, [0.1, 1]);
  assert.match(readFileSync(join(dir, 'p2.html'), 'utf8'), /Path refitted here with the saved model&#39;s options on [^<]*iris\.csv, as training data/);
});
