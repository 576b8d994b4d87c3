import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/host.js';
import { recorder, ResponseChecker } from '../helpers/openapi-check.js';
import { ADMIN, READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';
import { opensslFingerprint } from './helpers/tls-clients.js';
import { renewExpiring } from '../../src/services/security/tls-renewal.js';

/**
 * The TLS and audit routes' real answers on a real Redis with TLS (and an embedded DuckDB without
 * it), validated strictly against the served OpenAPI document: no field the schema does not name,
 * every required one, and the served body equal to the handler's. And the renewal job on that Redis.
 */
const rec = recorder();
const suffix = randomBytes(3).toString('hex');
let m: ModuleUnderTest;
let check: ResponseChecker;
const ids: number[] = [];

const call = (method: 'GET' | 'PUT', url: string, status: number, token = ADMIN, payload?: object) =>
  check.call(m.app, { method, url: `/api/modules/databases${url}`, headers: bearer(token), ...(payload ? { payload } : {}) }, status);

beforeAll(async () => {
  m = await startModule({}, undefined, { configure: rec.configure });
  const doc = await m.app.inject('/api/modules/databases/openapi.json');
  expect(doc.statusCode).toBe(200);
  check = new ResponseChecker(doc.json(), rec.answers);
});
afterAll(async () => {
  for (const id of ids) await m?.api('DELETE', `/databases/${id}`);
  await m?.close();
});

describe('TLS and audit routes answer what the OpenAPI document says', () => {
  it('GET/PUT /databases/{id}/tls with and without TLS, and GET /audit with its filters', async () => {
    const tls = await m.api('POST', '/databases', { engine: 'redis', version: STANDIN_VERSIONS.redis, name: `schema-tls-${suffix}`, sku: 'b1', tls_enabled: true });
    expect(tls.status, JSON.stringify(tls.body)).toBe(202);
    ids.push(tls.body.id);
    const plain = await m.api('POST', '/databases', { engine: 'duckdb', name: `schema-notls-${suffix}`, sku: 'b1' });
    expect(plain.status, JSON.stringify(plain.body)).toBe(202);
    ids.push(plain.body.id);
    const tlsRow = await m.waitFor(tls.body.id, ['running']);
    await m.waitFor(plain.body.id, ['running']);

    for (const token of [ADMIN, READER]) {
      expect((await call('GET', `/databases/${tls.body.id}/tls`, 200, token)).json()).toMatchObject({ enabled: true, origin: 'module' });
      expect((await call('GET', `/databases/${plain.body.id}/tls`, 200, token)).json()).toMatchObject({ enabled: false, certificate: null });
    }
    const replaced = (await call('PUT', `/databases/${tls.body.id}/tls`, 200, ADMIN, {})).json();
    expect(replaced).toMatchObject({ applied: 'reloaded', tls: { enabled: true, origin: 'module' } });
    await call('PUT', `/databases/${tls.body.id}/tls`, 403, READER, {});
    await call('PUT', `/databases/${tls.body.id}/tls`, 400, ADMIN, { tls_cert: 'bm90IGEgY2VydA==' });
    await call('PUT', `/databases/${plain.body.id}/tls`, 409, ADMIN, {});

    // The renewal job on a clock 29 days before the certificate ends: reloaded in place, and served.
    const due = new Date(replaced.tls.not_after).getTime() - 29 * 86_400_000;
    const deps = { db: m.app.flux.ctx.db, tls: m.app.flux.services.tls, audit: m.app.flux.services.audit, logger: m.app.flux.ctx.logger };
    expect(await renewExpiring(deps, due)).toEqual([tls.body.id]);
    const renewed = (await call('GET', `/databases/${tls.body.id}/tls`, 200, READER)).json();
    expect(renewed.fingerprint_sha256).not.toBe(replaced.tls.fingerprint_sha256);
    expect(await opensslFingerprint(process.cwd(), tlsRow.port)).toBe(renewed.fingerprint_sha256);

    const trail = (await call('GET', `/audit?instance=${tls.body.id}`, 200, READER)).json();
    expect(trail.map((r: { action: string }) => r.action)).toEqual(expect.arrayContaining(['databases.create', 'databases.tls.update', 'tls.renew']));
    expect(trail.find((r: { action: string }) => r.action === 'tls.renew')).toMatchObject({ actor: 'system', outcome: 'succeeded', params: { applied: 'reloaded' } });
    const page = (await call('GET', `/audit?instance=${tls.body.id}&action=databases.tls.update&limit=1`, 200, READER)).json();
    expect(page).toHaveLength(1);
    await call('GET', `/audit?instance=${tls.body.id}&action=databases.tls.update&before=${page[0].id}`, 200, READER);
    await call('GET', '/audit?since=abc', 400, READER);
  });
});
