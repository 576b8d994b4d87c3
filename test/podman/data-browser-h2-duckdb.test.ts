import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withReadOnlyDuckDb } from '../../src/services/adapters/families/duckdb-browser.js';
import { browse, hexToBase64, instance, iso, lines, run, runClient } from './helpers/browse.js';
import { startModule, type ModuleUnderTest } from './helpers/module-under-test.js';

// H2 (through its PostgreSQL-protocol port) with H2's own Shell, and DuckDB (in-process) with
// DuckDB's node client: the browser compared with the engine's own catalog and rows. H2 enforces
// no read-only transaction, so a view that inserts runs inside the browser's session and is rolled
// back; DuckDB's READ_ONLY handle refuses any write.
let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

/** H2's Shell prints a header, rows with cells split by " | ", and "(n rows, m ms)". */
const shellRows = (out: string): string[][] => lines(out).slice(1).filter((l) => !/^\(\d+ rows?, \d+ ms\)$/.test(l)).map((l) => l.split(' | ').map((v) => v.trim()));

async function h2(): Promise<void> {
  const { id, c } = await instance(m, 'h2');
  const shell = (sql: string) => runClient(c.commands?.['h2-shell'], ['-sql', sql]);
  await shell([
    'CREATE TABLE ITEMS (ID BIGINT PRIMARY KEY, NAME VARCHAR(3000) NOT NULL, PRICE DECIMAL(10,2), DATA VARBINARY(16), SEEN TIMESTAMP WITH TIME ZONE, N INT DEFAULT 7)',
    "INSERT INTO ITEMS VALUES (1, 'one', 1.50, X'00FF', TIMESTAMP WITH TIME ZONE '2024-01-02 03:04:05.123456+00:00', 1), (2, 'two', NULL, NULL, NULL, 2),"
      + ` (3, '${'x'.repeat(2000)}', 3.00, X'01', TIMESTAMP WITH TIME ZONE '2024-06-01 00:00:00+00:00', 3), (9007199254740993, 'big', 0, X'', NULL, -4)`,
    'CREATE TABLE TAGS (ITEM_ID BIGINT, TAG VARCHAR(20), CONSTRAINT TAGS_ITEM FOREIGN KEY (ITEM_ID) REFERENCES ITEMS (ID))',
    'CREATE INDEX TAGS_TAG ON TAGS (TAG)',
    'CREATE VIEW CHEAP AS SELECT ID, NAME FROM ITEMS WHERE PRICE < 2',
    "CREATE VIEW WRITES AS SELECT * FROM FINAL TABLE (INSERT INTO TAGS VALUES (1, 'sneaky'))",
  ].join('; '));
  const count = async () => shellRows(await shell("SELECT COUNT(*) FROM TAGS WHERE TAG = 'sneaky'"))[0]![0];
  const before = await count();

  const listed = await browse(m, id, '/tables', c.password);
  const catalog = shellRows(await shell("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'PG_CATALOG') ORDER BY 1, 2"))
    .map(([s, n, t]) => [s, n, t === 'VIEW' ? 'view' : 'table']);
  expect(listed.objects.map((o: any) => [o.schema, o.name, o.kind])).toEqual(catalog);

  const schema = await browse(m, id, '/tables/PUBLIC.ITEMS/schema', c.password);
  const shown = shellRows(await shell('SHOW COLUMNS FROM ITEMS'));
  expect(schema.columns.map((col: any) => [col.name, col.nullable, col.primary_key])).toEqual(shown.map(([f, , nl, k]) => [f, nl === 'YES', k === 'PRI']));
  const types = shellRows(await shell("SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'ITEMS' ORDER BY ORDINAL_POSITION")).map((r) => r[0]);
  expect(schema.columns.map((col: any) => col.type)).toEqual(types);
  const tags = await browse(m, id, '/tables/TAGS/schema', c.password);
  expect(tags.foreign_keys).toEqual([{ name: 'TAGS_ITEM', columns: ['ITEM_ID'], references_table: 'PUBLIC.ITEMS', references_columns: ['ID'] }]);
  expect(tags.indexes.map((x: any) => x.name)).toContain('TAGS_TAG');

  const data = await browse(m, id, '/tables/ITEMS/data?limit=3&offset=1&order=ID:desc', c.password);
  // The Shell cuts columns at 100 characters and shows binary as a literal: the names' first 90 characters, the data as hex.
  const expected = shellRows(await shell('SELECT ID, LEFT(NAME, 90), PRICE, RAWTOHEX(DATA), SEEN, N FROM ITEMS ORDER BY ID DESC LIMIT 3 OFFSET 1')).map((r) => r.map((v, i) => {
    if (v === 'null') return null;
    return [v, v, v, hexToBase64(v), iso(v), Number(v)][i];
  }));
  expect(data.rows.map((r: any[]) => r.map((v, i) => (i === 1 ? v.slice(0, 90) : v)))).toEqual(expected);
  expect(data.rows[0][1]).toBe('x'.repeat(1024));
  expect(data.truncated).toEqual([{ row: 0, column: 'NAME', length: 2000 }]);
  expect((await browse(m, id, '/tables/ITEMS/data?limit=1', c.password)).rows[0][0]).toBe('1');

  // The Shell gets the password on stdin: no process on the host, the container's included, shows it while the browser runs.
  const seen: string[] = [];
  let browsing = true;
  const watch = (async () => {
    while (browsing) {
      const args = await run('ps', ['-eo', 'args']).catch(() => '');
      if (args.includes('org.h2.tools.Shell')) seen.push(args);
      if (args.includes(c.password)) throw new Error('the password is in a process argv');
    }
  })();
  for (let i = 0; i < 3; i++) await browse(m, id, '/tables/ITEMS/data?limit=5', c.password);
  browsing = false;
  await watch;
  expect(seen.length, 'ps saw the Shell run at least once').toBeGreaterThan(0);

  // The view inserts when it is read: through the browser, inside a transaction that is rolled back.
  await browse(m, id, '/tables/WRITES/data', c.password);
  expect(await count()).toBe(before);
  await shell('SELECT * FROM WRITES');
  expect(Number(await count())).toBe(Number(before) + 1);
  expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
}

async function duckdb(): Promise<void> {
  const { id, c } = await instance(m, 'duckdb');
  const file = (await m.api('GET', `/databases/${id}/connection-string`)).body.path as string;
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJson();
  await q(`CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR NOT NULL, price DECIMAL(10,2), data BLOB, seen TIMESTAMPTZ, n INTEGER DEFAULT 7);
    SET TimeZone = 'UTC';
    INSERT INTO items VALUES (1, 'one', 1.50, '\\x00\\xFF'::BLOB, TIMESTAMPTZ '2024-01-02 03:04:05.123456+00', 1), (2, 'two', NULL, NULL, NULL, 2),
      (3, repeat('x', 2000), 3.00, '\\x01'::BLOB, TIMESTAMPTZ '2024-06-01 00:00:00+00', 3), (9007199254740993, 'big', 0, ''::BLOB, NULL, -4);
    CREATE TABLE tags (item_id BIGINT REFERENCES items (id), tag VARCHAR); CREATE INDEX tags_tag ON tags (tag);
    CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 2;`);
  const catalog = await q(`SELECT schema_name, table_name, 'table' FROM duckdb_tables() WHERE NOT internal UNION ALL
    SELECT schema_name, view_name, 'view' FROM duckdb_views() WHERE NOT internal ORDER BY 1, 2`);
  const columns = await q("SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE table_name = 'items' ORDER BY column_index");
  const rows = await q("SELECT id::VARCHAR, name, price::VARCHAR, hex(data), strftime(seen, '%Y-%m-%d %H:%M:%S.%f+00'), n FROM items ORDER BY id DESC LIMIT 3 OFFSET 1");
  conn.closeSync();
  db.closeSync();

  const listed = await browse(m, id, '/tables', c.password ?? '');
  expect(listed.objects.map((o: any) => [o.schema, o.name, o.kind])).toEqual(catalog);
  const schema = await browse(m, id, '/tables/items/schema', c.password ?? '');
  expect(schema.columns.map((col: any) => [col.name, col.type, col.nullable])).toEqual(columns);
  expect(schema.primary_key).toEqual(['id']);
  const data = await browse(m, id, '/tables/items/data?limit=3&offset=1&order=id:desc', c.password ?? '');
  expect(data.rows).toEqual(rows.map((r) => r.map((v, i) => (v === null ? null : [v, String(v).slice(0, 1024), v, hexToBase64(String(v)), iso(String(v).replace(/(\.\d*?)0+\+00$/, '$1+00').replace(/\.\+00$/, '+00')), v][i]))));
  expect(data.truncated).toEqual([{ row: 0, column: 'name', length: 2000 }]);

  // The browser's handle is READ_ONLY: DuckDB refuses a write on it.
  await expect(withReadOnlyDuckDb(file, (ro) => ro.run("INSERT INTO tags VALUES (1, 'sneaky')"))).rejects.toThrow(/read-only/i);
  expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
}

const CASES: Record<string, () => Promise<void>> = { h2, duckdb };
const ENGINES = (process.env.ENGINES?.split(',') ?? Object.keys(CASES)).filter((e) => e in CASES);

describe.each(ENGINES)('%s', (engine) => {
  it('answers as the engine\'s own client reads the catalog and the rows; nothing the browser runs is kept', () => CASES[engine]!());
});
