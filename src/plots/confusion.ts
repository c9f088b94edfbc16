/**
 * Confusion matrix heat map: rows = true class, columns = predicted class; colour = row-normalized rate
 * (recall on the diagonal), each cell labelled with its count and its rate.
 *
 * Legible up to 30 and more classes: no axis grid (its lines ran through the numbers), text never below
 * 11 px; cells grow to hold it (at least 30 px), and past 12 classes a cell shows only its count (the rate is
 * its colour) and zero cells stay blank, so the confusions stand out.
 */
import { DataError } from '../errors.js';
import type { ConfusionMatrix } from '../metrics/classification.js';
import { renderSvg, type TopLevelSpec } from './render.js';

export interface ConfusionOptions {
  title?: string;
  subtitle?: string;
  /** Side of one cell in pixels (default: fits ~420 px; at least 30, or 40 when a cell shows two lines). */
  cell?: number;
}

/** Heat map of a confusion matrix as computed by `confusionMatrix` (metrics). */
export function confusionSpec(cm: ConfusionMatrix, opts: ConfusionOptions = {}): TopLevelSpec {
  const counts = cm.matrix;
  const classes = cm.labels;
  const K = classes.length;
  if (counts.length !== K || counts.some((r) => r.length !== K))
    throw new DataError('SHAPE_MISMATCH', `confusion matrix must be ${K} x ${K} (one row and column per class)`);
  const names = classes.map(String);
  const cells: object[] = [];
  let total = 0;
  let diag = 0;
  counts.forEach((row, t) => {
    const n = row.reduce((a, b) => a + b, 0);
    total += n;
    diag += row[t]!;
    row.forEach((c, p) => {
      const rate = n > 0 ? c / n : 0;
      cells.push({
        true: names[t],
        predicted: names[p],
        count: c,
        rate,
        label: String(Number(c.toPrecision(6))),
        rateLabel: c > 0 ? `${(100 * rate).toFixed(rate >= 0.995 || rate === 0 ? 0 : 1)}%` : '',
      });
    });
  });
  // Past 12 classes a cell holds one line (the count); up to 12, the count and the rate.
  const compact = K > 12;
  const cell = opts.cell ?? Math.max(compact ? 30 : 40, Math.min(64, Math.floor(420 / K)));
  const side = cell * K;
  const longest = Math.max(...names.map((nm) => nm.length));
  const x = {
    field: 'predicted',
    type: 'nominal',
    sort: names,
    title: 'predicted class',
    axis: { labelAngle: longest * 7 > cell ? -45 : 0, grid: false, labelLimit: 160 },
  };
  const y = { field: 'true', type: 'nominal', sort: names, title: 'true class', axis: { grid: false, labelLimit: 160 } };
  // Text colour flips to white on dark cells so both stay readable.
  const textColor = { condition: { test: 'datum.rate > 0.5', value: 'white' }, value: '#222' };
  const count = compact ? { mark: { type: 'text', fontSize: 11, fontWeight: 'bold' } } : { mark: { type: 'text', fontSize: 12, fontWeight: 'bold', dy: -7 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: opts.title ?? 'Confusion matrix',
      subtitle:
        opts.subtitle ??
        `${total} rows, accuracy ${total > 0 ? ((100 * diag) / total).toFixed(2) : '-'}%; cell = ${compact ? 'count (blank: 0), colour = row-normalized rate' : 'count and row-normalized rate'}`,
    },
    width: side,
    height: side,
    data: { values: cells },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: { field: 'rate', type: 'quantitative', title: 'row-normalized rate', legend: { titleLimit: 200 }, scale: { scheme: 'blues', domain: [0, 1] } },
        },
      },
      {
        transform: [{ filter: 'datum.count > 0' }],
        ...count,
        encoding: { text: { field: 'label' }, color: textColor },
      },
      ...(compact
        ? []
        : [
            {
              // Zero cells get a faint label so the real confusions stand out.
              transform: [{ filter: 'datum.count === 0' }],
              mark: { type: 'text', fontSize: 11, color: '#8a9aa8' },
              encoding: { text: { field: 'label' } },
            },
            {
              mark: { type: 'text', fontSize: 11, dy: 8 },
              encoding: { text: { field: 'rateLabel' }, color: textColor },
            },
          ]),
    ],
  } as TopLevelSpec;
}

export async function confusionSvg(cm: ConfusionMatrix, opts: ConfusionOptions = {}): Promise<string> {
  return renderSvg(confusionSpec(cm, opts));
}
