/**
 * Optional dependencies, loaded on first use. Plotting (vega, vega-lite) and PNG rendering (@resvg/resvg-js)
 * are peer dependencies marked optional: a user who only fits and predicts does not install them, and the
 * code that needs them imports them here, when it runs, instead of at module load (which also keeps them out
 * of the command line's start-up). Callers pass the import as a thunk with a literal specifier so bundlers
 * (the playground's Vite build) still see and split it.
 */
import { MissingDependencyError } from './errors.js';

/** Whether `e` says that `pkg` itself (not something it imports) could not be found. */
export function isMissingPackage(e: unknown, pkg: string): boolean {
  const err = e as { code?: string; message?: string } | null;
  const code = err?.code;
  const msg = String(err?.message ?? '');
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return msg.includes(`'${pkg}'`) || msg.includes(`"${pkg}"`);
  // Browsers and bundlers: "Failed to resolve module specifier 'vega'" and similar.
  return /resolve|find/i.test(msg) && msg.includes(pkg);
}

/**
 * `await importOptional(() => import('vega'), 'vega', 'plots', ['vega', 'vega-lite'])`: the module, or a
 * MissingDependencyError naming the packages and the install command when `pkg` is not installed.
 */
export async function importOptional<T>(load: () => Promise<T>, pkg: string, feature: string, packages: string[] = [pkg]): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, pkg)) throw new MissingDependencyError(feature, packages);
    throw e;
  }
}
