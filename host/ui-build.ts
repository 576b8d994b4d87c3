import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FRONTEND_DIR = path.join(ROOT, 'frontend');
export const FRONTEND_DIST = path.join(FRONTEND_DIR, 'dist');
/** Written into dist after a build: the hash of everything the build read. */
const STAMP = '.source-hash';
/** Builds kept by source hash, so a fresh clone of the same sources (CI) copies instead of building. */
const CACHE_DIR = path.join(os.homedir(), '.cache', 'flux-databases', 'ui');

/** The build's inputs: the frontend's sources (not its tests), the API schemas its types come from, the lockfile. */
async function inputs(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'dist' && e.name !== 'test' && e.name !== 'node_modules') await walk(p); }
      else if (!/\.test\.tsx?$/.test(e.name)) out.push(p);
    }
  };
  await walk(FRONTEND_DIR);
  await walk(path.join(ROOT, 'src', 'http', 'schemas'));
  out.push(path.join(ROOT, 'src', 'services', 'instances', 'instance-state.ts'), path.join(ROOT, 'package-lock.json'));
  return out.sort();
}

export async function sourceHash(): Promise<string> {
  const h = createHash('sha256');
  for (const file of await inputs()) {
    h.update(path.relative(ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return h.digest('hex').slice(0, 32);
}

export type UiBuildOutcome = 'fresh' | 'cached' | 'built';

/**
 * Makes frontend/dist match the sources: nothing when its stamp matches, a copy from the cache
 * when this source hash was built before, else a Vite build (then cached). `force` always builds.
 */
export async function ensureUiBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<UiBuildOutcome> {
  const log = options.log ?? (() => {});
  const hash = await sourceHash();
  const stamp = await readFile(path.join(FRONTEND_DIST, STAMP), 'utf8').catch(() => null);
  if (!options.force && stamp === hash) return 'fresh';
  const cached = path.join(CACHE_DIR, hash);
  if (!options.force && (await readFile(path.join(cached, STAMP), 'utf8').catch(() => null)) === hash) {
    await rm(FRONTEND_DIST, { recursive: true, force: true });
    await cp(cached, FRONTEND_DIST, { recursive: true });
    log(`UI copied from the build cache (${hash})`);
    return 'cached';
  }
  log('building the UI (frontend/ changed or was never built)');
  const started = Date.now();
  // Imported here: serving a built UI needs no build tool.
  const { build } = await import('vite');
  await build({ configFile: path.join(FRONTEND_DIR, 'vite.config.ts'), logLevel: 'warn' });
  await writeFile(path.join(FRONTEND_DIST, STAMP), hash);
  // Into the cache through a temporary name: a reader never sees half a copy.
  const tmp = `${cached}.tmp-${process.pid}`;
  await mkdir(CACHE_DIR, { recursive: true });
  await rm(tmp, { recursive: true, force: true });
  await cp(FRONTEND_DIST, tmp, { recursive: true });
  await rm(cached, { recursive: true, force: true });
  await rename(tmp, cached).catch(() => rm(tmp, { recursive: true, force: true }));
  log(`UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}

// `npx tsx host/ui-build.ts [--force]`: what `npm run build:ui` and the test script run.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outcome = await ensureUiBuilt({ force: process.argv.includes('--force'), log: (l) => console.error(`[ui] ${l}`) });
  console.error(`[ui] frontend/dist is ${outcome === 'fresh' ? 'up to date' : outcome}`);
}
