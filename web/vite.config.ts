import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The playground: web/ is the root; `npm run build` writes a static site to dist/web (relative URLs, so it
// works from any folder or static host).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  build: { outDir: fileURLToPath(new URL('../dist/web', import.meta.url)), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
