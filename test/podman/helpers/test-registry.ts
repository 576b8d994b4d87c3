/**
 * Machine preparation for the image-pull tests (run by the podman tier's global setup): a real
 * registry on 127.0.0.1 holding the stand-in images under their official names, and Podman told to
 * use it as a mirror of docker.io. Idempotent and cached: the registry keeps running between runs,
 * an image is pushed again only when its stand-in changed, and the Podman service is restarted only
 * when it does not have the mirror configured yet (it reads registries.conf once, when it starts).
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { getAdapter, resolveImage } from '../../../src/services/adapters/registry.js';
import { ensurePodmanService } from '../../../src/services/podman/service-starter.js';
import { registryAnswers, startRegistry } from './registry-process.js';

const run = promisify(execFile);

export const REGISTRY_DIR = '/var/cache/flux-databases/test-registry';
export const REGISTRY_STORAGE = path.join(REGISTRY_DIR, 'storage');
/** The docker.io mirror: open, serves every official name the tests pull. */
export const MIRROR_PORT = 5917;
/** Reserved for the credentials test's own registry (same store, htpasswd, started by the test). */
export const AUTH_PORT = 5918;
export const DROP_IN = '/etc/containers/registries.conf.d/50-flux-databases-test-registries.conf';
/** Engines whose default image the mirror serves (the stand-in pushed under the official name). */
export const MIRRORED_ENGINES = ['postgresql', 'redis'] as const;

const DROP_IN_TEXT = `# Written by the Flux Databases podman tests (test/podman/helpers/test-registry.ts).
# A local registry mirrors docker.io; it and the credentials test's registry speak plain HTTP.
[[registry]]
prefix = "docker.io"
location = "docker.io"

[[registry.mirror]]
location = "127.0.0.1:${MIRROR_PORT}"
insecure = true

[[registry]]
location = "127.0.0.1:${MIRROR_PORT}"
insecure = true

[[registry]]
location = "127.0.0.1:${AUTH_PORT}"
insecure = true
`;

/** docker.io/library/postgres:17 -> library/postgres:17 (the path on the mirror). */
export function mirrorPath(official: string): string {
  return official.replace(/^docker\.io\//, '');
}

/** The engine's default image as the module resolves it with no override. */
export function officialImage(engine: string): string {
  const adapter = getAdapter(engine);
  return resolveImage(adapter, adapter.defaultVersion);
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const file = path.join(REGISTRY_DIR, 'setup.lock');
  await mkdir(REGISTRY_DIR, { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      let ownerAlive = false;
      try { if (owner) { process.kill(owner, 0); ownerAlive = true; } } catch { /* gone */ }
      if (!ownerAlive) { await rm(file, { force: true }); continue; }
      if (waited > 15 * 60_000) throw new Error(`test registry setup lock ${file} held by pid ${owner}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

/** The manifest digest the registry serves for `repo:tag`, or null. */
export async function manifestDigest(port: number, repoPath: string): Promise<string | null> {
  const [repo, tag] = repoPath.split(':') as [string, string];
  const res = await fetch(`http://127.0.0.1:${port}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  return res.ok ? res.headers.get('docker-content-digest') : null;
}

async function imageId(ref: string): Promise<string> {
  return (await run('podman', ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
}

/**
 * Pushes a copy of the stand-in squashed into one new layer: a copy that shared the stand-in's layers
 * would be "already present" locally and never downloaded, and the tests want a real download.
 */
async function pushCopy(standin: string, target: string, log: (l: string) => void): Promise<void> {
  const ctx = await mkdtemp(path.join(tmpdir(), 'flux-registry-copy-'));
  const copy = `localhost/flux-registry-copy:${Date.now()}`;
  try {
    await writeFile(path.join(ctx, 'marker'), `${standin}\n`);
    await writeFile(path.join(ctx, 'Containerfile'), `FROM ${standin}\nCOPY marker /.flux-registry-copy\n`);
    log(`squashing ${standin} for ${target}`);
    await run('podman', ['build', '-q', '--squash-all', '--network=none', '-t', copy, '-f', path.join(ctx, 'Containerfile'), ctx], { maxBuffer: 16 << 20 });
    log(`pushing ${target}`);
    await run('podman', ['push', '-q', '--tls-verify=false', copy, target], { maxBuffer: 16 << 20 });
  } finally {
    await run('podman', ['rmi', '--ignore', copy]).catch(() => undefined);
    await rm(ctx, { recursive: true, force: true });
  }
}

interface PushState { [repoPath: string]: { source: string; digest: string } }

async function ensurePushed(standinRefs: Record<string, string>, log: (l: string) => void): Promise<string[]> {
  const stateFile = path.join(REGISTRY_DIR, 'pushed.json');
  const state: PushState = JSON.parse(await readFile(stateFile, 'utf8').catch(() => '{}'));
  const pushed: string[] = [];
  for (const engine of MIRRORED_ENGINES) {
    const standin = standinRefs[engine];
    if (!standin) throw new Error(`no stand-in image for ${engine}`);
    const repoPath = mirrorPath(officialImage(engine));
    const source = await imageId(standin);
    const digest = await manifestDigest(MIRROR_PORT, repoPath);
    if (digest && state[repoPath]?.source === source && state[repoPath]?.digest === digest) continue;
    await pushCopy(standin, `127.0.0.1:${MIRROR_PORT}/${repoPath}`, log);
    state[repoPath] = { source, digest: (await manifestDigest(MIRROR_PORT, repoPath))! };
    await writeFile(stateFile, JSON.stringify(state, null, 2));
    pushed.push(repoPath);
  }
  return pushed;
}

interface LibpodRegistries { registries?: Record<string, { Mirrors?: { Location?: string }[] | null }> }

/** Whether the running Podman service has our mirror for docker.io (it read the drop-in when it started). */
async function serviceHasMirror(socket: string): Promise<boolean> {
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ socketPath: socket, path: '/v4.0.0/libpod/info', timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve(text));
    });
    req.on('error', reject).on('timeout', () => req.destroy(new Error('libpod info timed out'))).end();
  });
  const info = JSON.parse(body) as LibpodRegistries;
  return (info.registries?.['docker.io']?.Mirrors ?? []).some((m) => m.Location === `127.0.0.1:${MIRROR_PORT}`);
}

/** The pid listening on the socket (from ss), so only that process is stopped. */
async function servicePid(socket: string): Promise<number | null> {
  const { stdout } = await run('ss', ['-xlpn']);
  const line = stdout.split('\n').find((l) => l.includes(` ${socket} `));
  const m = line ? /pid=(\d+)/.exec(line) : null;
  return m ? Number(m[1]) : null;
}

async function restartPodmanService(socket: string, log: (l: string) => void): Promise<void> {
  const pid = await servicePid(socket);
  log(`restarting the Podman service (pid ${pid ?? 'none'}) so it reads ${DROP_IN}`);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100; i++) {
      try { process.kill(pid, 0); } catch { break; }
      await sleep(100);
    }
  }
  const started = await ensurePodmanService({ socketPath: socket, logFile: path.join(REGISTRY_DIR, 'podman-service.log') });
  if (!started.reachable) throw new Error(`Podman service did not come back: ${started.message}`);
  if (!(await serviceHasMirror(socket))) throw new Error(`Podman service restarted but has no mirror 127.0.0.1:${MIRROR_PORT} for docker.io`);
}

export interface TestRegistrySetup {
  mirror: string;
  pushed: string[];
  restartedPodman: boolean;
  seconds: number;
}

/** Starts (or finds) the mirror, pushes what changed, and points the Podman service at it. */
export async function ensureTestRegistry(standinRefs: Record<string, string>, socket: string, log: (l: string) => void): Promise<TestRegistrySetup> {
  const started = Date.now();
  return withLock(async () => {
    if (!(await registryAnswers(MIRROR_PORT))) {
      log(`starting the docker.io mirror on 127.0.0.1:${MIRROR_PORT}`);
      await startRegistry({ dir: path.join(REGISTRY_DIR, 'mirror'), port: MIRROR_PORT, storage: REGISTRY_STORAGE }, { detached: true });
    }
    const pushed = await ensurePushed(standinRefs, log);
    const current = await readFile(DROP_IN, 'utf8').catch(() => null);
    if (current !== DROP_IN_TEXT) await writeFile(DROP_IN, DROP_IN_TEXT);
    const restartedPodman = !(await serviceHasMirror(socket));
    if (restartedPodman) await restartPodmanService(socket, log);
    return { mirror: `127.0.0.1:${MIRROR_PORT}`, pushed, restartedPodman, seconds: (Date.now() - started) / 1000 };
  });
}
