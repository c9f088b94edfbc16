/**
 * Vega-Lite spec -> SVG string, headless: Vega's scenegraph rendered by its SVG string renderer, no DOM and
 * no canvas (text widths are estimated, which is what Vega does without a canvas). Runs the same in Node and
 * in the browser.
 *
 * vega and vega-lite are optional peer dependencies, imported on the first render (see src/optional.ts):
 * building a spec needs neither; rendering one without them is a MissingDependencyError that says what to
 * install.
 */
import type { TopLevelSpec } from 'vega-lite';
import { importOptional } from '../optional.js';
import { VEGA_CONFIG } from './theme.js';

export type { TopLevelSpec };

const PLOT_PACKAGES = ['vega', 'vega-lite'];

async function vegaLite() {
  return importOptional(() => import('vega-lite'), 'vega-lite', 'plots', PLOT_PACKAGES);
}

async function vega() {
  return importOptional(() => import('vega'), 'vega', 'plots', PLOT_PACKAGES);
}

/** Compile a Vega-Lite spec (with the shared theme) to a Vega spec. Async: vega-lite is loaded on first use. */
export async function toVega(spec: TopLevelSpec) {
  const { compile } = await vegaLite();
  const withConfig = { ...spec, config: { ...VEGA_CONFIG, ...(spec as { config?: object }).config } } as TopLevelSpec;
  return compile(withConfig).spec;
}

/** Render a Vega-Lite spec to a standalone SVG document string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [compiled, { parse, View }] = await Promise.all([toVega(spec), vega()]);
  const view = new View(parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
