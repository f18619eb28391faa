import { defineConfig } from 'vite';

// Served by the API process at /app (same origin as /v1, so the session cookie just works).
export default defineConfig({
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 700 },
});
