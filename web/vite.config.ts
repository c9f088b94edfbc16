import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// Cross-origin isolation: it gives the page SharedArrayBuffer, which the worker needs to pause a synchronous
// solver between iterations (Atomics.wait on a control block the page writes). A static host that cannot send
// these headers still works, with the worker's chunked fallback.
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// The playground: web/ is the root; `npm run build` writes a static site to dist/web (relative URLs, so it
// works from any folder or static host).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION },
  worker: { format: 'es' },
  build: { outDir: fileURLToPath(new URL('../dist/web', import.meta.url)), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
