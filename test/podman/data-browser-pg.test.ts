import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../helpers/logger.js';
import { browse, hexToBase64, instance, iso, lines, run } from './helpers/browse.js';
import { READER, startModule, type ModuleUnderTest } from './helpers/module-under-test.js';

// PostgreSQL and TimescaleDB: data written with psql, then the data browser's answers compared
// with what psql reads from the engine's own catalog and tables; a view that writes is refused.
const SETUP = [
  "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, price numeric(10,2), data bytea, seen timestamptz, flag boolean, n integer DEFAULT 7)",
  "INSERT INTO items VALUES (1, 'one', 1.50, '\\x00ff', '2024-01-02 03:04:05.123456+00', true, 1), (2, 'two', NULL, NULL, NULL, false, 2),"
    + " (3, repeat('x', 2000), 3.00, '\\x01', '2024-06-01 00:00:00+00', NULL, 3), (9007199254740993, 'big', 0, '\\x', '2024-06-01 12:00:00+00', true, -4)",
  'CREATE TABLE tags (item_id bigint REFERENCES items(id), tag text)',
  'CREATE INDEX tags_tag ON tags (tag)',
  'CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 2',
  "CREATE FUNCTION sneaky() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO tags VALUES (1, 'sneaky'); RETURN 1; END $$",
  'CREATE VIEW writes AS SELECT sneaky() AS x',
  'ANALYZE',
];
const TIMESCALE = [
  'CREATE TABLE metrics (ts timestamptz NOT NULL, v double precision)',
  "SELECT create_hypertable('metrics', 'ts')",
  "INSERT INTO metrics SELECT '2024-01-01'::timestamptz + i * interval '1 hour', i FROM generate_series(1, 50) i",
  'ANALYZE',
];
const SYSTEM = "table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE '\\_timescaledb%' AND table_schema NOT LIKE 'timescaledb\\_%'";

const HOSTILE = ["items;DROP TABLE items", "items'--", 'it"ems', '../../etc/passwd', 'a b', 'x'.repeat(200), '$(id)', '`id`', 'public.items.x', '1items', 'items/**/'];

let m: ModuleUnderTest;
const log = memoryLogger();
beforeAll(async () => {
  m = await startModule();
  (m.app.flux.services.instances.support.deps as { logger: unknown }).logger = log;
});
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

const ENGINES = (process.env.ENGINES?.split(',') ?? ['postgresql', 'timescaledb']).filter((e) => ['postgresql', 'timescaledb'].includes(e));

describe.each(ENGINES)('%s', (engine) => {
  it('answers as psql reads the catalog and the rows; a view that writes is refused', async () => {
    const { id, c } = await instance(m, engine);
    const psql = (...sql: string[]) => run('psql', [c.connection_string, '-v', 'ON_ERROR_STOP=1', '-qAtX', '-F', '\t', '-P', 'null=<NULL>', '-c', "SET TimeZone = 'UTC'", ...sql.flatMap((s) => ['-c', s])]);
    await psql(...SETUP, ...(engine === 'timescaledb' ? TIMESCALE : []));

    // Tables: information_schema's list, with kinds; hypertables from TimescaleDB's own view.
    const listed = await browse(m, id, '/tables', c.password);
    const catalog = lines(await psql(`SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE ${SYSTEM} ORDER BY 1, 2`))
      .map((l) => l.split('\t')).map(([s, n, t]) => [s, n, t === 'VIEW' ? 'view' : 'table']);
    if (engine === 'timescaledb') {
      const hyper = lines(await psql('SELECT hypertable_name FROM timescaledb_information.hypertables'));
      expect(hyper).toEqual(['metrics']);
      for (const row of catalog) if (hyper.includes(row[1]!)) row[2] = 'hypertable';
      const metrics = listed.objects.find((o: any) => o.name === 'metrics');
      expect(metrics.rows_estimate).toBe(Number(lines(await psql("SELECT approximate_row_count('metrics')"))[0]));
      expect(metrics.size_bytes).toBe(Number(lines(await psql("SELECT hypertable_size('metrics')"))[0]));
    }
    expect(listed.objects.map((o: any) => [o.schema, o.name, o.kind])).toEqual(catalog);
    const items = listed.objects.find((o: any) => o.name === 'items');
    expect(items.rows_estimate).toBe(Number(lines(await psql("SELECT reltuples::bigint FROM pg_class WHERE oid = 'items'::regclass"))[0]));
    expect(items.size_bytes).toBe(Number(lines(await psql("SELECT pg_total_relation_size('items')"))[0]));

    // Schema: columns as information_schema has them; keys and indexes as pg_indexes and the constraint list have them.
    const schema = await browse(m, id, '/tables/public.items/schema', c.password);
    const columns = lines(await psql("SELECT column_name, data_type, is_nullable, coalesce(column_default, '<NULL>') FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position"))
      .map((l) => l.split('\t'));
    expect(schema.columns.map((col: any) => col.name)).toEqual(columns.map((col) => col[0]));
    for (const [i, [, type, nullable, dflt]] of columns.entries()) {
      expect(schema.columns[i].type.startsWith(type!), `${schema.columns[i].type} is ${type}`).toBe(true);
      expect(schema.columns[i].nullable).toBe(nullable === 'YES');
      expect(schema.columns[i].default ?? '<NULL>').toBe(dflt);
    }
    expect(schema.primary_key).toEqual(['id']);
    const tags = await browse(m, id, '/tables/tags/schema', c.password);
    expect(tags.indexes.map((x: any) => x.name)).toEqual(lines(await psql("SELECT indexname FROM pg_indexes WHERE tablename = 'tags' ORDER BY 1")));
    expect(tags.foreign_keys).toEqual([{ name: lines(await psql("SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = 'tags'::regclass"))[0], columns: ['item_id'], references_table: 'public.items', references_columns: ['id'] }]);

    // Rows: the same rows psql reads, bigint and numeric as strings, bytea as base64, timestamptz as ISO, long text cut.
    const data = await browse(m, id, '/tables/items/data?limit=3&offset=1&order=id:desc', c.password);
    const expected = lines(await psql('SELECT id, name, price, data, seen, flag, n FROM items ORDER BY id DESC LIMIT 3 OFFSET 1')).map((l) => l.split('\t').map((v, i) => {
      if (v === '<NULL>') return null;
      return [v, v.slice(0, 1024), v, hexToBase64(v), iso(v), v === 't', Number(v)][i];
    }));
    expect(data.rows).toEqual(expected);
    expect(data.truncated).toEqual([{ row: 0, column: 'name', length: 2000 }]);
    expect(data.order).toBe('id:desc');
    const page = await browse(m, id, '/tables/items/data?limit=2', c.password);
    expect(page.rows.map((r: any[]) => r[0])).toEqual(lines(await psql('SELECT id FROM items ORDER BY id LIMIT 2')));

    // The view runs a function that inserts: the browser's read-only transaction refuses it; psql's does not.
    const refused = await m.api('GET', `/databases/${id}/tables/writes/data`);
    expect(refused.status).toBe(502);
    expect(refused.body.error).toBe('ENGINE_QUERY_FAILED');
    expect(refused.body.message).toMatch(/read-only transaction/);
    expect(lines(await psql("SELECT count(*) FROM tags WHERE tag = 'sneaky'"))).toEqual(['0']);
    await psql('SELECT * FROM writes');
    expect(lines(await psql("SELECT count(*) FROM tags WHERE tag = 'sneaky'"))).toEqual(['1']);

    // Hostile names and paging on every route: 400, and the tables are as they were; no log line holds the password.
    const before = await psql('SELECT count(*) FROM items', "SELECT count(*) FROM pg_class WHERE relkind = 'r'");
    for (const name of HOSTILE) {
      for (const path of [`/tables/${encodeURIComponent(name)}/schema`, `/tables/${encodeURIComponent(name)}/data`]) {
        expect((await m.api('GET', `/databases/${id}${path}`, undefined, READER)).status, `${path}`).toBe(400);
      }
    }
    for (const q of ['limit=1001', 'offset=-1', 'order=id;drop', 'order=nosuch', 'pattern=*']) {
      const path = q.startsWith('pattern') ? `/tables?${q}` : `/tables/items/data?${q}`;
      expect((await m.api('GET', `/databases/${id}${path}`, undefined, READER)).status, path).toBe(400);
    }
    expect(await psql('SELECT count(*) FROM items', "SELECT count(*) FROM pg_class WHERE relkind = 'r'")).toBe(before);
    expect(log.lines.some((l) => l.includes('browse query failed'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(c.password);
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });
});
