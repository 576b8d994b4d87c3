import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDir } from '../helpers/host.js';
import { containersOf, STANDIN_VERSIONS } from './helpers/module-under-test.js';

const execFileAsync = promisify(execFile);

// The real server process (npm start's entry), killed with SIGKILL in the middle of a create.
const TOKEN = 'crash-admin-token-0123456789abcdef';
const PORT = 18000 + (process.pid % 1000);
let dir: { path: string; remove(): Promise<void> };
let server: ChildProcess | undefined;

function startServer(): Promise<ChildProcess> {
  const env = { ...process.env, PORT: String(PORT), FLUX_DATA_DIR: dir.path, FLUX_ADMIN_TOKEN: TOKEN, FLUX_READ_TOKEN: `${TOKEN}-read`, LOG_LEVEL: 'warn', FLUX_DATABASES_PORT_RANGE: '32000-32999' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'host/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => { out += d; if (out.includes('Flux Databases host on')) resolve(child); };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => { out += d; });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${PORT}/api/modules/databases${url}`, {
    method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() as any };
}

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => { dir = await tempDir('flux-crash-'); });
afterAll(async () => {
  server?.kill('SIGKILL');
  // A failed run must not leave its container and network to the next one.
  await execFileAsync('podman', ['rm', '-f', '--ignore', 'db-crash-pg']).catch(() => undefined);
  await execFileAsync('podman', ['network', 'rm', '-f', 'db-crash-pg-net']).catch(() => undefined);
  await dir.remove();
});

it('finishes a create that a SIGKILL interrupted, once the module is started again', async () => {
  server = await startServer();
  const created = await api('POST', '/databases', { engine: 'postgresql', version: STANDIN_VERSIONS.postgresql, name: 'crash-pg', sku: 'b1' });
  expect(created.status).toBe(202);
  const id = created.body.id;
  // Kill once the container exists but before the engine was confirmed ready.
  await until(async () => {
    const r = (await api('GET', `/databases/${id}`)).body;
    if (['running', 'failed'].includes(r.status)) throw new Error(`the create ended (${r.status}) before the module could be killed in it`);
    return ['creating', 'starting'].includes(r.status) && r.container_id ? true : undefined;
  }, 60_000, 'the container of the create');
  server.kill('SIGKILL');
  await new Promise((r) => server!.once('exit', r));

  server = await startServer();
  const row = await until(async () => {
    const r = (await api('GET', `/databases/${id}`)).body;
    return ['running', 'failed'].includes(r.status) ? r : undefined;
  }, 120_000, 'reconciliation');
  expect(row.status, row.error_message).toBe('running');
  expect(await containersOf(id, dir.path)).toEqual(['db-crash-pg']);

  expect((await api('DELETE', `/databases/${id}`)).status).toBe(200);
  expect(await containersOf(id, dir.path)).toEqual([]);
  expect(existsSync(path.join(dir.path, 'modules/databases/containers/db-crash-pg'))).toBe(false);
  server.kill('SIGTERM');
});
