/**
 * Coefficient paths along a regularization path: every coefficient w_kj as a function of C (log scale),
 * coloured by class. Small C shrinks everything to 0; the order in which coefficients leave 0 shows which
 * features matter first. Takes the library's regularizationPath result, or a plain {C, coef} from any source.
 */
import { DataError } from '../errors.js';
import { renderSvg, type TopLevelSpec } from './render.js';
import { classColor } from './theme.js';

export interface PathInput {
  /** The grid of C values (any order; plotted on a log axis). */
  C: readonly number[];
  /** coef[c][k][j]: coefficient of feature j for class k at C[c]. */
  coef: readonly (readonly (readonly number[])[])[];
}

/** The shape of regularizationPath's result (src/model/path.ts) that a plot needs. */
export interface PathPointsInput {
  points: readonly { C: number; coef: readonly (readonly number[])[] }[];
}

/** {C, coef} from a regularizationPath result (or a PathInput as is). */
export function pathInputOf(path: PathInput | PathPointsInput): PathInput {
  if ('points' in path) return { C: path.points.map((p) => p.C), coef: path.points.map((p) => p.coef) };
  return path;
}

export interface PathOptions {
  classes?: readonly (string | number)[];
  featureNames?: readonly string[];
  title?: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

export function pathSpec(input: PathInput | PathPointsInput, opts: PathOptions = {}): TopLevelSpec {
  const path = pathInputOf(input);
  const nC = path.C.length;
  if (nC < 2) throw new DataError('EMPTY_DATA', `a coefficient path needs at least 2 values of C, got ${nC}`);
  if (path.coef.length !== nC) throw new DataError('SHAPE_MISMATCH', `path has ${nC} values of C but ${path.coef.length} coefficient matrices`);
  for (const c of path.C) if (!(c > 0 && Number.isFinite(c))) throw new DataError('NON_FINITE', `C values must be finite and > 0 (log axis), got ${c}`);
  const K = path.coef[0]!.length;
  const d = path.coef[0]![0]?.length ?? 0;
  path.coef.forEach((W, c) => {
    if (W.length !== K || W.some((r) => r.length !== d)) throw new DataError('SHAPE_MISMATCH', `path.coef[${c}] is not ${K} x ${d}`);
  });
  let classes = (opts.classes ?? Array.from({ length: K }, (_, k) => k)).map(String);
  // A binomial model (two classes) has one row: the weights of the second class.
  if (K === 1 && classes.length === 2) classes = [classes[1]!];
  if (classes.length !== K) throw new DataError('SHAPE_MISMATCH', `${classes.length} class names for ${K} coefficient rows`);
  const feats = opts.featureNames ?? Array.from({ length: d }, (_, j) => `x${j}`);
  const values: object[] = [];
  for (let c = 0; c < nC; c++)
    for (let k = 0; k < K; k++)
      for (let j = 0; j < d; j++) {
        values.push({ C: path.C[c], class: classes[k], feature: feats[j], line: `${classes[k]}/${feats[j]}`, w: path.coef[c]![k]![j]! });
      }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: opts.title ?? 'Coefficient paths', subtitle: opts.subtitle ?? `${K * d} coefficients over ${nC} values of C (penalty weight 1/C)` },
    width: opts.width ?? 480,
    height: opts.height ?? 300,
    data: { values },
    mark: { type: 'line', strokeWidth: d * K > 100 ? 0.8 : 1.6, opacity: d * K > 100 ? 0.6 : 0.9 },
    encoding: {
      x: { field: 'C', type: 'quantitative', scale: { type: 'log' }, title: 'C (inverse regularization strength, log scale)' },
      y: { field: 'w', type: 'quantitative', title: 'coefficient w_kj' },
      color: { field: 'class', type: 'nominal', sort: classes, title: 'class', scale: { domain: classes, range: classes.map((_, k) => classColor(k)) } },
      detail: { field: 'line', type: 'nominal' },
      order: { field: 'C', type: 'quantitative' },
    },
  } as TopLevelSpec;
}

export async function pathSvg(path: PathInput | PathPointsInput, opts: PathOptions = {}): Promise<string> {
  return renderSvg(pathSpec(path, opts));
}
