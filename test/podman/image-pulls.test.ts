/**
 * Image pulls against a real registry: Debian's docker-registry on 127.0.0.1, which the tier's global
 * setup made Podman's mirror of docker.io and filled with the stand-ins under the official names.
 * PostgreSQL and Redis are created with their DEFAULT images (no FLUX_DATABASES_IMAGE_* override), after
 * the local copy is removed, so the module really pulls. A second registry on the same store wants
 * credentials; stopping it gives the unreachable case.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, type Connection } from './helpers/instance-clients.js';
import { startModule, type ModuleUnderTest } from './helpers/module-under-test.js';
import { htpasswdLine, startRegistry, type RegistryProcess } from './helpers/registry-process.js';
import { AUTH_PORT, manifestDigest, MIRROR_PORT, mirrorPath, officialImage, REGISTRY_DIR, REGISTRY_STORAGE } from './helpers/test-registry.js';

const run = promisify(execFile);
const POSTGRES = officialImage('postgresql');
const REDIS = officialImage('redis');
const PRIVATE_REDIS = `127.0.0.1:${AUTH_PORT}/${mirrorPath(REDIS)}`;
/** An empty value is no value for loadConfig: these engines run their official image. */
const NO_OVERRIDE = { FLUX_DATABASES_IMAGE_POSTGRESQL: '', FLUX_DATABASES_IMAGE_REDIS: '', FLUX_DATABASES_PORT_RANGE: '33400-33499' };
const USER = 'flux-puller';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const tag = randomBytes(3).toString('hex');

interface PullSample { percent: number; bytes_done: number; bytes_total: number; layers_done: number; state: string }

async function removeImages(...refs: string[]): Promise<void> {
  for (const ref of refs) await run('podman', ['rmi', '--ignore', ref]);
}

async function imagePulls(ref: string, sinceS: number): Promise<number> {
  const { stdout } = await run('podman', ['events', '--since', String(sinceS), '--stream=false', '--filter', 'type=image', '--format', '{{.Status}} {{.Name}}']);
  return stdout.split('\n').filter((l) => l === `pull ${ref}`).length;
}

/** Polls the row every 100 ms until the create ends; keeps every pull figure seen while it said `pulling image`. */
async function watchCreate(m: ModuleUnderTest, id: number, timeoutMs = 240_000) {
  const started = Date.now();
  const pulling: PullSample[] = [];
  for (;;) {
    const { body } = await m.api('GET', `/databases/${id}`);
    if (body.status_message === 'pulling image' && body.pull_progress) pulling.push(body.pull_progress);
    if (body.status !== 'creating' && body.status !== 'starting') return { row: body, pulling, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`instance ${id} still ${body.status} (${body.status_message})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function create(m: ModuleUnderTest, body: Record<string, unknown>): Promise<number> {
  const res = await m.api('POST', '/databases', { sku: 'b1', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as number;
}

/** The progress moved while pulling: more than one figure, never backwards, bytes within the total. */
function expectProgressMoved(pulling: PullSample[]): void {
  const bytes = [...new Set(pulling.map((p) => p.bytes_done))];
  expect(bytes.length, `pull figures seen: ${JSON.stringify(pulling)}`).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < pulling.length; i++) expect(pulling[i]!.bytes_done).toBeGreaterThanOrEqual(pulling[i - 1]!.bytes_done);
  expect(new Set(pulling.map((p) => p.percent)).size).toBeGreaterThanOrEqual(2);
  for (const p of pulling) expect(p.bytes_done).toBeLessThanOrEqual(Math.max(p.bytes_total, 0) || Infinity);
}

let m: ModuleUnderTest;
const modules: ModuleUnderTest[] = [];

beforeAll(async () => {
  await removeImages(POSTGRES, REDIS, PRIVATE_REDIS);
  m = await startModule(NO_OVERRIDE);
  modules.push(m);
});

afterAll(async () => {
  for (const mod of modules) {
    for (const i of (await mod.api('GET', '/databases')).body ?? []) await mod.api('DELETE', `/databases/${i.id}`);
    await mod.close();
  }
  await removeImages(POSTGRES, REDIS, PRIVATE_REDIS);
});

describe('pulls of the default images from docker.io (its local mirror)', () => {
  it('creates PostgreSQL on its default image: progress on the row while pulling, then running, digest recorded', async () => {
    const id = await create(m, { engine: 'postgresql', name: `pull-pg-${tag}` });
    const { row, pulling } = await watchCreate(m, id);
    expect(row.status, row.error_message).toBe('running');
    expect(row.image).toBe(POSTGRES);
    expectProgressMoved(pulling);
    expect(row.pull_progress).toMatchObject({ state: 'done', percent: 100, image: POSTGRES });
    expect(row.pull_progress.bytes_done).toBe(row.pull_progress.bytes_total);
    expect(row.pull_progress.bytes_total).toBeGreaterThan(50_000_000);
    // The digest the registry serves for the official name, and what Podman stored.
    const served = await manifestDigest(MIRROR_PORT, mirrorPath(POSTGRES));
    expect(row.image_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(row.image_digest).toBe(served);
    expect((await run('podman', ['image', 'inspect', '--format', '{{.Digest}}', POSTGRES])).stdout.trim()).toBe(served);

    const conn = (await m.api<Connection>('GET', `/databases/${id}/connection-string`)).body;
    const client = clientFor('postgresql', POSTGRES);
    await client.write(conn, 'pulled');
    expect(await client.read(conn)).toEqual(['pulled']);
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });

  it('two Redis creates at once share one pull of the default image; GET /images shows it present', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const [a, b] = await Promise.all([
      create(m, { engine: 'redis', name: `pull-redis-a-${tag}` }),
      create(m, { engine: 'redis', name: `pull-redis-b-${tag}` }),
    ]);
    const [wa, wb] = await Promise.all([watchCreate(m, a), watchCreate(m, b)]);
    for (const w of [wa, wb]) expect(w.row.status, w.row.error_message).toBe('running');
    expect(await imagePulls(REDIS, since)).toBe(1);
    // One pull: both rows carry the status of the same pull.
    expect(wa.row.pull_progress.started_at).toBe(wb.row.pull_progress.started_at);
    expect(wa.row.image_digest).toBe(await manifestDigest(MIRROR_PORT, mirrorPath(REDIS)));
    expect(wb.row.image_digest).toBe(wa.row.image_digest);
    expect(wa.pulling.length + wb.pulling.length).toBeGreaterThan(0);

    const listed = (await m.api('GET', '/images')).body.images as any[];
    const redis = listed.find((i) => i.engine === 'redis')!;
    expect(redis).toMatchObject({ image: REDIS, present: true, digest: wa.row.image_digest, overridden: false });
    expect(redis.size_bytes).toBeGreaterThan(10_000_000);
    expect(redis.pull).toMatchObject({ state: 'done', percent: 100 });
    expect(listed.find((i) => i.engine === 'postgresql')).toMatchObject({ image: POSTGRES, present: true });
    expect(listed.some((i) => i.engine === 'duckdb')).toBe(false); // embedded: no image
    for (const id of [a, b]) expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });

  it('a tag the registry does not have fails the create fast, naming the image and the tag', async () => {
    const id = await create(m, { engine: 'postgresql', version: '16', name: `pull-missing-${tag}` });
    const { row, ms } = await watchCreate(m, id, 30_000);
    expect(row.status).toBe('failed');
    expect(ms).toBeLessThan(15_000);
    expect(row.error_message).toContain('Image docker.io/library/postgres:16 does not exist');
    expect(row.error_message).toContain('no tag "16" of library/postgres');
    expect(row.pull_progress).toMatchObject({ state: 'failed', error_code: 'IMAGE_NOT_FOUND' });
    expect(row.container_id).toBeNull();
  });
});

describe('a private registry that wants credentials', () => {
  let registry: RegistryProcess;
  let authDir: string;
  let authFile: string;
  const authJson = (password: string) => JSON.stringify({ auths: { [`127.0.0.1:${AUTH_PORT}`]: { auth: Buffer.from(`${USER}:${password}`).toString('base64') } } });

  let mod: ModuleUnderTest;

  // One module for every case: the auth file is read at each pull, so each case rewrites it.
  beforeAll(async () => {
    registry = await startRegistry({
      dir: path.join(REGISTRY_DIR, `auth-${tag}`), port: AUTH_PORT, storage: REGISTRY_STORAGE, readOnly: true, htpasswd: htpasswdLine(USER, PASSWORD),
    });
    authDir = await mkdtemp(path.join(tmpdir(), 'flux-auth-'));
    authFile = path.join(authDir, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: {} }), { mode: 0o600 });
    mod = await startModule({ ...NO_OVERRIDE, FLUX_DATABASES_IMAGE_REDIS: PRIVATE_REDIS, FLUX_DATABASES_REGISTRY_AUTH_FILE: authFile });
    modules.push(mod);
  });
  afterAll(async () => {
    await registry?.stop();
    await rm(path.join(REGISTRY_DIR, `auth-${tag}`), { recursive: true, force: true });
    if (authDir) await rm(authDir, { recursive: true, force: true });
  });

  async function waitForPull(ref: string, timeoutMs = 60_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const entry = ((await mod.api('GET', '/images')).body.images as any[]).find((i) => i.image === ref);
      if (entry?.pull && entry.pull.state !== 'pulling') return entry;
      if (Date.now() > deadline) throw new Error(`pull of ${ref} still running: ${JSON.stringify(entry)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('without credentials for it the create fails fast with its own message', async () => {
    const id = await create(mod, { engine: 'redis', name: `pull-noauth-${tag}` });
    const { row, ms } = await watchCreate(mod, id, 30_000);
    expect(row.status).toBe('failed');
    expect(ms).toBeLessThan(15_000);
    expect(row.error_message).toContain(`Registry 127.0.0.1:${AUTH_PORT} wants credentials and none are configured`);
    expect(row.pull_progress.error_code).toBe('REGISTRY_AUTH_FAILED');
  });

  it('with wrong credentials a pre-pull says they were refused; with the right ones it pulls and the create runs', async () => {
    await writeFile(authFile, authJson('not-the-password'), { mode: 0o600 });
    const refused = await mod.api('POST', '/images/pull', { engine: 'redis' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(202);
    expect(refused.body.image).toMatchObject({ engine: 'redis', image: PRIVATE_REDIS, overridden: true });
    const failed = await waitForPull(PRIVATE_REDIS);
    expect(failed.pull).toMatchObject({ state: 'failed', error_code: 'REGISTRY_AUTH_FAILED' });
    expect(failed.pull.error).toContain('refused the configured credentials');
    expect(failed.present).toBe(false);

    // The file is read at each pull: the right password now, no restart.
    await writeFile(authFile, authJson(PASSWORD), { mode: 0o600 });
    expect((await mod.api('POST', '/images/pull', { engine: 'redis' })).status).toBe(202);
    const pulled = await waitForPull(PRIVATE_REDIS);
    expect(pulled.pull.state, pulled.pull.error).toBe('done');
    expect(pulled).toMatchObject({ present: true, overridden: true });
    expect(pulled.size_bytes).toBeGreaterThan(10_000_000);
    expect(pulled.digest).toMatch(/^sha256:/);
    expect(JSON.stringify((await mod.api('GET', '/images')).body)).not.toContain(PASSWORD);

    const id = await create(mod, { engine: 'redis', name: `pull-auth-${tag}` });
    const { row } = await watchCreate(mod, id);
    expect(row.status, row.error_message).toBe('running');
    expect(row.image_digest).toBe(pulled.digest);
    expect(row.pull_progress).toBeNull(); // present already: no pull for this create
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect((await mod.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });

  it('a stopped registry fails the create fast with its own message', async () => {
    await registry.stop();
    await removeImages(PRIVATE_REDIS);
    const id = await create(mod, { engine: 'redis', name: `pull-down-${tag}` });
    const { row, ms } = await watchCreate(mod, id, 30_000);
    expect(row.status).toBe('failed');
    expect(ms).toBeLessThan(15_000);
    expect(row.error_message).toContain(`Registry 127.0.0.1:${AUTH_PORT} cannot be reached (connection refused)`);
    expect(row.pull_progress.error_code).toBe('REGISTRY_UNREACHABLE');
  });
});
