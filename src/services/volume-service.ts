import { execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { badRequest } from '../errors.js';
import type { PlannedFile } from './adapters/types.js';
import type { BindMount } from './runtime/container-runtime.js';

const run = promisify(execFile);

/** Container names double as directory names: lower-case, no dots, no slashes. */
export const VOLUME_NAME = /^[a-z][a-z0-9-]{1,62}$/;
export const INSTANCE_SUBDIRS = ['data', 'config', 'logs', 'tls', 'secrets'] as const;
export type InstanceSubdir = (typeof INSTANCE_SUBDIRS)[number];
export type InstancePaths = { root: string } & Record<InstanceSubdir, string>;

/**
 * How files get the container user's ownership.
 * - 'rootful': chown to the uid:gid directly (container uid = host uid).
 * - 'rootless': container uid N is host subuid start+N-1, which only `podman unshare chown`
 *   (run as the rootless user) can set; done with execFile, no shell.
 * - 'none': leave ownership alone (the image's entrypoint chowns with CAP_CHOWN).
 */
export type OwnershipMode = 'rootful' | 'rootless' | 'none';

export interface VolumeServiceOptions {
  dataDir: string;
  ownership: OwnershipMode;
  /** Add the SELinux private relabel (`Z`) to mounts; default: detected from /sys/fs/selinux. */
  selinux?: boolean;
  /** For tests: how `podman unshare chown` is run. */
  unshareChown?: (owner: string, paths: string[]) => Promise<void>;
  /** For tests: how `podman unshare rm -rf` is run. */
  unshareRm?: (dir: string) => Promise<void>;
  /** How long one `du` of an instance may take (default 60 s). */
  duTimeoutMs?: number;
  /** For tests: how `podman unshare du` is run (argv after `podman unshare`); resolves with du's stdout. */
  unshareDu?: (argv: string[]) => Promise<string>;
}

export function parseOwner(owner: string | undefined): { uid: number; gid: number } | null {
  if (owner === undefined) return null;
  const m = /^(\d+)(?::(\d+))?$/.exec(owner);
  if (!m) throw badRequest(`owner must be uid or uid:gid (numeric), got ${JSON.stringify(owner)}`);
  return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
}

/** Per-instance directories under <dataDir>/containers/<name>, every path proven to stay inside dataDir. */
export class VolumeService {
  private readonly base: string;

  constructor(private readonly options: VolumeServiceOptions) {
    this.base = path.resolve(options.dataDir, 'containers');
  }

  private checkName(name: string): void {
    if (!VOLUME_NAME.test(name) || name.includes('..')) throw badRequest(`invalid volume name ${JSON.stringify(name)}`);
  }

  /** Resolves and proves (lexically, then through symlinks) that p lies inside the containers dir. */
  private async inside(p: string): Promise<string> {
    const resolved = path.resolve(p);
    const baseReal = await realpath(this.base);
    const within = (candidate: string, root: string) => candidate === root || candidate.startsWith(root + path.sep);
    if (!within(resolved, this.base)) throw badRequest(`path ${p} escapes the data directory`);
    const real = await realpath(resolved).catch(() => null);
    if (real !== null && !within(real, baseReal)) throw badRequest(`path ${p} resolves outside the data directory`);
    return resolved;
  }

  paths(containerName: string): InstancePaths {
    this.checkName(containerName);
    const root = path.join(this.base, containerName);
    const sub = Object.fromEntries(INSTANCE_SUBDIRS.map((d) => [d, path.join(root, d)])) as Record<InstanceSubdir, string>;
    return { root, ...sub };
  }

  private async own(owner: string | undefined, targets: string[]): Promise<void> {
    const ids = parseOwner(owner);
    if (!ids || this.options.ownership === 'none') return;
    if (this.options.ownership === 'rootful') {
      for (const t of targets) await chown(t, ids.uid, ids.gid);
      return;
    }
    const unshare = this.options.unshareChown ?? (async (o: string, ps: string[]) => void (await run('podman', ['unshare', 'chown', o, ...ps])));
    await unshare(`${ids.uid}:${ids.gid}`, targets);
  }

  /** Creates root (0700) and its subdirs; data/logs/config/tls owned by the container user, secrets 0700. */
  async prepare(containerName: string, owner?: string): Promise<InstancePaths> {
    const p = this.paths(containerName);
    await mkdir(this.base, { recursive: true, mode: 0o700 });
    await this.inside(p.root);
    await mkdir(p.root, { recursive: true, mode: 0o700 });
    await chmod(p.root, 0o700);
    const rootless = this.options.ownership === 'rootless';
    for (const d of INSTANCE_SUBDIRS) {
      await mkdir(p[d], { recursive: true, mode: 0o700 });
      // Rootless: a dir owned by a subuid since an earlier prepare (re-provision) can't be chmodded; it kept its mode.
      await chmod(p[d], d === 'secrets' || d === 'tls' ? 0o700 : 0o750).catch((e: NodeJS.ErrnoException) => {
        if (!(rootless && e.code === 'EPERM')) throw e;
      });
    }
    // Rootless: a subuid-owned dir is closed to the module's own (unprivileged) user, so the dirs it
    // still writes into (config, secrets; tls in writeTls) stay its own: their files are chowned one
    // by one and bind-mounted as files. Only what the engine writes (data, logs) is owned here.
    const owned = rootless ? (['data', 'logs'] as const) : INSTANCE_SUBDIRS;
    await this.own(owner, owned.map((d) => p[d]));
    return p;
  }

  private relabel(): boolean {
    return this.options.selinux ?? false;
  }

  /**
   * Further persistent dirs an engine keeps outside its data dir (e.g. CockroachDB's certs), as
   * `<root>/extra-<name>`, owned like the data dir. Returns the bind mounts.
   */
  async prepareExtra(containerName: string, volumes: Readonly<Record<string, string>>, owner?: string): Promise<BindMount[]> {
    const p = this.paths(containerName);
    const mounts: BindMount[] = [];
    for (const [name, target] of Object.entries(volumes)) {
      if (!/^[a-z][a-z0-9-]{0,30}$/.test(name)) throw badRequest(`invalid extra volume name ${JSON.stringify(name)}`);
      const dir = await this.inside(path.join(p.root, `extra-${name}`));
      await mkdir(dir, { recursive: true, mode: 0o750 });
      await this.own(owner, [dir]);
      mounts.push({ source: dir, target, relabel: this.relabel() });
    }
    return mounts;
  }

  /** Writes config files (0644, or 0640 when owned) and secrets (0600), each bind-mounted read-only at its target. */
  async writeFiles(containerName: string, files: PlannedFile[], owner?: string): Promise<BindMount[]> {
    const p = this.paths(containerName);
    const mounts: BindMount[] = [];
    const seen = new Set<string>();
    for (const f of files) {
      if (!path.posix.isAbsolute(f.target) || f.target.split('/').includes('..')) {
        throw badRequest(`planned file target ${f.target} must be an absolute path without '..'`);
      }
      const name = path.posix.basename(f.target);
      const dir = f.kind === 'secret' ? p.secrets : p.config;
      const key = `${dir}/${name}`;
      if (seen.has(key)) throw badRequest(`two planned files share the name ${name}`);
      seen.add(key);
      const hostPath = await this.inside(path.join(dir, name));
      const existing = await lstat(hostPath).catch(() => null);
      if (existing?.isSymbolicLink()) throw badRequest(`refusing to write through symlink ${hostPath}`);
      // A file chowned to a subuid (rootless) can't be rewritten by us, but can be replaced: its dir is ours.
      if (existing) await rm(hostPath, { force: true });
      const mode = f.kind === 'secret' ? 0o600 : owner ? 0o640 : 0o644;
      await writeFile(hostPath, f.content, { mode });
      await chmod(hostPath, mode);
      await this.own(owner, [hostPath]);
      mounts.push({ source: hostPath, target: f.target, readOnly: true, relabel: this.relabel() });
    }
    return mounts;
  }

  /**
   * TLS material in tls/ (the key 0600, owned by the container user so the engine can read it).
   * Each file is written aside and renamed into place: an engine reloading meanwhile reads the old
   * file or the new one, never half of one (PUT /databases/{id}/tls replaces them while it runs).
   */
  async writeTls(containerName: string, cert: string, key: string, owner?: string): Promise<{ certPath: string; keyPath: string }> {
    const p = this.paths(containerName);
    const certPath = await this.inside(path.join(p.tls, 'server.crt'));
    const keyPath = await this.inside(path.join(p.tls, 'server.key'));
    for (const [target, content, mode] of [[keyPath, key, 0o600], [certPath, cert, 0o644]] as const) {
      const next = `${target}.next`;
      await rm(next, { force: true });
      await writeFile(next, content, { mode, flag: 'wx' });
      await chmod(next, mode);
      await this.own(owner, [next]);
      await rename(next, target);
    }
    await this.own(owner, [p.tls]);
    return { certPath, keyPath };
  }

  /**
   * Bytes the instance's directory takes on disk (`du -s -B1`: allocated blocks, what fills the
   * filesystem). Rootless: the engine's files belong to subuids, so du runs inside the user
   * namespace. A file the engine removes during the walk only makes du complain; its total stands.
   * null when the directory does not exist (a delete removed it meanwhile).
   */
  async usage(containerName: string): Promise<number | null> {
    const p = this.paths(containerName);
    const st = await lstat(p.root).catch(() => null);
    if (!st) return null;
    if (st.isSymbolicLink()) throw badRequest(`refusing to measure symlinked instance dir ${p.root}`);
    await this.inside(p.root);
    const du = ['du', '-s', '-B1', '--', p.root];
    const rootless = this.options.ownership === 'rootless';
    const stdout = rootless && this.options.unshareDu ? await this.options.unshareDu(du) : await this.runDu(rootless ? ['podman', 'unshare', ...du] : du);
    const bytes = /^(\d+)\s/.exec(stdout);
    if (!bytes) throw new Error(`du printed no total for ${p.root}`);
    return Number(bytes[1]);
  }

  private async runDu([cmd, ...args]: string[]): Promise<string> {
    const out = await run(cmd!, args, { timeout: this.options.duTimeoutMs ?? 60_000 }).catch((e: { stdout?: string; stderr?: string; killed?: boolean }) => {
      const vanished = !e.killed && e.stderr && e.stderr.trim().split('\n').every((l) => /No such file or directory/.test(l));
      if (vanished && /^\d+\s/.test(e.stdout ?? '')) return { stdout: e.stdout! };
      throw e;
    });
    return out.stdout;
  }

  async exists(containerName: string): Promise<boolean> {
    return (await lstat(this.paths(containerName).root).catch(() => null)) !== null;
  }

  /** Deletes the instance's directory; only ever below <dataDir>/containers. Idempotent. */
  async remove(containerName: string): Promise<void> {
    const p = this.paths(containerName);
    const st = await lstat(p.root).catch(() => null);
    if (!st) return;
    if (st.isSymbolicLink()) throw badRequest(`refusing to remove symlinked instance dir ${p.root}`);
    await this.inside(p.root);
    try {
      await rm(p.root, { recursive: true, force: true });
    } catch (e) {
      // Rootless: files the engine wrote belong to subuids; only inside the user namespace may we delete them.
      if (this.options.ownership !== 'rootless' || !['EACCES', 'EPERM'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
      const unshareRm = this.options.unshareRm ?? (async (dir: string) => void (await run('podman', ['unshare', 'rm', '-rf', '--', dir])));
      await unshareRm(p.root);
    }
  }
}

/** Rootless Podman maps container uids to subuids, so chown needs `podman unshare`. */
export function ownershipFor(runtime: { rootless: boolean }): OwnershipMode {
  return runtime.rootless ? 'rootless' : 'rootful';
}
