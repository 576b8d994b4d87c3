import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recorder, ResponseChecker } from '../helpers/openapi-check.js';
import { bearer } from '../helpers/host.js';
import { ADMIN, READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

/**
 * The instance routes' real answers, on real Podman and real engines (a PostgreSQL container
 * and an embedded DuckDB), validated against the served OpenAPI document: strictly (no field
 * the schema does not name, every required one), and the served body equal to the handler's.
 */
const rec = recorder();
const suffix = randomBytes(3).toString('hex');
const names = { pg: `schema-pg-${suffix}`, duck: `schema-duck-${suffix}` };
let m: ModuleUnderTest;
let check: ResponseChecker;
const ids: Record<'pg' | 'duck', number> = { pg: 0, duck: 0 };

type Method = 'GET' | 'POST' | 'DELETE';
const call = (method: Method, url: string, status: number, token: string | null = ADMIN, payload?: object) =>
  check.call(m.app, { method, url: `/api/modules/databases${url}`, headers: token ? bearer(token) : {}, ...(payload ? { payload } : {}) }, status);
const asBoth = async (url: string, status = 200) => [await call('GET', url, status, ADMIN), await call('GET', url, status, READER)];

beforeAll(async () => {
  m = await startModule({}, undefined, { configure: rec.configure });
  const doc = await m.app.inject('/api/modules/databases/openapi.json');
  expect(doc.statusCode).toBe(200);
  check = new ResponseChecker(doc.json(), rec.answers);
});
afterAll(async () => {
  for (const id of Object.values(ids)) if (id) await m.api('DELETE', `/databases/${id}`);
  await m?.close();
});

describe('instance routes answer what the OpenAPI document says', () => {
  it('creates a PostgreSQL and a DuckDB instance (202), refusing bad input, a reader and a taken name', async () => {
    await call('POST', '/databases', 403, READER, { engine: 'postgresql', name: names.pg });
    await call('POST', '/databases', 400, ADMIN, { engine: 'postgresql', name: 'Bad Name' });
    await call('POST', '/databases', 400, ADMIN, { engine: 'postgresql', name: names.pg, sku: 'zz9' });
    const pgCreated = await call('POST', '/databases', 202, ADMIN, { engine: 'postgresql', name: names.pg, version: STANDIN_VERSIONS.postgresql, sku: 'b1' });
    ids.pg = pgCreated.json().id;
    const duckCreated = await call('POST', '/databases', 202, ADMIN, { engine: 'duckdb', name: names.duck, sku: 'b1' });
    ids.duck = duckCreated.json().id;
    const taken = await call('POST', '/databases', 409, ADMIN, { engine: 'postgresql', name: names.pg, sku: 'b1' });
    expect(taken.json().error).toBe('CONFLICT');
    // Views while the creates run: creating, with progress.
    await asBoth(`/databases/${ids.pg}`);
    await m.waitFor(ids.pg, ['running']);
    await m.waitFor(ids.duck, ['running']);
  });

  it('lists and shows both, as admin and as reader', async () => {
    const [list] = await asBoth('/databases');
    expect(list!.json().map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining([names.pg, names.duck]));
    for (const id of Object.values(ids)) {
      const [one] = await asBoth(`/databases/${id}`);
      expect(one!.json()).toMatchObject({ status: 'running', limits_enforced: { storage: 'monitored' } });
    }
  });

  it('serves logs, stats, inspect and the connection string of the PostgreSQL instance', async () => {
    const [logs] = await asBoth(`/databases/${ids.pg}/logs?lines=50`);
    expect(logs!.json().entries.length).toBeGreaterThan(0);
    await call('GET', `/databases/${ids.pg}/logs?lines=20&level=info&since=${Math.floor(Date.now() / 1000) - 3600}`, 200, READER);
    await call('GET', `/databases/${ids.pg}/logs?level=loud`, 400, READER);
    const [stats] = await asBoth(`/databases/${ids.pg}/stats`);
    expect(stats!.json().pids).toBeGreaterThan(0);
    const [inspect] = await asBoth(`/databases/${ids.pg}/inspect`);
    expect(inspect!.json().container.host_config.capDrop.length).toBeGreaterThan(0);
    const [admin, reader] = await asBoth(`/databases/${ids.pg}/connection-string`);
    expect(admin!.json().password).toEqual(expect.any(String));
    expect(reader!.json()).not.toHaveProperty('password');
    const conn = admin!.json();
    const client = new pg.Client({ connectionString: conn.connection_string });
    await client.connect();
    try { expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]); } finally { await client.end(); }
  });

  it('serves what an embedded DuckDB instance has, and 409 for what it has not', async () => {
    const [logs] = await asBoth(`/databases/${ids.duck}/logs`);
    expect(logs!.json()).toEqual({ entries: [] });
    for (const what of ['stats', 'inspect']) {
      const res = await call('GET', `/databases/${ids.duck}/${what}`, 409, READER);
      expect(res.json().error).toBe('CONFLICT');
    }
    const [conn] = await asBoth(`/databases/${ids.duck}/connection-string`);
    expect(conn!.json()).toMatchObject({ engine: 'duckdb', host: null, port: null, path: expect.stringMatching(/\.duckdb$/) });
  });

  it('serves both instances\' metrics: the current sample and the series, with units', async () => {
    await m.app.flux.services.metrics.collectAll();
    await m.app.flux.services.metrics.collectAll();
    const [pgMetrics] = await asBoth(`/databases/${ids.pg}/metrics?range=1h`);
    expect(pgMetrics!.json().current.figures).toMatchObject({ connections: expect.any(Number), commits_per_second: expect.any(Number) });
    expect(pgMetrics!.json().series.find((s: { metric: string }) => s.metric === 'cpu_percent')).toMatchObject({ unit: 'percent' });
    const [duckMetrics] = await asBoth(`/databases/${ids.duck}/metrics`);
    expect(duckMetrics!.json()).toMatchObject({ range: '24h', current: { figures: { tables: 0 } } });
    await call('GET', `/databases/${ids.pg}/metrics?range=2y`, 400, READER);
  });

  it('serves the data browser of both as the document says: tables, a table\'s schema, its rows', async () => {
    const conn = (await call('GET', `/databases/${ids.pg}/connection-string`, 200)).json();
    const client = new pg.Client({ connectionString: conn.connection_string });
    await client.connect();
    try {
      await client.query("CREATE TABLE IF NOT EXISTS browsed (id bigint PRIMARY KEY, note text, raw bytea, at timestamptz); INSERT INTO browsed VALUES (1, 'a', '\\x00', now()) ON CONFLICT DO NOTHING");
    } finally { await client.end(); }
    for (const id of Object.values(ids)) {
      const [tables] = await asBoth(`/databases/${id}/tables`);
      expect(tables!.json()).toHaveProperty('objects');
    }
    await asBoth(`/databases/${ids.pg}/tables/browsed/schema`);
    const [rows] = await asBoth(`/databases/${ids.pg}/tables/public.browsed/data?limit=5&order=id:desc`);
    expect(rows!.json().rows[0].slice(0, 3)).toEqual(['1', 'a', 'AA==']);
    await call('GET', `/databases/${ids.pg}/tables/nosuch/schema`, 404, READER);
    await call('GET', `/databases/${ids.pg}/tables/a%3Bb/data`, 400, READER);
  });

  it('stops, starts and restarts both with the real outcome', async () => {
    for (const id of Object.values(ids)) {
      await call('POST', `/databases/${id}/stop`, 403, READER);
      expect((await call('POST', `/databases/${id}/stop`, 200)).json().instance.status).toBe('stopped');
      expect((await call('POST', `/databases/${id}/start`, 200)).json().instance.status).toBe('running');
      expect((await call('POST', `/databases/${id}/restart`, 200)).json().instance.status).toBe('running');
    }
  });

  it('reconciles, refuses to remove an instance\'s container as an orphan, and answers 404 and 400', async () => {
    const report = await call('POST', '/reconcile', 200);
    expect(report.json().checked).toBeGreaterThanOrEqual(2);
    await call('POST', '/reconcile', 403, READER);
    await call('DELETE', `/orphans/db-${names.pg}`, 409);
    await call('DELETE', `/orphans/db-none-${suffix}`, 404);
    await call('DELETE', '/orphans/x', 400);
    for (const url of ['', '/logs', '/stats', '/inspect', '/connection-string']) await call('GET', `/databases/2147480000${url}`, 404, READER);
    for (const action of ['start', 'stop', 'restart']) await call('POST', `/databases/2147480000/${action}`, 404);
    await call('GET', `/databases/${ids.pg}/stats?x=1`, 400, READER);
    await call('GET', '/databases/2147480000/metrics', 404, READER);
    await call('GET', `/databases/${ids.pg}`, 401, null);
  });

  it('deletes both (200), then answers 404', async () => {
    await call('DELETE', `/databases/${ids.pg}`, 403, READER);
    for (const key of ['pg', 'duck'] as const) {
      await call('DELETE', `/databases/${ids[key]}`, 200);
      await call('DELETE', `/databases/${ids[key]}`, 404);
      ids[key] = 0;
    }
  });

  it('checked every instance route of the document', () => {
    const wanted = ['GET /api/modules/databases/databases 200', 'POST /api/modules/databases/databases 202',
      'GET /api/modules/databases/databases/{id} 200', 'DELETE /api/modules/databases/databases/{id} 200',
      ...['start', 'stop', 'restart'].map((a) => `POST /api/modules/databases/databases/{id}/${a} 200`),
      ...['logs', 'stats', 'inspect', 'connection-string', 'metrics'].map((r) => `GET /api/modules/databases/databases/{id}/${r} 200`),
      'POST /api/modules/databases/reconcile 200', 'DELETE /api/modules/databases/orphans/{name} 409'];
    for (const key of wanted) expect(check.checked.has(key), key).toBe(true);
    for (const r of ['tables', 'tables/{name}/schema', 'tables/{name}/data']) expect(check.checked.has(`GET /api/modules/databases/databases/{id}/${r} 200`), r).toBe(true);
  });
});
