/**
 * The package root as Node loads it (package.json's "node" condition): the browser-safe API of
 * src/index.ts, plus the thread host (node/threads.ts), so that `threads: 'auto'` (the default) puts large
 * fits on all cores without any call. The worker pool itself starts only at the first fit that wants it.
 */
import './threads.js';

export * from '../src/index.js';
