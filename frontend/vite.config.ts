import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The UI's build (`npm run build:ui`; `npm start` runs it when frontend/dist is missing or stale)
 * and its dev server (`npm run dev:ui`), which proxies the host's API and session routes to the
 * host `npm start` runs on 127.0.0.1:8080.
 */
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The first screen's budget is checked by bench/ui-bundle-size.ts; lazy chunks may be larger.
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
