import { mkdir, readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { run } from './helpers/backup-steps.js';
import { backupRoundTrip } from './helpers/backup-round-trip.js';

// DuckDB in the module's process: EXPORT DATABASE as a tar, through the REST API; written and checked
// with @duckdb/node-api (no duckdb CLI here), restored by hand with IMPORT DATABASE into a new file.
async function duck<T>(file: string, readOnly: boolean, fn: (run: (sql: string) => Promise<unknown[][]>) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(file, readOnly ? { access_mode: 'READ_ONLY' } : {});
  const conn = await db.connect();
  try {
    return await fn(async (sql) => (await conn.runAndReadAll(sql)).getRows() as unknown[][]);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const SUMS = `SELECT
  (SELECT string_agg(schema_name || '.' || table_name, ',' ORDER BY schema_name, table_name) FROM duckdb_tables()),
  (SELECT count(*) || ':' || md5(string_agg(id || '=' || name || '=' || price || '=' || coalesce(list_string, '-'), ',' ORDER BY id))
     FROM (SELECT *, array_to_string(tags, '|') AS list_string FROM items)),
  (SELECT count(*) || ':' || md5(string_agg(k || '=' || v, ',' ORDER BY k)) FROM extra.notes),
  (SELECT count(*) FROM cheap)`;

const checksum = (file: string) => duck(file, true, async (q) => JSON.stringify((await q(SUMS))[0]!.map(String)));

backupRoundTrip({
  engine: 'duckdb',
  tool: /EXPORT DATABASE/,
  readme: /IMPORT DATABASE 'export'/,
  // In-process: no tool process to kill; the operator's cancel interrupts the export.
  breakDump: { how: 'cancelled by the operator', run: ({ cancel }) => cancel(), failure: /cancelled/ },
  async write(c, marker) {
    await duck(c.path!, false, async (q) => {
      await q("CREATE TYPE mood AS ENUM ('sad', 'ok')");
      await q('CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, price DECIMAL(12, 2), tags VARCHAR[], m mood)');
      await q("INSERT INTO items SELECT range, 'item-' || range, range / 7, CASE WHEN range % 3 = 0 THEN ['a', 'b'] END, 'ok' FROM range(1, 5001)");
      await q(`INSERT INTO items VALUES (5001, '${marker}', 0, NULL, NULL)`);
      await q("CREATE SCHEMA extra; CREATE TABLE extra.notes (k VARCHAR PRIMARY KEY, v INTEGER); INSERT INTO extra.notes VALUES ('a', 1), ('b', -2)");
      await q('CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 1');
    });
  },
  async change(c) {
    await duck(c.path!, false, async (q) => {
      await q("DELETE FROM items WHERE id > 100; UPDATE items SET name = 'changed' WHERE id < 10; DELETE FROM extra.notes; CREATE TABLE made_later (x INTEGER)");
    });
  },
  checksum: (c) => checksum(c.path!),
  async byHand(dir, dumpFile) {
    // The README's steps: untar, then IMPORT DATABASE into a new file (the CLI's one statement, here through the library).
    await mkdir(path.join(dir, 'export'));
    await run('tar', ['-xf', dumpFile, '-C', 'export'], { cwd: dir });
    const file = path.join(dir, 'app.duckdb');
    await duck(file, false, (q) => q(`IMPORT DATABASE '${path.join(dir, 'export')}'`));
    return checksum(file);
  },
  stockImport: {
    how: 'EXPORT DATABASE of another DuckDB file, tarred with tar -C export .',
    async make(dir) {
      const file = path.join(dir, 'other.duckdb');
      await duck(file, false, (q) => q("CREATE TABLE imported (k INTEGER PRIMARY KEY, v VARCHAR); INSERT INTO imported SELECT range, 'v' || range FROM range(1, 1001)"));
      await duck(file, true, (q) => q(`EXPORT DATABASE '${path.join(dir, 'export')}' (FORMAT PARQUET)`));
      await run('tar', ['-cf', 'dump.tar', '-C', 'export', '.'], { cwd: dir });
      return readFile(path.join(dir, 'dump.tar'));
    },
    async check(c) {
      // Added beside what was there, as IMPORT DATABASE adds.
      const [[n, sum, items]] = await duck(c.path!, true, (q) => q('SELECT count(*), sum(k), (SELECT count(*) FROM items) FROM imported')) as [[bigint, bigint, bigint]];
      expect([Number(n), Number(sum)]).toEqual([1000, 500500]);
      expect(Number(items)).toBeGreaterThan(0);
    },
  },
  async grow(c) {
    await duck(c.path!, false, (q) => q("CREATE TABLE big AS SELECT range AS id, md5(range::VARCHAR) || md5((range * 7)::VARCHAR) AS pad FROM range(15000000)"));
  },
});
