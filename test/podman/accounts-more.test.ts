import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influx, logCapture, psql, sampleProcesses, type Where } from './helpers/account-clients.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// InfluxDB 1.6 (InfluxQL over HTTP), H2 (its PostgreSQL-protocol port) and ClickHouse 18.16
// (inner databases only: no SQL users before 20.x), proven with influx, psql and
// clickhouse-client; DuckDB says it has none of these.

const run = promisify(execFile);
const wanted = (e: string) => !process.env.ENGINES || process.env.ENGINES.split(',').includes(e);
const log = logCapture();
const secrets: string[] = [];
let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule({}, undefined, { logger: log.logger }); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

async function create(engine: string): Promise<{ id: number; c: Record<string, any> }> {
  const res = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `acc-${engine}-${randomBytes(3).toString('hex')}`, sku: engine === 'clickhouse' ? 'b2' : 'b1' });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await m.waitFor(res.body.id, ['running']);
  const c = (await m.api('GET', `/databases/${res.body.id}/connection-string`)).body;
  secrets.push(c.password);
  return { id: res.body.id, c };
}

/** Resolves once something listens on host:port (H2's PostgreSQL port opens a moment after the TCP port readiness probes). */
async function listening(host: string, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rotateChecked(id: number, works: (password: string) => Promise<boolean>, old: string, afterRestart = async () => {}): Promise<string> {
  const ps = sampleProcesses();
  const res = await m.api('POST', `/databases/${id}/credentials/rotate`);
  const argv = await ps.stop();
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const next = res.body.password as string;
  secrets.push(next);
  for (const line of argv) for (const s of [old, next]) expect(line).not.toContain(s);
  expect(await works(old), 'old password refused').toBe(false);
  expect(await works(next), 'new password accepted').toBe(true);
  expect((await m.api('POST', `/databases/${id}/restart`)).status).toBe(200);
  await afterRestart();
  expect(await works(old), 'old password refused after a restart').toBe(false);
  expect(await works(next), 'new password accepted after a restart').toBe(true);
  return next;
}

const CASES: Record<string, [string, () => Promise<void>]> = {};

CASES.influxdb = ['InfluxDB 1.6 rotates, makes users with grants and databases the influx shell sees', async () => {
  const { id, c } = await create('influxdb');
  const w: Where = { host: c.host, port: c.port, database: c.database };
  const ok = async (user: string, pw: string, q = 'SHOW DATABASES', db = w.database) => (await influx(w, user, pw, q, db)).ok;
  const pw = await rotateChecked(id, (p) => ok(c.username, p), c.password);

  const inner = `inner_${randomBytes(2).toString('hex')}`;
  expect((await m.api('POST', `/databases/${id}/databases`, { name: inner })).status).toBe(201);
  expect((await influx(w, c.username, pw, 'SHOW DATABASES')).out).toContain(inner);
  expect((await ok(c.username, pw, 'INSERT cpu v=1'))).toBe(true);

  const ro = (await m.api('POST', `/databases/${id}/users`, { username: 'influx_ro', role: 'readonly' })).body;
  const rw = (await m.api('POST', `/databases/${id}/users`, { username: 'influx_rw', role: 'readwrite' })).body;
  secrets.push(ro.password, rw.password);
  expect(await ok('influx_ro', ro.password, 'SELECT * FROM cpu')).toBe(true);
  const write = await influx(w, 'influx_ro', ro.password, 'INSERT cpu v=2');
  expect(write.out, 'a readonly user cannot write').toMatch(/not authorized|authorization/i);
  expect(await ok('influx_rw', rw.password, 'INSERT cpu v=3')).toBe(true);
  expect((await influx(w, 'influx_rw', rw.password, 'SELECT count(v) FROM cpu')).out).toMatch(/,2\s*$/m);

  expect((await m.api('DELETE', `/databases/${id}/users/influx_ro`)).status).toBe(200);
  expect(await ok('influx_ro', ro.password)).toBe(false);
  expect((await m.api('DELETE', `/databases/${id}/databases/${inner}?confirm=${inner}`)).status).toBe(200);
  expect((await influx(w, c.username, pw, 'SHOW DATABASES')).out).not.toContain(inner);
}];

CASES.h2 = ['H2 rotates over its PostgreSQL-protocol port and makes users with grants psql sees', async () => {
  const { id, c } = await create('h2');
  const w: Where = { host: c.host, port: c.ports.pg, database: c.database };
  const ok = async (user: string, pw: string, sql = 'SELECT 1') => (await psql(w, user, pw, sql)).ok;
  const pw = await rotateChecked(id, (p) => ok(c.username, p), c.password, () => listening(w.host, w.port));

  expect(await ok(c.username, pw, 'CREATE TABLE notes (v VARCHAR(64)); INSERT INTO notes VALUES (\'admin\')')).toBe(true);
  const ro = (await m.api('POST', `/databases/${id}/users`, { username: 'h2_ro', role: 'readonly' })).body;
  const rw = (await m.api('POST', `/databases/${id}/users`, { username: 'h2_rw', role: 'readwrite' })).body;
  secrets.push(ro.password, rw.password);
  expect((await psql(w, 'h2_ro', ro.password, 'SELECT v FROM notes')).out).toContain('admin');
  expect(await ok('h2_ro', ro.password, 'INSERT INTO notes VALUES (\'ro\')'), 'a readonly user cannot write').toBe(false);
  expect(await ok('h2_rw', rw.password, 'INSERT INTO notes VALUES (\'rw\')')).toBe(true);
  const users = (await m.api('GET', `/databases/${id}/users`)).body;
  expect(users.drift).toEqual({ engine_only: [], module_only: [] });
  expect((await m.api('DELETE', `/databases/${id}/users/h2_ro`)).status).toBe(200);
  expect(await ok('h2_ro', ro.password)).toBe(false);

  const db = await m.api('POST', `/databases/${id}/databases`, { name: 'other' });
  expect(db.status).toBe(400);
  expect(db.body.message).toMatch(/H2 Database has no inner databases: one database per file/);
}];

CASES.clickhouse = ['ClickHouse 18.16 creates and drops databases clickhouse-client lists, and says rotation and users are declared only', async () => {
  const { id, c } = await create('clickhouse');
  const cmd = c.commands['clickhouse-client'];
  const show = async () => (await run(cmd.argv[0], [...cmd.argv.slice(1), '--query', 'SHOW DATABASES'])).stdout.split('\n');
  expect((await m.api('POST', `/databases/${id}/databases`, { name: 'events' })).status).toBe(201);
  expect(await show()).toContain('events');
  const listed = (await m.api('GET', `/databases/${id}/databases`)).body;
  expect(listed.databases.find((d: { name: string }) => d.name === 'system')).toMatchObject({ system: true });
  expect((await m.api('DELETE', `/databases/${id}/databases/system?confirm=system`)).status).toBe(400);
  expect((await m.api('DELETE', `/databases/${id}/databases/events?confirm=events`)).status).toBe(200);
  expect(await show()).not.toContain('events');

  const rotate = await m.api('POST', `/databases/${id}/credentials/rotate`);
  expect(rotate.status).toBe(501);
  expect(rotate.body.message).toMatch(/18\.16 has no SQL user management/);
  expect((await m.api('POST', `/databases/${id}/users`, { username: 'ch_ro', role: 'readonly' })).status).toBe(501);
}];

CASES.duckdb = ['DuckDB says it has no passwords, users or inner databases, and changes nothing', async () => {
  const { id } = await create('duckdb');
  for (const [method, url, body] of [
    ['POST', `/databases/${id}/credentials/rotate`, {}], ['POST', `/databases/${id}/users`, { username: 'x_user', role: 'readonly' }],
    ['GET', `/databases/${id}/users`, undefined], ['POST', `/databases/${id}/databases`, { name: 'other' }],
  ] as const) {
    const res = await m.api(method, url, body);
    expect(res.status, `${method} ${url}`).toBe(400);
    expect(res.body.message).toMatch(/^DuckDB has no/);
  }
}];

describe.each(Object.keys(CASES).filter(wanted))('%s', (engine) => {
  it(CASES[engine]![0], CASES[engine]![1]);
});

describe('the module\'s log', () => {
  it('holds no secret', () => {
    for (const line of log.lines) for (const s of secrets) if (s) expect(line).not.toContain(s);
  });
});
