/**
 * Shared look of every plot (and of the playground's canvas): one class palette, one font, one size.
 * Classes keep the same colour everywhere (class k -> CLASS_COLORS[k]) so a reader can match the regions,
 * the confusion matrix and the weight tiles by colour.
 */

/** Tableau 10: distinguishable, colour-blind-aware, and what Vega uses by default for nominal data. */
export const CLASS_COLORS = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** Colour of class k (cycles past 10 classes, where colour alone stops identifying a class anyway). */
export function classColor(k: number): string {
  return CLASS_COLORS[k % CLASS_COLORS.length]!;
}

/** '#rrggbb' -> [r, g, b] in 0..255. */
export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** A system font every renderer has (resvg maps it to DejaVu/Liberation on Debian; browsers to their default). */
export const FONT = 'sans-serif';

/**
 * Vega config applied to every spec: white background (PNG export), no text under 11 px, legends never
 * cut (labelLimit 0: no limit; Vega's default cuts at 160 px with an ellipsis), no chart border.
 */
export const VEGA_CONFIG = {
  background: 'white',
  font: FONT,
  padding: 8,
  view: { stroke: '#ccc' },
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee', labelLimit: 240 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0, titleLimit: 0 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  text: { fontSize: 11 },
} as const;
