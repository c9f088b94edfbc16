/**
 * The playground page: data on a canvas, controls, live decision regions and loss curves, feature transforms,
 * and a panel with the numbers behind one hovered (or tapped) point. Training runs in ./worker.ts with the
 * library's own code; this thread only draws (with the same library: the feature map, softmax and predict).
 *
 * Layout and input: the canvases are sized in CSS pixels by the stylesheet (responsive from 360 px phones to
 * wide screens) and backed by devicePixelRatio times as many pixels, so they stay crisp; all drawing is in CSS
 * pixels. Points are placed by mouse, touch (tap adds; long-press or the "Tap removes points" toggle removes)
 * or keyboard (arrow keys move a cursor, Enter adds, Delete removes).
 */
// Narrow imports: the public index also exports the CSV reader, whose csv-parse needs Node's Buffer.
import { softmaxInPlace } from '../src/kernels/softmax.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { toOnnx } from '../src/onnx/export.js';
import { SOLVERS, solverNames, solversReading } from '../src/solvers/registry.js';
import { DenseMatrix } from '../src/matrix/dense.js';
import { applyFeatureMap, type FeatureMapState } from '../src/preprocess/features.js';
import { classColor, hexToRgb } from '../src/plots/theme.js';
import { digits, PRESET_TESTS, PRESETS, type DigitsData, type Point } from './presets.js';
import { Cmd, CTL_CMD, CTL_EXPORT, CTL_SLOTS, CTL_SPEED, cmdOf, cmdWord } from './protocol.js';
import type { FromWorker, StateMessage, ToWorker } from './protocol.js';

const MAX_CLASSES = 6;
/** Region raster: one model evaluation per CELL x CELL CSS pixels (smoothed when drawn). */
const CELL = 4;
/** Pick radius in CSS pixels (hover with a mouse; larger for a finger). */
const PICK_RADIUS = 9;
const TOUCH_RADIUS = 22;
/** A press held this long (ms) without moving removes the nearest point. */
const LONG_PRESS_MS = 550;

// ---- feature transforms ---------------------------------------------------------------------------------
/** Radial basis functions on a 5 x 5 grid over the plane (spacing 0.5, gamma = 1 / (2 * 0.5^2)). */
const RBF_TERMS: string[] = [];
for (const cy of [-1, -0.5, 0, 0.5, 1]) for (const cx of [-1, -0.5, 0, 0.5, 1]) RBF_TERMS.push(`rbf(${cx} ${cy}; 2)`);
/** The checkboxes: id, label, the library terms (canonical form, as preprocess/features.ts writes them). */
const FEATURES: Array<{ id: string; label: string; terms: string[]; nonlinear: boolean }> = [
  { id: 'x1', label: 'x₁', terms: ['x1'], nonlinear: false },
  { id: 'x2', label: 'x₂', terms: ['x2'], nonlinear: false },
  { id: 'x1sq', label: 'x₁²', terms: ['x1^2'], nonlinear: true },
  { id: 'x2sq', label: 'x₂²', terms: ['x2^2'], nonlinear: true },
  { id: 'x1x2', label: 'x₁·x₂', terms: ['x1*x2'], nonlinear: true },
  { id: 'sin1', label: 'sin πx₁', terms: ['sin(pi*x1)'], nonlinear: true },
  { id: 'sin2', label: 'sin πx₂', terms: ['sin(pi*x2)'], nonlinear: true },
  { id: 'r', label: 'r = ‖x‖', terms: ['r'], nonlinear: true },
  { id: 'rbf', label: 'radial basis ×25', terms: RBF_TERMS, nonlinear: true },
];
const FEATURE_SETS: Record<string, { label: string; ids: string[] }> = {
  linear: { label: 'linear', ids: ['x1', 'x2'] },
  circles: { label: 'for circles', ids: ['x1', 'x2', 'x1sq', 'x2sq'] },
  spirals: { label: 'for spirals', ids: ['x1', 'x2', 'rbf'] },
};
let features = new Set(FEATURE_SETS.linear!.ids);

/** The featureMap option for the chosen features (null: the plain linear model on x1, x2). */
function featureSpec(): string[] | null {
  const ids = FEATURES.filter((f) => features.has(f.id));
  if (ids.length === 2 && features.has('x1') && features.has('x2')) return null;
  return ids.flatMap((f) => f.terms);
}
const nonlinear = () => FEATURES.some((f) => f.nonlinear && features.has(f.id));

// ---- DOM ---------------------------------------------------------------------------------------------------
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const plane = $<HTMLCanvasElement>('plane');
const lossCanvas = $<HTMLCanvasElement>('loss');
const ctx = plane.getContext('2d')!;

let points: Point[] = [];
/** Held-out points (never trained on): a preset's fresh sample, or a share of your points. */
let testPoints: Point[] = [];
/** The preset the points came from ('' once edited or for your own points). */
let presetName = '';
let digitsData: DigitsData | null = null;
let selectedClass = 0;
let current: StateMessage | null = null;
/** Pointer or keyboard cursor on the plane, in CSS pixels. */
let hover: { px: number; py: number } | null = null;
/** Keyboard cursor in plane coordinates (shown while the plane has focus). */
let kbCursor = { x: 0, y: 0 };
let kbActive = false;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

/**
 * Pausing a synchronous solver between iterations needs memory shared with the worker (SharedArrayBuffer), which
 * browsers give only to cross-origin isolated pages (COOP same-origin + COEP require-corp; `npm run playground`,
 * the preview server and the e2e test send them). Without it the worker falls back to warm-restarted chunks.
 */
const control =
  self.crossOriginIsolated && typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(CTL_SLOTS * Int32Array.BYTES_PER_ELEMENT)) : null;
if (control) send({ type: 'init', control: control.buffer as SharedArrayBuffer });
/** Sequence number of the page's commands (this thread is the only writer). */
let seq = 0;

/** Write a command to the control block (a running fit reads it between iterations); returns its seq. */
function command(c: Cmd): number | undefined {
  if (!control) return undefined;
  seq++;
  Atomics.store(control, CTL_CMD, cmdWord(seq, c));
  Atomics.notify(control, CTL_CMD);
  return seq;
}

/** Ask for the model file: a paused fit answers from its current weights, a finished one after it returns. */
function requestExport(): void {
  if (!control) return send({ type: 'export' });
  seq++;
  Atomics.store(control, CTL_EXPORT, seq);
  // Touch the command word (same command, new seq) so a fit blocked in Atomics.wait wakes up and sees the request.
  for (;;) {
    const v = Atomics.load(control, CTL_CMD);
    if (Atomics.compareExchange(control, CTL_CMD, v, cmdWord(seq, cmdOf(v))) === v) break;
  }
  Atomics.notify(control, CTL_CMD);
  send({ type: 'export', seq });
}

// ---- canvas sizing and coordinates (CSS pixels) -----------------------------------------------------------
let size = 520;
/** Back a canvas with devicePixelRatio x its CSS size, and draw in CSS pixels. Returns true if it changed. */
function fitCanvas(c: HTMLCanvasElement, cssW: number, cssH: number): boolean {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(cssW * dpr));
  const h = Math.max(1, Math.round(cssH * dpr));
  if (c.width === w && c.height === h) return false;
  c.width = w;
  c.height = h;
  return true;
}
function resize(): void {
  size = plane.clientWidth || 520;
  fitCanvas(plane, size, size);
  fitCanvas(lossCanvas, lossCanvas.clientWidth || 360, lossCanvas.clientHeight || 190);
  regionCache = null;
  redraw();
}

const toPx = (x: number) => ((x + 1) / 2) * size;
const toPy = (y: number) => ((1 - y) / 2) * size;
const fromPx = (px: number) => (px / size) * 2 - 1;
const fromPy = (py: number) => 1 - (py / size) * 2;

function canvasPos(ev: MouseEvent): { px: number; py: number } {
  const r = plane.getBoundingClientRect();
  return { px: ((ev.clientX - r.left) * size) / r.width, py: ((ev.clientY - r.top) * size) / r.height };
}

// ---- the model on this thread (for drawing and the hover panel) ----------------------------------------------
function currentModel(): SoftmaxRegression | null {
  if (!current?.coef || !current.intercept || !current.classes) return null;
  const m = new SoftmaxRegression();
  m.classes = current.classes;
  m.setParams(new Float64Array(current.coef.flat()), new Float64Array(current.intercept));
  m.featureMap = current.featureMap;
  m.featureNames = current.featureNames;
  return m;
}

/** The model's inputs for one point: its transformed features when a feature map is in use. */
function featuresOf(x: number[], map: FeatureMapState | null): number[] {
  return map ? Array.from(applyFeatureMap(map, DenseMatrix.fromArrays([x])).data) : x;
}

/** z = W phi(x) + b and p = softmax(z) for one input (W, b zero before training: p uniform). */
function scoresAt(x: number[]): { classes: number[]; phi: number[]; z: Float64Array; p: Float64Array } {
  const classes = current?.classes ?? presentClasses();
  const K = classes.length;
  const z = new Float64Array(K);
  const phi = featuresOf(x, current?.featureMap ?? null);
  if (current?.coef && current.intercept) {
    for (let k = 0; k < K; k++) {
      let s = current.intercept[k]!;
      const w = current.coef[k]!;
      for (let j = 0; j < phi.length; j++) s += w[j]! * phi[j]!;
      z[k] = s;
    }
  }
  const p = z.slice();
  softmaxInPlace(p, 0, K);
  return { classes, phi, z, p };
}

function presentClasses(): number[] {
  const ys = digitsData ? digitsData.y : points.map((p) => p.c);
  return [...new Set(ys)].sort((a, b) => a - b);
}

// ---- drawing -----------------------------------------------------------------------------------------------
/** The cell centres' features, cached per canvas size and feature map (the map is fixed during a fit). */
let regionCache: { key: string; n: number; phi: Float64Array; d: number } | null = null;
function regionFeatures(n: number, map: FeatureMapState | null): { phi: Float64Array; d: number } {
  const key = `${n}|${map ? map.terms.join(',') : ''}`;
  if (regionCache?.key === key) return regionCache;
  const G = new DenseMatrix(n * n, 2);
  for (let cy = 0; cy < n; cy++)
    for (let cx = 0; cx < n; cx++) {
      G.data[2 * (cy * n + cx)] = fromPx((cx + 0.5) * (size / n));
      G.data[2 * (cy * n + cx) + 1] = fromPy((cy + 0.5) * (size / n));
    }
  const M = map ? applyFeatureMap(map, G) : G;
  regionCache = { key, n, phi: M.data as Float64Array, d: M.cols };
  return regionCache;
}
const regionCanvas = document.createElement('canvas');

function drawPlane(): void {
  const dpr = plane.width / size;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, size, size);
  if (digitsData) return drawDigits();
  const cls = current?.classes;
  if (current?.coef && current.intercept && cls) {
    const K = cls.length;
    const rgb = cls.map((c) => hexToRgb(classColor(c)));
    const n = Math.max(8, Math.round(size / CELL));
    const { phi, d } = regionFeatures(n, current.featureMap);
    regionCanvas.width = n;
    regionCanvas.height = n;
    const rctx = regionCanvas.getContext('2d')!;
    const img = rctx.createImageData(n, n);
    const z = new Float64Array(K);
    const W = current.coef;
    const b = current.intercept;
    for (let c = 0; c < n * n; c++) {
      for (let k = 0; k < K; k++) {
        let s = b[k]!;
        const w = W[k]!;
        for (let j = 0; j < d; j++) s += w[j]! * phi[c * d + j]!;
        z[k] = s;
      }
      softmaxInPlace(z, 0, K);
      let best = 0;
      for (let k = 1; k < K; k++) if (z[k]! > z[best]!) best = k;
      // Intensity: 0 where the top class is no better than chance (1/K), 1 where it is certain.
      const t = 0.12 + 0.7 * Math.max(0, (z[best]! - 1 / K) / (1 - 1 / K));
      const [r, g, bl] = rgb[best]!;
      img.data[4 * c] = Math.round(255 + (r - 255) * t);
      img.data[4 * c + 1] = Math.round(255 + (g - 255) * t);
      img.data[4 * c + 2] = Math.round(255 + (bl - 255) * t);
      img.data[4 * c + 3] = 255;
    }
    rctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(regionCanvas, 0, 0, size, size);
  } else {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, size, size);
  }
  drawAxes();
  for (const p of testPoints) {
    // Held-out points: hollow rings in their class colour.
    ctx.beginPath();
    ctx.arc(toPx(p.x), toPy(p.y), 4.5, 0, 2 * Math.PI);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.strokeStyle = classColor(p.c);
    ctx.lineWidth = 2.2;
    ctx.stroke();
  }
  for (const p of points) {
    ctx.beginPath();
    ctx.arc(toPx(p.x), toPy(p.y), 5, 0, 2 * Math.PI);
    ctx.fillStyle = classColor(p.c);
    ctx.fill();
    ctx.strokeStyle = '#1d2330';
    ctx.lineWidth = 1.2;
    ctx.stroke();
  }
  const h = hoveredPoint();
  if (h) {
    ctx.beginPath();
    ctx.arc(toPx(h.x), toPy(h.y), 9, 0, 2 * Math.PI);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.stroke();
  }
  if (kbActive) {
    // The keyboard cursor: a crosshair ring in the selected class's colour.
    const cx = toPx(kbCursor.x);
    const cy = toPy(kbCursor.y);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(cx, cy, 8, 0, 2 * Math.PI);
    ctx.moveTo(cx - 13, cy);
    ctx.lineTo(cx + 13, cy);
    ctx.moveTo(cx, cy - 13);
    ctx.lineTo(cx, cy + 13);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(cx, cy, 4, 0, 2 * Math.PI);
    ctx.fillStyle = classColor(selectedClass);
    ctx.fill();
  }
}

/**
 * Axes through the origin with ticks at ±0.5 and ±1. Tick labels sit below the x₁ axis and left of the x₂ axis,
 * the end labels aligned inwards so none is clipped; the axis names sit on the other side, so nothing overlaps.
 */
function drawAxes(): void {
  const ox = toPx(0);
  const oy = toPy(0);
  ctx.strokeStyle = '#0003';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, oy);
  ctx.lineTo(size, oy);
  ctx.moveTo(ox, 0);
  ctx.lineTo(ox, size);
  for (const v of [-1, -0.5, 0.5, 1]) {
    const px = Math.min(size - 0.5, Math.max(0.5, toPx(v)));
    const py = Math.min(size - 0.5, Math.max(0.5, toPy(v)));
    ctx.moveTo(px, oy - 4);
    ctx.lineTo(px, oy + 4);
    ctx.moveTo(ox - 4, py);
    ctx.lineTo(ox + 4, py);
  }
  ctx.stroke();
  ctx.fillStyle = '#000a';
  ctx.font = '11px system-ui, sans-serif';
  const label = (v: number) => (v < 0 ? `−${Math.abs(v)}` : String(v));
  for (const v of [-1, -0.5, 0.5, 1]) {
    // x₁ ticks: below the axis; the end ones aligned inwards.
    ctx.textAlign = v === -1 ? 'left' : v === 1 ? 'right' : 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(label(v), v === -1 ? 3 : v === 1 ? size - 3 : toPx(v), oy + 6);
    // x₂ ticks: left of the axis.
    ctx.textAlign = 'right';
    ctx.textBaseline = v === 1 ? 'top' : v === -1 ? 'bottom' : 'middle';
    ctx.fillText(label(v), ox - 6, v === 1 ? 3 : v === -1 ? size - 3 : toPy(v));
  }
  ctx.font = 'italic 13px system-ui, sans-serif';
  // Axis names: x₁ above its axis at the right end, x₂ right of its axis at the top.
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  ctx.fillText('x₁', size - 4, oy - 5);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  ctx.fillText('x₂', ox + 6, 3);
  ctx.textAlign = 'start';
  ctx.textBaseline = 'alphabetic';
}

/** Digits mode: the 10 weight images on top, test digits below (green border = right, red = wrong). */
const THUMB_COLS = 12;
const digitLayout = () => {
  const tile = Math.floor((size - 16 - 9 * 4) / 10);
  const thumb = Math.floor((size - 16) / THUMB_COLS) - 2;
  const top = 22 + tile + 34;
  return { tile, thumb, top };
};
function thumbRect(i: number): [number, number] {
  const { thumb, top } = digitLayout();
  return [8 + (i % THUMB_COLS) * (thumb + 2), top + Math.floor(i / THUMB_COLS) * (thumb + 2)];
}
function drawDigits(): void {
  const d = digitsData!;
  const { tile, thumb, top } = digitLayout();
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.fillStyle = '#333';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText('weights w_k as 8×8 images (red +, blue −)', 8, 14);
  if (current?.coef) {
    let m = 1e-12;
    for (const row of current.coef) for (const v of row) m = Math.max(m, Math.abs(v));
    current.coef.forEach((row, k) => {
      const ox = 8 + k * (tile + 4);
      const oy = 22;
      for (let j = 0; j < 64; j++) {
        const v = row[j]! / m;
        const c = v > 0 ? [255, Math.round(255 * (1 - v)), Math.round(255 * (1 - v))] : [Math.round(255 * (1 + v)), Math.round(255 * (1 + v)), 255];
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fillRect(ox + (j % 8) * (tile / 8), oy + Math.floor(j / 8) * (tile / 8), tile / 8 + 0.5, tile / 8 + 0.5);
      }
      ctx.fillStyle = '#333';
      ctx.textAlign = 'center';
      ctx.fillText(String(current!.classes![k]), ox + tile / 2, oy + tile + 13);
      ctx.textAlign = 'start';
    });
  }
  ctx.fillText(size < 420 ? 'test digits: green = right, red = wrong' : 'test digits (hover one); border: green = predicted right, red = wrong', 8, top - 7);
  const model = currentModel();
  const rows = Math.max(1, Math.floor((size - top) / (thumb + 2)));
  const n = Math.min(d.Xtest.length, THUMB_COLS * rows);
  const pred = model ? model.predict(d.Xtest.slice(0, n)) : null;
  for (let i = 0; i < n; i++) {
    const [ox, oy] = thumbRect(i);
    const x = d.Xtest[i]!;
    for (let j = 0; j < 64; j++) {
      const g = Math.round(255 * (1 - x[j]!));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(ox + (j % 8) * (thumb / 8), oy + Math.floor(j / 8) * (thumb / 8), thumb / 8 + 0.5, thumb / 8 + 0.5);
    }
    if (pred) {
      ctx.strokeStyle = pred[i] === d.ytest[i] ? '#2a9d4a' : '#e03131';
      ctx.lineWidth = 2;
      ctx.strokeRect(ox + 1, oy + 1, thumb - 2, thumb - 2);
    }
  }
}

/** Mean cross-entropy on the training rows (solid) and the held-out rows (dashed), from iteration 0. */
function drawLoss(): void {
  const c = lossCanvas.getContext('2d')!;
  const W = lossCanvas.clientWidth || 360;
  const H = lossCanvas.clientHeight || 190;
  c.setTransform(lossCanvas.width / W, 0, 0, lossCanvas.height / H, 0, 0);
  c.clearRect(0, 0, W, H);
  c.fillStyle = '#fff';
  c.fillRect(0, 0, W, H);
  const pts = (current?.curve ?? []).filter((e) => Number.isFinite(e.train));
  const L = 44;
  const R = 10;
  const T = 40;
  const B = 28;
  c.fillStyle = '#222';
  c.font = 'bold 12px system-ui, sans-serif';
  c.fillText('loss (mean −log p_y) per iteration', 8, 15);
  c.font = '11px system-ui, sans-serif';
  // Legend.
  const hasTest = pts.some((e) => e.test !== null);
  c.strokeStyle = '#2f5f8f';
  c.lineWidth = 2;
  c.setLineDash([]);
  c.beginPath();
  c.moveTo(8, 29);
  c.lineTo(26, 29);
  c.stroke();
  c.fillStyle = '#333';
  c.fillText('training', 30, 33);
  if (hasTest) {
    c.strokeStyle = '#c2410c';
    c.setLineDash([5, 3]);
    c.beginPath();
    c.moveTo(90, 29);
    c.lineTo(108, 29);
    c.stroke();
    c.setLineDash([]);
    c.fillText('held-out', 112, 33);
  }
  c.textAlign = 'center';
  c.fillText('iteration', L + (W - L - R) / 2, H - 4);
  c.textAlign = 'start';
  c.strokeStyle = '#999';
  c.lineWidth = 1;
  c.strokeRect(L, T, W - L - R, H - T - B);
  if (pts.length === 0) return;
  let hi = 0;
  for (const e of pts) hi = Math.max(hi, e.train, e.test ?? 0);
  if (!(hi > 0)) hi = 1;
  const n = Math.max(1, pts[pts.length - 1]!.iteration);
  const X = (it: number) => L + ((W - L - R) * it) / n;
  const Y = (v: number) => T + (H - T - B) * (1 - Math.min(v, hi) / hi);
  c.fillStyle = '#444';
  c.textAlign = 'right';
  for (const v of [hi, hi / 2, 0]) c.fillText(fmt(v, 2), L - 4, Y(v) + 4);
  c.textAlign = 'left';
  c.fillText('0', L, H - B + 12);
  c.textAlign = 'right';
  c.fillText(String(n), W - R, H - B + 12);
  c.textAlign = 'start';
  const line = (get: (e: (typeof pts)[number]) => number | null, color: string, dash: number[]) => {
    c.strokeStyle = color;
    c.lineWidth = 2;
    c.setLineDash(dash);
    c.beginPath();
    let started = false;
    for (const e of pts) {
      const v = get(e);
      if (v === null || !Number.isFinite(v)) continue;
      if (!started) c.moveTo(X(e.iteration), Y(v));
      else c.lineTo(X(e.iteration), Y(v));
      started = true;
    }
    c.stroke();
    c.setLineDash([]);
  };
  line((e) => e.train, '#2f5f8f', []);
  if (hasTest) line((e) => e.test, '#c2410c', [5, 3]);
}

function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(digits - 1) : Number(v.toPrecision(digits)).toString();
}

// ---- hover panel --------------------------------------------------------------------------------------------
function hoveredPoint(radius = PICK_RADIUS): Point | null {
  if (!hover || digitsData) return null;
  let best: Point | null = null;
  let bd = radius;
  for (const p of [...points, ...testPoints]) {
    const d = Math.hypot(toPx(p.x) - hover.px, toPy(p.y) - hover.py);
    if (d <= bd) ((bd = d), (best = p));
  }
  return best;
}

function hoveredDigit(): number | null {
  if (!hover || !digitsData) return null;
  const { thumb, top } = digitLayout();
  const rows = Math.max(1, Math.floor((size - top) / (thumb + 2)));
  const n = Math.min(digitsData.Xtest.length, THUMB_COLS * rows);
  for (let i = 0; i < n; i++) {
    const [ox, oy] = thumbRect(i);
    if (hover.px >= ox && hover.px < ox + thumb && hover.py >= oy && hover.py < oy + thumb) return i;
  }
  return null;
}

function drawHover(): void {
  const el = $('hover');
  let x: number[];
  let label: number | null = null;
  let what: string;
  if (digitsData) {
    const i = hoveredDigit();
    if (i === null) {
      el.innerHTML = '<p class="note">Hover or tap a test digit to see its scores, probabilities, loss and gradient contribution.</p>';
      return;
    }
    x = digitsData.Xtest[i]!;
    label = digitsData.ytest[i]!;
    what = `test digit #${i} (true class ${label})`;
  } else {
    const p = hoveredPoint();
    if (p) {
      x = [p.x, p.y];
      label = p.c;
      what = `${testPoints.includes(p) ? 'held-out point' : 'point'} (${fmt(p.x, 3)}, ${fmt(p.y, 3)}) of class ${p.c}`;
    } else if (hover) {
      x = [fromPx(hover.px), fromPy(hover.py)];
      what = `cursor at (${fmt(x[0]!, 3)}, ${fmt(x[1]!, 3)}): no label, so no loss; point at a data point for those`;
    } else {
      el.innerHTML =
        '<p class="note">Point at the plane or a data point (hover, tap, or focus the plane and use the arrow keys) to see z = Wx + b, p = softmax(z), the loss −log p<sub>y</sub> and the gradient contribution (p − y)xᵀ.</p>';
      return;
    }
  }
  const { classes, phi, z, p } = scoresAt(x);
  const K = classes.length;
  if (K === 0) {
    el.innerHTML = '<p class="note">No classes yet.</p>';
    return;
  }
  const yk = classes.map((c) => (c === label ? 1 : 0));
  const known = label !== null && classes.includes(label);
  const loss = known ? -Math.log(p[classes.indexOf(label!)]!) : null;
  const d = phi.length;
  const mapped = !!current?.featureMap;
  const vec = mapped ? 'φ(x)' : 'x';
  // Gradient of this row's loss: d/dW_k = (p_k - y_k) phi(x), d/db_k = p_k - y_k (the row of (P - Y)^T Phi).
  const two = d === 2 && !mapped;
  const head = two
    ? '<th scope="col">(p−y)·x₁</th><th scope="col">(p−y)·x₂</th><th scope="col">(p−y)·1</th>'
    : `<th scope="col">‖(p−y)${vec}‖</th><th scope="col">(p−y)·1</th>`;
  const norm = Math.hypot(...phi);
  const rows = classes
    .map((c, k) => {
      const r = p[k]! - yk[k]!;
      const g = two
        ? `<td>${known ? fmt(r * x[0]!) : '–'}</td><td>${known ? fmt(r * x[1]!) : '–'}</td><td>${known ? fmt(r) : '–'}</td>`
        : `<td>${known ? fmt(Math.abs(r) * norm) : '–'}</td><td>${known ? fmt(r) : '–'}</td>`;
      return `<tr><th scope="row"><span class="swatch" style="background:${classColor(c)}"></span>${c}</th><td>${fmt(z[k]!)}</td><td>${fmt(p[k]!)}</td><td>${known ? yk[k] : '–'}</td>${g}</tr>`;
    })
    .join('');
  const phiLine =
    mapped && current?.featureNames
      ? `<p class="note">φ(x): ${current.featureNames
          .map((n, j) => [n, phi[j]!] as const)
          .filter(([n]) => !n.startsWith('rbf'))
          .map(([n, v]) => `${n} = ${fmt(v, 3)}`)
          .join(', ')}${current.featureNames.some((n) => n.startsWith('rbf')) ? ', and 25 radial basis values' : ''}</p>`
      : '';
  el.innerHTML = `<p>${what}</p>${phiLine}
<div class="eq">z = W${vec} + b, &nbsp; p = softmax(z)${known ? `, &nbsp; loss = −log p<sub>${label}</sub> = <b id="hover-loss">${fmt(loss!)}</b>` : ''}</div>
<table><tr><th scope="col">class</th><th scope="col">z</th><th scope="col">p</th><th scope="col">y</th>${head}</tr>${rows}</table>
<p class="note">The last columns are this row's contribution (p − y)${vec}ᵀ to the gradient of F with respect to W (and b); F sums them over all training rows${current?.coef ? '' : ' (W = 0 before training: p is uniform)'}.</p>`;
}

// ---- status --------------------------------------------------------------------------------------------------
function drawStatus(): void {
  const s = current;
  const st = $('status');
  st.textContent = s?.state ?? 'idle';
  st.dataset.state = s?.state ?? 'idle';
  $('iteration').textContent = String(s?.iteration ?? 0);
  const last = s?.history[s.history.length - 1];
  $('objective').textContent = last ? `${fmt(last.value, 8)} (max|∇F| ${fmt(last.gradientNorm, 3)})` : '–';
  const acc = $('accuracy');
  const n = digitsData ? digitsData.y.length : points.length;
  if (s?.trainAccuracy != null) {
    acc.textContent = `${(100 * s.trainAccuracy).toFixed(2)}% (${Math.round(s.trainAccuracy * n)}/${n} ${digitsData ? 'training digits' : 'training points'})`;
    acc.dataset.value = String(s.trainAccuracy);
  } else {
    acc.textContent = '–';
    acc.dataset.value = '';
  }
  const nTest = digitsData ? digitsData.ytest.length : testPoints.length;
  $('test-row').hidden = nTest === 0;
  $('test-accuracy').textContent =
    s?.testAccuracy != null ? `${(100 * s.testAccuracy).toFixed(2)}% (${nTest} held-out ${digitsData ? 'digits' : 'points'})` : '–';
  $('message').textContent = s?.message ?? '';
  drawAdvice();
  drawWeights();
}

/** Why the accuracy is low, when a straight boundary cannot do better (spirals, circles, XOR). */
function drawAdvice(): void {
  const el = $('advice');
  const s = current;
  const settled = s && (s.state === 'converged' || s.state === 'stopped' || s.state === 'paused');
  if (digitsData || !settled || s.trainAccuracy == null || s.trainAccuracy >= 0.85) {
    el.hidden = true;
    return;
  }
  const pct = `${(100 * s.trainAccuracy).toFixed(0)}%`;
  el.hidden = false;
  el.textContent = nonlinear()
    ? `Accuracy ${pct}: with these features the model still underfits. Add features (radial basis for spirals) or weaken the penalty (larger C, e.g. 10 to 100).`
    : `Accuracy ${pct}: on x₁, x₂ alone softmax regression draws straight boundaries, and straight lines cannot separate these classes. Add features under “Features” (x₁², x₂² for circles; radial basis and C ≈ 10 for spirals): the model stays linear in them while its boundaries in the plane curve.`;
}

/** The weight of each transformed feature per class (points mode), next to the feature checkboxes. */
function drawWeights(): void {
  const el = $('weights');
  const s = current;
  if (digitsData || !s?.coef || !s.classes) {
    el.innerHTML = '';
    return;
  }
  const names = s.featureNames ?? ['x1', 'x2'];
  const K = s.classes.length;
  let m = 1e-12;
  for (const row of s.coef) for (const v of row) m = Math.max(m, Math.abs(v));
  const cell = (v: number) => {
    const t = Math.min(1, Math.abs(v) / m);
    const bg = v > 0 ? `rgba(214, 96, 77, ${0.55 * t})` : `rgba(67, 147, 195, ${0.55 * t})`;
    return `<td style="background:${bg}">${fmt(v, 3)}</td>`;
  };
  const rows: string[] = [];
  let rbfRows = 0;
  names.forEach((n, j) => {
    if (n.startsWith('rbf')) {
      rbfRows++;
      return;
    }
    rows.push(`<tr><th scope="row">${pretty(n)}</th>${s.coef!.map((w) => cell(w[j]!)).join('')}</tr>`);
  });
  if (rbfRows) {
    const maxAbs = s.coef.map((w) => Math.max(...names.map((n, j) => (n.startsWith('rbf') ? Math.abs(w[j]!) : 0))));
    rows.push(`<tr><th scope="row">radial basis (max |w|)</th>${maxAbs.map((v) => `<td>${fmt(v, 3)}</td>`).join('')}</tr>`);
  }
  rows.push(`<tr><th scope="row">intercept b</th>${s.intercept!.map((v) => `<td>${fmt(v, 3)}</td>`).join('')}</tr>`);
  // Radial basis weights: one 5 x 5 map per class, each cell at its bump's centre (top row: x2 = 1).
  let grids = '';
  if (rbfRows) {
    const at = new Map(names.map((n, j) => [n, j] as const));
    grids = `<div class="rbf-grids">${s.classes
      .map((c, k) => {
        const cells: string[] = [];
        for (const cy of [1, 0.5, 0, -0.5, -1])
          for (const cx of [-1, -0.5, 0, 0.5, 1]) {
            const j = at.get(`rbf(${cx} ${cy}; 2)`);
            const v = j === undefined ? 0 : s.coef![k]![j]!;
            const t = Math.min(1, Math.abs(v) / m);
            cells.push(
              `<span title="centre (${cx}, ${cy}): ${fmt(v, 3)}" style="background:${v > 0 ? `rgba(214, 96, 77, ${t})` : `rgba(67, 147, 195, ${t})`}"></span>`,
            );
          }
        return `<div><span class="swatch" style="background:${classColor(c)}"></span>class ${c}<div class="rbf-grid" role="img" aria-label="class ${c}: radial basis weights on the 5 by 5 grid of centres">${cells.join('')}</div></div>`;
      })
      .join('')}</div>`;
  }
  el.innerHTML = `<table><caption>weights per feature and class (red +, blue −)</caption><tr><th scope="col">feature</th>${Array.from({ length: K }, (_, k) => `<th scope="col"><span class="swatch" style="background:${classColor(s.classes![k]!)}"></span>${s.classes![k]}</th>`).join('')}</tr>${rows.join('')}</table>${grids}`;
}

/** x1^2 -> x₁², x1*x2 -> x₁·x₂, pi -> π. */
function pretty(term: string): string {
  return term.replace(/x1/g, 'x₁').replace(/x2/g, 'x₂').replace(/\^2/g, '²').replace(/\*/g, '·').replace(/pi·/g, 'π');
}

function redraw(): void {
  drawPlane();
  drawLoss();
  drawStatus();
  drawHover();
}

// ---- controls -------------------------------------------------------------------------------------------------
/** Black or white text, whichever contrasts more with the class colour (WCAG relative luminance). */
function textOn(hex: string): string {
  const lin = hexToRgb(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const Lum = 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  return (Lum + 0.05) / 0.05 >= 1.05 / (Lum + 0.05) ? '#000' : '#fff';
}

function buildClassButtons(): void {
  const box = $('classes');
  box.innerHTML = '';
  for (let c = 0; c < MAX_CLASSES; c++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = `class-${c}`;
    b.textContent = String(c);
    b.setAttribute('aria-label', `class ${c}`);
    b.title = `class ${c} (key ${c})`;
    b.style.background = classColor(c);
    b.style.color = textOn(classColor(c));
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', String(c === selectedClass));
    b.tabIndex = c === selectedClass ? 0 : -1;
    b.onclick = () => selectClass(c);
    b.onkeydown = (ev) => {
      // Radio group keys: arrows move the selection (and the focus).
      const step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowLeft' || ev.key === 'ArrowUp' ? -1 : 0;
      if (!step) return;
      ev.preventDefault();
      const n = (selectedClass + step + MAX_CLASSES) % MAX_CLASSES;
      selectClass(n);
      $(`class-${n}`).focus();
    };
    box.appendChild(b);
  }
  $('legend').innerHTML =
    Array.from({ length: MAX_CLASSES }, (_, c) => `<span><i style="background:${classColor(c)}"></i>class ${c}</span>`).join('') +
    '<span><i style="background:#fff;border:2px solid #666"></i>hollow: held out</span>';
}

function selectClass(c: number): void {
  selectedClass = c;
  document.querySelectorAll<HTMLButtonElement>('#classes button').forEach((b, i) => {
    b.setAttribute('aria-checked', String(i === c));
    b.tabIndex = i === c ? 0 : -1;
  });
  if (kbActive) drawPlane();
}

function buildFeatures(): void {
  const box = $('features');
  box.innerHTML =
    FEATURES.map(
      (f) => `<label><input type="checkbox" id="feat-${f.id}" data-feature="${f.id}"${features.has(f.id) ? ' checked' : ''}> ${f.label}</label>`,
    ).join('') +
    `<div class="presets">${Object.entries(FEATURE_SETS)
      .map(([k, s]) => `<button type="button" id="features-${k}" data-set="${k}">${s.label}</button>`)
      .join('')}</div>`;
  box.querySelectorAll<HTMLInputElement>('input[data-feature]').forEach((cb) =>
    cb.addEventListener('change', () => {
      if (cb.checked) features.add(cb.dataset.feature!);
      else features.delete(cb.dataset.feature!);
      if (features.size === 0) {
        // The model needs at least one feature: keep this one.
        features.add(cb.dataset.feature!);
        cb.checked = true;
      }
      sendOptions();
    }),
  );
  box.querySelectorAll<HTMLButtonElement>('button[data-set]').forEach((b) => b.addEventListener('click', () => setFeatures(FEATURE_SETS[b.dataset.set!]!.ids)));
}

function setFeatures(ids: string[]): void {
  features = new Set(ids.filter((id) => FEATURES.some((f) => f.id === id)));
  if (features.size === 0) features = new Set(FEATURE_SETS.linear!.ids);
  document.querySelectorAll<HTMLInputElement>('input[data-feature]').forEach((cb) => (cb.checked = features.has(cb.dataset.feature!)));
  sendOptions();
}

/**
 * The solvers whose table entry reads both learningRate and batchSize (the mini-batch ones); the library
 * rejects them for every other solver, so the fields are greyed out there.
 */
const takesStepAndBatch = (solver: string) => {
  const reads = SOLVERS[solver]?.reads ?? [];
  return reads.includes('learningRate') && reads.includes('batchSize');
};

function fillSolvers(): void {
  const sel = $<HTMLSelectElement>('solver');
  sel.innerHTML = solverNames()
    .map((n) => `<option value="${n}" title="${SOLVERS[n]!.summary.replace(/"/g, '&quot;')}">${n}</option>`)
    .join('');
  sel.value = 'lbfgs';
  fillPenalties();
}

function fillPenalties(): void {
  const solver = $<HTMLSelectElement>('solver').value;
  const sel = $<HTMLSelectElement>('penalty');
  const prev = sel.value || 'l2';
  const ps = SOLVERS[solver]!.penalties;
  sel.innerHTML = ps.map((p) => `<option value="${p}">${p}</option>`).join('');
  sel.value = ps.includes(prev as never) ? prev : ps[0]!;
  const mb = takesStepAndBatch(solver);
  $<HTMLInputElement>('lr').disabled = !mb;
  $<HTMLInputElement>('bs').disabled = !mb;
  $('opt-note').textContent = mb
    ? 'One iteration is one epoch (a pass over the points in mini-batches).'
    : `Learning rate and batch size apply to the mini-batch solvers (${solversReading('batchSize').join(', ')}).`;
}

function options(): Record<string, unknown> {
  const solver = $<HTMLSelectElement>('solver').value;
  const o: Record<string, unknown> = {
    solver,
    penalty: $<HTMLSelectElement>('penalty').value,
    C: 10 ** Number($<HTMLInputElement>('logC').value),
    scale: 'none',
  };
  if (takesStepAndBatch(solver)) {
    o.learningRate = Number($<HTMLInputElement>('lr').value);
    o.batchSize = Math.max(1, Math.round(Number($<HTMLInputElement>('bs').value)));
  }
  // Feature transforms apply to the 2-D points only (digits are 64 pixels).
  const spec = digitsData ? null : featureSpec();
  if (spec) o.featureMap = spec;
  o.speed = Number($<HTMLSelectElement>('speed').value);
  return o;
}

let lastOptions = '';
function sendOptions(): void {
  $('Cval').textContent = fmt(10 ** Number($<HTMLInputElement>('logC').value), 3);
  const o = options();
  if (control) {
    Atomics.store(control, CTL_SPEED, o.speed as number);
    // Speed is read live by the fit; any other change ends it (a running one continues as a new fit).
    const key = JSON.stringify({ ...o, speed: undefined });
    if (key !== lastOptions) command(Cmd.Restart);
    lastOptions = key;
  }
  send({ type: 'options', options: o });
}

/** Split your own points: every k-th point of each class (by the order placed) is held out, at the chosen rate. */
function splitOwn(all: Point[], rate: number): { train: Point[]; test: Point[] } {
  if (!(rate > 0)) return { train: all, test: [] };
  const seen = new Map<number, number>();
  const train: Point[] = [];
  const test: Point[] = [];
  for (const p of all) {
    const j = seen.get(p.c) ?? 0;
    seen.set(p.c, j + 1);
    // round((j + 1) r) > round(j r): round(n r) of the first n points of a class are held out.
    (Math.round((j + 1) * rate) > Math.round(j * rate) ? test : train).push(p);
  }
  return { train, test };
}
/** Your own points in placement order (train and held-out), when the held-out share applies. */
let ownPoints: Point[] | null = null;
const holdout = () => Number($<HTMLSelectElement>('holdout').value);

function applyOwnSplit(): void {
  if (!ownPoints) return;
  const s = splitOwn(ownPoints, holdout());
  points = s.train;
  testPoints = s.test;
}

function sendData(): void {
  command(Cmd.Restart);
  if (digitsData) send({ type: 'data', X: digitsData.X, y: digitsData.y, Xtest: digitsData.Xtest, ytest: digitsData.ytest });
  else
    send({
      type: 'data',
      X: points.map((p) => [p.x, p.y]),
      y: points.map((p) => p.c),
      ...(testPoints.length ? { Xtest: testPoints.map((p) => [p.x, p.y]), ytest: testPoints.map((p) => p.c) } : {}),
    });
}

/** Show only what applies to the mode: points (class buttons, legend, features) or digits. */
function showMode(): void {
  document.querySelectorAll<HTMLElement>('.points-only').forEach((e) => (e.hidden = !!digitsData));
  $('hint').hidden = !!digitsData;
  $('legend').hidden = !!digitsData;
  $('holdout').closest('label')!.hidden = !!digitsData || !ownPoints;
  regionCache = null;
}

function loadPreset(name: string): void {
  send({ type: 'reset', seq: command(Cmd.Stop) });
  // The old model belongs to the old data (digits have 64 features, points 2): drop it until the worker reports.
  current = null;
  digitsData = null;
  presetName = name;
  ownPoints = null;
  testPoints = [];
  if (name === 'digits') {
    digitsData = digits();
    points = [];
  } else if (name in PRESETS) {
    points = PRESETS[name as keyof typeof PRESETS]();
    testPoints = PRESET_TESTS[name as keyof typeof PRESETS]();
  } else {
    ownPoints = [...points, ...testPoints];
    applyOwnSplit();
  }
  showMode();
  sendOptions();
  sendData();
  redraw();
}

/** A point was added or removed by hand: the set is now yours (a preset's held-out sample stays held out). */
function edited(): void {
  if (presetName) {
    presetName = '';
    $<HTMLSelectElement>('preset').value = '';
  }
  showMode();
  sendData();
  redraw();
}

function addPoint(x: number, y: number): void {
  if (digitsData) return;
  const p = { x: Math.max(-1, Math.min(1, x)), y: Math.max(-1, Math.min(1, y)), c: selectedClass };
  if (ownPoints) {
    ownPoints.push(p);
    applyOwnSplit();
  } else points.push(p);
  edited();
}

/** Remove the point nearest to (px, py) (CSS pixels), within `radius` (Infinity: any). */
function removeNear(px: number, py: number, radius = Infinity): boolean {
  if (digitsData) return false;
  let best: Point | null = null;
  let bd = radius;
  for (const p of [...points, ...testPoints]) {
    const d = Math.hypot(toPx(p.x) - px, toPy(p.y) - py);
    if (d <= bd) ((bd = d), (best = p));
  }
  if (!best) return false;
  if (ownPoints) {
    ownPoints.splice(ownPoints.indexOf(best), 1);
    applyOwnSplit();
  } else if (points.includes(best)) points.splice(points.indexOf(best), 1);
  else testPoints.splice(testPoints.indexOf(best), 1);
  edited();
  return true;
}

// ---- pointer, touch and keyboard input on the plane -------------------------------------------------------------
let press: { id: number; x: number; y: number; timer: ReturnType<typeof setTimeout> | null; longDone: boolean; touch: boolean } | null = null;
/** A long-press removed a point: ignore the click and context menu that the same press produces. */
let swallowUntil = 0;
/** The kind of pointer behind the last press ('mouse', 'touch', 'pen'). */
let lastPointer = 'mouse';

plane.addEventListener('pointerdown', (ev) => {
  if (ev.button !== 0) return;
  const touch = ev.pointerType !== 'mouse';
  lastPointer = ev.pointerType;
  press = { id: ev.pointerId, x: ev.clientX, y: ev.clientY, timer: null, longDone: false, touch };
  if (touch) {
    hover = canvasPos(ev);
    drawPlane();
    drawHover();
    press.timer = setTimeout(() => {
      if (!press) return;
      press.longDone = true;
      const r = plane.getBoundingClientRect();
      removeNear(((press.x - r.left) * size) / r.width, ((press.y - r.top) * size) / r.height, 3 * TOUCH_RADIUS);
      // Until the finger lifts (and the click or context menu this press produces has passed).
      swallowUntil = performance.now() + 2000;
      navigator.vibrate?.(15);
    }, LONG_PRESS_MS);
  }
});
const endPress = () => {
  if (press?.timer) clearTimeout(press.timer);
  if (press?.longDone) swallowUntil = performance.now() + 250;
  press = null;
};
plane.addEventListener('pointermove', (ev) => {
  if (press && Math.hypot(ev.clientX - press.x, ev.clientY - press.y) > 10 && press.timer) {
    clearTimeout(press.timer);
    press.timer = null;
  }
  if (ev.pointerType === 'mouse') {
    hover = canvasPos(ev);
    drawPlane();
    drawHover();
  }
});
plane.addEventListener('pointerup', endPress);
plane.addEventListener('pointercancel', endPress);
plane.addEventListener('click', (ev) => {
  if (digitsData || performance.now() < swallowUntil) return;
  const { px, py } = canvasPos(ev);
  // "Tap removes points" (or a shift-click) removes the nearest point instead of adding one.
  if ($<HTMLInputElement>('erase').checked || ev.shiftKey) return void removeNear(px, py, 3 * TOUCH_RADIUS);
  if (lastPointer !== 'mouse') {
    // A tap on a point shows its numbers (there is no hover on a touch screen) instead of stacking a new one.
    hover = { px, py };
    const p = hoveredPoint(TOUCH_RADIUS);
    if (p) {
      hover = { px: toPx(p.x), py: toPy(p.y) };
      drawPlane();
      drawHover();
      return;
    }
  }
  addPoint(fromPx(px), fromPy(py));
});
plane.addEventListener('contextmenu', (ev) => {
  ev.preventDefault();
  // Right-click, or a long-press on touch screens (browsers turn it into a context menu): remove the nearest.
  if (digitsData || performance.now() < swallowUntil) return;
  const { px, py } = canvasPos(ev);
  removeNear(px, py);
  swallowUntil = performance.now() + 800;
});
plane.addEventListener('mouseleave', () => {
  hover = null;
  drawPlane();
  drawHover();
});
plane.addEventListener('focus', () => {
  kbActive = true;
  hover = { px: toPx(kbCursor.x), py: toPy(kbCursor.y) };
  drawPlane();
  drawHover();
});
plane.addEventListener('blur', () => {
  kbActive = false;
  hover = null;
  drawPlane();
  drawHover();
});
plane.addEventListener('keydown', (ev) => {
  if (digitsData) return;
  const step = ev.shiftKey ? 0.2 : 0.05;
  const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  const mv = moves[ev.key];
  if (mv) {
    kbCursor = { x: Math.max(-1, Math.min(1, kbCursor.x + mv[0])), y: Math.max(-1, Math.min(1, kbCursor.y + mv[1])) };
  } else if (ev.key === 'Enter' || ev.key === ' ') {
    addPoint(kbCursor.x, kbCursor.y);
  } else if (ev.key === 'Delete' || ev.key === 'Backspace') {
    removeNear(toPx(kbCursor.x), toPy(kbCursor.y));
  } else return;
  ev.preventDefault();
  hover = { px: toPx(kbCursor.x), py: toPy(kbCursor.y) };
  drawPlane();
  drawHover();
});
window.addEventListener('keydown', (ev) => {
  const t = ev.target as HTMLElement;
  if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
  if (/^[0-9]$/.test(ev.key) && Number(ev.key) < MAX_CLASSES && !ev.ctrlKey && !ev.metaKey && !ev.altKey) selectClass(Number(ev.key));
});

// ---- share link: points and settings in the URL hash ------------------------------------------------------------
/** Points as "x,y,c;..." with coordinates in thousandths (3 decimals are finer than a pixel). */
const encodePoints = (ps: Point[]) => ps.map((p) => `${Math.round(p.x * 1000)},${Math.round(p.y * 1000)},${p.c}`).join(';');
function decodePoints(s: string): Point[] {
  return s
    .split(';')
    .filter(Boolean)
    .map((t) => t.split(',').map(Number))
    .filter((v) => v.length === 3 && v.every(Number.isFinite) && v[2]! >= 0 && v[2]! < MAX_CLASSES && Number.isInteger(v[2]))
    .map(([x, y, c]) => ({ x: Math.max(-1, Math.min(1, x! / 1000)), y: Math.max(-1, Math.min(1, y! / 1000)), c: c! }));
}

function shareState(): string {
  const q = new URLSearchParams();
  if (presetName) q.set('data', presetName);
  else {
    if (ownPoints) {
      q.set('points', encodePoints(ownPoints));
      q.set('holdout', String(holdout()));
    } else {
      q.set('points', encodePoints(points));
      if (testPoints.length) q.set('test', encodePoints(testPoints));
    }
  }
  q.set('solver', $<HTMLSelectElement>('solver').value);
  q.set('penalty', $<HTMLSelectElement>('penalty').value);
  q.set('logC', $<HTMLInputElement>('logC').value);
  if (takesStepAndBatch($<HTMLSelectElement>('solver').value)) {
    q.set('lr', $<HTMLInputElement>('lr').value);
    q.set('bs', $<HTMLInputElement>('bs').value);
  }
  q.set('speed', $<HTMLSelectElement>('speed').value);
  q.set('features', [...features].join('.'));
  return q.toString();
}

function setSelect(id: string, v: string | null): void {
  const el = $<HTMLSelectElement>(id);
  if (v !== null && [...el.options].some((o) => o.value === v)) el.value = v;
}

/** Restore points and settings from a share link (location.hash). Unknown or bad values are ignored. */
function restore(hash: string): boolean {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  if (![...q.keys()].length) return false;
  setSelect('solver', q.get('solver'));
  fillPenalties();
  setSelect('penalty', q.get('penalty'));
  const logC = Number(q.get('logC'));
  if (q.has('logC') && Number.isFinite(logC)) $<HTMLInputElement>('logC').value = String(logC);
  for (const id of ['lr', 'bs']) if (q.has(id) && Number(q.get(id)) > 0) $<HTMLInputElement>(id).value = q.get(id)!;
  setSelect('speed', q.get('speed'));
  setSelect('holdout', q.get('holdout'));
  if (q.has('features')) {
    features = new Set(
      q
        .get('features')!
        .split('.')
        .filter((id) => FEATURES.some((f) => f.id === id)),
    );
    if (features.size === 0) features = new Set(FEATURE_SETS.linear!.ids);
  }
  document.querySelectorAll<HTMLInputElement>('input[data-feature]').forEach((cb) => (cb.checked = features.has(cb.dataset.feature!)));
  const data = q.get('data');
  if (data && (data in PRESETS || data === 'digits')) {
    $<HTMLSelectElement>('preset').value = data;
    loadPreset(data);
  } else {
    points = decodePoints(q.get('points') ?? '');
    testPoints = decodePoints(q.get('test') ?? '');
    if (q.has('test')) {
      presetName = '';
      ownPoints = null;
      showMode();
      sendOptions();
      sendData();
    } else loadPreset('');
  }
  return true;
}

async function share(): Promise<void> {
  const url = `${location.href.split('#')[0]}#${shareState()}`;
  history.replaceState(null, '', url);
  const input = $<HTMLInputElement>('share-url');
  input.value = url;
  $('share-row').hidden = false;
  input.select();
  try {
    await navigator.clipboard.writeText(url);
    $('message').textContent = 'share link copied to the clipboard (it is also in the address bar)';
  } catch {
    $('message').textContent = 'share link: copy it from the field below (or the address bar)';
  }
}

// ---- wiring -------------------------------------------------------------------------------------------------
$('preset').addEventListener('change', (ev) => loadPreset((ev.target as HTMLSelectElement).value));
$('clear').addEventListener('click', () => {
  points = [];
  testPoints = [];
  ownPoints = [];
  digitsData = null;
  presetName = '';
  $<HTMLSelectElement>('preset').value = '';
  send({ type: 'reset', seq: command(Cmd.Stop) });
  showMode();
  sendData();
  redraw();
});
$('holdout').addEventListener('change', () => {
  applyOwnSplit();
  sendData();
  redraw();
});
$('solver').addEventListener('change', () => (fillPenalties(), sendOptions()));
for (const id of ['penalty', 'logC', 'lr', 'bs', 'speed']) $(id).addEventListener('input', sendOptions);
$('start').addEventListener('click', () => send({ type: 'run', seq: command(Cmd.Run) }));
$('pause').addEventListener('click', () => send({ type: 'pause', seq: command(Cmd.Pause) }));
$('step').addEventListener('click', () => send({ type: 'step', seq: command(Cmd.Step) }));
$('reset').addEventListener('click', () => send({ type: 'reset', seq: command(Cmd.Stop) }));
$('export').addEventListener('click', requestExport);
$('share').addEventListener('click', () => void share());
// Export ONNX: the same model file, converted here (float32 LinearClassifier graph, see docs/serving.md).
let wantOnnx = false;
$('export-onnx').addEventListener('click', () => {
  wantOnnx = true;
  requestExport();
});
$('mode-note').textContent = control
  ? 'Train runs one uninterrupted fit in the worker; Pause and Step act between its iterations.'
  : 'This host does not send the cross-origin isolation headers (no SharedArrayBuffer), so training runs in short warm-restarted fits: the solver’s memory (L-BFGS pairs, Adam moments) restarts every ~30 ms and Step is one iteration of a restarted solver.';

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  if (m.type === 'state') {
    current = m;
    redraw();
  } else if (m.type === 'model') {
    const onnx = wantOnnx;
    wantOnnx = false;
    let blob: Blob;
    try {
      blob = onnx
        ? new Blob([toOnnx(SoftmaxRegression.fromJSON(m.json))], { type: 'application/octet-stream' })
        : new Blob([JSON.stringify(m.json, null, 1) + '\n'], { type: 'application/json' });
    } catch (e) {
      // E.g. ONNX export of a model with feature transforms (the graph holds a linear model only).
      $('message').textContent = `error: ${(e as Error).message}`;
      return;
    }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = onnx ? 'softmax-model.onnx' : 'softmax-model.json';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } else {
    $('message').textContent = `error: ${m.message}`;
  }
};

/** For tests and the curious: the points on the plane and the page's predictions for any inputs. */
(window as unknown as { playground: object }).playground = {
  points: () => points.map((p) => [p.x, p.y, p.c]),
  testPoints: () => testPoints.map((p) => [p.x, p.y, p.c]),
  predict: (X: number[][]) => currentModel()?.predict(X) ?? null,
  state: () => current,
  shareState,
  /** Centre of test digit i's thumbnail in CSS pixels from the plane's top-left corner (digits mode). */
  digitAt: (i: number) => {
    const [ox, oy] = thumbRect(i);
    const t = digitLayout().thumb;
    return [ox + t / 2, oy + t / 2];
  },
};

buildClassButtons();
buildFeatures();
fillSolvers();
ownPoints = [];
if (!restore(location.hash)) {
  showMode();
  sendOptions();
  sendData();
}
new ResizeObserver(() => resize()).observe(plane);
window.addEventListener('resize', resize);
resize();
