#!/usr/bin/env node
// Bundles the command line (cli/bin.ts) into dist/bin/softmax.js, the package's `bin`, with esbuild. Run by
// `npm run build` after tsc (and so by `npm ci` through `prepare`).
//
// Why: `softmax train` spent most of its start-up resolving, reading and compiling ~100 small ES modules one by
// one (docs/performance.md, "Cold start"). The bundle is one module for what every command needs; each command
// and the heavy optional parts commands import dynamically (plots, report, serve's HTTP stack, worker threads,
// ONNX) are chunks beside it, loaded only when a command imports them (`splitting`). Fewer bytes loaded is what
// counts: one file holding every command was slower than the split bundle.
import { build } from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
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

const result = await build({
  absWorkingDir: root,
  // node/threads.ts and node/stream/parallel-csv.ts start their workers as `./threads-worker.js` and
  // `./csv-worker.js` beside the chunk they land in.
  entryPoints: { softmax: 'cli/bin.ts', 'threads-worker': 'node/threads-worker.ts', 'csv-worker': 'node/stream/csv-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [lazyChildProcess],
  // Bundled CommonJS (commander) calls require() for Node built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __softmaxCreateRequire } from 'node:module'; const require = __softmaxCreateRequire(import.meta.url);" },
  chunkNames: '[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
chmodSync(join(outdir, 'softmax.js'), 0o755);
// What each chunk holds, for looking into start-up cost (esbuild's analyzer reads it).
mkdirSync(join(root, 'build'), { recursive: true });
writeFileSync(join(root, 'build', 'cli-meta.json'), JSON.stringify(result.metafile));
const chunks = readdirSync(outdir).filter((f) => f.endsWith('.js')).length;
console.log(`build-cli: dist/bin/softmax.js and ${chunks - 1} more modules`);
