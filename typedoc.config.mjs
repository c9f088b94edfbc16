// @ts-check
/**
 * `npm run docs`: the API reference, built by TypeDoc into build/api (git-ignored), one module per entry
 * point of package.json's "exports", so a new subpath is documented as soon as it is exported.
 * Warnings are errors: an unexported type in a public signature or a broken {@link} fails the build.
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
/** "./dist/src/index.d.ts" -> "./src/index.ts" */
const entryPoints = Object.values(pkg.exports)
  .flatMap((e) => (typeof e === 'object' && e.types ? [e.types] : []))
  .map((t) => t.replace(/^\.\/dist\//, './').replace(/\.d\.ts$/, '.ts'));

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  entryPoints,
  tsconfig: './tsconfig.json',
  out: './build/api',
  name: 'softmax-regression',
  readme: 'none',
  treatWarningsAsErrors: true,
  excludePrivate: true,
  excludeInternal: true,
  githubPages: false,
  disableSources: true,
  skipErrorChecking: true,
  // Internals of the thread pool and the built-in data set table that public node/ types mention.
  intentionallyNotExported: ['Pool', 'WasmDenseWorkspaceView', 'NAMES'],
};
export default config;
