import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../src/constants.js';
import { fakeHost, MOUNT, type FakeHost } from '../fakes/fake-host.js';
import { b64, operatorCa } from '../helpers/tls-fixtures.js';

// The audit trail through the API on the fake runtime: the route hook (every write route, with
// the caller's identity, parameters without secrets and the outcome), the module's own actions,
// GET /audit's filters and permissions, and retention.
const ADMIN = 'admin-token-for-fake-host-0123456789';
const READER = 'read-token-for-fake-host-0123456789';
const logLines: string[] = [];
let h: FakeHost;
beforeAll(async () => {
  h = await fakeHost({ host: { logger: { level: 'debug', stream: { write: (line: string) => { logLines.push(line); } } } } });
});
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);
const audit = async (query = '') => {
  const res = await h.api('GET', `/audit${query}`, undefined, { as: 'read' });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as any[];
};

describe('every write route is recorded by the hook', () => {
  it('a session of create, stop, start, restart and delete: each with the token\'s identity, the instance, the outcome and the address', async () => {
    const row = await h.createRunning({ engine: 'redis', name: `au-${uniq()}` });
    for (const action of ['stop', 'start', 'restart']) expect((await h.api('POST', `/databases/${row.id}/${action}`)).status).toBe(200);
    expect((await h.api('DELETE', `/databases/${row.id}`)).status).toBe(200);
    const records = (await audit(`?instance=${row.id}`)).filter((r) => r.source === 'api').reverse();
    expect(records.map((r) => r.action)).toEqual(['databases.create', 'databases.stop', 'databases.start', 'databases.restart', 'databases.delete']);
    for (const r of records) {
      expect(r).toMatchObject({ actor: 'token:admin', instance_id: row.id, outcome: 'succeeded', error_code: null, address: '127.0.0.1' });
      expect(r.request_id).toBeTruthy();
    }
    expect(records[0]).toMatchObject({ status: 202, method: 'POST', route: '/databases', params: { body: { engine: 'redis', name: row.name } } });
    expect(records[4]).toMatchObject({ status: 200, method: 'DELETE', route: '/databases/:id' });
  });

  it('a reader\'s refused write never reaches its handler, even while the hook records it', async () => {
    const row = await h.createRunning({ engine: 'redis', name: `au-ro-${uniq()}` });
    expect((await h.api('POST', `/databases/${row.id}/stop`, undefined, { as: 'read' })).status).toBe(403);
    expect((await h.api('DELETE', `/databases/${row.id}`, undefined, { as: 'read' })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 100));
    expect((await h.api('GET', `/databases/${row.id}`)).json.status).toBe('running');
    expect(h.runtime.container(`db-${row.name}`)!.state.running).toBe(true);
  });

  it('refusals are recorded too: a reader\'s write (403), bad input (400), a missing instance (404); no token (401) is not', async () => {
    const before = (await audit('?limit=1000')).length;
    expect((await h.api('POST', '/databases/424242/stop', undefined, { as: 'read' })).status).toBe(403);
    expect((await h.api('POST', '/databases', { engine: 'redis', name: 'Bad Name' })).status).toBe(400);
    expect((await h.api('POST', '/databases/424242/stop')).status).toBe(404);
    expect((await h.app.inject({ method: 'POST', url: `${MOUNT}/databases/424242/stop` })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: `${MOUNT}/databases/424242/stop`, headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const records = (await audit('?limit=1000')).slice(0, 3).reverse();
    expect((await audit('?limit=1000')).length).toBe(before + 3);
    expect(records[0]).toMatchObject({ actor: 'token:read', action: 'databases.stop', instance_id: 424242, outcome: 'failed', status: 403, error_code: 'FORBIDDEN' });
    expect(records[1]).toMatchObject({ actor: 'token:admin', action: 'databases.create', instance_id: null, outcome: 'failed', status: 400, error_code: 'BAD_REQUEST' });
    expect(records[2]).toMatchObject({ action: 'databases.stop', status: 404, error_code: 'NOT_FOUND' });
  });

  it('covers each write route of the module, a route added later included: no route needs code of its own', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: `${MOUNT}/openapi.json` })).json();
    const writes = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map((m) => ({ method: m.toUpperCase(), path: p.slice(MOUNT.length) })));
    expect(writes.length).toBeGreaterThanOrEqual(15);
    const since = Math.floor(Date.now() / 1000);
    for (const w of writes) {
      const url = MOUNT + w.path.replace(/\{[a-z_]+\}/gi, (p) => (p === '{id}' ? '424243' : 'xyz1'));
      const res = await h.app.inject({ method: w.method as 'POST', url, headers: { authorization: `Bearer ${READER}` } });
      expect(res.statusCode, `${w.method} ${w.path}`).toBe(403);
    }
    const seen = new Set((await audit(`?since=${since}&limit=1000`)).filter((r) => r.actor === 'token:read').map((r) => `${r.method} ${r.route.replace(/:([a-z_]+)/gi, '{$1}')}`));
    for (const w of writes) expect(seen.has(`${w.method} ${w.path}`), `${w.method} ${w.path} is audited`).toBe(true);
  });

  it('a browser session is named by a tag of its id, never the cookie itself', async () => {
    const { id, session } = h.app.flux.sessions.open('admin');
    const res = await h.app.inject({ method: 'POST', url: `${MOUNT}/databases/424242/stop`, headers: { cookie: `flux_session=${id}`, 'x-csrf-token': session.csrf } });
    expect(res.statusCode).toBe(404);
    const [r] = await audit('?limit=1');
    expect(r.actor).toMatch(/^session:admin:[0-9a-f]{12}$/);
    expect(JSON.stringify(r)).not.toContain(id);
    expect(JSON.stringify(r)).not.toContain(session.csrf);
  });
});

describe('no secret in an audit record or a log line', () => {
  it('passwords, keys, certificates and tokens given to a create with TLS, a user and a rotation are [redacted]', async () => {
    const ca = await operatorCa();
    const leaf = await ca.issue(['localhost', '127.0.0.1']);
    const row = await h.createRunning({ engine: 'postgresql', name: `au-sec-${uniq()}`, tls_enabled: true, tls_cert: b64(leaf.cert), tls_key: b64(leaf.key) });
    const userPassword = `User-Pass-${uniq()}-${uniq()}`;
    const rotatePassword = `Rotate-Pass-${uniq()}-${uniq()}`;
    // The fake runtime has no engine: these fail at the engine, which is recorded with the code.
    await h.api('POST', `/databases/${row.id}/users`, { username: 'app_reader', password: userPassword, role: 'readonly' });
    await h.api('POST', `/databases/${row.id}/credentials/rotate`, { password: rotatePassword });
    const replaced = await ca.issue(['localhost']);
    await h.api('POST', `/databases/${row.id}/stop`);
    expect((await h.api('PUT', `/databases/${row.id}/tls`, { tls_cert: b64(replaced.cert), tls_key: b64(replaced.key) })).status).toBe(200);
    const admin = (await h.api('GET', `/databases/${row.id}/connection-string`)).json.password as string;

    const records = await audit(`?instance=${row.id}`);
    expect(records.map((r) => r.action)).toEqual(expect.arrayContaining(['databases.create', 'databases.users.create', 'databases.credentials.rotate', 'databases.tls.update']));
    const create = records.find((r) => r.action === 'databases.create');
    expect(create.params.body).toMatchObject({ tls_enabled: true, tls_cert: '[redacted]', tls_key: '[redacted]' });
    expect(records.find((r) => r.action === 'databases.users.create').params.body).toMatchObject({ username: 'app_reader', role: 'readonly', password: '[redacted]' });
    const everything = JSON.stringify(records) + logLines.join('\n');
    const keyBody = (pem: string) => pem.split('\n')[1]!;
    for (const secret of [userPassword, rotatePassword, admin, ADMIN, READER, b64(leaf.key), keyBody(leaf.key), keyBody(replaced.key), b64(leaf.cert).slice(0, 64)]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('the module\'s own actions', () => {
  it('a reconciler change and an alert are recorded as system', async () => {
    const row = await h.createRunning({ engine: 'redis', name: `au-sys-${uniq()}` });
    h.runtime.die(`db-${row.name}`);
    const report = await h.app.flux.services.reconciler.run();
    expect(report.changes.map((c) => c.id)).toContain(row.id);
    await h.app.flux.services.alerts.raise(row.id, 'backup_failed', 'critical', 'scheduled backup failed: disk full');
    const records = await audit(`?instance=${row.id}`);
    const change = records.find((r) => r.action === 'reconcile.change');
    expect(change).toMatchObject({ actor: 'system', source: 'system', outcome: 'succeeded', address: null, params: { from: 'running', to: 'running' } });
    expect(records.find((r) => r.action === 'alerts.fire')).toMatchObject({ actor: 'system', params: { rule: 'backup_failed', severity: 'critical' } });
    expect((await audit('?action=reconcile.change&limit=1000')).every((r) => r.action === 'reconcile.change')).toBe(true);
  });

  it('a scheduled backup is recorded as system with its snapshot and outcome', async () => {
    const row = await h.createRunning({ engine: 'postgresql', name: `au-bk-${uniq()}` });
    const policy = { schedule: '0 3 * * *', keep_last: 1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, verify: false };
    expect((await h.api('PUT', `/databases/${row.id}/backup-policy`, policy)).status).toBe(200);
    await h.app.flux.services.backups.policies.run(row.id, new AbortController().signal).catch(() => undefined);
    const [scheduled] = await audit(`?instance=${row.id}&action=backups.scheduled`);
    expect(scheduled).toMatchObject({ actor: 'system', source: 'system', instance_id: row.id });
    const snapshot = (await h.api('GET', `/databases/${row.id}/snapshots`)).json.snapshots.find((s: any) => s.id === scheduled.params.snapshot_id);
    expect(snapshot, JSON.stringify(scheduled)).toBeDefined();
    expect(scheduled.outcome).toBe(snapshot.status === 'completed' ? 'succeeded' : 'failed');
    if (scheduled.outcome === 'failed') expect(scheduled.error_code).toBe('BACKUP_FAILED');
  });
});

describe('GET /audit', () => {
  it('filters by instance, action and time, newest first; checks its query; needs a token', async () => {
    const all = await audit('?limit=1000');
    expect(all.length).toBeGreaterThan(5);
    expect([...all].sort((a, b) => b.id - a.id).map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(await audit('?limit=2')).toHaveLength(2);
    // Pages: each starts below the last id of the one before; together they are the whole trail, once each.
    const paged: any[] = [];
    for (let page = await audit('?limit=3'); page.length; page = await audit(`?limit=3&before=${page.at(-1).id}`)) {
      expect(page.length).toBeLessThanOrEqual(3);
      paged.push(...page);
    }
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    const [first] = await audit(`?action=${all[1].action}&before=${all[0].id}&limit=1`);
    expect(first.id).toBeLessThan(all[0].id);
    expect(first.action).toBe(all[1].action);
    expect(await audit(`?since=${Math.floor(Date.now() / 1000) + 3600}`)).toEqual([]);
    for (const bad of ['?limit=0', '?limit=5000', '?action=DROP%20TABLE', '?instance=abc', '?since=-1', '?actor=me', '?before=0', '?before=1;DROP']) {
      expect((await h.api('GET', `/audit${bad}`, undefined, { as: 'read' })).status, bad).toBe(400);
    }
    expect((await h.app.inject({ method: 'GET', url: `${MOUNT}/audit` })).statusCode).toBe(401);
    // Reading the trail is not a write: it leaves no record of its own.
    expect((await audit('?limit=1000')).length).toBe(all.length);
  });

  it('retention deletes records older than FLUX_DATABASES_AUDIT_RETENTION_DAYS in batches and records that it did', async () => {
    const { db } = h.app.flux.ctx;
    const old = new Date(Date.now() - 400 * 86_400_000);
    const recent = (await audit('?limit=1000')).length;
    await sql`INSERT INTO ${sql.table(TABLES.audit)} (at, actor, source, action, outcome)
      SELECT ${old}::timestamptz, 'token:admin', 'api', 'old.action', 'succeeded' FROM generate_series(1, 2500)`.execute(db);
    expect(await h.app.flux.services.audit.prune()).toBe(2500);
    expect(await audit('?action=old.action')).toEqual([]);
    const [last] = await audit('?action=audit.retention');
    expect(last).toMatchObject({ actor: 'system', params: { deleted: 2500 } });
    expect((await audit('?limit=1000')).length).toBe(recent + 1);
  });
});

describe('a failing audit store', () => {
  it('never fails the action it records; the failure is logged without the parameters', async () => {
    const lines: string[] = [];
    const other = await fakeHost({ host: { logger: { level: 'warn', stream: { write: (l: string) => { lines.push(l); } } } } });
    try {
      await sql`DROP TABLE ${sql.table(TABLES.audit)}`.execute(other.app.flux.ctx.db);
      const row = await other.createRunning({ engine: 'redis', name: `au-fail-${uniq()}` });
      expect((await other.api('POST', `/databases/${row.id}/stop`)).status).toBe(200);
      expect(lines.some((l) => /audit record not written/.test(l) && /databases\.stop/.test(l))).toBe(true);
    } finally {
      await other.close();
    }
  });
});
