/**
 * The playground page: data on a canvas, controls, live decision regions and loss curve, and a panel with
 * the numbers behind one hovered point. Training runs in ./worker.ts with the library's own code; this
 * thread only draws (with the same library: softmax for the hover panel, predict for the test hook).
 */
// Narrow imports: the public index also exports the CSV reader, whose csv-parse needs Node's Buffer.
import { softmaxInPlace } from '../src/kernels/softmax.js';
import { SoftmaxRegression } from '../src/model/softmax-regression.js';
import { toOnnx } from '../src/onnx/export.js';
import { SOLVERS, solverNames, solversReading } from '../src/solvers/registry.js';
import { classColor, hexToRgb } from '../src/plots/theme.js';
import { digits, PRESETS, type DigitsData, type Point } from './presets.js';
import { Cmd, CTL_CMD, CTL_EXPORT, CTL_SLOTS, CTL_SPEED, cmdOf, cmdWord } from './protocol.js';
import type { FromWorker, StateMessage, ToWorker } from './protocol.js';

const MAX_CLASSES = 6;
/** Region raster: one model evaluation per CELL x CELL pixels (smooth enough, cheap for K <= 10). */
const CELL = 4;
/** Hover radius in canvas pixels for picking a data point. */
const PICK_RADIUS = 9;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const plane = $<HTMLCanvasElement>('plane');
const lossCanvas = $<HTMLCanvasElement>('loss');
const ctx = plane.getContext('2d')!;

let points: Point[] = [];
let digitsData: DigitsData | null = null;
let selectedClass = 0;
let current: StateMessage | null = null;
let hover: { px: number; py: number } | null = null;

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

// ---- coordinates -------------------------------------------------------------------------------
const toPx = (x: number) => ((x + 1) / 2) * plane.width;
const toPy = (y: number) => ((1 - y) / 2) * plane.height;
const fromPx = (px: number) => (px / plane.width) * 2 - 1;
const fromPy = (py: number) => 1 - (py / plane.height) * 2;

function canvasPos(ev: MouseEvent): { px: number; py: number } {
  const r = plane.getBoundingClientRect();
  return { px: ((ev.clientX - r.left) * plane.width) / r.width, py: ((ev.clientY - r.top) * plane.height) / r.height };
}

// ---- the model on this thread (for drawing and the hover panel) -----------------------------------
function currentModel(): SoftmaxRegression | null {
  if (!current?.coef || !current.intercept || !current.classes) return null;
  const m = new SoftmaxRegression();
  m.classes = current.classes;
  m.setParams(new Float64Array(current.coef.flat()), new Float64Array(current.intercept));
  return m;
}

/** z = W x + b and p = softmax(z) for one input (W, b zero before training: p uniform). */
function scoresAt(x: number[]): { classes: number[]; z: Float64Array; p: Float64Array } {
  const classes = current?.classes ?? presentClasses();
  const K = classes.length;
  const z = new Float64Array(K);
  if (current?.coef && current.intercept) {
    for (let k = 0; k < K; k++) {
      let s = current.intercept[k]!;
      const w = current.coef[k]!;
      for (let j = 0; j < x.length; j++) s += w[j]! * x[j]!;
      z[k] = s;
    }
  }
  const p = z.slice();
  softmaxInPlace(p, 0, K);
  return { classes, z, p };
}

function presentClasses(): number[] {
  const ys = digitsData ? digitsData.y : points.map((p) => p.c);
  return [...new Set(ys)].sort((a, b) => a - b);
}

// ---- drawing ---------------------------------------------------------------------------------------
function drawPlane(): void {
  const W = plane.width;
  const H = plane.height;
  ctx.clearRect(0, 0, W, H);
  if (digitsData) return drawDigits();
  const img = ctx.createImageData(W, H);
  const cls = current?.classes;
  if (current?.coef && current.intercept && cls) {
    const K = cls.length;
    const rgb = cls.map((c) => hexToRgb(classColor(c)));
    const z = new Float64Array(K);
    for (let cy = 0; cy < H; cy += CELL) {
      for (let cx = 0; cx < W; cx += CELL) {
        const x0 = fromPx(cx + CELL / 2);
        const x1 = fromPy(cy + CELL / 2);
        for (let k = 0; k < K; k++) z[k] = current.coef[k]![0]! * x0 + current.coef[k]![1]! * x1 + current.intercept[k]!;
        softmaxInPlace(z, 0, K);
        let best = 0;
        for (let k = 1; k < K; k++) if (z[k]! > z[best]!) best = k;
        // Intensity: 0 where the top class is no better than chance (1/K), 1 where it is certain.
        const t = 0.12 + 0.7 * Math.max(0, (z[best]! - 1 / K) / (1 - 1 / K));
        const [r, g, b] = rgb[best]!;
        for (let yy = cy; yy < Math.min(H, cy + CELL); yy++) {
          for (let xx = cx; xx < Math.min(W, cx + CELL); xx++) {
            const o = 4 * (yy * W + xx);
            img.data[o] = Math.round(255 + (r - 255) * t);
            img.data[o + 1] = Math.round(255 + (g - 255) * t);
            img.data[o + 2] = Math.round(255 + (b - 255) * t);
            img.data[o + 3] = 255;
          }
        }
      }
    }
    ctx.putImageData(img, 0, 0);
  } else {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, W, H);
  }
  // Axes through the origin, ticks every 0.5.
  ctx.strokeStyle = '#0002';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(toPx(-1), toPy(0));
  ctx.lineTo(toPx(1), toPy(0));
  ctx.moveTo(toPx(0), toPy(-1));
  ctx.lineTo(toPx(0), toPy(1));
  ctx.stroke();
  ctx.fillStyle = '#0008';
  ctx.font = '11px sans-serif';
  for (const v of [-1, -0.5, 0.5, 1]) {
    ctx.fillText(String(v), toPx(v) - (v === 1 ? 12 : 6), toPy(0) + 13);
    ctx.fillText(String(v), toPx(0) + 4, toPy(v) + (v === 1 ? 11 : 4));
  }
  ctx.fillText('x₁', W - 16, toPy(0) - 5);
  ctx.fillText('x₂', toPx(0) + 5, 12);
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
}

/** Digits mode: the 10 weight images on top, test digits below (green border = right, red = wrong). */
const TILE = 46;
const THUMB = 40;
const THUMB_COLS = 12;
function thumbRect(i: number): [number, number] {
  return [8 + (i % THUMB_COLS) * (THUMB + 2), 150 + Math.floor(i / THUMB_COLS) * (THUMB + 2)];
}
function drawDigits(): void {
  const d = digitsData!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, plane.width, plane.height);
  ctx.fillStyle = '#333';
  ctx.font = '12px sans-serif';
  ctx.fillText('weights w_k as 8×8 images (red +, blue −)', 8, 14);
  if (current?.coef) {
    let m = 1e-12;
    for (const row of current.coef) for (const v of row) m = Math.max(m, Math.abs(v));
    current.coef.forEach((row, k) => {
      const ox = 8 + k * (TILE + 5);
      const oy = 22;
      for (let j = 0; j < 64; j++) {
        const v = row[j]! / m;
        const c = v > 0 ? [255, Math.round(255 * (1 - v)), Math.round(255 * (1 - v))] : [Math.round(255 * (1 + v)), Math.round(255 * (1 + v)), 255];
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fillRect(ox + (j % 8) * (TILE / 8), oy + Math.floor(j / 8) * (TILE / 8), TILE / 8 + 0.5, TILE / 8 + 0.5);
      }
      ctx.fillStyle = '#333';
      ctx.fillText(String(current!.classes![k]), ox + TILE / 2 - 3, oy + TILE + 13);
    });
  }
  ctx.fillText('test digits (hover one); border: green = predicted right, red = wrong', 8, 143);
  const model = currentModel();
  const n = Math.min(d.Xtest.length, THUMB_COLS * 8);
  const pred = model ? model.predict(d.Xtest.slice(0, n)) : null;
  for (let i = 0; i < n; i++) {
    const [ox, oy] = thumbRect(i);
    const x = d.Xtest[i]!;
    for (let j = 0; j < 64; j++) {
      const g = Math.round(255 * (1 - x[j]!));
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(ox + (j % 8) * (THUMB / 8), oy + Math.floor(j / 8) * (THUMB / 8), THUMB / 8 + 0.5, THUMB / 8 + 0.5);
    }
    if (pred) {
      ctx.strokeStyle = pred[i] === d.ytest[i] ? '#2a9d4a' : '#e03131';
      ctx.lineWidth = 2;
      ctx.strokeRect(ox + 1, oy + 1, THUMB - 2, THUMB - 2);
    }
  }
}

function drawLoss(): void {
  const c = lossCanvas.getContext('2d')!;
  const W = lossCanvas.width;
  const H = lossCanvas.height;
  c.clearRect(0, 0, W, H);
  c.fillStyle = '#fff';
  c.fillRect(0, 0, W, H);
  const h = (current?.history ?? []).filter((e) => e.value > 0 && Number.isFinite(e.value));
  const L = 52;
  const R = 10;
  const T = 22;
  const B = 30;
  c.fillStyle = '#333';
  c.font = 'bold 12px sans-serif';
  c.fillText('objective F(w) per iteration (log scale)', L, 14);
  c.font = '11px sans-serif';
  c.fillText('iteration', L + (W - L - R) / 2 - 20, H - 6);
  c.strokeStyle = '#999';
  c.strokeRect(L, T, W - L - R, H - T - B);
  if (h.length === 0) return;
  const lo = Math.log10(Math.min(...h.map((e) => e.value)));
  let hi = Math.log10(Math.max(...h.map((e) => e.value)));
  if (hi - lo < 1e-9) hi = lo + 1;
  const n = h[h.length - 1]!.iteration;
  const X = (it: number) => L + ((W - L - R) * (it - 1)) / Math.max(1, n - 1);
  const Y = (v: number) => T + ((H - T - B) * (hi - Math.log10(v))) / (hi - lo);
  c.fillStyle = '#555';
  for (const v of [10 ** hi, 10 ** ((hi + lo) / 2), 10 ** lo]) c.fillText(fmt(v, 3), 4, Y(v) + 4);
  c.fillText('1', L - 3, H - B + 13);
  c.fillText(String(n), W - R - 6 * String(n).length, H - B + 13);
  c.strokeStyle = '#4c78a8';
  c.lineWidth = 2;
  c.beginPath();
  h.forEach((e, i) => (i === 0 ? c.moveTo(X(e.iteration), Y(e.value)) : c.lineTo(X(e.iteration), Y(e.value))));
  c.stroke();
}

function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(digits - 1) : Number(v.toPrecision(digits)).toString();
}

// ---- hover panel -------------------------------------------------------------------------------------
function hoveredPoint(): Point | null {
  if (!hover || digitsData) return null;
  let best: Point | null = null;
  let bd = PICK_RADIUS;
  for (const p of points) {
    const d = Math.hypot(toPx(p.x) - hover.px, toPy(p.y) - hover.py);
    if (d <= bd) ((bd = d), (best = p));
  }
  return best;
}

function hoveredDigit(): number | null {
  if (!hover || !digitsData) return null;
  const n = Math.min(digitsData.Xtest.length, THUMB_COLS * 8);
  for (let i = 0; i < n; i++) {
    const [ox, oy] = thumbRect(i);
    if (hover.px >= ox && hover.px < ox + THUMB && hover.py >= oy && hover.py < oy + THUMB) return i;
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
      el.innerHTML = '<p class="note">Hover a test digit to see its scores, probabilities, loss and gradient contribution.</p>';
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
      what = `point (${fmt(p.x, 3)}, ${fmt(p.y, 3)}) of class ${p.c}`;
    } else if (hover) {
      x = [fromPx(hover.px), fromPy(hover.py)];
      what = `cursor at (${fmt(x[0]!, 3)}, ${fmt(x[1]!, 3)}): no label, so no loss; hover a point for those`;
    } else {
      el.innerHTML =
        '<p class="note">Hover the plane or a point to see z = Wx + b, p = softmax(z), the loss −log p<sub>y</sub> and the gradient contribution (p − y)xᵀ.</p>';
      return;
    }
  }
  const { classes, z, p } = scoresAt(x);
  const K = classes.length;
  if (K === 0) {
    el.innerHTML = '<p class="note">No classes yet.</p>';
    return;
  }
  const yk = classes.map((c) => (c === label ? 1 : 0));
  const known = label !== null && classes.includes(label);
  const loss = known ? -Math.log(p[classes.indexOf(label!)]!) : null;
  const d = x.length;
  // Gradient of this row's loss: d/dW_k = (p_k - y_k) x, d/db_k = p_k - y_k (the row of (P - Y)^T X).
  const head = d === 2 ? '<th>(p−y)·x₁</th><th>(p−y)·x₂</th><th>(p−y)·1</th>' : '<th>‖(p−y)x‖</th><th>(p−y)·1</th>';
  const rows = classes
    .map((c, k) => {
      const r = p[k]! - yk[k]!;
      const g =
        d === 2
          ? `<td>${known ? fmt(r * x[0]!) : '–'}</td><td>${known ? fmt(r * x[1]!) : '–'}</td><td>${known ? fmt(r) : '–'}</td>`
          : `<td>${known ? fmt(Math.abs(r) * Math.hypot(...x)) : '–'}</td><td>${known ? fmt(r) : '–'}</td>`;
      return `<tr><th><span class="swatch" style="background:${classColor(c)}"></span>${c}</th><td>${fmt(z[k]!)}</td><td>${fmt(p[k]!)}</td><td>${known ? yk[k] : '–'}</td>${g}</tr>`;
    })
    .join('');
  el.innerHTML = `<p>${what}</p>
<div class="eq">z = Wx + b, &nbsp; p = softmax(z)${known ? `, &nbsp; loss = −log p<sub>${label}</sub> = <b id="hover-loss">${fmt(loss!)}</b>` : ''}</div>
<table><tr><th>class</th><th>z</th><th>p</th><th>y</th>${head}</tr>${rows}</table>
<p class="note">The last columns are this row's contribution (p − y)xᵀ to the gradient of F with respect to W (and b); F sums them over all rows${current?.coef ? '' : ' (W = 0 before training: p is uniform)'}.</p>`;
}

// ---- status --------------------------------------------------------------------------------------
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
    acc.textContent = `${(100 * s.trainAccuracy).toFixed(2)}% (${Math.round(s.trainAccuracy * n)}/${n} ${digitsData ? 'training digits' : 'points'})`;
    acc.dataset.value = String(s.trainAccuracy);
  } else {
    acc.textContent = '–';
    acc.dataset.value = '';
  }
  $('test-row').hidden = !digitsData;
  $('test-accuracy').textContent = s?.testAccuracy != null ? `${(100 * s.testAccuracy).toFixed(2)}% (${digitsData?.ytest.length} digits)` : '–';
  $('message').textContent = s?.message ?? '';
}

function redraw(): void {
  drawPlane();
  drawLoss();
  drawStatus();
  drawHover();
}

// ---- controls --------------------------------------------------------------------------------------
function buildClassButtons(): void {
  const box = $('classes');
  box.innerHTML = '';
  for (let c = 0; c < MAX_CLASSES; c++) {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = `class-${c}`;
    b.textContent = String(c + 1);
    b.title = `class ${c} (key ${c + 1})`;
    b.style.background = classColor(c);
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', String(c === selectedClass));
    b.onclick = () => selectClass(c);
    box.appendChild(b);
  }
  $('legend').innerHTML = Array.from({ length: MAX_CLASSES }, (_, c) => `<span><i style="background:${classColor(c)}"></i>class ${c}</span>`).join('');
}

function selectClass(c: number): void {
  selectedClass = c;
  document.querySelectorAll('#classes button').forEach((b, i) => b.setAttribute('aria-checked', String(i === c)));
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

function sendData(): void {
  command(Cmd.Restart);
  if (digitsData) send({ type: 'data', X: digitsData.X, y: digitsData.y, Xtest: digitsData.Xtest, ytest: digitsData.ytest });
  else send({ type: 'data', X: points.map((p) => [p.x, p.y]), y: points.map((p) => p.c) });
}

function loadPreset(name: string): void {
  send({ type: 'reset', seq: command(Cmd.Stop) });
  digitsData = null;
  if (name === 'digits') {
    digitsData = digits();
    points = [];
  } else if (name in PRESETS) points = PRESETS[name as keyof typeof PRESETS]();
  $('hint').hidden = !!digitsData;
  $('legend').hidden = !!digitsData;
  $('classes').hidden = !!digitsData;
  sendData();
}

plane.addEventListener('click', (ev) => {
  if (digitsData) return;
  const { px, py } = canvasPos(ev);
  points.push({ x: fromPx(px), y: fromPy(py), c: selectedClass });
  $<HTMLSelectElement>('preset').value = '';
  sendData();
  redraw();
});
plane.addEventListener('contextmenu', (ev) => {
  ev.preventDefault();
  if (digitsData || points.length === 0) return;
  const { px, py } = canvasPos(ev);
  let bi = 0;
  let bd = Infinity;
  points.forEach((p, i) => {
    const d = Math.hypot(toPx(p.x) - px, toPy(p.y) - py);
    if (d < bd) ((bd = d), (bi = i));
  });
  points.splice(bi, 1);
  sendData();
  redraw();
});
plane.addEventListener('mousemove', (ev) => {
  hover = canvasPos(ev);
  drawPlane();
  drawHover();
});
plane.addEventListener('mouseleave', () => {
  hover = null;
  drawPlane();
  drawHover();
});
window.addEventListener('keydown', (ev) => {
  const c = Number(ev.key) - 1;
  if (c >= 0 && c < MAX_CLASSES && !(ev.target instanceof HTMLInputElement)) selectClass(c);
});

$('preset').addEventListener('change', (ev) => loadPreset((ev.target as HTMLSelectElement).value));
$('clear').addEventListener('click', () => {
  points = [];
  digitsData = null;
  $<HTMLSelectElement>('preset').value = '';
  send({ type: 'reset', seq: command(Cmd.Stop) });
  sendData();
});
$('solver').addEventListener('change', () => (fillPenalties(), sendOptions()));
for (const id of ['penalty', 'logC', 'lr', 'bs', 'speed']) $(id).addEventListener('input', sendOptions);
$('start').addEventListener('click', () => send({ type: 'run', seq: command(Cmd.Run) }));
$('pause').addEventListener('click', () => send({ type: 'pause', seq: command(Cmd.Pause) }));
$('step').addEventListener('click', () => send({ type: 'step', seq: command(Cmd.Step) }));
$('reset').addEventListener('click', () => send({ type: 'reset', seq: command(Cmd.Stop) }));
$('export').addEventListener('click', requestExport);
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
    const blob = onnx
      ? new Blob([toOnnx(SoftmaxRegression.fromJSON(m.json))], { type: 'application/octet-stream' })
      : new Blob([JSON.stringify(m.json, null, 1) + '\n'], { type: 'application/json' });
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
  predict: (X: number[][]) => currentModel()?.predict(X) ?? null,
  state: () => current,
};

buildClassButtons();
fillSolvers();
sendOptions();
sendData();
redraw();
