import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseQuery } from '../../src/services/adapters/families/clickhouse-browser.js';
import { influxQuery } from '../../src/services/adapters/families/influx-browser.js';
import { browse, instance, lines, runClient } from './helpers/browse.js';
import { startModule, type ModuleUnderTest } from './helpers/module-under-test.js';

// ClickHouse (HTTP, readonly=1) and InfluxDB 1.6 (InfluxQL over GET): data written with
// clickhouse-client and influx, the browser compared with their reading of the engine's own
// catalog and rows; the browser's query path refuses writes.
let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

const tsv = (s: string) => lines(s).map((l) => l.split('\t'));
/** ClickHouse: answers as clickhouse-client reads system tables and rows; readonly=1 refuses writes. */
async function clickhouse(): Promise<void> {
  {
    const { id, c, endpoint } = await instance(m, 'clickhouse');
    const ch = (query: string) => runClient(c.commands?.['clickhouse-client'], ['--query', query]);
    await ch('CREATE TABLE items (id UInt64, name String, price Float64, blob String, seen DateTime, n Int32 DEFAULT 7) ENGINE = MergeTree ORDER BY id');
    await ch(`INSERT INTO items (id, name, price, blob, seen, n) VALUES (1, 'one', 1.5, unhex('00FF'), toDateTime('2024-01-02 03:04:05', 'UTC'), 1),`
      + ` (2, 'two', 2.25, 'plain', toDateTime('2024-06-01 00:00:00', 'UTC'), 2), (3, '${'x'.repeat(2000)}', 3, '', toDateTime('2024-06-01 12:00:00', 'UTC'), 3),`
      + ` (18446744073709551615, 'max', -0.5, 'z', toDateTime('2030-01-01 00:00:00', 'UTC'), -4)`);
    await ch('CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 2');

    const listed = await browse(m, id, '/tables', c.password);
    const catalog = tsv(await ch("SELECT database, name, engine FROM system.tables WHERE database NOT IN ('system') ORDER BY database, name"))
      .map(([d, n, e]) => [d, n, e === 'View' ? 'view' : 'table']);
    expect(listed.objects.map((o: any) => [o.schema, o.name, o.kind])).toEqual(catalog);
    const parts = tsv(await ch("SELECT sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND table = 'items' AND database = currentDatabase()"))[0]!;
    const items = listed.objects.find((o: any) => o.name === 'items');
    expect([items.rows_estimate, items.size_bytes, items.ref]).toEqual([Number(parts[0]), Number(parts[1]), 'items']);

    const schema = await browse(m, id, '/tables/items/schema', c.password);
    expect(schema.columns.map((col: any) => [col.name, col.type, col.default])).toEqual(tsv(await ch('DESCRIBE TABLE items FORMAT TSVRaw')).map((r) => [r[0], r[1], r[2] ? `${r[2]} ${r[3]}` : null]));
    expect(schema.primary_key).toEqual(['id']);

    const data = await browse(m, id, '/tables/items/data?limit=3&offset=1&order=id:desc', c.password);
    const expected = tsv(await ch("SELECT id, name, price, hex(blob), toString(seen, 'UTC'), n FROM items ORDER BY id DESC LIMIT 1, 3")).map((r) => r.map((v, i) => {
      const bytes = Buffer.from(v, 'hex');
      return [v, v.slice(0, 1024), Number(v), bytes.equals(Buffer.from(bytes.toString('utf8'))) ? bytes.toString('utf8') : bytes.toString('base64'), `${v.replace(' ', 'T')}Z`, Number(v)][i];
    }));
    expect(data.rows).toEqual(expected);
    expect(data.rows.map((r: any[]) => r[3])).toEqual(['', 'plain', Buffer.from([0, 255]).toString('base64')]);
    expect(data.truncated).toEqual([{ row: 0, column: 'name', length: 2000 }]);
    const top = await browse(m, id, '/tables/items/data?limit=1&order=id:desc', c.password);
    expect(top.rows[0][0]).toBe('18446744073709551615');

    // The browser's query path runs with readonly=1: the server refuses a write and a DDL statement.
    const ep = await endpoint();
    await expect(clickhouseQuery(ep, "INSERT INTO items (id, name) VALUES (99, 'w')")).rejects.toThrow(/readonly|read-only|Cannot execute query in readonly mode/i);
    await expect(clickhouseQuery(ep, 'DROP TABLE items')).rejects.toThrow(/readonly|read-only/i);
    expect(await ch('SELECT count() FROM items')).toBe('4\n');
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  }
}

/** InfluxDB 1.6: answers as influx reads measurements, keys and points; the query path refuses writes. */
async function influxdb(): Promise<void> {
  {
    const { id, c, endpoint } = await instance(m, 'influxdb');
    const influx = (statement: string, ...extra: string[]) => runClient(c.commands?.influx, [...extra, '-execute', statement]);
    const csv = async (statement: string) => lines(await influx(statement, '-format', 'csv', '-precision', 'rfc3339')).slice(1).map((l) => l.split(','));
    const t0 = 1704164645; // 2024-01-02T03:04:05Z
    await influx(`INSERT cpu,host=a usage=1.5,count=9007199254740993i,ok=true,msg="hi" ${t0}123456789`);
    await influx(`INSERT cpu,host=b usage=2,count=2i,ok=false,msg="yo" ${t0 + 60}000000000`);
    await influx(`INSERT cpu,host=a usage=3.25,count=3i,ok=true,msg="${'m'.repeat(1500)}" ${t0 + 120}000000000`);
    await influx(`INSERT mem,host=a free=10i ${t0}000000000`);

    const listed = await browse(m, id, '/tables', c.password);
    expect(listed.object_noun).toBe('measurements');
    expect(listed.objects.map((o: any) => [o.name, o.kind])).toEqual((await csv('SHOW MEASUREMENTS')).map((r) => [r[1], 'measurement']));

    const schema = await browse(m, id, '/tables/cpu/schema', c.password);
    const fields = (await csv('SHOW FIELD KEYS FROM cpu')).map((r) => [r[1], r[2]]);
    const tags = (await csv('SHOW TAG KEYS FROM cpu')).map((r) => [r[1], 'tag']);
    expect(schema.columns.map((col: any) => [col.name, col.type])).toEqual([['time', 'timestamp'], ...tags, ...fields]);

    const data = await browse(m, id, '/tables/cpu/data?limit=2&offset=1&order=time:desc', c.password);
    const columns: string[] = data.columns.map((col: any) => col.name);
    const header = lines(await influx('SELECT * FROM cpu ORDER BY time DESC LIMIT 2 OFFSET 1', '-format', 'csv', '-precision', 'rfc3339'))[0]!.split(',').slice(1);
    expect(columns).toEqual(header);
    const rows = (await csv('SELECT * FROM cpu ORDER BY time DESC LIMIT 2 OFFSET 1')).map((r) => r.slice(1).map((v, i) => {
      const type = schema.columns.find((col: any) => col.name === columns[i]).type;
      if (type === 'float') return Number(v);
      if (type === 'boolean') return v === 'true';
      return v;
    }));
    expect(data.rows).toEqual(rows);
    expect(data.rows[1][columns.indexOf('count')]).toBe('9007199254740993');
    const first = await browse(m, id, '/tables/cpu/data?limit=1&order=time:desc', c.password);
    expect(first.truncated).toEqual([{ row: 0, column: 'msg', length: 1500 }]);

    // InfluxDB 1.6 runs SELECT INTO even for a GET: the browser's query path refuses it (and any
    // statement but SELECT and SHOW) before sending; nothing reaches the server.
    const ep = await endpoint();
    for (const statement of ['SELECT * INTO cpu_copy FROM cpu', 'select usage into "cpu_copy" from cpu', 'SHOW MEASUREMENTS; DROP MEASUREMENT cpu', 'DROP MEASUREMENT cpu']) {
      await expect(influxQuery(ep, statement), statement).rejects.toThrow(/read-only/);
    }
    expect((await csv('SHOW MEASUREMENTS')).map((r) => r[1])).toEqual(['cpu', 'mem']);
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  }
}

const CASES: Record<string, () => Promise<void>> = { clickhouse, influxdb };
const ENGINES = (process.env.ENGINES?.split(',') ?? Object.keys(CASES)).filter((e) => e in CASES);

describe.each(ENGINES)('%s', (engine) => {
  it('answers as its stock client reads the catalog and the rows; the browser\'s query path refuses writes', () => CASES[engine]!());
});
