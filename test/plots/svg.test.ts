/** Plot functions: parse the SVG each one renders and check marks, axes, legends and colours. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SoftmaxRegression } from '../../src/index.js';
import { calibrationBins, confusionMatrix } from '../../src/metrics/index.js';
import { calibrationSvg, classColor, confusionSvg, decisionRegionsSvg, imageShape, pathSvg, trainingCurvesSvg, weightsSvg } from '../../src/plots/index.js';
import { svgToPng } from '../../node/png.js';
import { all, marks, parseSvg, texts } from './svg-helpers.js';

/** Three well-separated 2-D blobs (deterministic). */
function blobs(): { X: number[][]; y: string[] } {
  const centres: [number, number, string][] = [
    [0, 0, 'a'],
    [6, 0, 'b'],
    [3, 6, 'c'],
  ];
  const X: number[][] = [];
  const y: string[] = [];
  for (const [cx, cy, label] of centres) {
    for (let i = 0; i < 10; i++) {
      X.push([cx + Math.cos(i * 2.4) * 0.8, cy + Math.sin(i * 1.7) * 0.8]);
      y.push(label);
    }
  }
  return { X, y };
}

test('training curves: objective and gradient norm on log axes, one point per iteration', async () => {
  const history = { iteration: [1, 2, 3, 4, 5], value: [100, 50, 20, 15, 14.5], gradientNorm: [10, 3, 1, 0.1, 0.01] };
  const svg = parseSvg(await trainingCurvesSvg(history));
  assert.equal(marks(svg, 'line').length, 2, 'two curves');
  assert.equal(marks(svg, 'symbol').length, 10, 'a point per iteration on each curve');
  const axisTitles = texts(svg, 'role-axis-title');
  assert.deepEqual(axisTitles.filter((t) => t === 'iteration').length, 2);
  assert.ok(
    axisTitles.some((t) => /objective.*log scale/.test(t)),
    axisTitles.join('|'),
  );
  assert.ok(axisTitles.some((t) => /gradient norm.*log scale/.test(t)));
  // A log axis spanning 0.01..10 labels decades, which a linear axis over that range would not.
  const labels = texts(svg, 'role-axis-label');
  for (const l of ['0.01', '0.1', '1', '10']) assert.ok(labels.includes(l), `axis label ${l} in ${labels.join(' ')}`);
  assert.ok(texts(svg, 'role-title-text').includes('Training curves'));
});

test('training curves: accuracy panel with a legend when the history has accuracies; zero norms dropped', async () => {
  const history = Array.from({ length: 4 }, (_, i) => ({
    iteration: i + 1,
    value: 10 / (i + 1),
    gradientNorm: i === 3 ? 0 : 1 / (i + 1),
    step: 1,
    evaluations: i + 1,
    elapsedMs: i,
    trainAccuracy: 0.5 + 0.1 * i,
    validationAccuracy: 0.45 + 0.1 * i,
  }));
  const svg = parseSvg(await trainingCurvesSvg(history));
  assert.equal(marks(svg, 'line').length, 4, 'objective, gradient norm, train and validation accuracy');
  assert.deepEqual(texts(svg, 'role-legend-label').sort(), ['trainAccuracy', 'validationAccuracy']);
  // The gradient-norm curve has 3 points: the exact zero cannot sit on a log axis.
  const pts = marks(svg, 'symbol');
  assert.equal(pts.length, 4 + 3 + 8);
  await assert.rejects(trainingCurvesSvg({ iteration: [], value: [], gradientNorm: [] }), /history is empty/);
});

test('training curves from a real fit and from its model JSON agree', async () => {
  const { X, y } = blobs();
  const m = new SoftmaxRegression({ C: 1 }).fit(X, y);
  const a = parseSvg(await trainingCurvesSvg(m.fitResult!.history));
  const b = parseSvg(await trainingCurvesSvg(m.toJSON().fit!.history));
  assert.equal(marks(a, 'symbol').length, 2 * m.nIter);
  assert.equal(marks(b, 'symbol').length, 2 * m.nIter);
});

test('decision regions: grid x grid cells coloured by predicted class, points on top, feature names on axes', async () => {
  const { X, y } = blobs();
  const m = new SoftmaxRegression({ C: 10 }).fit(X, y, { featureNames: ['width', 'height'] });
  const grid = 20;
  const svg = parseSvg(await decisionRegionsSvg(m, X, y, { grid }));
  const cells = marks(svg, 'rect');
  assert.equal(cells.length, grid * grid);
  const points = marks(svg, 'symbol');
  assert.equal(points.length, X.length);
  assert.deepEqual(texts(svg, 'role-axis-title'), ['width', 'height']);
  assert.deepEqual(texts(svg, 'role-legend-label').slice(0, 3), ['a', 'b', 'c']);
  assert.ok(texts(svg, 'role-legend-title').includes('probability'));
  // Every class owns some region, in its palette colour; opacities vary (probability as intensity).
  const fills = new Map<string, number>();
  for (const c of cells) fills.set(c.attrs.fill!, (fills.get(c.attrs.fill!) ?? 0) + 1);
  assert.deepEqual([...fills.keys()].sort(), [classColor(0), classColor(1), classColor(2)].sort());
  for (const n of fills.values()) assert.ok(n > grid * grid * 0.1, 'each class owns a real share of the plane');
  const opac = new Set(cells.map((c) => c.attrs['fill-opacity'] ?? c.attrs.opacity));
  assert.ok(opac.size > 10, `probability shading has ${opac.size} levels`);
  // Points are drawn in their true class's colour.
  const pointFills = points.map((p) => p.attrs.fill);
  assert.equal(pointFills.filter((f) => f === classColor(1)).length, 10);
});

test('decision regions refuse data that is not 2-D', async () => {
  const m = new SoftmaxRegression().fit(
    [
      [0, 0, 1],
      [1, 1, 0],
      [2, 0, 1],
      [3, 1, 1],
    ],
    [0, 1, 0, 1],
  );
  await assert.rejects(decisionRegionsSvg(m, [[0, 0, 1]], [0]), (e: Error & { code?: string }) => e.code === 'FEATURE_MISMATCH' && /2-D/.test(e.message));
});

test('confusion matrix: one cell per pair, counts and row rates as text, axis titles', async () => {
  const cm = confusionMatrix(['a', 'a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'], ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b']);
  const svg = parseSvg(await confusionSvg(cm));
  assert.equal(marks(svg, 'rect').length, 4);
  const t = marks(svg, 'text').map((e) => e.text);
  for (const s of ['5', '1', '0', '4', '83.3%', '16.7%', '100%']) assert.ok(t.includes(s), `cell text ${s} in ${t.join(' ')}`);
  assert.deepEqual(texts(svg, 'role-axis-title'), ['predicted class', 'true class']);
  assert.deepEqual(texts(svg, 'role-axis-label').sort(), ['a', 'a', 'b', 'b']);
  assert.ok(texts(svg, 'role-legend-title').includes('row-normalized rate'));
  assert.ok(texts(svg, 'role-title-subtitle')[0]!.includes('accuracy 90.00%'));
});

test('weights: one tile per class, one cell per pixel, red for positive and blue for negative', async () => {
  assert.deepEqual(imageShape(64), [8, 8]);
  assert.deepEqual(imageShape(784), [28, 28]);
  assert.equal(imageShape(10), null);
  const coef = [
    [1, 0, 0, -1],
    [0, 2, 0, 0],
    [-2, 0, 0, 0.5],
  ];
  const svg = parseSvg(await weightsSvg(coef, ['x', 'y', 'z']));
  const cells = marks(svg, 'rect');
  assert.equal(cells.length, 12);
  // Wrapped facets title each tile with its class.
  const tiles = all(svg, (e) => e.name === 'g' && /role-scope/.test(e.attrs.class ?? ''));
  assert.deepEqual(
    tiles.flatMap((t) => texts(t, 'role-title-text')),
    ['x', 'y', 'z'],
  );
  const rgb = (c: string) => c.match(/\d+/g)!.map(Number);
  const fills = cells.map((c) => c.attrs.fill!);
  assert.ok(
    fills.every((f) => f.startsWith('rgb(')),
    fills.join(' '),
  );
  // Each cell's colour follows the sign of its weight (read back from the cell's accessible label).
  const weightsSeen: number[] = [];
  for (const c of cells) {
    const w = Number(c.attrs['aria-label']!.match(/weight: (\S+)/)![1]!.replace('\u2212', '-'));
    weightsSeen.push(w);
    const [r, , bl] = rgb(c.attrs.fill!);
    if (w > 0) assert.ok(r! > bl! + 20, `w=${w} should be red, got ${c.attrs.fill}`);
    else if (w < 0) assert.ok(bl! > r! + 20, `w=${w} should be blue, got ${c.attrs.fill}`);
    else assert.ok(Math.abs(r! - bl!) < 10, `w=0 should be neutral, got ${c.attrs.fill}`);
  }
  assert.deepEqual(
    weightsSeen.sort((x, y) => x - y),
    coef.flat().sort((x, y) => x - y),
  );
  await assert.rejects(weightsSvg([[1, 2, 3]], ['a']), /not a square number/);
});

test('reliability diagram: a bar per non-empty bin, the diagonal, a legend and the ECE', async () => {
  // Two rows at confidence 0.95 (one right), two at 0.65 (both right): ECE = 0.5*0.45 + 0.5*0.35 = 0.40.
  const proba = [
    [0.95, 0.05],
    [0.05, 0.95],
    [0.65, 0.35],
    [0.35, 0.65],
  ];
  const yTrue = [0, 0, 0, 1];
  const bins = calibrationBins(yTrue, proba, [0, 1]);
  const svg = parseSvg(await calibrationSvg(bins));
  // Accuracy bars for the 2 non-empty bins plus count bars for all 10 bins.
  assert.equal(marks(svg, 'rect').length, 2 + 10);
  assert.equal(marks(svg, 'line').length, 1, 'the diagonal');
  assert.equal(marks(svg, 'symbol').length, 2, 'mean confidence per non-empty bin');
  assert.ok(texts(svg, 'role-title-subtitle')[0]!.includes('expected calibration error 40.00%'));
  assert.ok(texts(svg, 'role-axis-title').includes('confidence (max probability)'));
  assert.ok(texts(svg, 'role-axis-title').includes('fraction correct'));
  assert.equal(texts(svg, 'role-legend-label').length, 3);
});

test('coefficient paths: one line per (class, feature) over a log C axis', async () => {
  const C = [0.01, 0.1, 1];
  const coef = C.map((c) => [
    [c, -c, 0.5 * c],
    [-c, c, -0.5 * c],
  ]);
  const svg = parseSvg(await pathSvg({ C, coef }, { classes: ['p', 'q'], featureNames: ['f0', 'f1', 'f2'] }));
  const lines = marks(svg, 'line');
  assert.equal(lines.length, 6);
  assert.ok(texts(svg, 'role-axis-title')[0]!.includes('log scale'));
  assert.deepEqual(texts(svg, 'role-legend-label'), ['p', 'q']);
  for (const l of ['0.01', '0.1', '1']) assert.ok(texts(svg, 'role-axis-label').includes(l));
  await assert.rejects(pathSvg({ C: [0, 1], coef: [[[0]], [[1]]] }), /> 0/);
  await assert.rejects(pathSvg({ C: [1, 2], coef: [[[0]]] }), /coefficient matrices/);
});

test('PNG: resvg renders the SVG at 2x with a PNG header and the right size', async () => {
  const svg = await confusionSvg(confusionMatrix([0, 1], [0, 1]));
  const root = parseSvg(svg);
  const png = svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 2 * Number(root.attrs.width));
  assert.equal(png.readUInt32BE(20), 2 * Number(root.attrs.height));
  assert.ok(all(root, (e) => e.name === 'text').length > 0);
});
