#!/usr/bin/env node
// Bundles the command line with esbuild into dist/bin: softmax.cjs (the launcher, cli/bin.ts, the package's
// `bin`), cli.cjs (every command: cli/main.ts and what it imports) and the worker scripts. Run by
// `npm run build` after tsc (and so by `npm ci` through `prepare`).
//
// Why: start-up is mostly loading code (docs/performance.md, "Cold start"). Resolving and compiling ~100
// small ES modules one by one was the first cost, so the CLI became a bundle. An ES-module bundle split into
// chunks then still paid the module loader's round per chunk and compiled everything anew on every run; one
// CommonJS file is one read, and the launcher runs it through V8's code cache (cli/compile-cache.ts).
// Measured on iris training: split ES chunks 1, one CommonJS file 0.92x, with the code cache 0.82x.
import { build } from 'esbuild';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bin');
rmSync(outdir, { recursive: true, force: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Packages the start of every command needs are bundled (compiled with the rest instead of resolved and
// loaded file by file); the others (serve's HTTP stack, progress bars, the optional plotting peers) stay
// external, resolved by Node from node_modules when a command imports them.
const bundled = new Set(['commander', 'fastest-levenshtein']);
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})].filter((p) => !bundled.has(p));

// commander requires node:child_process at load time, for executable subcommands this CLI does not have;
// child_process drags in net, dgram and more. Load it on first use instead.
const CHILD_PROCESS_LINE = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(CHILD_PROCESS_LINE)) throw new Error(`build-cli: '${CHILD_PROCESS_LINE}' not found in ${args.path} (commander changed?)`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(CHILD_PROCESS_LINE, lazy), loader: 'js' };
    });
  },
};

// Both CommonJS outputs (the bundle and the launcher) still read their own location as import.meta.url: the
// worker scripts, the built-in data sets and package.json are found beside or above them.
const commonjs = {
  absWorkingDir: root,
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  define: { 'import.meta.url': '__softmaxImportMetaUrl' },
  // (esbuild keeps an entry's #! line first, above the banner)
  banner: { js: "const __softmaxImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

// Every command in one CommonJS file, run by the launcher through V8's code cache (cli/bin.ts says why).
// Modules a command imports dynamically are wrapped by esbuild in functions that run on first import, so
// `softmax train` runs none of the plotting, report or serve code it carries.
const result = await build({
  ...commonjs,
  entryPoints: { cli: 'cli/main.ts' },
  external,
  plugins: [lazyChildProcess],
  sourcemap: 'linked',
  metafile: true,
});
// The launcher: package.json's bin.
await build({ ...commonjs, entryPoints: { softmax: 'cli/bin.ts' } });
// node/threads.ts and node/stream/parallel-csv.ts start their workers as `./threads-worker.js` and
// `./csv-worker.js` beside the bundle: ES modules, sharing their common code in chunks.
await build({
  absWorkingDir: root,
  entryPoints: { 'threads-worker': 'node/threads-worker.ts', 'csv-worker': 'node/stream/csv-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  chunkNames: 'worker-[name]-[hash]',
  logLevel: 'warning',
});
// import() of an optional package (vega, hyparquet, DuckDB) cannot run inside a vm.Script on Node 20 (it needs
// --experimental-vm-modules, and a script restored from the code cache loses the callback altogether). The
// launcher passes an importer of its own as the wrapper's extra argument `__softmaxImport`
// (cli/compile-cache.ts); required the ordinary way (Node 22+), the bundle imports by itself.
const cliFile = join(outdir, 'cli.cjs');
let cliText = readFileSync(cliFile, 'utf8');
let rewritten = 0;
cliText = cliText.replace(/\bimport\("([^"]+)"\)/g, (call, spec) => {
  if (!external.some((p) => spec === p || spec.startsWith(`${p}/`))) throw new Error(`build-cli: unexpected import("${spec}") in the bundle`);
  rewritten++;
  return `__softmaxImportFn("${spec}")`;
});
if (rewritten === 0) throw new Error('build-cli: no import() of an optional package found (did esbuild change its output?)');
const importShim = 'var __softmaxImportFn = typeof __softmaxImport === "function" ? __softmaxImport : (s) => import(s);\n';
cliText = cliText.replace(/^((?:#!.*\n)?)/, (head) => head + importShim);
writeFileSync(cliFile, cliText);
chmodSync(join(outdir, 'softmax.cjs'), 0o755);
// What the bundle holds, for looking into start-up cost (esbuild's analyzer reads it) and for the bundle test.
mkdirSync(join(root, 'build'), { recursive: true });
writeFileSync(join(root, 'build', 'cli-meta.json'), JSON.stringify(result.metafile));
console.log(
  `build-cli: dist/bin/softmax.cjs (launcher), dist/bin/cli.cjs (${(statSync(join(outdir, 'cli.cjs')).size / 1024).toFixed(0)} KB) and the worker scripts`,
);
