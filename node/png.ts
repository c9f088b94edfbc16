/**
 * SVG -> PNG with resvg (a Rust SVG renderer, no browser and no canvas). Text uses the system's fonts;
 * the plots ask for `sans-serif`, which resvg resolves to DejaVu/Liberation on Debian.
 */
import { createRequire } from 'node:module';
import { MissingDependencyError, SoftmaxError } from '../src/errors.js';
import { isMissingPackage } from '../src/optional.js';
import { writeFileSafe } from './safe-write.js';

export interface PngOptions {
  /** Output scale relative to the SVG's size (default 2: crisp on high-density screens). */
  scale?: number;
  background?: string;
}

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | null = null;

/**
 * @resvg/resvg-js is an optional peer dependency (a native module of a few MB), loaded on the first PNG:
 * synchronously, with require (it is CommonJS), so svgToPng stays synchronous.
 */
function loadResvg(): ResvgModule {
  if (resvg) return resvg;
  try {
    resvg = createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
    return resvg;
  } catch (e) {
    if (isMissingPackage(e, '@resvg/resvg-js')) throw new MissingDependencyError('PNG output', ['@resvg/resvg-js']);
    throw e;
  }
}

export function svgToPng(svg: string, opts: PngOptions = {}): Buffer {
  const { Resvg } = loadResvg();
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 16)) throw new SoftmaxError('INVALID_OPTION', `png scale must be in (0, 16], got ${scale}`);
  try {
    const r = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: opts.background ?? 'white',
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    });
    return r.render().asPng();
  } catch (e) {
    throw new SoftmaxError('IO_ERROR', `could not render SVG to PNG: ${(e as Error).message}`);
  }
}

/** Write an SVG or PNG file atomically, chosen by the extension of `path` (.png, else SVG text). */
export function writePlot(path: string, svg: string, opts: PngOptions = {}): void {
  if (/\.png$/i.test(path)) writeBytesAtomic(path, svgToPng(svg, opts));
  else writeFileSafe(path, svg);
}

/** Bytes to `path` via writeFileSafe (temporary file, checked writes, rename), so a failed write never leaves half an image. */
export function writeBytesAtomic(path: string, bytes: Uint8Array): void {
  writeFileSafe(path, bytes);
}
