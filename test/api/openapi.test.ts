import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, type HostApp } from '../../host/build-host.js';
import { HostProbe } from '../../src/services/host/host-probe.js';
import { InstallJob } from '../../src/services/podman/install-job.js';
import { manualCommands } from '../../src/services/podman/install-steps.js';
import { PodmanManager, type InstallRequest } from '../../src/services/podman/podman-manager.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { openApiPath, recorder, ResponseChecker } from '../helpers/openapi-check.js';
import { MOUNT } from '../helpers/seed-routes.js';

/**
 * Installing Podman for real is not this test's business: the refusal carries the real manual
 * commands, the acceptance a real install job (one harmless step).
 */
class ScriptedInstallPodman extends PodmanManager {
  answer: 'refuse' | 'accept' = 'refuse';
  override async install(): Promise<InstallRequest> {
    if (this.answer === 'refuse') {
      return { accepted: false, reason: 'no root in this test', commands: manualCommands(await this.facts(true), this.dropInDir) };
    }
    const job = new InstallJob([{ name: 'noop', run: async (j) => ({ status: (await j.exec(['true'])) === 0 ? 'ok' : 'fail', message: 'ran true' }) }]);
    await job.done;
    return { accepted: true, job: job.view() };
  }
}

const rec = recorder();
let dir: Awaited<ReturnType<typeof tempDir>>;
let app: HostApp;
let podman: ScriptedInstallPodman;
let tokens: { admin: string; read: string };
let doc: Record<string, any>; // the served document, read as plain JSON
let check: ResponseChecker;

beforeAll(async () => {
  dir = await tempDir();
  const config = testConfig(dir.path, { FLUX_DATABASES_START_PODMAN_SERVICE: 'false' });
  const hostProbe = new HostProbe();
  podman = new ScriptedInstallPodman({ config, hostProbe, logDir: path.join(dir.path, 'logs'), dropInDir: path.join(dir.path, 'conf.d') });
  app = await buildHost(config, { logger: false, services: { hostProbe, podman }, configure: rec.configure });
  await app.ready();
  tokens = JSON.parse(await readFile(path.join(dir.path, 'host-tokens.json'), 'utf8'));
  const res = await app.inject(`${MOUNT}/openapi.json`);
  expect(res.statusCode).toBe(200);
  doc = res.json();
  check = new ResponseChecker(doc as ConstructorParameters<typeof ResponseChecker>[0], rec.answers);
});
afterAll(async () => {
  await app?.close();
  await dir?.remove();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token: string | null, status: number, payload?: object) =>
  check.call(app, { method, url: MOUNT + url, headers: token ? bearer(token) : {}, ...(payload ? { payload } : {}) }, status);

describe('the OpenAPI document and the docs page', () => {
  it('serves the document without a token, with bearer security on every operation', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    for (const [p, ops] of Object.entries<Record<string, { security: unknown; summary: string; tags: string[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.security, `${method} ${p}`).toEqual([{ bearer: [] }]);
        expect(op.summary, `${method} ${p}`).toMatch(/\w{3}/);
        expect(op.tags, `${method} ${p}`).toHaveLength(1);
      }
    }
    const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
    for (const ops of Object.values<Record<string, { tags: string[] }>>(doc.paths)) {
      for (const op of Object.values(ops)) expect(tags.has(op.tags[0]), op.tags[0]).toBe(true);
    }
    expect(JSON.stringify(doc)).not.toContain(tokens.admin);
  });

  it('serves a docs page without a token whose every asset loads, over the same document', async () => {
    const page = await app.inject(`${MOUNT}/docs`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const assets = [...page.body.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith(`${MOUNT}/docs/`), asset).toBe(true);
      expect((await app.inject(asset)).statusCode, asset).toBe(200);
    }
    const initializer = await app.inject(`${MOUNT}/docs/static/swagger-initializer.js`);
    expect(initializer.body).toContain("resolveUrl('./json')");
    expect((await app.inject(`${MOUNT}/docs/json`)).json()).toEqual(doc);
  });

  it('lists every route of the module with its request and response schemas', () => {
    const moduleRoutes = rec.routes.filter((r) => r.url.startsWith(`${MOUNT}/`) && r.method !== 'HEAD' && !r.schema?.hide);
    expect(moduleRoutes.length).toBeGreaterThanOrEqual(35);
    const documented = new Set(Object.entries<object>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    for (const r of moduleRoutes) {
      const label = `${r.method} ${r.url}`;
      expect(documented.has(`${r.method} ${openApiPath(r.url)}`), `${label} is in the document`).toBe(true);
      const s = r.schema ?? {};
      expect(s.params ?? s.querystring ?? s.body, `${label} has a request schema`).toBeDefined();
      const pathParams = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]).sort();
      const declared = Object.keys((s.params as { properties?: object } | undefined)?.properties ?? {}).sort();
      expect(declared, `${label} validates each path parameter`).toEqual(pathParams);
      const responses = Object.keys((s.response ?? {}) as object).map(Number);
      expect(responses.some((c) => (c >= 200 && c < 300) || c === 501), `${label} declares its success (or its 501)`).toBe(true);
      for (const c of [400, 401, 500]) expect(responses, `${label} declares ${c}`).toContain(c);
      const op = doc.paths[openApiPath(r.url)][r.method.toLowerCase()];
      // GET /metrics answers Prometheus' text format, not JSON; every other answer is JSON.
      const mediaOf = (c: number) => (c === 200 && label === `GET ${MOUNT}/metrics` ? 'text/plain'
        : c === 200 && label === `GET ${MOUNT}/databases/:id/export` ? 'application/zip'
          : c === 200 && label === `GET ${MOUNT}/tls/ca` ? 'application/x-pem-file' : 'application/json');
      for (const c of responses) expect(op.responses[c]?.content?.[mediaOf(c)]?.schema, `${label} ${c} in the document`).toBeDefined();
    }
    expect(documented.size).toBe(moduleRoutes.length);
  });
});

const SYSTEM_GETS = ['/status', '/requirements', '/system-info', '/podman/status', '/engines', '/skus'];

describe('system routes answer what their schemas say', () => {
  it.each(SYSTEM_GETS)('GET %s as admin, as reader, without a token, with an unknown parameter', async (url) => {
    await call('GET', url, tokens.admin, 200);
    await call('GET', url, tokens.read, 200);
    await call('GET', url, null, 401);
    const bad = await call('GET', `${url}?verbose=1`, tokens.admin, 400);
    expect(bad.json().message).toContain('querystring');
  });

  it('POST /podman/install: 403 to a reader, 409 with the commands, 202 with the job', async () => {
    await call('POST', '/podman/install', tokens.read, 403);
    podman.answer = 'refuse';
    const refused = await call('POST', '/podman/install', tokens.admin, 409);
    expect(refused.json()).toMatchObject({ error: 'CONFLICT', commands: expect.any(Array) });
    podman.answer = 'accept';
    const accepted = await call('POST', '/podman/install', tokens.admin, 202);
    expect(accepted.json().install).toMatchObject({ state: 'succeeded', steps: [{ name: 'noop', status: 'ok' }] });
    // The job the status route shows now is the real one, with its log.
    await call('GET', '/podman/status', tokens.admin, 200);
  });
});

describe('image routes answer what their schemas say', () => {
  it('GET /images as reader and admin; POST /images/pull refuses a reader and bad input', async () => {
    await call('GET', '/images', tokens.read, 200);
    await call('GET', '/images', tokens.admin, 200);
    await call('POST', '/images/pull', tokens.read, 403, { engine: 'postgresql' });
    await call('POST', '/images/pull', tokens.admin, 400, { engine: 'postgresql', version: 'bad version!' });
  });
});

describe('instance routes without an instance', () => {
  it('answers the list, a missing instance, bad input and a forbidden write as declared', async () => {
    expect((await call('GET', '/databases', tokens.read, 200)).json()).toEqual([]);
    await call('GET', '/databases/424242', tokens.read, 404);
    await call('GET', '/databases/abc', tokens.read, 400);
    await call('POST', '/databases', tokens.read, 403, { engine: 'postgresql' });
    await call('POST', '/databases', tokens.admin, 400, { engine: 'nosuchdb' });
    await call('POST', '/databases', tokens.admin, 400, { engine: 'postgresql', extra: 1 });
    await call('DELETE', '/databases/424242', tokens.admin, 404);
    await call('POST', '/databases/424242/start', tokens.admin, 404);
    await call('GET', '/databases/424242/connection-string', tokens.read, 404);
    await call('GET', '/databases/424242/health', tokens.read, 404);
    await call('GET', '/databases/424242/health?range=2y', tokens.read, 400);
    await call('GET', '/databases/424242/metrics', tokens.read, 404);
    await call('GET', '/databases/424242/metrics?hours=24', tokens.read, 400);
    await call('GET', '/databases/424242/logs?lines=0', tokens.read, 400);
    await call('GET', '/databases/424242/tables', tokens.read, 404);
    await call('GET', '/databases/424242/tables/users/schema', tokens.read, 404);
    await call('GET', '/databases/424242/tables/users/data?limit=5', tokens.read, 404);
    await call('GET', '/databases/424242/tables/users/data?limit=1001', tokens.read, 400);
    await call('GET', '/databases/424242/tables/a;b/schema', tokens.read, 400);
    await call('DELETE', '/orphans/Not_A_Name', tokens.admin, 400);
  });

  it('answers the account routes\' missing instance, bad input and forbidden writes as declared', async () => {
    await call('POST', '/databases/424242/credentials/rotate', tokens.admin, 404);
    await call('POST', '/databases/424242/credentials/rotate', tokens.read, 403);
    await call('POST', '/databases/424242/credentials/rotate', tokens.admin, 400, { grace_seconds: 0 });
    await call('GET', '/databases/424242/users', tokens.read, 404);
    await call('POST', '/databases/424242/users', tokens.admin, 404, { username: 'app_reader', role: 'readonly' });
    await call('POST', '/databases/424242/users', tokens.admin, 400, { username: 'x;drop', role: 'readonly' });
    await call('DELETE', '/databases/424242/users/app_reader', tokens.read, 403);
    await call('GET', '/databases/424242/databases', tokens.read, 404);
    await call('POST', '/databases/424242/databases', tokens.admin, 400, { name: '../etc' });
    await call('DELETE', '/databases/424242/databases/app_db?confirm=app_db', tokens.admin, 404);
  });

  it('answers the backup routes\' missing instance, bad ids and input, and forbidden writes as declared', async () => {
    await call('POST', '/databases/424242/snapshot', tokens.admin, 404);
    await call('POST', '/databases/424242/snapshot', tokens.read, 403);
    await call('GET', '/databases/424242/snapshots', tokens.read, 404);
    await call('GET', '/databases/424242/snapshots/0', tokens.read, 400);
    await call('GET', '/databases/424242/snapshots/7', tokens.read, 404);
    await call('POST', '/databases/424242/restore/abc', tokens.admin, 400);
    await call('POST', '/databases/424242/restore/9', tokens.admin, 404);
    await call('DELETE', '/databases/424242/snapshots/9', tokens.admin, 404);
    await call('DELETE', '/databases/424242/snapshots/9', tokens.read, 403);
    await call('POST', '/databases/424242/snapshots/9/cancel', tokens.admin, 404);
    await call('POST', '/databases/424242/snapshots/9/verify', tokens.admin, 404);
    await call('POST', '/databases/424242/clone', tokens.admin, 400, { name: 'Bad_Name' });
    await call('POST', '/databases/424242/clone', tokens.admin, 404, { name: 'good-name' });
    await call('GET', '/databases/424242/export?snapshot_id=x', tokens.admin, 400);
    await call('GET', '/databases/424242/backups', tokens.read, 404);
    await call('GET', '/databases/424242/backup-policy', tokens.read, 404);
    await call('PUT', '/databases/424242/backup-policy', tokens.admin, 400, { schedule: '0 3 * * *', keep_last: -1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, verify: true });
    await call('PUT', '/databases/424242/backup-policy', tokens.admin, 404, { schedule: '0 3 * * *', keep_last: 3, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, verify: true });
    await call('DELETE', '/databases/424242/backup-policy', tokens.admin, 404);
  });
});

describe('TLS and audit routes answer what their schemas say', () => {
  it('GET /tls/ca, GET/PUT /databases/{id}/tls and GET /audit as declared', async () => {
    // PEM, not JSON (the checker validates JSON answers): its media type is the document's.
    const ca = await app.inject({ method: 'GET', url: `${MOUNT}/tls/ca`, headers: bearer(tokens.read) });
    expect(ca.statusCode).toBe(200);
    expect(ca.headers['content-type']).toMatch(/^application\/x-pem-file/);
    expect(ca.body).toMatch(/^-----BEGIN CERTIFICATE-----/);
    await call('GET', '/tls/ca', null, 401);
    await call('GET', '/databases/424242/tls', tokens.read, 404);
    await call('PUT', '/databases/424242/tls', tokens.read, 403, {});
    await call('PUT', '/databases/424242/tls', tokens.admin, 404, {});
    await call('PUT', '/databases/424242/tls', tokens.admin, 400, { tls_cert: 'not base64!' });
    await call('PUT', '/databases/424242/tls', tokens.admin, 400, { extra: 1 });
    const trail = await call('GET', '/audit', tokens.read, 200);
    expect(trail.json().length).toBeGreaterThan(0);
    await call('GET', '/audit?action=databases.tls.update&limit=5', tokens.read, 200);
    await call('GET', '/audit?limit=0', tokens.read, 400);
  });
});
