/**
 * End-to-end: build the playground with vite, serve it on 127.0.0.1, drive it in Debian's headless Chromium
 * (playwright-core, no browser download) as a person would: place points of three classes by clicking,
 * train, watch the regions change, check the displayed accuracy against the library in Node, export the
 * model and load it in Node with identical predictions, step/reset, the digits demo, a mini-batch solver with
 * the learning-rate and batch-size fields; feature transforms (circles, spirals) and the weights per feature;
 * the loss curve from iteration 0 with held-out loss; share links; keyboard use, an axe-core accessibility check
 * and overflow checks at 1280 x 800, and touch use on a 390 x 844 phone at devicePixelRatio 3; save screenshots.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SoftmaxRegression } from '../../src/index.js';
import { fromOnnx } from '../../src/onnx/import.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// Screenshots go to a temporary folder, so running the tests never dirties the work tree; set
// UPDATE_SCREENSHOTS=1 to refresh the committed images in docs/images.
const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'docs', 'images') : mkdtempSync(join(tmpdir(), 'playground-shots-'));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (apt-get install -y chromium; .ci/run does this)`;

let outDir = '';
let profile = '';
let server: Server | null = null;
let base = '';
// The same files without the isolation headers: the page's chunked fallback.
let plainServer: Server | null = null;
let plainBase = '';
/** What `npm run playground` sends: cross-origin isolation, so the page gets SharedArrayBuffer. */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
// playwright-core types, loaded lazily so the file parses without the browser.
let context: import('playwright-core').BrowserContext | null = null;

before(async () => {
  if (skip) return;
  outDir = mkdtempSync(join(tmpdir(), 'softmax-web-'));
  profile = mkdtempSync(join(tmpdir(), 'softmax-chromium-'));
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const serve = (isolate: boolean) =>
    createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
      const file = join(outDir, rel === '' ? 'index.html' : rel);
      if (!file.startsWith(outDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...(isolate ? ISOLATION : {}) }).end(readFileSync(file));
    });
  server = serve(true);
  plainServer = serve(false);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => plainServer!.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  plainBase = `http://127.0.0.1:${(plainServer.address() as AddressInfo).port}/`;
  const { chromium } = await import('playwright-core');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
});

after(async () => {
  await context?.close();
  for (const srv of [server, plainServer]) await new Promise<void>((r) => (srv ? srv.close(() => r()) : r()));
  for (const d of [outDir, profile]) if (d) rmSync(d, { recursive: true, force: true });
});

type Page = import('playwright-core').Page;

/** Canvas pixels on a coarse lattice (every `step` px), read in the page. */
function samplePlane(page: Page, step = 20): Promise<number[]> {
  return page.evaluate((s) => {
    const c = document.getElementById('plane') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let y = s / 2; y < c.height; y += s)
      for (let x = s / 2; x < c.width; x += s) out.push(d[4 * (y * c.width + x)]!, d[4 * (y * c.width + x) + 1]!, d[4 * (y * c.width + x) + 2]!);
    return out;
  }, step);
}

/** The canvas pixel at plane coordinates (x, y) in [-1, 1]^2 (the backing store is devicePixelRatio x the CSS size). */
async function pixelAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([x, y]) => {
      const c = document.getElementById('plane') as HTMLCanvasElement;
      return Array.from(c.getContext('2d')!.getImageData(Math.round(((x! + 1) / 2) * c.width), Math.round(((1 - y!) / 2) * c.height), 1, 1).data);
    },
    [x, y],
  );
}

async function waitState(page: Page, states: string[], timeout = 30_000): Promise<string> {
  await page.waitForFunction((s) => s.includes(document.getElementById('status')!.dataset.state ?? ''), states, { timeout });
  return (await page.getAttribute('#status', 'data-state'))!;
}

test('playground: click points of three classes, train, regions and accuracy match the library, export loads in Node', { skip, timeout: 120_000 }, async () => {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForSelector('#class-0');
  const box = (await page.locator('#plane').boundingBox())!;
  // Plane coordinates [-1, 1]^2 -> screen pixels.
  const at = (x: number, y: number) => ({ x: box.x + ((x + 1) / 2) * box.width, y: box.y + ((1 - y) / 2) * box.height });
  const clusters: Array<[number, number]> = [
    [-0.55, -0.45],
    [0.55, -0.4],
    [0.0, 0.55],
  ];
  const offsets: Array<[number, number]> = [
    [0, 0],
    [0.12, 0.05],
    [-0.1, 0.1],
    [0.05, -0.12],
    [-0.08, -0.06],
    [0.14, -0.1],
  ];
  for (let c = 0; c < 3; c++) {
    await page.click(`#class-${c}`);
    for (const [dx, dy] of offsets) {
      const p = at(clusters[c]![0] + dx, clusters[c]![1] + dy);
      await page.mouse.click(p.x, p.y);
    }
  }
  const pts = (await page.evaluate(() => (window as unknown as { playground: { points(): number[][] } }).playground.points())) as number[][];
  assert.equal(pts.length, 18);
  assert.deepEqual(
    pts.map((p) => p[2]),
    [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
  );
  const beforePx = await samplePlane(page);

  await page.click('#start');
  assert.equal(await waitState(page, ['converged', 'stopped']), 'converged');
  // The state message arrives with the final redraw; give the frame a moment.
  await page.waitForTimeout(100);
  const afterPx = await samplePlane(page);
  let changed = 0;
  for (let i = 0; i < beforePx.length; i += 3)
    if (Math.abs(beforePx[i]! - afterPx[i]!) + Math.abs(beforePx[i + 1]! - afterPx[i + 1]!) + Math.abs(beforePx[i + 2]! - afterPx[i + 2]!) > 30) changed++;
  assert.ok(changed > 0.6 * (beforePx.length / 3), `regions changed in ${changed} of ${beforePx.length / 3} samples`);
  // Near each cluster (off the points) the region has that class's colour: orange-ish (r > b) for class 1, blue-ish for class 0.
  const p0 = await pixelAt(page, -0.8, -0.8);
  const p1 = await pixelAt(page, 0.85, -0.8);
  assert.ok(p0[2]! > p0[0]! + 40, `class 0 region is blue: ${p0}`);
  assert.ok(p1[0]! > p1[2]! + 40, `class 1 region is orange: ${p1}`);

  const shown = Number(await page.getAttribute('#accuracy', 'data-value'));
  const text = (await page.textContent('#accuracy'))!;
  const iterations = Number(await page.textContent('#iteration'));
  assert.ok(iterations > 0);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const json = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  assert.equal(json.format, 'softmax-regression');
  assert.equal(json.fit.iterations, iterations);
  assert.equal(json.fit.history.iteration.length, iterations);
  const model = SoftmaxRegression.fromJSON(json);
  const X = pts.map((p) => [p[0]!, p[1]!]);
  const y = pts.map((p) => p[2]!);
  // The displayed accuracy is what the library computes in Node for the same points and model.
  let hits = 0;
  const pred = model.predict(X);
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) hits++;
  assert.equal(shown, hits / y.length);
  assert.ok(text.startsWith(`${((100 * hits) / y.length).toFixed(2)}%`), text);
  // Identical predictions in the page and in Node, on the points and on a grid over the plane.
  const grid: number[][] = [];
  for (let i = 0; i < 21; i++) for (let j = 0; j < 21; j++) grid.push([-1 + i / 10, -1 + j / 10]);
  const browserPred = await page.evaluate(
    (G) => (window as unknown as { playground: { predict(X: number[][]): number[] } }).playground.predict(G),
    [...X, ...grid],
  );
  assert.deepEqual(browserPred, model.predict([...X, ...grid]));
  // Export ONNX: the same model as an ONNX file, read back in Node (test/onnx/onnx.test.ts runs such files in ONNX Runtime).
  const [onnxDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-onnx')]);
  assert.equal(onnxDownload.suggestedFilename(), 'softmax-model.onnx');
  const fromFile = fromOnnx(readFileSync((await onnxDownload.path())!));
  assert.deepEqual(fromFile.predict([...X, ...grid]), model.predict([...X, ...grid]));

  // Hover a point: the panel shows its loss -log p_y, which Node computes from the exported model.
  const h = at(clusters[1]![0] + offsets[1]![0], clusters[1]![1] + offsets[1]![1]);
  await page.mouse.move(h.x, h.y);
  await page.waitForSelector('#hover-loss');
  const hoverLoss = Number(await page.textContent('#hover-loss'));
  const p = model.predictProba([X[7]!])[0]!;
  const expected = -Math.log(p[1]!);
  assert.ok(Math.abs(hoverLoss - expected) <= 1e-3 * Math.max(1, expected) + 1e-4, `hover loss ${hoverLoss} vs ${expected}`);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'playground.png') });

  // Reset clears the weights; Step runs exactly one iteration.
  await page.click('#reset');
  await page.waitForFunction(() => document.getElementById('iteration')!.textContent === '0');
  assert.equal(await page.getAttribute('#accuracy', 'data-value'), '');
  await page.click('#step');
  await page.waitForFunction(() => document.getElementById('iteration')!.textContent === '1');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'paused');
  assert.deepEqual(errors, []);
  await page.close();
});

test('playground: presets and the digits demo train in the worker', { skip, timeout: 120_000 }, async () => {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForSelector('#class-0');
  await page.selectOption('#preset', 'iris');
  await page.click('#start');
  assert.equal(await waitState(page, ['converged', 'stopped']), 'converged');
  const irisAcc = Number(await page.getAttribute('#accuracy', 'data-value'));
  assert.ok(irisAcc > 0.9, `iris (petal length x width) accuracy ${irisAcc}`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(SHOTS, 'playground-iris.png') });

  await page.selectOption('#preset', 'digits');
  await page.selectOption('#speed', '0');
  await page.click('#start');
  assert.equal(await waitState(page, ['converged', 'stopped'], 60_000), 'converged');
  // Controls for placing points apply to the 2-D modes only.
  for (const sel of ['#classes', '#legend', '#features-group', '#erase', '#hint']) assert.ok(await page.isHidden(sel), `${sel} hidden in digits mode`);
  const testText = (await page.textContent('#test-accuracy'))!;
  const testAcc = Number(testText.split('%')[0]) / 100;
  assert.ok(testAcc > 0.85, `digits test accuracy ${testText}`);
  const box = (await page.locator('#plane').boundingBox())!;
  const [dx, dy] = (await page.evaluate(() => (window as unknown as { playground: { digitAt(i: number): number[] } }).playground.digitAt(13))) as number[];
  await page.mouse.move(box.x + dx!, box.y + dy!);
  await page.waitForSelector('#hover-loss');
  await page.screenshot({ path: join(SHOTS, 'playground-digits.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('playground: a mini-batch solver (adam) trains live with the learning-rate and batch-size fields', { skip, timeout: 120_000 }, async () => {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForSelector('#class-0');
  // The fields are live only for the solvers the library lets read them (sgd, adam, adagrad, rmsprop).
  assert.ok(await page.isDisabled('#lr'), 'lbfgs: learning rate greyed out');
  await page.selectOption('#solver', 'saga');
  assert.ok(await page.isDisabled('#bs'), 'saga: batch size greyed out');
  await page.selectOption('#solver', 'adam');
  assert.ok(!(await page.isDisabled('#lr')) && !(await page.isDisabled('#bs')), 'adam: learning rate and batch size enabled');
  await page.fill('#lr', '0.05');
  await page.fill('#bs', '8');
  await page.selectOption('#preset', 'blobs');
  await page.selectOption('#speed', '0');
  await page.click('#start');
  const state = await waitState(page, ['converged', 'stopped']);
  const message = (await page.textContent('#message'))!;
  assert.ok(!message.startsWith('error'), message);
  assert.ok(state === 'converged' || /without converging/.test(message), `${state}: ${message}`);
  const epochs = Number(await page.textContent('#iteration'));
  assert.ok(epochs > 0, `${epochs} epochs`);
  const shown = Number(await page.getAttribute('#accuracy', 'data-value'));

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const model = SoftmaxRegression.fromJSON(JSON.parse(readFileSync((await download.path())!, 'utf8')));
  assert.equal(model.options.solver, 'adam');
  assert.equal(model.options.learningRate, 0.05);
  assert.equal(model.options.batchSize, 8);
  const pts = (await page.evaluate(() => (window as unknown as { playground: { points(): number[][] } }).playground.points())) as number[][];
  const X = pts.map((p) => [p[0]!, p[1]!]);
  const pred = model.predict(X);
  const hits = pts.filter((p, i) => pred[i] === p[2]).length;
  // The page shows the accuracy the library computes in Node for the exported model; blobs are nearly separable.
  assert.equal(shown, hits / pts.length);
  assert.ok(shown > 0.9, `adam on blobs: accuracy ${shown}`);
  const browserPred = await page.evaluate((G) => (window as unknown as { playground: { predict(X: number[][]): number[] } }).playground.predict(G), X);
  assert.deepEqual(browserPred, pred);
  assert.deepEqual(errors, []);
  await page.close();
});

test(
  'playground: Train is ONE fit: Pause holds it, Step runs exactly one more iteration, the result equals a plain Node fit',
  { skip, timeout: 120_000 },
  async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    await page.waitForSelector('#class-0');
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, 'the server sends COOP/COEP');
    assert.match((await page.textContent('#mode-note'))!, /one uninterrupted fit/);
    const box = (await page.locator('#plane').boundingBox())!;
    const at = (x: number, y: number) => ({ x: box.x + ((x + 1) / 2) * box.width, y: box.y + ((1 - y) / 2) * box.height });
    // Three overlapping classes and a weak penalty (C = 1000): the optimum is finite, and L-BFGS needs a dozen
    // iterations (13 in Node), so Pause and Step land well before convergence.
    const placed: Array<[number, number, number]> = [
      [-0.5, -0.3, 0],
      [-0.2, -0.5, 0],
      [0.1, -0.2, 0],
      [-0.6, 0.1, 0],
      [0.5, -0.4, 1],
      [0.3, 0.0, 1],
      [-0.1, -0.35, 1],
      [0.7, 0.2, 1],
      [0.0, 0.5, 2],
      [-0.3, 0.3, 2],
      [0.35, 0.45, 2],
      [0.2, -0.05, 2],
    ];
    for (const [x, y, c] of placed) {
      await page.click(`#class-${c}`);
      const p = at(x, y);
      await page.mouse.click(p.x, p.y);
    }
    const pts = (await page.evaluate(() => (window as unknown as { playground: { points(): number[][] } }).playground.points())) as number[][];
    assert.equal(pts.length, placed.length);
    const iter = async () => Number(await page.textContent('#iteration'));

    await page.$eval('#logC', (el) => (((el as HTMLInputElement).value = '3'), el.dispatchEvent(new Event('input'))));
    await page.selectOption('#speed', '400');
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('iteration')!.textContent) >= 2, undefined, { timeout: 10_000 });
    await page.click('#pause');
    assert.equal(await waitState(page, ['paused', 'converged', 'stopped'], 5_000), 'paused');
    const n = await iter();
    await page.waitForTimeout(300);
    assert.equal(await iter(), n, 'paused: the iteration counter stays put');
    assert.equal(await page.getAttribute('#status', 'data-state'), 'paused');

    await page.click('#step');
    await page.waitForFunction((k) => Number(document.getElementById('iteration')!.textContent) === k, n + 1, { timeout: 5_000 });
    // Longer than the slow speed's 400 ms per iteration: a second iteration would have shown by now.
    await page.waitForTimeout(500);
    assert.equal(await iter(), n + 1, 'Step ran exactly one iteration');
    assert.equal(await page.getAttribute('#status', 'data-state'), 'paused');
    assert.match((await page.textContent('#message'))!, new RegExp(`stepped to iteration ${n + 1}`));
    // Export while paused: the blocked fit answers from its current weights and stays paused.
    const [mid] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const midJson = JSON.parse(readFileSync((await mid.path())!, 'utf8'));
    assert.equal(midJson.fit.iterations, n + 1);
    assert.equal(midJson.fit.history.iteration.length, n + 1);
    assert.equal(SoftmaxRegression.fromJSON(midJson).predict([[0, 0]]).length, 1);
    assert.equal(await iter(), n + 1);

    // Resume at full speed (the speed is read by the running fit, not a restart).
    await page.selectOption('#speed', '0');
    await page.click('#start');
    assert.equal(await waitState(page, ['converged', 'stopped']), 'converged');
    const iterations = await iter();
    assert.ok(iterations > n + 1, `${iterations} iterations`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const json = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    assert.equal(json.fit.iterations, iterations);
    assert.equal(json.fit.history.iteration.length, iterations);
    assert.equal(json.options.solver, 'lbfgs');
    assert.equal(json.options.C, 1000);
    const exported = SoftmaxRegression.fromJSON(json);
    // The same options as the page (lbfgs, l2, C = 10^3, no scaling; the worker caps a run at 3000 iterations).
    const X = pts.map((p) => [p[0]!, p[1]!]);
    const y = pts.map((p) => p[2]!);
    const ref = new SoftmaxRegression({ solver: 'lbfgs', penalty: 'l2', C: 1000, scale: 'none', maxIter: 3000 }).fit(X, y);
    // A chunked or restarted run would take a different path: other iteration counts, other objective history.
    assert.equal(ref.nIter, iterations);
    assert.equal(json.fit.stopReason, ref.fitResult!.stopReason);
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    ref.coef!.forEach((row, k) => row.forEach((v, j) => close(exported.coef![k]![j]!, v, `coef[${k}][${j}]`)));
    ref.intercept!.forEach((v, k) => close(exported.intercept![k]!, v, `intercept[${k}]`));
    ref.fitResult!.history.forEach((h, i) => close(json.fit.history.value[i], h.value, `history value ${i + 1}`));
    assert.deepEqual(errors, []);
    await page.close();
  },
);

test('playground: without cross-origin isolation the page says so and trains in warm-restarted chunks', { skip, timeout: 120_000 }, async () => {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(plainBase);
  await page.waitForSelector('#class-0');
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
  assert.match((await page.textContent('#mode-note'))!, /cross-origin isolation headers/);
  await page.selectOption('#preset', 'blobs');
  await page.selectOption('#speed', '0');
  await page.click('#start');
  assert.equal(await waitState(page, ['converged', 'stopped']), 'converged');
  assert.ok(Number(await page.getAttribute('#accuracy', 'data-value')) > 0.9);
  await page.click('#reset');
  await page.waitForFunction(() => document.getElementById('iteration')!.textContent === '0');
  await page.click('#step');
  await page.waitForFunction(() => document.getElementById('iteration')!.textContent === '1');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'paused');
  assert.deepEqual(errors, []);
  await page.close();
});

type PlaygroundHook = {
  points(): number[][];
  testPoints(): number[][];
  predict(X: number[][]): number[];
  state(): { curve: Array<{ iteration: number; train: number; test: number | null }>; iteration: number; featureNames: string[] | null } | null;
};
const hook = (page: Page) => ({
  points: () => page.evaluate(() => (window as unknown as { playground: PlaygroundHook }).playground.points()),
  testPoints: () => page.evaluate(() => (window as unknown as { playground: PlaygroundHook }).playground.testPoints()),
  predict: (X: number[][]) => page.evaluate((G) => (window as unknown as { playground: PlaygroundHook }).playground.predict(G), X),
  state: () => page.evaluate(() => (window as unknown as { playground: PlaygroundHook }).playground.state()),
});

/** Mean cross-entropy of a model on points [x, y, c] (computed in Node). */
function meanLoss(model: SoftmaxRegression, pts: number[][]): number {
  const P = model.predictProba(pts.map((p) => [p[0]!, p[1]!]));
  return pts.reduce((s, p, i) => s - Math.log(P[i]![model.classes!.indexOf(p[2]!)]!), 0) / pts.length;
}

test(
  'playground: feature transforms separate circles and spirals; weights per feature; loss from iteration 0 with held-out loss',
  { skip, timeout: 180_000 },
  async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    await page.waitForSelector('#class-0');
    const pg = hook(page);
    await page.selectOption('#preset', 'circles');
    await page.selectOption('#speed', '0');
    await page.click('#start');
    assert.equal(await waitState(page, ['converged', 'stopped']), 'converged');
    const linearAcc = Number(await page.getAttribute('#accuracy', 'data-value'));
    assert.ok(linearAcc < 0.75, `two rings, linear features: accuracy ${linearAcc}`);
    // Low accuracy on x1, x2 alone is explained, pointing at the feature transforms.
    assert.ok(await page.isVisible('#advice'));
    assert.match((await page.textContent('#advice'))!, /straight.*Features/s);

    await page.click('#features-circles');
    await page.waitForFunction(() => document.getElementById('iteration')!.textContent === '0');
    await page.click('#start');
    assert.equal(await waitState(page, ['converged', 'stopped']), 'converged');
    const acc = Number(await page.getAttribute('#accuracy', 'data-value'));
    assert.ok(acc > 0.95, `circles with x1^2, x2^2: accuracy ${acc}`);
    assert.ok(await page.isHidden('#advice'));
    // The weight of each transformed feature per class is shown.
    const weights = (await page.textContent('#weights'))!;
    for (const f of ['x₁', 'x₂', 'x₁²', 'x₂²', 'intercept']) assert.ok(weights.includes(f), `weights table lists ${f}: ${weights}`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const json = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    assert.deepEqual(json.featureMap.terms, ['x1', 'x2', 'x1^2', 'x2^2']);
    // ONNX holds the linear model only: the page says so instead of writing a graph that reads the wrong columns.
    await page.click('#export-onnx');
    await page.waitForFunction(() => /featureMap/.test(document.getElementById('message')!.textContent ?? ''));
    const model = SoftmaxRegression.fromJSON(json);
    const pts = await pg.points();
    const held = await pg.testPoints();
    assert.ok(held.length > 0, 'the preset comes with a held-out sample');
    // The exported model applies its feature map in Node and predicts as the page does (raw x1, x2 in).
    const grid: number[][] = [];
    for (let i = 0; i < 11; i++) for (let j = 0; j < 11; j++) grid.push([-1 + i / 5, -1 + j / 5]);
    const X = [...pts, ...held].map((p) => [p[0]!, p[1]!]);
    assert.deepEqual(await pg.predict([...X, ...grid]), model.predict([...X, ...grid]));
    const hits = (set: number[][]) => set.filter((p, i) => model.predict(set.map((q) => [q[0]!, q[1]!]))[i] === p[2]).length / set.length;
    assert.equal(acc, hits(pts));
    assert.ok((await page.textContent('#test-accuracy'))!.startsWith(`${(100 * hits(held)).toFixed(2)}%`));

    // The loss curve starts at iteration 0 (W = 0: every p_k = 1/K, loss log K) and has train and held-out losses.
    const st = (await pg.state())!;
    assert.equal(st.curve[0]!.iteration, 0);
    assert.ok(Math.abs(st.curve[0]!.train - Math.log(2)) < 1e-12 && Math.abs(st.curve[0]!.test! - Math.log(2)) < 1e-12, JSON.stringify(st.curve[0]));
    assert.equal(st.curve.length, st.iteration + 1);
    const last = st.curve[st.curve.length - 1]!;
    assert.ok(Math.abs(last.train - meanLoss(model, pts)) < 1e-9, `final training loss ${last.train} vs ${meanLoss(model, pts)}`);
    assert.ok(Math.abs(last.test! - meanLoss(model, held)) < 1e-9, `final held-out loss ${last.test} vs ${meanLoss(model, held)}`);

    // Spirals: radial basis features and C = 10 take a linear model from about 66% to over 90%.
    await page.selectOption('#preset', 'spirals');
    await page.click('#features-spirals');
    await page.$eval('#logC', (el) => (((el as HTMLInputElement).value = '1'), el.dispatchEvent(new Event('input'))));
    await page.click('#start');
    assert.equal(await waitState(page, ['converged', 'stopped'], 60_000), 'converged');
    const spiralAcc = Number(await page.getAttribute('#accuracy', 'data-value'));
    assert.ok(spiralAcc > 0.9, `spirals with radial basis features: accuracy ${spiralAcc}`);
    assert.ok(((await pg.state())!.featureNames ?? []).filter((n) => n.startsWith('rbf(')).length === 25);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SHOTS, 'playground-features.png') });
    assert.deepEqual(errors, []);
    await page.close();
  },
);

test('playground: a share link encodes the points and settings and restores them', { skip, timeout: 120_000 }, async () => {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForSelector('#class-0');
  const box = (await page.locator('#plane').boundingBox())!;
  const at = (x: number, y: number) => ({ x: box.x + ((x + 1) / 2) * box.width, y: box.y + ((1 - y) / 2) * box.height });
  const placed: Array<[number, number, number]> = [
    [-0.5, 0.4, 0],
    [-0.3, 0.6, 0],
    [-0.6, 0.7, 0],
    [0.4, -0.5, 2],
    [0.6, -0.2, 2],
    [0.3, -0.7, 2],
  ];
  for (const [x, y, c] of placed) {
    await page.click(`#class-${c}`);
    const p = at(x, y);
    await page.mouse.click(p.x, p.y);
  }
  await page.selectOption('#holdout', '0.3');
  await page.selectOption('#solver', 'newton-cg');
  await page.$eval('#logC', (el) => (((el as HTMLInputElement).value = '1.5'), el.dispatchEvent(new Event('input'))));
  await page.click('#features-circles');
  await page.selectOption('#speed', '400');
  const pg = hook(page);
  const pts = await pg.points();
  const held = await pg.testPoints();
  assert.equal(pts.length + held.length, 6);
  assert.equal(held.length, 2, '30% of 3 points per class: 1 held out per class');
  await page.click('#share');
  const url = await page.inputValue('#share-url');
  assert.ok(url.startsWith(base) && url.includes('#'), url);
  assert.equal(await page.evaluate(() => location.href), url);

  const other = await context!.newPage();
  other.on('pageerror', (e) => errors.push(e.message));
  await other.goto(url);
  await other.waitForSelector('#class-0');
  const og = hook(other);
  const close = (a: number[][], b: number[][]) =>
    a.length === b.length && a.every((p, i) => Math.abs(p[0]! - b[i]![0]!) <= 5e-4 && Math.abs(p[1]! - b[i]![1]!) <= 5e-4 && p[2] === b[i]![2]);
  assert.ok(close(await og.points(), pts), 'training points restored');
  assert.ok(close(await og.testPoints(), held), 'held-out points restored');
  assert.equal(await other.inputValue('#solver'), 'newton-cg');
  assert.equal(await other.inputValue('#logC'), '1.5');
  assert.equal(await other.inputValue('#holdout'), '0.3');
  assert.equal(await other.inputValue('#speed'), '400');
  for (const f of ['x1', 'x2', 'x1sq', 'x2sq']) assert.ok(await other.isChecked(`#feat-${f}`), f);
  assert.ok(!(await other.isChecked('#feat-rbf')));
  // A preset is shared by name.
  await page.selectOption('#preset', 'spirals');
  await page.click('#share');
  const presetUrl = await page.inputValue('#share-url');
  assert.match(presetUrl, /data=spirals/);
  await other.goto('about:blank');
  await other.goto(presetUrl);
  await other.waitForSelector('#class-0');
  assert.equal(await other.inputValue('#preset'), 'spirals');
  assert.equal((await og.points()).length, 150);
  assert.deepEqual(errors, []);
  await other.close();
  await page.close();
});

/** axe-core's rules run in the page; violations of impact serious or critical, with the offending elements. */
async function axeViolations(page: Page): Promise<string[]> {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.addScriptTag({ content: readFileSync(axePath, 'utf8') });
  const result = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: {
          run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }>;
        };
      }
    ).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.slice(0, 5).join(', ')}`);
}

/** Horizontal overflow, and every visible control inside the viewport's width (reachable by vertical scrolling). */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const W = innerWidth;
    if (document.scrollingElement!.scrollWidth > W) out.push(`page scrolls sideways: scrollWidth ${document.scrollingElement!.scrollWidth} > ${W}`);
    for (const el of document.querySelectorAll<HTMLElement>('button, select, input, canvas, [tabindex]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // hidden
      if (r.left < -0.5 || r.right > W + 0.5) out.push(`#${el.id || el.tagName}: x ${r.left.toFixed(0)}..${r.right.toFixed(0)} outside 0..${W}`);
    }
    return out;
  });
}

test(
  'playground at 1280 x 800: keyboard operable, no serious accessibility violations (axe-core), nothing off-screen, hover panel beside the plane',
  { skip, timeout: 120_000 },
  async () => {
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(base);
    await page.waitForSelector('#class-0');
    assert.deepEqual(await layoutProblems(page), []);
    const plane = (await page.locator('#plane').boundingBox())!;
    const panel = (await page.locator('#hover-panel').boundingBox())!;
    assert.ok(panel.y < 800 - 100 && panel.y >= 0, `hover panel top ${panel.y} is in view`);
    assert.ok(panel.x >= plane.x + plane.width - 1 || panel.y >= plane.y + plane.height - 1, 'hover panel beside or under the plane');
    assert.ok(plane.y + plane.height <= 800, 'the whole plane is in view');
    // The canvas backing store matches its CSS size at devicePixelRatio 1.
    assert.deepEqual(
      await page.evaluate(() => {
        const c = document.getElementById('plane') as HTMLCanvasElement;
        return [c.width, c.height];
      }),
      [Math.round(plane.width - 2), Math.round(plane.height - 2)],
    );

    // Keyboard only: Tab reaches the plane first; keys choose the class; arrows move the cursor; Enter adds a point.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'plane');
    await page.keyboard.press('2');
    assert.equal(await page.getAttribute('#class-2', 'aria-checked'), 'true');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.keyboard.press('0');
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Enter');
    const pg = hook(page);
    const pts = await pg.points();
    assert.equal(pts.length, 3);
    assert.deepEqual(
      pts.map((p) => [Number(p[0]!.toFixed(6)), Number(p[1]!.toFixed(6)), p[2]]),
      [
        [0.5, 0, 2],
        [-0.5, 0.05, 0],
        [-0.5, -0.15, 0],
      ],
    );
    // Delete removes the point nearest to the cursor.
    await page.keyboard.press('Delete');
    assert.equal((await pg.points()).length, 2);
    // The hover panel follows the keyboard cursor.
    assert.match((await page.textContent('#hover'))!, /cursor at|point/);
    // Tab on to Train and press it with the keyboard.
    let found = false;
    for (let i = 0; i < 30 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await page.evaluate(() => document.activeElement?.id)) === 'start';
    }
    assert.ok(found, 'Train is reachable with Tab');
    await page.keyboard.press('Enter');
    assert.equal(await waitState(page, ['converged', 'stopped']), 'converged');

    assert.deepEqual(await axeViolations(page), []);
    await page.selectOption('#preset', 'spirals');
    await page.click('#start');
    await waitState(page, ['converged', 'stopped']);
    assert.deepEqual(await layoutProblems(page), []);
    await page.selectOption('#preset', 'digits');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(await layoutProblems(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  },
);

test(
  'playground on a 390 x 844 phone: no sideways scrolling, controls under the plane, crisp canvas at DPR 3, tap / long-press / erase mode, axe-core',
  { skip, timeout: 180_000 },
  async () => {
    // A touch-screen context needs its own browser (the persistent context above has no touch).
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const mctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
      const page = await mctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(base);
      await page.waitForSelector('#class-0');
      assert.deepEqual(await layoutProblems(page), []);
      const plane = (await page.locator('#plane').boundingBox())!;
      assert.ok(plane.width >= 340 && plane.x >= 0 && plane.x + plane.width <= 390, `plane ${JSON.stringify(plane)}`);
      // Controls stack under the plane.
      for (const sel of ['#start', '#preset', '#solver', '#class-0']) {
        const b = (await page.locator(sel).boundingBox())!;
        assert.ok(b.y >= plane.y + plane.height, `${sel} under the plane`);
      }
      // Crisp: 3 device pixels per CSS pixel.
      const [cw, css] = await page.evaluate(() => {
        const c = document.getElementById('plane') as HTMLCanvasElement;
        return [c.width, c.clientWidth];
      });
      assert.equal(cw, Math.round(css! * 3));
      // The hint speaks of touch, not only of right-click and keys.
      assert.match((await page.textContent('#hint'))!, /[Tt]ap.*long-press/);

      const pg = hook(page);
      // Screen position of plane point (x, y), the plane scrolled into view first (tapping a control scrolls).
      const at = async (x: number, y: number) => {
        await page.locator('#plane').scrollIntoViewIfNeeded();
        const b = (await page.locator('#plane').boundingBox())!;
        return { x: b.x + ((x + 1) / 2) * b.width, y: b.y + ((1 - y) / 2) * b.height };
      };
      let p = await at(0.5, 0.5);
      await page.touchscreen.tap(p.x, p.y);
      await page.tap('#class-1');
      p = await at(-0.5, -0.5);
      await page.touchscreen.tap(p.x, p.y);
      p = await at(0.1, -0.6);
      await page.touchscreen.tap(p.x, p.y);
      assert.deepEqual(
        (await pg.points()).map((q) => q[2]),
        [0, 1, 1],
      );
      // A tap on a point shows its numbers instead of adding another.
      p = await at(0.5, 0.5);
      await page.touchscreen.tap(p.x, p.y);
      assert.equal((await pg.points()).length, 3);
      assert.match((await page.textContent('#hover'))!, /point \(0\.\d+, 0\.\d+\) of class 0/);
      // Long-press removes the nearest point.
      const cdp = await mctx.newCDPSession(page);
      p = await at(-0.5, -0.5);
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: p.x, y: p.y }] });
      await page.waitForTimeout(900);
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      await page.waitForTimeout(400);
      assert.deepEqual(
        (await pg.points()).map((q) => q[2]),
        [0, 1],
      );
      // Erase mode: a tap removes.
      await page.tap('#erase');
      p = await at(0.1, -0.6);
      await page.touchscreen.tap(p.x, p.y);
      assert.deepEqual(
        (await pg.points()).map((q) => q[2]),
        [0],
      );
      await page.tap('#erase');

      await page.selectOption('#preset', 'spirals');
      await page.tap('#features-spirals');
      await page.selectOption('#speed', '0');
      await page.$eval('#logC', (el) => (((el as HTMLInputElement).value = '1'), el.dispatchEvent(new Event('input'))));
      await page.tap('#start');
      assert.equal(await waitState(page, ['converged', 'stopped'], 60_000), 'converged');
      assert.deepEqual(await layoutProblems(page), []);
      assert.deepEqual(await axeViolations(page), []);
      await page.evaluate(() => window.scrollTo(0, 0));
      mkdirSync(SHOTS, { recursive: true });
      // The committed image is at DPR 2 (the test above checks DPR 3): same layout, a smaller file.
      const shot = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      const sp = await shot.newPage();
      await sp.goto(page.url());
      await sp.waitForSelector('#class-0');
      await sp.selectOption('#preset', 'spirals');
      await sp.tap('#features-spirals');
      await sp.selectOption('#speed', '0');
      await sp.$eval('#logC', (el) => (((el as HTMLInputElement).value = '1'), el.dispatchEvent(new Event('input'))));
      await sp.tap('#start');
      await waitState(sp, ['converged', 'stopped'], 60_000);
      await sp.evaluate(() => window.scrollTo(0, 0));
      await sp.screenshot({ path: join(SHOTS, 'playground-mobile.png') });
      await sp.screenshot({ path: join(SHOTS, 'playground-mobile-full.png'), fullPage: true });
      await shot.close();
      assert.deepEqual(errors, []);
      await mctx.close();
    } finally {
      await browser.close();
    }
  },
);
