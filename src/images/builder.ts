import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { imageRef, STANDIN_LIB, STANDIN_LIB_TARGET, type Recipe } from './recipe.js';
import { pipe, run } from './run.js';

export interface BuildContext {
  cacheDir: string;
  mirror: string;
  log: (line: string) => void;
}

/** Bump when the base tree steps change (kept apart from BUILDER_VERSION so bases are not redone). */
const BASE_VERSION = '1';

/** Packages every stand-in tree gets on top of minbase (util-linux brings setpriv and runuser). */
const BASE_EXTRA = ['util-linux'];

/** Trims docs, man pages and translations from every package installed later. */
const DPKG_EXCLUDES = `path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
`;

/** The Debian archive named by the host's apt sources (deb.debian.org when none is found). */
export async function findMirror(): Promise<string> {
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const f of await readdir('/etc/apt/sources.list.d')) files.push(path.join('/etc/apt/sources.list.d', f));
  }
  for (const f of files) {
    const text = await readFile(f, 'utf8').catch(() => '');
    for (const m of text.matchAll(/^(?:URIs:|deb)\s+(?:\[[^\]]*\]\s+)?(\S+)/gm)) {
      if (/\/debian\/?$/.test(m[1]!)) return m[1]!.replace(/\/$/, '');
    }
  }
  return 'http://deb.debian.org/debian';
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Unmounts anything left under dir by an interrupted build, deepest first. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile('/proc/self/mounts', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m === dir || m.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run('umount', ['-l', m]).catch(() => undefined);
}

/** rm -rf that never crosses into a mount (a leftover bind of the deb cache or /proc). */
async function removeTree(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  await unmountUnder(dir);
  await run('rm', ['-rf', '--one-file-system', dir]);
}

async function chroot(root: string, argv: string[]): Promise<string> {
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_FRONTEND: 'noninteractive', LANG: 'C.UTF-8', HOME: '/root' };
  return run('chroot', [root, ...argv], { env });
}

/** Runs fn with /proc mounted and the suite's deb cache bound into the tree. */
async function withMounts<T>(ctx: BuildContext, root: string, suite: string, fn: () => Promise<T>): Promise<T> {
  const debs = path.join(ctx.cacheDir, 'debs', suite);
  await mkdir(path.join(debs, 'partial'), { recursive: true });
  await copyFile('/etc/resolv.conf', path.join(root, 'etc/resolv.conf'));
  await run('mount', ['-t', 'proc', 'proc', path.join(root, 'proc')]);
  try {
    await run('mount', ['--bind', debs, path.join(root, 'var/cache/apt/archives')]);
    return await fn();
  } finally {
    await unmountUnder(path.join(root, 'var/cache/apt/archives'));
    await unmountUnder(path.join(root, 'proc'));
    await writeFile(path.join(root, 'etc/resolv.conf'), '');
  }
}

/** A minbase tree for the suite, bootstrapped once and kept under cacheDir/base (apt lists included). */
export async function ensureBase(ctx: BuildContext, suite: string): Promise<string> {
  const key = sha(JSON.stringify({ suite, mirror: ctx.mirror, extra: BASE_EXTRA, excludes: DPKG_EXCLUDES, v: BASE_VERSION }));
  const dir = path.join(ctx.cacheDir, 'base', `${suite}-${key}`);
  if (existsSync(path.join(dir, '.flux-complete'))) return dir;
  const tmp = `${dir}.tmp`;
  await removeTree(tmp);
  const started = Date.now();
  ctx.log(`base ${suite}: debootstrap --variant=minbase from ${ctx.mirror}`);
  const debs = path.join(ctx.cacheDir, 'debs', suite);
  await mkdir(debs, { recursive: true });
  await run('debootstrap', ['--variant=minbase', `--include=${BASE_EXTRA.join(',')}`, `--cache-dir=${debs}`, suite, tmp, ctx.mirror]);
  await writeFile(path.join(tmp, 'etc/dpkg/dpkg.cfg.d/flux-excludes'), DPKG_EXCLUDES);
  await writeFile(path.join(tmp, 'etc/apt/sources.list'), `deb ${ctx.mirror} ${suite} main\n`);
  await withMounts(ctx, tmp, suite, () => chroot(tmp, ['apt-get', 'update', '-q']));
  await writeFile(path.join(tmp, '.flux-complete'), new Date().toISOString());
  await removeTree(dir);
  await rename(tmp, dir);
  ctx.log(`base ${suite}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

const changes = (recipe: Recipe, labels: Record<string, string>): string[] => {
  const c: string[] = [];
  c.push(`ENTRYPOINT ${JSON.stringify(recipe.entrypoint)}`);
  if (recipe.cmd) c.push(`CMD ${JSON.stringify(recipe.cmd)}`);
  c.push(`USER ${recipe.user}`);
  if (recipe.stopSignal) c.push(`STOPSIGNAL ${recipe.stopSignal}`);
  c.push(`WORKDIR ${recipe.workdir ?? '/'}`);
  for (const p of recipe.ports) c.push(`EXPOSE ${p}/tcp`);
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', ...recipe.env };
  for (const [k, v] of Object.entries(env)) c.push(`ENV ${k}=${JSON.stringify(v)}`);
  for (const [k, v] of Object.entries(labels)) c.push(`LABEL ${k}=${JSON.stringify(v)}`);
  return c.flatMap((x) => ['--change', x]);
};

/** Builds one stand-in: copy of the base tree, packages, files, entrypoint, then `podman import`. */
export async function buildImage(ctx: BuildContext, recipe: Recipe, recipeDir: string, hash: string): Promise<string> {
  const ref = imageRef(recipe);
  const base = await ensureBase(ctx, recipe.suite);
  const root = path.join(ctx.cacheDir, 'work', recipe.engine);
  const t0 = Date.now();
  const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
  await removeTree(root);
  await mkdir(path.dirname(root), { recursive: true });
  await run('cp', ['-a', '--reflink=auto', base, root]);
  await rm(path.join(root, '.flux-complete'));
  try {
    // Keep package maintainer scripts from starting services inside the chroot.
    await writeFile(path.join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    for (const u of recipe.users ?? []) {
      await chroot(root, ['groupadd', '--system', '--gid', String(u.gid), u.name]);
      await chroot(root, ['useradd', '--system', '--uid', String(u.uid), '--gid', String(u.gid), '--home-dir', u.home, '--no-create-home', '--shell', '/usr/sbin/nologin', u.name]);
    }
    for (const [src, dest] of Object.entries(recipe.files ?? {})) {
      await mkdir(path.join(root, path.dirname(dest)), { recursive: true });
      await copyFile(path.join(recipeDir, src), path.join(root, dest));
    }
    let version = '';
    await withMounts(ctx, root, recipe.suite, async () => {
      ctx.log(`${recipe.engine}: apt-get install ${recipe.packages.join(' ')}`);
      await chroot(root, ['apt-get', 'install', '-y', '-q', '--no-install-recommends',
        '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...recipe.packages]);
      for (const argv of recipe.postInstall ?? []) await chroot(root, argv);
      version = (await chroot(root, ['dpkg-query', '-W', '-f', '${Version}', recipe.packages[0]!])).trim();
    });
    ctx.log(`${recipe.engine}: installed ${recipe.packages[0]} ${version} after ${secs()} s`);
    const entry = path.join(root, 'usr/local/bin/docker-entrypoint.sh');
    await copyFile(path.join(recipeDir, 'entrypoint.sh'), entry);
    await chmod(entry, 0o755);
    await mkdir(path.join(root, path.dirname(STANDIN_LIB_TARGET)), { recursive: true });
    await copyFile(STANDIN_LIB, path.join(root, STANDIN_LIB_TARGET));
    await chmod(path.join(root, STANDIN_LIB_TARGET), 0o644);
    // The data dir exists and belongs to the service account, so the image also runs without a mount.
    await mkdir(path.join(root, recipe.dataDir), { recursive: true });
    await run('chown', [recipe.runAs, path.join(root, recipe.dataDir)]);
    for (const junk of ['usr/sbin/policy-rc.d', 'var/lib/apt/lists', 'var/cache/apt/pkgcache.bin', 'var/cache/apt/srcpkgcache.bin', 'var/log/apt', 'var/log/dpkg.log']) {
      await rm(path.join(root, junk), { recursive: true, force: true });
    }
    await mkdir(path.join(root, 'var/lib/apt/lists/partial'), { recursive: true });
    const labels: Record<string, string> = {
      'io.flux.databases.standin': 'true',
      'io.flux.databases.standin-for': recipe.standinFor,
      ...(recipe.protocolStandin ? { 'io.flux.databases.protocol-standin': 'true' } : {}),
      // Not io.flux.databases.engine: containers inherit image labels, and that one is the module's own.
      'io.flux.databases.standin-engine': recipe.engine,
      'io.flux.databases.engine-version': version,
      'io.flux.databases.data-dir': recipe.dataDir,
      'io.flux.databases.run-as': recipe.runAs,
      'io.flux.databases.debian-suite': recipe.suite,
      ...recipe.labels,
      'io.flux.databases.recipe-hash': hash,
    };
    const previous = (await run('podman', ['image', 'inspect', '--format', '{{.Id}}', ref]).catch(() => '')).trim();
    ctx.log(`${recipe.engine}: podman import -> ${ref}`);
    await pipe(
      ['tar', ['-C', root, '--numeric-owner', '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '-c', '.']],
      ['podman', ['import', '--quiet', ...changes(recipe, labels), '-', ref]],
    );
    // The replaced image would stay as a dangling <none>; a container still using it keeps it.
    if (previous) await run('podman', ['image', 'rm', previous]).catch(() => undefined);
    ctx.log(`${recipe.engine}: built ${ref} in ${secs()} s`);
    return ref;
  } finally {
    await removeTree(root);
  }
}
