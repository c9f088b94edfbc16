/**
 * Vega-Lite spec -> SVG string, headless: Vega's scenegraph rendered by its SVG string renderer, no DOM and
 * no canvas (text widths are estimated, which is what Vega does without a canvas). Runs the same in Node and
 * in the browser.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import { VEGA_CONFIG } from './theme.js';

export type { TopLevelSpec };

/** Compile a Vega-Lite spec (with the shared theme) to a Vega spec. */
export function toVega(spec: TopLevelSpec) {
  const withConfig = { ...spec, config: { ...VEGA_CONFIG, ...(spec as { config?: object }).config } } as TopLevelSpec;
  return compile(withConfig).spec;
}

/** Render a Vega-Lite spec to a standalone SVG document string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(toVega(spec)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
