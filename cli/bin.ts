#!/usr/bin/env node
/**
 * The `softmax` executable. `npm run build` bundles this file (scripts/build-cli.mjs) into dist/bin/softmax.js,
 * the package's `bin`: one module for what every command needs, and each command and the heavy optional parts
 * (plots, report, serve, ONNX, worker threads) in chunks loaded only when a command imports them. Start-up time
 * is mostly module loading (docs/performance.md, "Cold start"); `main()` stays importable from cli/main.ts.
 */
import nodeModule from 'node:module';

// Node 22.1+ keeps V8's compiled code of the modules below on disk between runs (in the OS temp folder, as
// TypeScript's tsc does); older Node has no such cache and skips this. Before the import, or it comes too late.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { runBin } = await import('./main.js');
runBin();
