#!/usr/bin/env node
/**
 * The `softmax` executable. `npm run build` (scripts/build-cli.mjs) makes two CommonJS files of the CLI:
 * dist/bin/softmax.cjs, this launcher and the package's `bin`, and dist/bin/cli.cjs, every command in one
 * bundle (cli/main.ts and what it imports). A command's own code and the heavy optional parts (plots, report,
 * serve's HTTP stack, worker threads, ONNX) run only when a command imports them.
 *
 * Why one CommonJS file and a launcher: start-up is mostly loading code (docs/performance.md, "Cold start").
 * One file costs one read instead of the ES module loader's resolve-read-link round per chunk, and a
 * CommonJS script can use V8's code cache: Node 22.1+ keeps it with `module.enableCompileCache()`, and on
 * older Node cli/compile-cache.ts does the same for this one file.
 */
import nodeModule from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCached } from './compile-cache.js';

type Cli = { runBin(): void };
const bundle = join(dirname(fileURLToPath(import.meta.url)), 'cli.cjs');
const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
const cli = enable !== undefined ? (enable(), nodeModule.createRequire(import.meta.url)(bundle) as Cli) : (requireCached(bundle).exports as Cli);
cli.runBin();
