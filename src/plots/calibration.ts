/**
 * Reliability (calibration) diagram: rows binned by confidence (the top probability); per bin the fraction
 * correct against the mean confidence. On the dashed diagonal the model is calibrated; below it, it is
 * over-confident. A histogram underneath shows how many rows each bin holds.
 */
import { renderSvg, type TopLevelSpec } from './render.js';
import { eceOfBins, type CalibrationBin } from '../metrics/probabilistic.js';

export interface CalibrationOptions {
  title?: string;
  subtitle?: string;
  width?: number;
}

/** Reliability diagram of the bins computed by `calibrationBins` (metrics). */
export function calibrationSpec(table: readonly CalibrationBin[], opts: CalibrationOptions = {}): TopLevelSpec {
  const width = opts.width ?? 360;
  const n = table.reduce((a, b) => a + b.count, 0);
  const ece = eceOfBins(table);
  const bins = table.map((b) => ({ ...b }));
  const filled = bins.filter((b) => b.count > 0);
  const x = { field: 'lower', type: 'quantitative', scale: { domain: [0, 1], nice: false }, title: 'confidence (max probability)' };
  const unit = { domain: [0, 1], nice: false };
  // One legend for the three layers: each layer sets its colour through a constant datum on a shared scale.
  const LEGEND = ['fraction correct per bin', 'mean confidence of the bin', 'perfect calibration'];
  const legend = (i: number) => ({
    datum: LEGEND[i],
    type: 'nominal',
    title: null,
    scale: { domain: LEGEND, range: ['#4c78a8', '#e45756', '#555'] },
    legend: { orient: 'bottom', direction: 'vertical' },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: opts.title ?? 'Reliability diagram',
      subtitle: opts.subtitle ?? `${Number(n.toPrecision(6))} rows in ${table.length} bins; expected calibration error ${(100 * ece).toFixed(2)}%`,
    },
    vconcat: [
      {
        width,
        height: width,
        layer: [
          {
            data: { values: filled },
            mark: { type: 'rect', opacity: 0.85, stroke: 'white' },
            encoding: {
              color: legend(0),
              x,
              x2: { field: 'upper' },
              y: { field: 'accuracy', type: 'quantitative', title: 'fraction correct', scale: unit },
              y2: { datum: 0 },
            },
          },
          {
            data: { values: filled },
            mark: { type: 'point', shape: 'diamond', filled: true, size: 50, opacity: 1 },
            encoding: {
              color: legend(1),
              x: { field: 'confidence', type: 'quantitative', scale: unit },
              y: { field: 'accuracy', type: 'quantitative', scale: unit },
            },
          },
          {
            data: {
              values: [
                { a: 0, b: 0 },
                { a: 1, b: 1 },
              ],
            },
            mark: { type: 'line', strokeDash: [5, 4] },
            encoding: { color: legend(2), x: { field: 'a', type: 'quantitative', scale: unit }, y: { field: 'b', type: 'quantitative', scale: unit } },
          },
        ],
      },
      {
        width,
        height: 90,
        data: { values: bins },
        mark: { type: 'rect', color: '#9d755d', stroke: 'white' },
        encoding: { x, x2: { field: 'upper' }, y: { field: 'count', type: 'quantitative', title: 'rows' }, y2: { datum: 0 } },
      },
    ],
  } as TopLevelSpec;
}

export async function calibrationSvg(table: readonly CalibrationBin[], opts: CalibrationOptions = {}): Promise<string> {
  return renderSvg(calibrationSpec(table, opts));
}
