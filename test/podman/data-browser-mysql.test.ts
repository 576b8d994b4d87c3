import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browse, hexToBase64, instance, iso, lines, runClient } from './helpers/browse.js';
import { startModule, type ModuleUnderTest } from './helpers/module-under-test.js';

// MariaDB and MySQL: data written with the mariadb/mysql client as GET /connection-string returns
// it, the browser's answers compared with the client's reading of the catalog and the rows; a
// view over a function that inserts is refused by the browser's READ ONLY transaction.
const SETUP = [
  'CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(3000) NOT NULL, price DECIMAL(10,2), data VARBINARY(16), seen TIMESTAMP(6) NULL, made DATETIME NULL, n INT DEFAULT 7)//',
  "INSERT INTO items VALUES (1, 'one', 1.50, 0x00FF, '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05', 1), (2, 'two', NULL, NULL, NULL, NULL, 2),"
    + " (3, REPEAT('x', 2000), 3.00, 0x01, '2024-06-01 00:00:00', NULL, 3), (9007199254740993, 'big', 0, X'', '2024-06-01 12:00:00', '1999-12-31 23:59:59', -4)//",
  'CREATE TABLE tags (item_id BIGINT, tag VARCHAR(20), KEY tags_tag (tag), CONSTRAINT tags_item FOREIGN KEY (item_id) REFERENCES items (id))//',
  'CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 2//',
  "CREATE FUNCTION sneaky() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO tags VALUES (1, 'sneaky'); RETURN 1; END//",
  'CREATE VIEW writes AS SELECT sneaky() AS x//',
  'ANALYZE TABLE items, tags//',
].join('\n');
const SYSTEM = "TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')";

let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

const ENGINES = (process.env.ENGINES?.split(',') ?? ['mariadb', 'mysql']).filter((e) => ['mariadb', 'mysql'].includes(e));

describe.each(ENGINES)('%s', (engine) => {
  it('answers as the client reads the catalog and the rows; a view that writes is refused', async () => {
    const { id, c } = await instance(m, engine);
    const sql = async (statement: string) => lines(await runClient(c.commands?.[engine], ['-N', '-B', '-e', `SET time_zone = '+00:00'; ${statement}`])).map((l) => l.split('\t'));
    await runClient(c.commands?.[engine], ['--delimiter=//', '-e', `SET time_zone = '+00:00'//\n${SETUP}`]);

    const listed = await browse(m, id, '/tables', c.password);
    const catalog = (await sql(`SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS FROM information_schema.TABLES WHERE ${SYSTEM} ORDER BY 1, 2`))
      .map(([s, n, t, r]) => [s, n, t === 'VIEW' ? 'view' : 'table', r === 'NULL' ? null : Number(r)]);
    expect(listed.objects.map((o: any) => [o.schema, o.name, o.kind, o.rows_estimate])).toEqual(catalog);
    expect(listed.objects.find((o: any) => o.name === 'items').ref).toBe('items');

    // SHOW COLUMNS and SHOW INDEX: the client's own view of the table.
    const schema = await browse(m, id, '/tables/items/schema', c.password);
    const shown = await sql('SHOW COLUMNS FROM items');
    expect(schema.columns.map((col: any) => [col.name, col.type, col.nullable, col.primary_key])).toEqual(shown.map(([f, t, nl, k]) => [f, t, nl === 'YES', k === 'PRI']));
    expect(schema.primary_key).toEqual(['id']);
    const tags = await browse(m, id, '/tables/tags/schema', c.password);
    expect(tags.indexes.map((x: any) => x.name).sort()).toEqual([...new Set((await sql('SHOW INDEX FROM tags')).map((r) => r[2]))].sort());
    expect(tags.foreign_keys).toEqual([{ name: 'tags_item', columns: ['item_id'], references_table: `${listed.objects.find((o: any) => o.name === 'tags').schema}.items`, references_columns: ['id'] }]);

    // Rows: BIGINT and DECIMAL as strings, VARBINARY as base64, TIMESTAMP in UTC and DATETIME without a zone as ISO, long text cut.
    const data = await browse(m, id, '/tables/items/data?limit=3&offset=1&order=id:desc', c.password);
    const expected = (await sql('SELECT id, name, price, HEX(data), seen, made, n FROM items ORDER BY id DESC LIMIT 3 OFFSET 1')).map((r) => r.map((v, i) => {
      if (v === 'NULL') return null;
      return [v, v.slice(0, 1024), v, hexToBase64(v), iso(v), iso(v, ''), Number(v)][i];
    }));
    expect(data.rows).toEqual(expected);
    expect(data.truncated).toEqual([{ row: 0, column: 'name', length: 2000 }]);
    const page = await browse(m, id, '/tables/items/data?limit=2&order=id', c.password);
    expect(page.rows.map((r: any[]) => r[0])).toEqual((await sql('SELECT id FROM items ORDER BY id LIMIT 2')).map((r) => r[0]));

    const refused = await m.api('GET', `/databases/${id}/tables/writes/data`);
    expect(refused.status).toBe(502);
    expect(refused.body.message).toMatch(/READ ONLY/i);
    expect(await sql("SELECT COUNT(*) FROM tags WHERE tag = 'sneaky'")).toEqual([['0']]);
    await sql('SELECT * FROM writes');
    expect(await sql("SELECT COUNT(*) FROM tags WHERE tag = 'sneaky'")).toEqual([['1']]);
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });
});
