import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHost, MOUNT, type FakeHost } from '../fakes/fake-host.js';
import { bearer } from '../helpers/host.js';
import { b64, operatorCa } from '../helpers/tls-fixtures.js';
import { renewExpiring } from '../../src/services/security/tls-renewal.js';

// TLS through the API on the fake runtime: the CA, create-time material and its checks, the
// instance's certificate view, and PUT /tls's permissions and refusals. The engines' own TLS
// (handshakes, reloads, stock clients) is the podman tier's (tls-*.test.ts).
let h: FakeHost;
let operator: Awaited<ReturnType<typeof operatorCa>>;
beforeAll(async () => {
  h = await fakeHost();
  operator = await operatorCa();
});
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);
const tlsDir = (name: string) => path.join(h.moduleDir, 'containers', `db-${name}`, 'tls');
const count = async () => (await h.api('GET', '/databases')).json.length as number;

describe('the module CA', () => {
  it('GET /tls/ca answers its certificate as PEM to a reader, and nothing without a token', async () => {
    const res = await h.app.inject({ method: 'GET', url: `${MOUNT}/tls/ca`, headers: bearer('read-token-for-fake-host-0123456789') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-pem-file/);
    const ca = new X509Certificate(res.body);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/Flux Databases CA/);
    expect(res.body).not.toMatch(/PRIVATE KEY/);
    expect((await h.app.inject({ method: 'GET', url: `${MOUNT}/tls/ca` })).statusCode).toBe(401);
    // Kept 0600 with its key sealed by the module key: the file holds no PEM private key.
    const file = path.join(h.moduleDir, 'tls', 'ca.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toMatch(/PRIVATE KEY/);
  });
});

describe('TLS at create', () => {
  it('without a certificate, the CA issues one naming 127.0.0.1, localhost and the container; the key stays 0600 and unseen', async () => {
    const name = `tls-${uniq()}`;
    const row = await h.createRunning({ engine: 'redis', name, tls_enabled: true });
    expect(row.tls_enabled).toBe(true);
    const view = await h.api('GET', `/databases/${row.id}/tls`, undefined, { as: 'read' });
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ enabled: true, origin: 'module' });
    expect(view.json.sans).toEqual(expect.arrayContaining(['IP Address:127.0.0.1', 'DNS:localhost', `DNS:db-${name}`]));
    expect(JSON.stringify(view.json)).not.toMatch(/PRIVATE KEY/);
    const ca = (await h.app.inject({ method: 'GET', url: `${MOUNT}/tls/ca`, headers: bearer('admin-token-for-fake-host-0123456789') })).body;
    expect(new X509Certificate(view.json.certificate).verify(new X509Certificate(ca).publicKey)).toBe(true);
    expect((await stat(path.join(tlsDir(name), 'server.key'))).mode & 0o777).toBe(0o600);
    // The container mounts the files read-only; the connection string is the TLS form.
    const c = h.runtime.container(`db-${name}`)!;
    expect(c.spec.mounts).toEqual(expect.arrayContaining([expect.objectContaining({ target: '/tls', readOnly: true })]));
    const conn = (await h.api('GET', `/databases/${row.id}/connection-string`)).json;
    expect(conn.connection_string).toMatch(/^rediss:\/\//);
    expect(conn.commands['redis-cli'].argv).toEqual(expect.arrayContaining(['--tls', '--cacert', 'ca.pem']));
    expect(conn.commands['redis-cli'].argv.join(' ')).not.toContain(conn.password);
  });

  it('with the operator\'s certificate and key, serves those (origin operator)', async () => {
    const name = `tlsop-${uniq()}`;
    const leaf = await operator.issue(['localhost', '127.0.0.1']);
    const row = await h.createRunning({ engine: 'postgresql', name, tls_enabled: true, tls_cert: b64(leaf.cert), tls_key: b64(leaf.key) });
    const view = (await h.api('GET', `/databases/${row.id}/tls`)).json;
    expect(view).toMatchObject({ enabled: true, origin: 'operator' });
    expect(view.fingerprint_sha256).toBe(new X509Certificate(leaf.cert).fingerprint256);
    expect((await h.api('GET', `/databases/${row.id}/connection-string`)).json.connection_string).toMatch(/sslmode=verify-full&sslrootcert=ca\.pem$/);
  });

  it('refuses hostile material with a 400 that names the problem, and creates nothing', async () => {
    const good = await operator.issue(['localhost']);
    const other = await operator.issue(['localhost']);
    const expired = await operator.issue(['localhost'], { from: new Date(Date.now() - 10 * 86_400_000), to: new Date(Date.now() - 86_400_000) });
    const future = await operator.issue(['localhost'], { from: new Date(Date.now() + 86_400_000), to: new Date(Date.now() + 10 * 86_400_000) });
    const cases: [string, object, RegExp][] = [
      ['not base64', { tls_cert: 'not base64!', tls_key: b64(good.key) }, /tls_cert must be base64/],
      ['not PEM', { tls_cert: b64('hello; rm -rf /'), tls_key: b64(good.key) }, /tls_cert is not a PEM certificate/],
      ['a key where the certificate goes', { tls_cert: b64(good.key), tls_key: b64(good.key) }, /tls_cert is not a PEM certificate/],
      ['a broken certificate', { tls_cert: b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), tls_key: b64(good.key) }, /does not parse as X\.509/],
      ['a key of another certificate', { tls_cert: b64(good.cert), tls_key: b64(other.key) }, /tls_key does not belong to tls_cert/],
      ['an expired certificate', { tls_cert: b64(expired.cert), tls_key: b64(expired.key) }, /expired on/],
      ['a certificate not valid yet', { tls_cert: b64(future.cert), tls_key: b64(future.key) }, /not valid before/],
      ['an encrypted key', { tls_cert: b64(good.cert), tls_key: b64('-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n') }, /encrypted/],
      ['a certificate without its key', { tls_cert: b64(good.cert) }, /go together/],
      ['an over-long certificate', { tls_cert: 'A'.repeat(40_000), tls_key: b64(good.key) }, /tls_cert/],
    ];
    const before = await count();
    for (const [what, material, message] of cases) {
      const res = await h.api('POST', '/databases', { engine: 'postgresql', name: `bad-${uniq()}`, tls_enabled: true, ...material });
      expect(res.status, what).toBe(400);
      expect(res.json.message, what).toMatch(message);
      expect(res.json.message, what).not.toContain('PRIVATE');
    }
    const without = await h.api('POST', '/databases', { engine: 'postgresql', name: `bad-${uniq()}`, tls_cert: b64(good.cert), tls_key: b64(good.key) });
    expect(without.status).toBe(400);
    expect(without.json.message).toMatch(/need tls_enabled/);
    expect((await h.api('POST', '/databases', { engine: 'h2', name: `bad-${uniq()}`, tls_enabled: true })).status).toBe(400);
    expect(await count()).toBe(before);
  });
});

describe('PUT /databases/{id}/tls', () => {
  it('is refused to a reader, checks the material before anything changes, and 409s an instance without TLS', async () => {
    const name = `tlsput-${uniq()}`;
    const row = await h.createRunning({ engine: 'redis', name, tls_enabled: true });
    const before = await readFile(path.join(tlsDir(name), 'server.crt'), 'utf8');
    const fresh = await operator.issue(['localhost']);
    const other = await operator.issue(['localhost']);
    expect((await h.api('PUT', `/databases/${row.id}/tls`, {}, { as: 'read' })).status).toBe(403);
    expect((await h.api('PUT', `/databases/${row.id}/tls`, { tls_cert: b64(fresh.cert), tls_key: b64(other.key) })).status).toBe(400);
    expect((await h.api('PUT', `/databases/${row.id}/tls`, { tls_cert: b64(fresh.cert), tls_key: b64(fresh.key), extra: 1 })).status).toBe(400);
    expect((await h.api('PUT', `/databases/${row.id}/tls`, { tls_cert: 'A'.repeat(40_000), tls_key: b64(fresh.key) })).status).toBe(400);
    expect(await readFile(path.join(tlsDir(name), 'server.crt'), 'utf8')).toBe(before);

    const plain = await h.createRunning({ engine: 'redis', name: `plain-${uniq()}` });
    const refused = await h.api('PUT', `/databases/${plain.id}/tls`, {});
    expect(refused.status).toBe(409);
    expect(refused.json.message).toMatch(/created without TLS/);
    expect((await h.api('PUT', '/databases/424242/tls', {})).status).toBe(404);
    expect((await h.api('GET', `/databases/${plain.id}/tls`)).json).toMatchObject({ enabled: false, certificate: null });
  });

  it('on a stopped instance writes the new certificate for its next start', async () => {
    const name = `tlsstop-${uniq()}`;
    const row = await h.createRunning({ engine: 'redis', name, tls_enabled: true });
    await h.api('POST', `/databases/${row.id}/stop`);
    const fresh = await operator.issue(['localhost', '127.0.0.1']);
    const res = await h.api('PUT', `/databases/${row.id}/tls`, { tls_cert: b64(fresh.cert), tls_key: b64(fresh.key) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ applied: 'at_next_start', tls: { origin: 'operator', fingerprint_sha256: new X509Certificate(fresh.cert).fingerprint256 } });
    expect(await readFile(path.join(tlsDir(name), 'server.key'), 'utf8')).toBe(`${fresh.key.trim()}\n`);
    expect(JSON.stringify(res.json)).not.toMatch(/PRIVATE KEY/);
    // Back to a certificate of the module's CA.
    const again = await h.api('PUT', `/databases/${row.id}/tls`, {});
    expect(again.json.tls.origin).toBe('module');
  });
});

describe('renewal of module-issued certificates', () => {
  it('replaces those that end within 30 days, never an operator\'s, and records each as system', async () => {
    const own = await fakeHost();
    try {
      const leaf = await operator.issue(['localhost', '127.0.0.1']);
      const module = await own.createRunning({ engine: 'redis', name: `renew-${uniq()}`, tls_enabled: true });
      const supplied = await own.createRunning({ engine: 'redis', name: `renew-op-${uniq()}`, tls_enabled: true, tls_cert: b64(leaf.cert), tls_key: b64(leaf.key) });
      // Stopped: the new files wait for the next start (the fake runtime serves no TLS to check a reload with).
      for (const row of [module, supplied]) expect((await own.api('POST', `/databases/${row.id}/stop`)).status).toBe(200);
      const before = (await own.api('GET', `/databases/${module.id}/tls`)).json;
      const operatorBefore = (await own.api('GET', `/databases/${supplied.id}/tls`)).json;
      const deps = { db: own.app.flux.ctx.db, tls: own.app.flux.services.tls, audit: own.app.flux.services.audit, logger: own.app.flux.ctx.logger };

      // Not due yet: nothing changes.
      expect(await renewExpiring(deps, Date.now())).toEqual([]);
      expect((await own.api('GET', `/databases/${module.id}/tls`)).json.fingerprint_sha256).toBe(before.fingerprint_sha256);

      // 29 days before the end: renewed from the CA; the operator's (ending sooner still) is left alone.
      const due = new Date(before.not_after).getTime() - 29 * 86_400_000;
      expect(await renewExpiring(deps, due)).toEqual([module.id]);
      const after = (await own.api('GET', `/databases/${module.id}/tls`)).json;
      expect(after).toMatchObject({ origin: 'module' });
      expect(after.fingerprint_sha256).not.toBe(before.fingerprint_sha256);
      expect((await own.api('GET', `/databases/${supplied.id}/tls`)).json.fingerprint_sha256).toBe(operatorBefore.fingerprint_sha256);

      const [record] = (await own.api('GET', `/audit?instance=${module.id}&action=tls.renew`)).json;
      expect(record).toMatchObject({ actor: 'system', outcome: 'succeeded', params: { applied: 'at_next_start', fingerprint_sha256: before.fingerprint_sha256, new_fingerprint_sha256: after.fingerprint_sha256 } });
      expect((await own.api('GET', `/audit?instance=${supplied.id}&action=tls.renew`)).json).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
