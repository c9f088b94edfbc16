/**
 * Coefficients of tabular data as a feature x class heat map: one row per feature (named), one column per
 * class, each cell coloured on one diverging scale centred at 0 (red = evidence for the class, blue = against)
 * and labelled with its value while the cells are large enough to hold it. The image view (weights.ts) is for
 * pixels; this is for everything else, where a 4x4 "image" of 16 unrelated measurements means nothing.
 */
import { DataError } from '../errors.js';
import { renderSvg, type TopLevelSpec } from './render.js';

export interface CoefficientsOptions {
  /** Feature names (default x0, x1, ...). */
  featureNames?: readonly string[] | null;
  /** Show at most this many features, those with the largest max_k |w_kj| (default 60), in their original order. */
  maxFeatures?: number;
  /** Whether the model scaled its inputs (the subtitle then says the coefficients act on scaled features). */
  scaled?: string | null;
  title?: string;
  subtitle?: string;
}

const DEFAULT_MAX_FEATURES = 60;

/** Pixel-like feature names: px0.., pixel_3_4, pixel12 (what the IDX/CIFAR readers and digits use). */
const PIXEL_NAME = /^(px|pixel)[_-]?\d/i;

/**
 * Whether d features look like the pixels of a square image: d is a square and the names are pixel names,
 * or there are no names and d >= 64 (8x8 or larger; a square d of 4 or 16 unnamed features is as likely a table).
 */
export function looksLikeImage(d: number, featureNames: readonly string[] | null | undefined): [number, number] | null {
  const s = Math.round(Math.sqrt(d));
  if (s * s !== d || s < 2) return null;
  if (featureNames && featureNames.length === d) return featureNames.every((n) => PIXEL_NAME.test(n)) ? [s, s] : null;
  return d >= 64 ? [s, s] : null;
}

export function coefficientsSpec(coef: readonly (readonly number[])[], classes: readonly (string | number)[], opts: CoefficientsOptions = {}): TopLevelSpec {
  const K = coef.length;
  if (K === 0 || classes.length !== K) throw new DataError('SHAPE_MISMATCH', `coefficients: ${K} coefficient rows for ${classes.length} classes`);
  const d = coef[0]!.length;
  if (coef.some((r) => r.length !== d)) throw new DataError('SHAPE_MISMATCH', 'coefficients: rows of different lengths');
  const names = (opts.featureNames && opts.featureNames.length === d ? opts.featureNames : Array.from({ length: d }, (_, j) => `x${j}`)).map(String);
  const cls = classes.map(String);
  const maxF = opts.maxFeatures ?? DEFAULT_MAX_FEATURES;
  const strength = names.map((_, j) => Math.max(...coef.map((r) => Math.abs(r[j]!))));
  let keep = names.map((_, j) => j);
  if (d > maxF) {
    const top = new Set([...keep].sort((a, b) => strength[b]! - strength[a]! || a - b).slice(0, maxF));
    keep = keep.filter((j) => top.has(j));
  }
  let m = 0;
  for (const row of coef) for (const v of row) m = Math.max(m, Math.abs(v));
  if (m === 0) m = 1;
  const shown = keep.map((j) => names[j]!);
  const values: object[] = [];
  for (const j of keep) {
    coef.forEach((row, k) => {
      const w = row[j]!;
      values.push({ feature: names[j], class: cls[k], w, label: fmt(w), dark: Math.abs(w) > 0.6 * m });
    });
  }
  // Cells wide enough for "-0.123" at 11 px; tall enough for one line of it.
  const cellW = Math.max(48, Math.min(72, Math.floor(640 / K)));
  const cellH = 20;
  const withText = cellW >= 44;
  const sub =
    opts.subtitle ??
    `w[class, feature]${opts.scaled ? ` on ${opts.scaled}-scaled features` : ''}; red = evidence for the class, blue = against (|w| max ${m.toPrecision(3)})${keep.length < d ? `; the ${keep.length} of ${d} features with the largest |w|` : ''}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title ?? 'Coefficients per feature and class', subtitle: sub },
    width: cellW * K,
    height: cellH * keep.length,
    data: { values },
    encoding: {
      x: { field: 'class', type: 'nominal', sort: cls, title: 'class', axis: { orient: 'top', labelAngle: 0, grid: false, labelLimit: cellW } },
      y: { field: 'feature', type: 'nominal', sort: shown, title: null, axis: { grid: false, labelLimit: 0 } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'w',
            type: 'quantitative',
            title: 'coefficient',
            scale: { scheme: 'redblue', reverse: true, domain: [-m, m] },
            legend: { orient: 'right', titleLimit: 200 },
          },
          tooltip: [{ field: 'feature' }, { field: 'class' }, { field: 'w', format: '.4g' }],
        },
      },
      ...(withText
        ? [
            {
              mark: { type: 'text', fontSize: 11 },
              encoding: { text: { field: 'label' }, color: { condition: { test: 'datum.dark', value: 'white' }, value: '#222' } },
            },
          ]
        : []),
    ],
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}

export async function coefficientsSvg(
  coef: readonly (readonly number[])[],
  classes: readonly (string | number)[],
  opts: CoefficientsOptions = {},
): Promise<string> {
  return renderSvg(coefficientsSpec(coef, classes, opts));
}

function fmt(w: number): string {
  if (w === 0) return '0';
  const a = Math.abs(w);
  return a >= 100 || a < 0.01 ? w.toExponential(1) : w.toFixed(a >= 10 ? 1 : 2);
}
