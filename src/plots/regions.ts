/**
 * Decision regions of a model on 2-D data: a grid of cells over the data's range, each filled with the colour
 * of its predicted class and an opacity growing with the probability of that class (so the soft boundary
 * shows where p is near 1/K), with the data points on top in their true class's colour.
 *
 * A model of more than two features is shown in the plane of two chosen features (`features`), the others
 * held at fixed values (`baseline`, default their means over the rows given): a slice through the decision
 * regions, not a projection, so points off the slice may sit in a region of another colour. For a model that
 * standardizes its inputs the means are the scaled features' zeros, so the slice is the same either way.
 */
import { DataError } from '../errors.js';
import { DenseMatrix } from '../matrix/dense.js';
import { type Label } from '../core/labels.js';
import { toMatrix, type MatrixLike } from '../model/input.js';
import type { SoftmaxRegression } from '../model/softmax-regression.js';
import { renderSvg, type TopLevelSpec } from './render.js';
import { classColor } from './theme.js';

export interface RegionsOptions {
  /** Cells per axis (default 60: smooth enough at report size, 3,600 cells keeps the SVG ~300 kB). */
  grid?: number;
  /** Margin around the data range, as a fraction of it. */
  margin?: number;
  title?: string;
  subtitle?: string;
  width?: number;
  height?: number;
  /** Axis titles (default: the model's feature names, else x1/x2). */
  featureNames?: [string, string];
  /** For a model of d > 2 features: the two feature indices that span the plane (X then has all d columns). */
  features?: [number, number];
  /** For d > 2: the values of the other features (length d; default the column means of X). */
  baseline?: ArrayLike<number>;
}

const DEFAULT_GRID = 60;
const DEFAULT_MARGIN = 0.08;

export interface RegionGrid {
  xs: Float64Array;
  ys: Float64Array;
  /** Cell size. */
  dx: number;
  dy: number;
  /** Predicted class index and its probability, per cell, row-major over (iy, ix). */
  cls: Int32Array;
  p: Float64Array;
}

/** Bounds of the first two columns, widened by `margin` on every side (never empty). */
export function dataBounds(X: DenseMatrix, margin = DEFAULT_MARGIN): [number, number, number, number] {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < X.rows; i++) {
    const a = X.get(i, 0);
    const b = X.get(i, 1);
    x0 = Math.min(x0, a);
    x1 = Math.max(x1, a);
    y0 = Math.min(y0, b);
    y1 = Math.max(y1, b);
  }
  const wx = x1 - x0 || 1;
  const wy = y1 - y0 || 1;
  return [x0 - margin * wx, x1 + margin * wx, y0 - margin * wy, y1 + margin * wy];
}

/** Evaluate the model on a grid x grid lattice of cell centres over the bounds (for d > 2: in the plane of `slice`). */
export function regionGrid(
  model: SoftmaxRegression,
  bounds: [number, number, number, number],
  grid: number,
  slice?: { features: [number, number]; baseline: ArrayLike<number> },
): RegionGrid {
  const [x0, x1, y0, y1] = bounds;
  const dx = (x1 - x0) / grid;
  const dy = (y1 - y0) / grid;
  const xs = new Float64Array(grid);
  const ys = new Float64Array(grid);
  for (let i = 0; i < grid; i++) {
    xs[i] = x0 + (i + 0.5) * dx;
    ys[i] = y0 + (i + 0.5) * dy;
  }
  const d = slice ? model.nFeatures : 2;
  const [fa, fb] = slice ? slice.features : [0, 1];
  const G = new DenseMatrix(grid * grid, d);
  for (let iy = 0; iy < grid; iy++)
    for (let ix = 0; ix < grid; ix++) {
      const row = (iy * grid + ix) * d;
      if (slice) for (let j = 0; j < d; j++) G.data[row + j] = slice.baseline[j]!;
      G.data[row + fa] = xs[ix]!;
      G.data[row + fb] = ys[iy]!;
    }
  const P = model.predictProbaFlat(G);
  const K = model.nClasses;
  const cls = new Int32Array(grid * grid);
  const p = new Float64Array(grid * grid);
  for (let c = 0; c < grid * grid; c++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[c * K + k]! > P[c * K + best]!) best = k;
    cls[c] = best;
    p[c] = P[c * K + best]!;
  }
  return { xs, ys, dx, dy, cls, p };
}

export function decisionRegionsSpec(model: SoftmaxRegression, X: MatrixLike, y: ArrayLike<Label>, opts: RegionsOptions = {}): TopLevelSpec {
  if (!model.classes) throw new DataError('EMPTY_DATA', 'decision regions need a fitted model');
  const M = toMatrix(X);
  const d = model.nFeatures;
  let slice: { features: [number, number]; baseline: Float64Array } | undefined;
  if (opts.features) {
    const [fa, fb] = opts.features;
    if (M.cols !== d)
      throw new DataError('FEATURE_MISMATCH', `decision regions in the plane of two features need the data's ${d} features (the model's), got ${M.cols}`);
    if (!(Number.isInteger(fa) && Number.isInteger(fb) && fa >= 0 && fb >= 0 && fa < d && fb < d && fa !== fb)) {
      throw new DataError('FEATURE_MISMATCH', `features must be two different indices in [0, ${d}), got ${fa}, ${fb}`);
    }
    const baseline = new Float64Array(d);
    if (opts.baseline) {
      if (opts.baseline.length !== d) throw new DataError('SHAPE_MISMATCH', `baseline has ${opts.baseline.length} values, the model ${d} features`);
      for (let j = 0; j < d; j++) baseline[j] = opts.baseline[j]!;
    } else {
      for (let i = 0; i < M.rows; i++) for (let j = 0; j < d; j++) baseline[j]! += M.get(i, j);
      for (let j = 0; j < d; j++) baseline[j]! /= Math.max(1, M.rows);
    }
    slice = { features: [fa, fb], baseline };
  } else if (M.cols !== 2 || d !== 2) {
    throw new DataError(
      'FEATURE_MISMATCH',
      `decision regions need 2-D data and a model fitted on 2 features (data has ${M.cols}, model ${d}); for more features choose the plane's two (features: [i, j]; the others are held at their means)`,
    );
  }
  if (y.length !== M.rows) throw new DataError('SHAPE_MISMATCH', `X has ${M.rows} rows but y has ${y.length} labels`);
  const [ca, cb] = slice ? slice.features : [0, 1];
  const D = M instanceof DenseMatrix && !slice ? M : DenseMatrix.fromArrays(Array.from({ length: M.rows }, (_, i) => [M.get(i, ca), M.get(i, cb)]));
  const grid = opts.grid ?? DEFAULT_GRID;
  const bounds = dataBounds(D, opts.margin ?? DEFAULT_MARGIN);
  const g = regionGrid(model, bounds, grid, slice);
  const classes = model.classes.map(String);
  const K = classes.length;
  const cells: object[] = [];
  for (let iy = 0; iy < grid; iy++)
    for (let ix = 0; ix < grid; ix++) {
      const c = iy * grid + ix;
      const xc = g.xs[ix]!;
      const yc = g.ys[iy]!;
      cells.push({ x: xc - g.dx / 2, x2: xc + g.dx / 2, y: yc - g.dy / 2, y2: yc + g.dy / 2, class: classes[g.cls[c]!], p: round4(g.p[c]!) });
    }
  const points = Array.from({ length: D.rows }, (_, i) => ({ x: D.get(i, 0), y: D.get(i, 1), class: String(y[i]) }));
  const names = opts.featureNames ?? (model.featureNames ? [model.featureNames[ca]!, model.featureNames[cb]!] : slice ? [`x${ca}`, `x${cb}`] : ['x1', 'x2']);
  const color = { field: 'class', type: 'nominal', title: 'class', scale: { domain: classes, range: classes.map((_, k) => classColor(k)) } };
  const xScale = { domain: [bounds[0], bounds[1]], nice: false, zero: false };
  const yScale = { domain: [bounds[2], bounds[3]], nice: false, zero: false };
  const acc = model.score(slice ? (X as MatrixLike) : D, y);
  const held = slice ? `; the other ${d - 2} features held at ${opts.baseline ? 'fixed values' : 'their means'}` : '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: opts.title ?? 'Decision regions',
      subtitle:
        opts.subtitle ??
        `shade = predicted class, intensity = its probability${held}; points = data (accuracy ${(100 * acc).toFixed(1)}%${slice ? ' with all features' : ''})`,
    },
    width: opts.width ?? 420,
    height: opts.height ?? 420,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect', strokeWidth: 0 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: names[0], scale: xScale },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', title: names[1], scale: yScale },
          y2: { field: 'y2' },
          color,
          // Probability of the predicted class lies in [1/K, 1]; map that range onto visible opacities.
          opacity: { field: 'p', type: 'quantitative', title: 'probability', scale: { domain: [1 / K, 1], range: [0.08, 0.85], clamp: true } },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 36, stroke: '#222', strokeWidth: 0.8, opacity: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale },
          y: { field: 'y', type: 'quantitative', scale: yScale },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}

export async function decisionRegionsSvg(model: SoftmaxRegression, X: MatrixLike, y: ArrayLike<Label>, opts: RegionsOptions = {}): Promise<string> {
  return renderSvg(decisionRegionsSpec(model, X, y, opts));
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
