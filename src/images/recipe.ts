import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the build steps change in a way that changes images; it is part of every recipe hash. */
export const BUILDER_VERSION = '3';

/** images/ at the repository root. */
export const IMAGES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../images');

/** Functions every entrypoint sources (die, own, file_env), installed at STANDIN_LIB_TARGET. */
export const STANDIN_LIB = path.join(IMAGES_DIR, 'common', 'standin-lib.sh');
export const STANDIN_LIB_TARGET = 'usr/local/lib/flux-standin-lib.sh';

/** images/<engine>/recipe.json */
export interface Recipe {
  engine: string;
  /** Tag of localhost/flux-standin-<engine>. */
  tag: string;
  /** Debian suite the tree is bootstrapped from. */
  suite: string;
  /** The official image whose contract (env, ports, data dir, uid) this stand-in honours. */
  standinFor: string;
  /** True when another engine speaks the protocol (MariaDB for MySQL, Redis for KeyDB). */
  protocolStandin?: boolean;
  /** Service accounts created with fixed ids before the packages (so they match the official image). */
  users?: { name: string; uid: number; gid: number; home: string }[];
  packages: string[];
  /** recipe-relative source -> absolute path in the image; copied before the packages are installed. */
  files?: Record<string, string>;
  /** argv commands run in the chroot after the install. */
  postInstall?: string[][];
  /** The image's USER (the entrypoint steps down from root by itself). */
  user: string;
  /** uid:gid of the service account, for `--user` runs on a pre-owned data dir. */
  runAs: string;
  dataDir: string;
  workdir?: string;
  env?: Record<string, string>;
  entrypoint: string[];
  cmd?: string[];
  /** Signal `podman stop` sends (PostgreSQL wants SIGINT, a fast shutdown, like the official image). */
  stopSignal?: string;
  ports: number[];
  labels?: Record<string, string>;
}

export async function loadRecipe(engine: string): Promise<{ recipe: Recipe; hash: string; dir: string }> {
  const dir = path.join(IMAGES_DIR, engine);
  const raw = await readFile(path.join(dir, 'recipe.json'), 'utf8');
  const recipe = JSON.parse(raw) as Recipe;
  if (recipe.engine !== engine) throw new Error(`images/${engine}/recipe.json names engine "${recipe.engine}"`);
  const h = createHash('sha256');
  h.update(`builder ${BUILDER_VERSION}\0recipe.json\0${raw}\0`);
  // The entrypoint and every copied file are part of the image, so part of the hash.
  for (const src of ['entrypoint.sh', ...Object.keys(recipe.files ?? {}).sort()]) {
    h.update(`${src}\0`).update(await readFile(path.join(dir, src))).update('\0');
  }
  h.update('standin-lib.sh\0').update(await readFile(STANDIN_LIB));
  return { recipe, hash: h.digest('hex'), dir };
}

export function imageRef(recipe: Recipe): string {
  return `localhost/flux-standin-${recipe.engine}:${recipe.tag}`;
}
