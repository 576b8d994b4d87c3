/**
 * The module as a NON-ROOT user against that user's rootless Podman: the real server process
 * (`node --import tsx host/server.ts`, as in crash-recovery.test.ts) runs under `runuser` as a
 * dedicated system user, its enable hook starts the user's `podman system service`, and a
 * PostgreSQL instance is created, used with the pg client, inspected and deleted over HTTP.
 * Needs root (CI runs as root) to prepare the user; it touches none of root's containers or images.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STANDIN_VERSIONS } from './helpers/module-under-test.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const USER = 'fluxrootless';
const HOME = `/home/${USER}`;
const TOKEN = 'rootless-admin-token-0123456789abcdef';
const PORT = 19000 + (process.pid % 1000);
const PORT_RANGE = '33000-33499';
const LABEL = 'io.flux.module=620600';

let uid = 0;
let gid = 0;
let xdg = '';
let work = '';
let server: ChildProcess | undefined;
let serverLog = '';
const timings: Record<string, number> = {};

/** A command as the rootless user, with a clean environment of its own. */
function asUser(argv: string[], extraEnv: Record<string, string> = {}) {
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME, XDG_RUNTIME_DIR: xdg, TMPDIR: path.join(work, 'tmp'), ...extraEnv };
  return ['-u', USER, '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv];
}

async function userPodman(args: string[]): Promise<string> {
  const { stdout } = await run('runuser', asUser(['podman', ...args]), { cwd: '/', maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** `podman system service` processes of the rootless user (found in /proc, ended by pid only). */
async function userServicePids(): Promise<number[]> {
  const pids: number[] = [];
  for (const d of (await readdir('/proc')).filter((x) => /^\d+$/.test(x))) {
    const status = await readFile(`/proc/${d}/status`, 'utf8').catch(() => '');
    if (!new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) continue;
    const argv = (await readFile(`/proc/${d}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0]?.endsWith('podman') && argv[1] === 'system' && argv[2] === 'service') pids.push(Number(d));
  }
  return pids;
}

async function stopUserServices(): Promise<void> {
  for (const pid of await userServicePids()) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  for (let i = 0; i < 50 && (await userServicePids()).length; i++) await new Promise((r) => setTimeout(r, 100));
}

async function removeUserContainers(): Promise<void> {
  const ids = (await userPodman(['ps', '-aq', '--filter', `label=${LABEL}`])).split('\n').filter(Boolean);
  if (ids.length) await userPodman(['rm', '-f', ...ids]);
}

/** Next free subordinate id range after every range already in /etc/subuid and /etc/subgid. */
async function ensureSubIds(): Promise<void> {
  const files = ['/etc/subuid', '/etc/subgid'];
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')));
  if (texts.every((t) => t.split('\n').some((l) => l.startsWith(`${USER}:`) || l.startsWith(`${uid}:`)))) return;
  let next = 100_000;
  for (const line of texts.join('\n').split('\n')) {
    const [, start, count] = line.split(':');
    if (start && count) next = Math.max(next, Number(start) + Number(count));
  }
  const range = `${next}-${next + 65535}`;
  await run('usermod', ['--add-subuids', range, '--add-subgids', range, USER]);
}

/** /dev/net/tun usable by the user: slirp4netns (rootless networking) needs it (LOCAL-FACTS.md). */
async function ensureTun(): Promise<void> {
  if (!existsSync('/dev/net/tun')) {
    await mkdir('/dev/net', { recursive: true });
    await run('mknod', ['/dev/net/tun', 'c', '10', '200']);
  }
  await chmod('/dev/net/tun', 0o666);
}

/** The stand-in image in the user's own storage (kept between runs: loading it takes ~15 s). */
async function ensureUserImage(ref: string): Promise<void> {
  // Current only when it carries the same recipe hash as root's (a recipe change rebuilds the image).
  const hashOf = (argv: string[]) => run(argv[0]!, argv.slice(1), { cwd: '/' }).then((r) => String(r.stdout).trim(), () => '');
  const inspect = ['podman', 'image', 'inspect', '--format', '{{index .Labels "io.flux.databases.recipe-hash"}}', ref];
  const [mine, roots] = await Promise.all([hashOf(['runuser', ...asUser(inspect)]), hashOf(inspect)]);
  if (mine && mine === roots) return;
  const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const load = `podman save ${shq(ref)} | runuser ${asUser(['podman', 'load']).map(shq).join(' ')}`;
  await run('bash', ['-o', 'pipefail', '-c', load], { cwd: '/', maxBuffer: 16 * 1024 * 1024 });
}

function startServer(): Promise<ChildProcess> {
  const env = {
    PORT: String(PORT), HOST: '127.0.0.1', FLUX_DATA_DIR: path.join(work, 'data'), FLUX_ADMIN_TOKEN: TOKEN, FLUX_READ_TOKEN: `${TOKEN}-read`,
    LOG_LEVEL: 'warn', FLUX_DATABASES_PORT_RANGE: PORT_RANGE, FLUX_DATABASES_IMAGE_POSTGRESQL: process.env.FLUX_DATABASES_IMAGE_POSTGRESQL!,
  };
  // detached: runuser forks; killing the process group ends node too.
  const child = spawn('runuser', asUser([process.execPath, '--import', 'tsx', 'host/server.ts'], env), { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => { serverLog += d; if (serverLog.includes('Flux Databases host on')) resolve(child); };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => { serverLog += d; });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${serverLog}`)));
  });
}

function killServer(): void {
  if (server?.pid && server.exitCode === null) {
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${PORT}/api/modules/databases${url}`, {
    method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() as any };
}

const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const t0 = Date.now();
  try { return await fn(); } finally { timings[name] = (Date.now() - t0) / 1000; }
};

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('rootless.test.ts prepares a system user and must run as root (as CI does)');
  const ref = process.env.FLUX_DATABASES_IMAGE_POSTGRESQL;
  if (!ref) throw new Error('FLUX_DATABASES_IMAGE_POSTGRESQL is not set (the podman global setup sets it)');
  await time('prepare user', async () => {
    const exists = await run('id', ['-u', USER]).then(() => true, () => false);
    if (!exists) await run('useradd', ['--system', '--create-home', '--home-dir', HOME, '--shell', '/usr/sbin/nologin', USER]);
    uid = Number((await run('id', ['-u', USER])).stdout.trim());
    gid = Number((await run('id', ['-g', USER])).stdout.trim());
    await mkdir(HOME, { recursive: true });
    await chown(HOME, uid, gid);
    await ensureSubIds();
    await ensureTun();
    xdg = `/run/user/${uid}`;
    await mkdir(xdg, { recursive: true, mode: 0o700 });
    await chown(xdg, uid, gid);
    await chmod(xdg, 0o700);
    work = await mkdtemp('/tmp/flux-rootless-');
    await mkdir(path.join(work, 'tmp'));
    await chown(work, uid, gid);
    await chown(path.join(work, 'tmp'), uid, gid);
    await chmod(work, 0o700);
    // The checkout must be readable by the user (node_modules included); a root-only checkout cannot be tested this way.
    await run('runuser', asUser(['test', '-r', path.join(REPO, 'package.json'), '-a', '-x', path.join(REPO, 'node_modules/.bin/tsx')]), { cwd: '/' })
      .catch(() => { throw new Error(`${USER} cannot read ${REPO} and its node_modules: make the checkout world-readable`); });
  });
  await time('load image into the user storage', () => ensureUserImage(ref));
  // Start from no service, so the module's enable hook has to start it.
  await stopUserServices();
  await removeUserContainers();
  await rm(path.join(xdg, 'podman/podman.sock'), { force: true });
}, 600_000);

afterAll(async () => {
  killServer();
  if (uid) {
    await removeUserContainers().catch((e) => console.error(`[rootless] removing containers: ${e}`));
    await stopUserServices();
  }
  if (work) await rm(work, { recursive: true, force: true });
  console.error(`[rootless] timings (s): ${JSON.stringify(timings)}`);
});

it('creates, uses and deletes a PostgreSQL instance as a non-root user on rootless Podman', async () => {
  server = await time('server start (incl. podman service)', startServer);
  // The module found no socket and started the user's own service (not root's /run/podman).
  const status = await api('GET', '/podman/status');
  expect(status.body).toMatchObject({ rootless: true, reachable: true, socket: `${xdg}/podman/podman.sock` });
  expect((await userServicePids()).length).toBeGreaterThan(0);

  const reqs = (await api('GET', '/requirements')).body;
  const checks = reqs.checks as { id: string; status: string; value: unknown; message: string }[];
  expect(checks.find((c) => c.id === 'privileges')).toMatchObject({ status: 'warn', value: expect.stringContaining('rootless') });
  const info = JSON.parse(await userPodman(['info', '--format', 'json']));
  const v1 = info.host.cgroupVersion === 'v1';
  if (v1) expect(checks.find((c) => c.id === 'cgroups')).toMatchObject({ status: 'warn', message: expect.stringMatching(/cannot enforce memory or CPU limits/) });

  const created = await api('POST', '/databases', { engine: 'postgresql', version: STANDIN_VERSIONS.postgresql, name: 'rootless-pg', sku: 'b1' });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const id = created.body.id as number;
  const row = await time('create to running', async () => {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const r = (await api('GET', `/databases/${id}`)).body;
      if (r.status === 'running') return r;
      if (r.status === 'failed') throw new Error(`instance failed: ${r.error_message}\n${serverLog}`);
      if (Date.now() > deadline) throw new Error(`instance stayed ${r.status} (${r.status_message})`);
      await new Promise((res) => setTimeout(res, 250));
    }
  });
  expect(row.status).toBe('running');
  expect((await userPodman(['ps', '--format', '{{.Names}}', '--filter', `label=io.flux.databases.instance=${id}`])).trim()).toBe('db-rootless-pg');

  // The engine is reachable through rootless port forwarding and keeps data.
  const conn = (await api('GET', `/databases/${id}/connection-string`)).body;
  const client = new pg.Client({ connectionString: conn.connection_string });
  await client.connect();
  try {
    await client.query('CREATE TABLE rootless_check (id int primary key, note text)');
    await client.query('INSERT INTO rootless_check VALUES (1, $1)', ['written as a rootless user']);
    expect((await client.query('SELECT note FROM rootless_check WHERE id = 1')).rows).toEqual([{ note: 'written as a rootless user' }]);
  } finally {
    await client.end();
  }

  // Honest limits: rootless on cgroup v1 enforces no memory/CPU limit, and says why.
  const limits = (await api('GET', `/databases/${id}`)).body.limits_enforced;
  if (v1) {
    expect(limits).toMatchObject({ memory: false, cpu: false, pids: false });
    expect(limits.notes.join(' ')).toMatch(/rootless Podman on cgroup v1/);
  } else {
    expect(typeof limits.memory).toBe('boolean');
  }

  const dataDir = path.join(work, 'data/modules/databases/containers/db-rootless-pg');
  expect(existsSync(dataDir)).toBe(true);
  expect((await api('DELETE', `/databases/${id}`)).status).toBe(200);
  expect((await userPodman(['ps', '-a', '--format', '{{.Names}}', '--filter', `label=${LABEL}`])).trim()).toBe('');
  // Files the engine wrote belong to subuids: the module removed them through `podman unshare`.
  expect(existsSync(dataDir)).toBe(false);
  expect((await api('GET', `/databases/${id}`)).status).toBe(404);
});
