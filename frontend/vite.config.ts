import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The UI's build (`npm run build:ui`; `npm start` runs it when frontend/dist is missing or stale)
 * and its dev server (`npm run dev:ui`), which proxies the host's API and session routes to the
 * host `npm start` runs on 127.0.0.1:8080.
 */
export default defineConfig(({ command }) => ({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The first screen's budget is checked by bench/ui-bundle-size.ts; lazy chunks may be larger.
    chunkSizeWarningLimit: 600,
  },
  // A build is always React's production build (runtime and JSX), also when a test runner (NODE_ENV=test) starts it.
  ...(command === 'build' ? {
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    oxc: { jsx: { runtime: 'automatic' as const, development: false } },
  } : {}),
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false } },
  },
}));
