/**
 * Training curves: the objective and the gradient norm per iteration on log scales (how fast and how far the
 * solver went), and train/validation accuracy per iteration when a stochastic solver recorded them.
 */
import { DataError } from '../errors.js';
import type { IterationInfo } from '../solvers/solver.js';
import { renderSvg, type TopLevelSpec } from './render.js';

/** Either a live fit's history or the model file's `fit.history` (column arrays). */
export type HistoryInput =
  | readonly IterationInfo[]
  | { iteration: readonly number[]; value: readonly number[]; gradientNorm: readonly number[]; [extra: string]: readonly number[] | undefined };

export interface CurvesOptions {
  title?: string;
  subtitle?: string;
  /** Width and height of each panel in pixels. */
  width?: number;
  height?: number;
}

export interface HistoryRow {
  iteration: number;
  [series: string]: number;
}

/** Extra per-iteration series shown in the accuracy panel (e.g. trainAccuracy, validationAccuracy, validationScore). */
const ACCURACY_KEY = /accuracy|score/i;

/** History as rows, whatever form it came in. */
export function historyRows(h: HistoryInput): HistoryRow[] {
  if (Array.isArray(h)) return (h as IterationInfo[]).map((e) => ({ ...(e as unknown as HistoryRow) }));
  const cols = h as Exclude<HistoryInput, readonly IterationInfo[]>;
  const n = cols.iteration.length;
  const keys = Object.keys(cols).filter((k) => Array.isArray(cols[k]));
  for (const k of keys)
    if (cols[k]!.length !== n) throw new DataError('SHAPE_MISMATCH', `history.${k} has ${cols[k]!.length} entries, history.iteration has ${n}`);
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, cols[k]![i]!])) as HistoryRow);
}

export function trainingCurvesSpec(history: HistoryInput, opts: CurvesOptions = {}): TopLevelSpec {
  const rows = historyRows(history);
  if (rows.length === 0) throw new DataError('EMPTY_DATA', 'the fit history is empty: nothing to plot (was the model fitted with history kept?)');
  const width = opts.width ?? 300;
  const height = opts.height ?? 220;
  // Log scales need positive values; a zero gradient norm (exact optimum) or objective would vanish silently,
  // so such points are dropped and counted in the subtitle instead.
  const series = (key: string, title: string, color: string) => {
    const pos = rows.filter((r) => Number.isFinite(r[key]) && r[key]! > 0).map((r) => ({ iteration: r.iteration, [key]: r[key]! }));
    return {
      width,
      height,
      data: { values: pos },
      mark: { type: 'line', point: pos.length <= 60 ? { color } : false, color, strokeWidth: 2 },
      encoding: {
        x: { field: 'iteration', type: 'quantitative', title: 'iteration', axis: { tickMinStep: 1 } },
        y: { field: key, type: 'quantitative', title: `${title} (log scale)`, scale: { type: 'log' } },
        tooltip: [{ field: 'iteration' }, { field: key, format: '.6g' }],
      },
    };
  };
  const panels: object[] = [series('value', 'objective F(w)', '#4c78a8'), series('gradientNorm', 'gradient norm max|∇F|', '#e45756')];
  const accKeys = Object.keys(rows[0]!).filter((k) => ACCURACY_KEY.test(k) && rows.some((r) => Number.isFinite(r[k])));
  if (accKeys.length > 0) {
    const long = rows.flatMap((r) => accKeys.filter((k) => Number.isFinite(r[k])).map((k) => ({ iteration: r.iteration, series: k, accuracy: r[k]! })));
    panels.push({
      width,
      height,
      data: { values: long },
      mark: { type: 'line', point: rows.length <= 60, strokeWidth: 2 },
      encoding: {
        x: { field: 'iteration', type: 'quantitative', title: 'iteration' },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: 'set', sort: accKeys },
      },
    });
  }
  const last = rows[rows.length - 1]!;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: opts.title ?? 'Training curves',
      subtitle: opts.subtitle ?? `${rows.length} iterations recorded; final objective ${fmtNum(last.value)}, gradient norm ${fmtNum(last.gradientNorm)}`,
    },
    hconcat: panels,
    resolve: { scale: { y: 'independent', color: 'independent' } },
  } as TopLevelSpec;
}

export async function trainingCurvesSvg(history: HistoryInput, opts: CurvesOptions = {}): Promise<string> {
  return renderSvg(trainingCurvesSpec(history, opts));
}

export function fmtNum(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : Number(v.toPrecision(6)).toString();
}
