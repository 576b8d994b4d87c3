/**
 * The first screen's JavaScript, measured from the build output: the entry script of
 * frontend/dist/index.html and every module it preloads, gzipped (level 9 and the default 6), against
 * the 250 KB budget; lazy chunks (the create, instance and system pages, the chart library) are
 * listed apart. Baseline, built by the same Vite in the same run: a page that renders one React
 * element (react + react-dom and nothing else), so the ratio says what the UI adds to React itself.
 * Exits 1 over budget.   npx tsx bench/ui-bundle-size.ts
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { ensureUiBuilt, FRONTEND_DIST } from '../host/ui-build.js';

const BUDGET = 250 * 1024;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

interface Measured { files: string[]; raw: number; gz9: number; gz6: number }

/** The entry script and its modulepreloads, as the browser loads them before the first paint. */
async function firstScreen(dist: string): Promise<Measured> {
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((m) => (m[1] ?? m[2])!);
  return measure(dist, files);
}

async function measure(dist: string, files: string[]): Promise<Measured> {
  let raw = 0, gz9 = 0, gz6 = 0;
  for (const f of files) {
    const bytes = await readFile(path.join(dist, f.replace(/^\//, '')));
    raw += bytes.length;
    gz9 += gzipSync(bytes, { level: 9 }).length;
    gz6 += gzipSync(bytes, { level: 6 }).length;
  }
  return { files, raw, gz9, gz6 };
}

/** A React page with one element: what react + react-dom alone cost, built the same way. */
async function baseline(): Promise<Measured> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flux-ui-baseline-'));
  try {
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="./main.js"></script>');
    await writeFile(path.join(dir, 'main.js'), "import { createElement } from 'react';\nimport { createRoot } from 'react-dom/client';\n"
      + "createRoot(document.getElementById('root')).render(createElement('h1', null, 'Databases'));\n");
    await build({
      root: dir, configFile: false, logLevel: 'silent', build: { outDir: 'dist', target: 'es2022' },
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      resolve: { alias: { react: path.resolve('node_modules/react'), 'react-dom': path.resolve('node_modules/react-dom') } },
    });
    return await firstScreen(path.join(dir, 'dist'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await ensureUiBuilt({ log: (l) => console.error(`[ui] ${l}`) });
const app = await firstScreen(FRONTEND_DIST);
const base = await baseline();
const all = (await readdir(path.join(FRONTEND_DIST, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `/assets/${f}`);
const lazy = await measure(FRONTEND_DIST, all.filter((f) => !app.files.includes(f)));
const css = await measure(FRONTEND_DIST, (await readdir(path.join(FRONTEND_DIST, 'assets'))).filter((f) => f.endsWith('.css')).map((f) => `/assets/${f}`));

console.log('first screen JavaScript (entry + modulepreloads)');
console.log(`  UI        ${app.files.length} files, ${kb(app.raw)} raw, ${kb(app.gz9)} gzip -9, ${kb(app.gz6)} gzip -6`);
console.log(`  baseline  ${base.files.length} files, ${kb(base.raw)} raw, ${kb(base.gz9)} gzip -9, ${kb(base.gz6)} gzip -6 (react + react-dom, one element)`);
console.log(`  ratio UI / baseline (gzip -6): ${(app.gz6 / base.gz6).toFixed(2)}`);
console.log(`  budget ${kb(BUDGET)} gzipped: ${app.gz6 <= BUDGET ? 'within' : 'OVER'} (${((app.gz6 / BUDGET) * 100).toFixed(0)} %)`);
console.log(`loaded later: ${lazy.files.length} lazy chunks, ${kb(lazy.gz6)} gzip -6; stylesheet ${kb(css.gz6)} gzip -6 (not JavaScript)`);
if (app.gz6 > BUDGET) process.exitCode = 1;
