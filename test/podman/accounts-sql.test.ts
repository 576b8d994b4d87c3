import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_NAMES, logCapture, mysqlClient, psql, sampleProcesses, type ClientRun, type Where } from './helpers/account-clients.js';
import { bearer } from '../helpers/host.js';
import { recorder, ResponseChecker } from '../helpers/openapi-check.js';
import { ADMIN, READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Rotation, users and inner databases inside the real engines, proven with their stock clients
// (psql, mysql, mariadb) run on the host with the password in their environment.

interface SqlEngine {
  /** Runs one statement as `user` with the engine's stock client; `database` null: none. */
  exec(w: Where, user: string, password: string, sql: string, database?: string | null): Promise<ClientRun>;
  databases: string;
  users: string;
  table: (name: string) => string;
  /** Who sees every database: the admin itself, or root (MySQL's instance user sees only its own). */
  lister?: string;
}
const pg: SqlEngine = {
  exec: (w, u, p, sql, db) => psql(w, u, p, sql, { database: db ?? w.database }),
  databases: 'SELECT datname FROM pg_database', users: 'SELECT rolname FROM pg_roles ORDER BY 1', table: (t) => `CREATE TABLE ${t} (v text)`,
};
const my = (bin: 'mysql' | 'mariadb'): SqlEngine => ({
  exec: (w, u, p, sql, db) => mysqlClient(bin, w, u, p, sql, db === undefined ? w.database : db),
  databases: 'SHOW DATABASES', users: 'SELECT User, Host FROM mysql.user ORDER BY 1, 2', table: (t) => `CREATE TABLE ${t} (v varchar(64))`, lister: 'root',
});
const ENGINES: Record<string, SqlEngine> = { postgresql: pg, timescaledb: pg, mariadb: my('mariadb'), mysql: my('mysql') };
const only = process.env.ENGINES?.split(',');
const LIST = Object.keys(ENGINES).filter((e) => !only || only.includes(e));

const log = logCapture();
const rec = recorder();
let m: ModuleUnderTest;
let check: ResponseChecker;
beforeAll(async () => {
  m = await startModule({}, undefined, { logger: log.logger, configure: rec.configure });
  check = new ResponseChecker((await m.app.inject('/api/modules/databases/openapi.json')).json(), rec.answers);
});
/** An API call whose real answer is checked strictly against the served OpenAPI document. */
async function api(method: 'GET' | 'POST' | 'DELETE', url: string, body?: object, token = ADMIN): Promise<{ status: number; body: any }> {
  const res = await check.call(m.app, { method, url: `/api/modules/databases${url}`, headers: bearer(token), ...(body ? { payload: body } : {}) });
  return { status: res.statusCode, body: res.json() };
}
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

describe.each(LIST)('%s', (engine) => {
  const e = ENGINES[engine]!;
  const sfx = randomBytes(3).toString('hex');
  let id: number;
  let w: Where;
  let user: string;
  let oldPassword: string;
  let newPassword: string;
  const secrets: string[] = [];

  it('rotates the admin password inside the engine: the old one is refused, the new one works, also after a restart', async () => {
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `acc-${engine}-${sfx}`, sku: 'b1' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    id = created.body.id;
    await m.waitFor(id, ['running']);
    const c = (await api('GET', `/databases/${id}/connection-string`)).body;
    w = { host: c.host, port: c.port, database: c.database };
    user = c.username;
    oldPassword = c.password;
    secrets.push(oldPassword);
    expect((await e.exec(w, user, oldPassword, 'SELECT 1')).ok).toBe(true);

    const ps = sampleProcesses();
    const rotated = await api('POST', `/databases/${id}/credentials/rotate`);
    const argv = await ps.stop();
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    newPassword = rotated.body.password;
    secrets.push(newPassword);
    expect(newPassword).not.toBe(oldPassword);
    expect(rotated.body.connection.password).toBe(newPassword);
    expect(rotated.body.grace_until).toBeNull();
    for (const line of argv) for (const s of [oldPassword, newPassword]) expect(line, 'no password in any process argv during the rotation').not.toContain(s);

    expect((await e.exec(w, user, oldPassword, 'SELECT 1')).ok, 'old password refused').toBe(false);
    expect((await e.exec(w, user, newPassword, 'SELECT 1')).ok, 'new password accepted').toBe(true);
    if (e.lister) {
      expect((await e.exec(w, e.lister, oldPassword, 'SELECT 1', null)).ok, `old password refused for ${e.lister}`).toBe(false);
      expect((await e.exec(w, e.lister, newPassword, 'SELECT 1', null)).ok, `new password accepted for ${e.lister}`).toBe(true);
    }
    expect((await api('GET', `/databases/${id}/connection-string`)).body.password).toBe(newPassword);

    const restarted = await api('POST', `/databases/${id}/restart`);
    expect(restarted.status, JSON.stringify(restarted.body)).toBe(200);
    expect((await e.exec(w, user, oldPassword, 'SELECT 1')).ok, 'old password refused after a restart').toBe(false);
    expect((await e.exec(w, user, newPassword, 'SELECT 1')).ok, 'new password accepted after a restart').toBe(true);
  });

  it('offers no grace period this engine cannot hold, and changes nothing', async () => {
    const res = await api('POST', `/databases/${id}/credentials/rotate`, { grace_seconds: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.message).toMatch(/cannot keep the old password/);
    expect((await e.exec(w, user, newPassword, 'SELECT 1')).ok).toBe(true);
  });

  it('creates an inner database that the engine lists, and drops it only with its name confirmed', async () => {
    const name = `inner_${sfx}`;
    const created = await api('POST', `/databases/${id}/databases`, { name });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const listed = await e.exec(w, e.lister ?? user, newPassword, e.databases, null);
    expect(listed.out.split('\n').map((l) => l.trim())).toContain(name);
    const view = (await api('GET', `/databases/${id}/databases`, undefined, READER)).body;
    expect(view.databases.find((d: { name: string }) => d.name === name)).toMatchObject({ in_engine: true, in_module: true });
    expect(view.databases.find((d: { name: string }) => d.name === w.database)).toMatchObject({ instance_database: true });

    expect((await api('DELETE', `/databases/${id}/databases/${name}?confirm=other_name`)).status).toBe(400);
    expect((await api('DELETE', `/databases/${id}/databases/${w.database}?confirm=${w.database}`)).status).toBe(400);
    expect((await e.exec(w, e.lister ?? user, newPassword, e.databases, null)).out).toContain(name);
    const dropped = await api('DELETE', `/databases/${id}/databases/${name}?confirm=${name}`);
    expect(dropped.status, JSON.stringify(dropped.body)).toBe(200);
    expect((await e.exec(w, e.lister ?? user, newPassword, e.databases, null)).out.split('\n').map((l) => l.trim())).not.toContain(name);
  });

  it('a readonly user reads and cannot write; a readwrite user writes; deleting one locks it out', async () => {
    expect((await e.exec(w, user, newPassword, e.table('before_users'))).ok).toBe(true);
    const ro = await api('POST', `/databases/${id}/users`, { username: `ro_${sfx}`, role: 'readonly' });
    expect(ro.status, JSON.stringify(ro.body)).toBe(201);
    const rw = await api('POST', `/databases/${id}/users`, { username: `rw_${sfx}`, role: 'readwrite', password: `Chosen-Passw0rd-${sfx}` });
    expect(rw.status, JSON.stringify(rw.body)).toBe(201);
    expect(rw.body.password, 'a chosen password is never echoed').toBeUndefined();
    const roPassword = ro.body.password as string;
    const rwPassword = `Chosen-Passw0rd-${sfx}`;
    secrets.push(roPassword, rwPassword);
    expect((await e.exec(w, user, newPassword, e.table('after_users'))).ok).toBe(true);
    expect((await e.exec(w, user, newPassword, "INSERT INTO before_users VALUES ('admin')")).ok).toBe(true);

    for (const t of ['before_users', 'after_users']) {
      expect((await e.exec(w, `ro_${sfx}`, roPassword, `SELECT count(*) FROM ${t}`)).ok, `readonly reads ${t}`).toBe(true);
      const write = await e.exec(w, `ro_${sfx}`, roPassword, `INSERT INTO ${t} VALUES ('ro')`);
      expect(write.ok, `readonly cannot write ${t}`).toBe(false);
      expect(write.out).toMatch(/denied|permission/i);
      expect((await e.exec(w, `rw_${sfx}`, rwPassword, `INSERT INTO ${t} VALUES ('rw')`)).ok, `readwrite writes ${t}`).toBe(true);
    }

    const users = (await api('GET', `/databases/${id}/users`, undefined, READER)).body;
    const names = users.users.map((u: { username: string }) => u.username);
    expect(names).toEqual(expect.arrayContaining([user, `ro_${sfx}`, `rw_${sfx}`]));
    expect(users.users.find((u: { username: string }) => u.username === `ro_${sfx}`)).toMatchObject({ role: 'readonly', in_engine: true, in_module: true });
    expect(users.drift.module_only).toEqual([]);

    expect((await api('DELETE', `/databases/${id}/users/${user}`)).status, 'the admin is never deleted').toBe(400);
    expect((await api('DELETE', `/databases/${id}/users/ro_${sfx}`)).status).toBe(200);
    expect((await e.exec(w, `ro_${sfx}`, roPassword, 'SELECT 1')).ok, 'a deleted user cannot sign in').toBe(false);
    expect((await e.exec(w, user, newPassword, 'SELECT 1')).ok).toBe(true);
  });

  it('rotates a user\'s password too', async () => {
    const res = await api('POST', `/databases/${id}/credentials/rotate`, { username: `rw_${sfx}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ username: `rw_${sfx}`, instance_admin: false });
    secrets.push(res.body.password);
    expect((await e.exec(w, `rw_${sfx}`, `Chosen-Passw0rd-${sfx}`, 'SELECT 1')).ok).toBe(false);
    expect((await e.exec(w, `rw_${sfx}`, res.body.password, 'SELECT 1')).ok).toBe(true);
  });

  it('refuses hostile names on every route with a 400, and the engine\'s users and databases stay as they were', async () => {
    const state = async () => [await e.exec(w, e.lister ?? user, newPassword, e.users, null), await e.exec(w, e.lister ?? user, newPassword, e.databases, null)].map((r) => r.out);
    const before = await state();
    const enc = encodeURIComponent;
    for (const name of HOSTILE_NAMES) {
      for (const [method, url, body] of [
        ['POST', `/databases/${id}/users`, { username: name, role: 'readonly' }], ['POST', `/databases/${id}/users`, { username: `x_${sfx}`, role: 'readonly', databases: [name] }],
        ['DELETE', `/databases/${id}/users/${enc(name)}`, undefined], ['POST', `/databases/${id}/databases`, { name }],
        ['DELETE', `/databases/${id}/databases/${enc(name)}?confirm=${enc(name)}`, undefined], ['POST', `/databases/${id}/credentials/rotate`, { username: name }],
      ] as const) {
        const res = await m.api(method, url, body);
        expect(res.status === 400 || (res.status === 404 && /^no route/.test(res.body.message)), `${method} ${url} ${JSON.stringify(body)}: ${res.status}`).toBe(true);
      }
    }
    expect(await state()).toEqual(before);
  });

  it('wrote no secret to any log line', () => {
    expect(log.lines.length).toBeGreaterThan(0);
    for (const line of log.lines) for (const s of secrets) expect(line).not.toContain(s);
  });
});
