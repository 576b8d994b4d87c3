import { createHash } from 'node:crypto';
import path from 'node:path';
import { eventually, freshContainer, run } from './helpers/backup-steps.js';
import { backupRoundTrip, type Conn } from './helpers/backup-round-trip.js';

// ClickHouse 18.16 (no BACKUP statement): a tar of table definitions and Native rows, through the
// REST API; written and checked with clickhouse-client, restored by hand with its restore.sh.
interface Target { host: string; port: number; user: string; password: string; database: string }
const target = (c: Conn): Target => ({ host: c.host!, port: c.ports!.native!, user: c.username!, password: c.password!, database: c.database });

async function ch(t: Target, query: string): Promise<string> {
  const { stdout } = await run('clickhouse-client', [`--host=${t.host}`, `--port=${t.port}`, `--user=${t.user}`, `--password=${t.password}`,
    `--database=${t.database}`, '--multiquery', `--query=${query}`], { maxBuffer: 64 << 20 });
  return stdout;
}

/** Every table's name, and a count and hash over the rows of each (aggregated, so merges do not change it); a missing table counts too. */
async function checksum(t: Target): Promise<string> {
  const parts = await Promise.all(([
    ch(t, "SELECT database, name FROM system.tables WHERE database NOT IN ('system') ORDER BY database, name FORMAT TSV"),
    ch(t, 'SELECT count(), sum(cityHash64(id, name, price, blob, added, twice)) FROM items'),
    ch(t, "SELECT count(), sum(cityHash64(at, ifNull(line, '~'), arrayStringConcat(tags, ','))) FROM log_lines"),
    ch(t, 'SELECT sum(cityHash64(bucket, n)) FROM (SELECT bucket, sum(n) AS n FROM per_bucket GROUP BY bucket)'),
    ch(t, 'SELECT count(), sum(cityHash64(id, name)) FROM cheap'),
    ch(t, 'SELECT count(), sum(cityHash64(k, v)) FROM extra.notes'),
  ]).map((p) => p.catch((err: Error) => `failed: ${/Code: \d+/.exec(err.message)?.[0] ?? err.message}`)));
  return createHash('sha256').update(parts.join('|')).digest('hex');
}

backupRoundTrip({
  engine: 'clickhouse',
  tool: /FORMAT Native/,
  readme: /sh dump\/restore\.sh --host HOST --port 9000/,
  breakDump: {
    how: 'its SELECT killed in the server',
    failure: /ClickHouse HTTP.*(cancel|Code: 394)/i,
    run: async ({ c }) => void await ch(target(c), "KILL QUERY WHERE query LIKE 'SELECT * FROM %FORMAT Native' SYNC"),
  },
  async write(c, marker) {
    const t = target(c);
    await ch(t, 'CREATE TABLE items (id UInt64, name String, price Float64, blob String, added Date DEFAULT toDate(\'2026-01-01\'), twice UInt64 MATERIALIZED id * 2) ENGINE = MergeTree ORDER BY id');
    await ch(t, "INSERT INTO items (id, name, price, blob) SELECT number, concat('item-', toString(number)), number / 7, unhex(hex(number)) FROM numbers(50000)");
    await ch(t, `INSERT INTO items (id, name, price, blob) VALUES (50000, '${marker}', 1.5, '')`);
    await ch(t, 'CREATE TABLE log_lines (at DateTime, line Nullable(String), tags Array(String)) ENGINE = Log');
    await ch(t, "INSERT INTO log_lines VALUES ('2026-01-01 00:00:00', NULL, ['a', 'b']), ('2026-01-02 00:00:00', 'tab\\there', [])");
    await ch(t, 'CREATE MATERIALIZED VIEW per_bucket ENGINE = SummingMergeTree ORDER BY bucket AS SELECT intDiv(id, 1000) AS bucket, count() AS n FROM items GROUP BY bucket');
    // Rows that arrive after the view exists: the view holds rows of its own.
    await ch(t, "INSERT INTO items (id, name, price, blob) SELECT 60000 + number, 'late', 0, '' FROM numbers(1000)");
    await ch(t, 'CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 1');
    await ch(t, 'CREATE DATABASE extra');
    await ch(t, "CREATE TABLE extra.notes (k String, v Int32) ENGINE = TinyLog; INSERT INTO extra.notes VALUES ('a', 1), ('b', -2)");
  },
  async change(c) {
    const t = target(c);
    await ch(t, "INSERT INTO items (id, name, price, blob) VALUES (99999, 'added later', 0, '')");
    await ch(t, 'DROP TABLE log_lines');
    await ch(t, "INSERT INTO extra.notes VALUES ('c', 3)");
    await ch(t, 'CREATE TABLE made_later (x UInt8) ENGINE = Memory');
  },
  checksum: (c) => checksum(target(c)),
  async byHand(dir, dumpFile, image, cleanup) {
    const fresh = await freshContainer(image, { env: { CLICKHOUSE_USER: 'hand', CLICKHOUSE_PASSWORD: 'by-hand-pw' }, port: 9000 });
    cleanup(fresh.remove);
    const t: Target = { host: '127.0.0.1', port: fresh.hostPort, user: 'hand', password: 'by-hand-pw', database: 'default' };
    await eventually(() => ch(t, 'SELECT 1'), 120_000);
    // The README's steps.
    await run('mkdir', ['dump'], { cwd: dir });
    await run('tar', ['-xf', dumpFile, '-C', 'dump'], { cwd: dir });
    await run('sh', [path.join(dir, 'dump', 'restore.sh'), '--host', '127.0.0.1', '--port', String(fresh.hostPort), '--user', 'hand', '--password', 'by-hand-pw']);
    const database = (await ch(t, "SELECT database FROM system.tables WHERE name = 'items' AND database != 'system'")).trim();
    return checksum({ ...t, database });
  },
  async grow(c) {
    const t = target(c);
    await ch(t, 'CREATE TABLE big (id UInt64, pad String) ENGINE = MergeTree ORDER BY id');
    await ch(t, 'INSERT INTO big SELECT number, concat(toString(number), toString(number * 7), toString(number * 13), toString(number * 31)) FROM numbers(12000000)');
  },
});
