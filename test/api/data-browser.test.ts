import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';
import { memoryLogger } from '../helpers/logger.js';

// The data browser's routes on the fake runtime: DuckDB runs in-process for real here, the
// container engines are unreachable (nothing listens on their ports). Validation, permissions,
// and that hostile input changes nothing.
let h: FakeHost;
let duck: any;
let pg: any;
let file: string;
const log = memoryLogger();

async function duckdb(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(file);
  try {
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(sql)).getRowsJson();
    conn.closeSync();
    return rows;
  } finally {
    db.closeSync();
  }
}

beforeAll(async () => {
  h = await fakeHost();
  (h.app.flux.services.instances.support.deps as { logger: unknown }).logger = log;
  duck = await h.createRunning({ engine: 'duckdb', name: 'browse-duck' });
  pg = await h.createRunning({ engine: 'postgresql', name: 'browse-pg' });
  file = (await h.api('GET', `/databases/${duck.id}/connection-string`)).json.path;
  await duckdb(`CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, big BIGINT, blob BLOB, seen TIMESTAMP, note VARCHAR DEFAULT 'x');
    INSERT INTO users VALUES (1, 'ada', 9007199254740993, '\\x00\\xFF'::BLOB, TIMESTAMP '2024-01-02 03:04:05.123456', repeat('y', 3000)),
      (2, 'bob', NULL, NULL, NULL, NULL), (3, 'cy', -1, NULL, NULL, 'z');
    CREATE VIEW grown AS SELECT id, name FROM users WHERE id > 1;`);
}, 120_000);
afterAll(() => h?.close());

const HOSTILE_NAMES = [
  "users;DROP TABLE users", "users'--", 'us"ers', '../../etc/passwd', '..', 'a b', 'x'.repeat(200), 'users\u0000', '$(id)', '`id`',
  'main.users.extra', '1users', 'users/**/', 'users%', 'ü', 'a\nb', 'main.', '.users',
];

describe('data browser routes', () => {
  it('lists, describes and samples a DuckDB file for a reader', async () => {
    const tables = await h.api('GET', `/databases/${duck.id}/tables`, undefined, { as: 'read' });
    expect(tables.status, JSON.stringify(tables.json)).toBe(200);
    expect(tables.json.objects.map((o: any) => [o.schema, o.name, o.kind, o.ref])).toEqual([['main', 'grown', 'view', 'grown'], ['main', 'users', 'table', 'users']]);
    const schema = await h.api('GET', `/databases/${duck.id}/tables/main.users/schema`, undefined, { as: 'read' });
    expect(schema.status).toBe(200);
    expect(schema.json.primary_key).toEqual(['id']);
    expect(schema.json.columns.map((c: any) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'INTEGER', false], ['name', 'VARCHAR', false], ['big', 'BIGINT', true], ['blob', 'BLOB', true], ['seen', 'TIMESTAMP', true], ['note', 'VARCHAR', true],
    ]);
    const data = await h.api('GET', `/databases/${duck.id}/tables/users/data?limit=2&order=id:desc`, undefined, { as: 'read' });
    expect(data.status).toBe(200);
    expect(data.json.rows).toEqual([[3, 'cy', '-1', null, null, 'z'], [2, 'bob', null, null, null, null]]);
    const first = (await h.api('GET', `/databases/${duck.id}/tables/users/data?limit=1`)).json;
    expect(first.order).toBe('id:asc');
    expect(first.rows[0].slice(0, 5)).toEqual([1, 'ada', '9007199254740993', Buffer.from([0, 255]).toString('base64'), '2024-01-02T03:04:05.123456']);
    expect(first.rows[0][5]).toBe('y'.repeat(1024));
    expect(first.truncated).toEqual([{ row: 0, column: 'note', length: 3000 }]);
    expect((await h.api('GET', `/databases/${duck.id}/tables/users/data?offset=2`)).json.rows.map((r: any[]) => r[0])).toEqual([3]);
  });

  it('answers 404 for a table the engine does not list, 400 for a key scan on a SQL engine, 409 when stopped', async () => {
    expect((await h.api('GET', `/databases/${duck.id}/tables/nosuch/schema`)).status).toBe(404);
    expect((await h.api('GET', `/databases/${duck.id}/tables/other.users/data`)).status).toBe(404);
    expect((await h.api('GET', `/databases/${duck.id}/tables?pattern=*`)).status).toBe(400);
    expect((await h.api('GET', `/databases/${duck.id}/tables/users/data?order=nosuch`)).json.error).toBe('BAD_REQUEST');
    expect((await h.api('POST', `/databases/${duck.id}/stop`)).status).toBe(200);
    expect((await h.api('GET', `/databases/${duck.id}/tables`)).status).toBe(409);
    expect((await h.api('POST', `/databases/${duck.id}/start`)).status).toBe(200);
  });

  it('refuses hostile names, paging and key-scan values on every route with a 400, and nothing changes', async () => {
    const before = await duckdb('SELECT * FROM users ORDER BY id');
    const problems: string[] = [];
    for (const name of HOSTILE_NAMES) {
      for (const path of [`/tables/${encodeURIComponent(name)}/schema`, `/tables/${encodeURIComponent(name)}/data`]) {
        for (const id of [duck.id, pg.id]) {
          const res = await h.api('GET', `/databases/${id}${path}`);
          if (res.status !== 400 && res.status !== 404) problems.push(`${path} on ${id}: ${res.status}`);
        }
      }
    }
    const queries = ['limit=0', 'limit=1001', 'limit=-1', 'limit=abc', 'offset=-1', 'offset=1e12', 'offset=99999999999', 'order=a;b', 'order=a%20desc',
      'order=id:up', `order=${'a'.repeat(100)}`, 'extra=1', 'limit=1&limit=2'];
    for (const q of queries) {
      const res = await h.api('GET', `/databases/${duck.id}/tables/users/data?${q}`);
      if (res.status !== 400) problems.push(`data?${q}: ${res.status}`);
    }
    for (const q of ['pattern=a%20b', 'pattern=', `pattern=${'*'.repeat(300)}`, 'cursor=abc', 'cursor=-1', 'count=0', 'count=5000', 'extra=1']) {
      const res = await h.api('GET', `/databases/${duck.id}/tables?${q}`);
      if (res.status !== 400) problems.push(`tables?${q}: ${res.status}`);
    }
    expect(problems).toEqual([]);
    expect(await duckdb('SELECT * FROM users ORDER BY id')).toEqual(before);
  });

  it('an unreachable engine is a 502 whose message and log lines hold no password', async () => {
    const { password } = (await h.api('GET', `/databases/${pg.id}/connection-string`)).json;
    for (const path of ['/tables', '/tables/users/schema', '/tables/public.users/data?limit=3']) {
      const res = await h.api('GET', `/databases/${pg.id}${path}`, undefined, { as: 'read' });
      expect(res.status, path).toBe(502);
      expect(res.json.error).toBe('ENGINE_QUERY_FAILED');
      expect(JSON.stringify(res.json)).not.toContain(password);
    }
    expect(log.lines.some((l) => l.includes('browse query failed'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(password);
  });

  it('an engine without a data browser answers 501; no token 401; an unknown instance 404', async () => {
    const mongo = await h.createRunning({ engine: 'mongodb', name: 'browse-mongo' });
    expect((await h.api('GET', `/databases/${mongo.id}/tables`)).status).toBe(501);
    const engines = (await h.api('GET', '/engines')).json;
    expect(engines.find((e: any) => e.engine === 'mongodb').supports_browse).toBe(false);
    expect(engines.filter((e: any) => e.supports_browse).map((e: any) => e.engine).sort()).toEqual(
      ['clickhouse', 'duckdb', 'h2', 'influxdb', 'keydb', 'mariadb', 'mysql', 'postgresql', 'redis', 'timescaledb', 'valkey']);
    const res = await h.app.inject({ method: 'GET', url: `/api/modules/databases/databases/${duck.id}/tables` });
    expect(res.statusCode).toBe(401);
    expect((await h.api('GET', '/databases/999999/tables')).status).toBe(404);
  });
});
