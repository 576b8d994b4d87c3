import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, type HostApp } from '../../host/build-host.js';
import { openStore, type Store } from '../../src/db/store.js';
import { HostProbe } from '../../src/services/host/host-probe.js';
import { PodmanManager, type InstallRequest } from '../../src/services/podman/podman-manager.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { memoryLogger } from '../helpers/logger.js';
import { MOUNT, SEED_ROUTES, urlOf } from '../helpers/seed-routes.js';

/** The real manager, except that install only answers: this test checks permissions, not apt-get. */
class NoInstallPodman extends PodmanManager {
  override async install(): Promise<InstallRequest> {
    return { accepted: false, reason: 'installing is not part of this test', commands: [] };
  }
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
let app: HostApp;
let tokens: { admin: string; read: string };

beforeAll(async () => {
  dir = await tempDir();
  const config = testConfig(dir.path, { FLUX_DATABASES_START_PODMAN_SERVICE: 'false' });
  store = await openStore(config, memoryLogger());
  const hostProbe = new HostProbe();
  const podman = new NoInstallPodman({ config, hostProbe, logDir: path.join(dir.path, 'logs'), dropInDir: path.join(dir.path, 'conf.d') });
  app = await buildHost(config, { store, logger: false, services: { hostProbe, podman } });
  tokens = JSON.parse(await readFile(path.join(dir.path, 'host-tokens.json'), 'utf8'));
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  await dir?.remove();
});

describe.each(SEED_ROUTES)('$method $path', (route) => {
  const inject = (headers: Record<string, string> = {}) => app.inject({ method: route.method, url: urlOf(route), headers });

  it('answers 401 without a token and with a wrong one', async () => {
    for (const headers of [{}, bearer('not-the-token-at-all-000000'), { authorization: tokens.admin }, bearer(`${tokens.admin}x`)]) {
      const res = await inject(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toEqual({ error: 'UNAUTHORIZED', message: expect.any(String) });
    }
  });

  it('gives the read token what it may, 403 otherwise', async () => {
    const res = await inject(bearer(tokens.read));
    if (route.permission === 'databases:write') {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: 'FORBIDDEN', message: expect.stringContaining('databases:write') });
    } else {
      expect([401, 403]).not.toContain(res.statusCode);
    }
  });

  it('lets the admin token through', async () => {
    const res = await inject(bearer(tokens.admin));
    expect([401, 403]).not.toContain(res.statusCode);
    expect(res.statusCode).not.toBe(500);
    if (res.statusCode === 501) expect(res.json()).toEqual({ error: 'NOT_IMPLEMENTED', message: expect.stringMatching(/arrive/) });
  });
});

describe('parameters and errors', () => {
  const get = (url: string, token = tokens.admin) => app.inject({ method: 'GET', url: MOUNT + url, headers: bearer(token) });

  it('checks the token before the parameters', async () => {
    expect((await app.inject({ method: 'GET', url: `${MOUNT}/databases/abc` })).statusCode).toBe(401);
  });

  it.each(['abc', '0', '01', '-1', '12345678901', '1.5'])('rejects instance id %s naming the field', async (id) => {
    const res = await get(`/databases/${id}/health`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'BAD_REQUEST', message: expect.stringContaining('params.id') });
  });

  it('rejects a bad snapshot id and a bad table name', async () => {
    const sid = await app.inject({ method: 'POST', url: `${MOUNT}/databases/1/restore/x`, headers: bearer(tokens.admin) });
    expect(sid.json()).toEqual({ error: 'BAD_REQUEST', message: expect.stringContaining('params.sid') });
    for (const name of ['1abc', 'a;drop', encodeURIComponent('a b'), 'x'.repeat(129)]) {
      const res = await get(`/databases/1/tables/${name}/schema`);
      expect(res.statusCode, name).toBe(400);
      expect(res.json().message).toContain('params.name');
    }
    // A valid name gets past the route's check; the instance does not exist.
    expect((await get('/databases/1/tables/public.users$1/schema')).statusCode).toBe(404);
  });

  it('rejects bad query values', async () => {
    const res = await get('/databases/1/logs?lines=0');
    expect(res.json()).toEqual({ error: 'BAD_REQUEST', message: expect.stringContaining('querystring.lines') });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await get('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'NOT_FOUND' });
  });

  it('answers POST /podman/install with 409 and the commands when it may not install', async () => {
    const res = await app.inject({ method: 'POST', url: `${MOUNT}/podman/install`, headers: bearer(tokens.admin) });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'CONFLICT', commands: [] });
  });
});
