/**
 * Learned weights of image data as images: one tile per class showing w_k reshaped to the image (8x8 for
 * digits, 28x28 for MNIST), on one shared diverging scale centred at 0 (red = evidence for the class, blue =
 * against), the "templates" softmax regression learns.
 */
import { DataError } from '../errors.js';
import { renderSvg, type TopLevelSpec } from './render.js';

export interface WeightsOptions {
  /** Image width and height in pixels; default: the square root of d when d is a perfect square. */
  shape?: [number, number];
  /** Tiles per row (default 5). */
  columns?: number;
  /** Tile side in screen pixels (default 96). */
  tile?: number;
  title?: string;
  subtitle?: string;
}

/** [width, height] for d features when they look like a square image, else null. */
export function imageShape(d: number): [number, number] | null {
  const s = Math.round(Math.sqrt(d));
  return s * s === d && s >= 2 ? [s, s] : null;
}

export function weightsSpec(coef: readonly (readonly number[])[], classes: readonly (string | number)[], opts: WeightsOptions = {}): TopLevelSpec {
  // A binomial model (two classes) has one row: the weights of the second class.
  if (coef.length === 1 && classes.length === 2) classes = [classes[1]!];
  const K = coef.length;
  if (K === 0 || classes.length !== K) throw new DataError('SHAPE_MISMATCH', `weights: ${K} coefficient rows for ${classes.length} classes`);
  const d = coef[0]!.length;
  const shape = opts.shape ?? imageShape(d);
  if (!shape || shape[0] * shape[1] !== d) {
    throw new DataError(
      'FEATURE_MISMATCH',
      `weights as images need d = width x height; d = ${d}${opts.shape ? ` but shape is ${opts.shape.join('x')}` : ' is not a square number: give the image shape'}`,
    );
  }
  const [w, h] = shape;
  let m = 0;
  for (const row of coef) for (const v of row) m = Math.max(m, Math.abs(v));
  if (m === 0) m = 1;
  const names = classes.map(String);
  const values: object[] = [];
  coef.forEach((row, k) => {
    for (let j = 0; j < d; j++) values.push({ class: names[k], col: j % w, row: Math.floor(j / w), w: row[j]! });
  });
  const tile = opts.tile ?? 96;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: opts.title ?? 'Learned weights per class',
      subtitle: opts.subtitle ?? `w_k reshaped to ${w}x${h}; red = evidence for the class, blue = against (shared scale, |w| max ${m.toPrecision(3)})`,
    },
    data: { values },
    facet: { field: 'class', type: 'nominal', sort: names, title: null, header: { labelFontSize: 13, labelFontWeight: 'bold', title: null } },
    columns: opts.columns ?? Math.min(K, 5),
    spec: {
      width: tile,
      height: (tile * h) / w,
      mark: { type: 'rect', strokeWidth: 0 },
      encoding: {
        x: { field: 'col', type: 'ordinal', axis: null, scale: { paddingInner: 0, paddingOuter: 0 } },
        y: { field: 'row', type: 'ordinal', axis: null, scale: { paddingInner: 0, paddingOuter: 0 } },
        color: { field: 'w', type: 'quantitative', title: 'weight', scale: { scheme: 'redblue', reverse: true, domain: [-m, m] } },
      },
    },
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

export async function weightsSvg(coef: readonly (readonly number[])[], classes: readonly (string | number)[], opts: WeightsOptions = {}): Promise<string> {
  return renderSvg(weightsSpec(coef, classes, opts));
}
