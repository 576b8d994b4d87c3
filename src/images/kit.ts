/**
 * The offline image kit: stand-in engine images built from Debian packages (images/<engine>/), for
 * machines that cannot pull the official images. Each stand-in honours its official image's contract
 * (env names, ports, data dir, uid); see images/README.md.
 */
import { open, mkdir, readFile, rm } from 'node:fs/promises';
import { buildImage, findMirror, type BuildContext } from './builder.js';
import { imageRef, loadRecipe } from './recipe.js';
import { run } from './run.js';

export const STANDIN_ENGINES = [
  'postgresql', 'timescaledb', 'mariadb', 'mysql', 'redis', 'valkey', 'keydb', 'influxdb', 'clickhouse', 'h2',
] as const;
export type StandinEngine = (typeof STANDIN_ENGINES)[number];

export const DEFAULT_CACHE_DIR = '/var/cache/flux-databases';
export const RECIPE_HASH_LABEL = 'io.flux.databases.recipe-hash';

export interface KitOptions {
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Where base trees, the deb cache and work trees live (default /var/cache/flux-databases). */
  cacheDir?: string;
  /** Debian archive for debootstrap (default: the one the host's apt sources name). */
  mirror?: string;
}

/** Labels of a local image, or null when it does not exist. */
async function imageLabels(ref: string): Promise<Record<string, string> | null> {
  try {
    const [img] = JSON.parse(await run('podman', ['image', 'inspect', ref])) as { Labels?: Record<string, string> | null }[];
    return img?.Labels ?? {};
  } catch {
    return null;
  }
}

/**
 * One build at a time on this host: concurrent apt runs on shared caches break each other. The lock
 * file holds the owner's pid; a lock whose owner is gone is taken over.
 */
async function withLock<T>(cacheDir: string, log: (l: string) => void, fn: () => Promise<T>): Promise<T> {
  const file = `${cacheDir}/build.lock`;
  await mkdir(cacheDir, { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  let said = false;
  for (;;) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (!owner || !isAlive(owner)) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`image build lock ${file} held by pid ${owner} for 30 minutes`);
      if (!said) log(`waiting for the image build lock held by pid ${owner}`);
      said = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure a current stand-in image exists for each engine and returns engine -> image reference.
 * An image is rebuilt only when its recipe-hash label differs from the recipe's (recipe.json,
 * entrypoint.sh, copied files and builder version). Builds run one after another. Needs root.
 */
export async function ensureStandinImages(engines: string[], opts: KitOptions = {}): Promise<Record<string, string>> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`[images] ${l}\n`));
  const unknown = engines.filter((e) => !(STANDIN_ENGINES as readonly string[]).includes(e));
  if (unknown.length) throw new Error(`no stand-in recipe for: ${unknown.join(', ')} (have: ${STANDIN_ENGINES.join(', ')})`);
  const refs: Record<string, string> = {};
  const missing: { engine: string; hash: string; dir: string; recipe: Awaited<ReturnType<typeof loadRecipe>>['recipe'] }[] = [];
  for (const engine of engines) {
    const { recipe, hash, dir } = await loadRecipe(engine);
    const ref = imageRef(recipe);
    refs[engine] = ref;
    if ((await imageLabels(ref))?.[RECIPE_HASH_LABEL] === hash) log(`${engine}: ${ref} is current`);
    else missing.push({ engine, hash, dir, recipe });
  }
  if (!missing.length) return refs;
  if (process.getuid?.() !== 0) throw new Error(`building stand-in images needs root (debootstrap, chroot, mount); missing: ${missing.map((m) => m.engine).join(', ')}`);
  const ctx: BuildContext = { cacheDir: opts.cacheDir ?? DEFAULT_CACHE_DIR, mirror: opts.mirror ?? (await findMirror()), log };
  await withLock(ctx.cacheDir, log, async () => {
    for (const m of missing) {
      // Another process may have built it while this one waited for the lock.
      if ((await imageLabels(refs[m.engine]!))?.[RECIPE_HASH_LABEL] === m.hash) continue;
      await buildImage(ctx, m.recipe, m.dir, m.hash);
    }
  });
  return refs;
}
