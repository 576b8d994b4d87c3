import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { run as runProcess, eventually, freshContainer } from './helpers/backup-steps.js';
import { backupRoundTrip, type Conn } from './helpers/backup-round-trip.js';

// H2 2.2: its SCRIPT, through the REST API; written and checked with H2's own Shell, restored by hand
// with RunScript in a fresh container of the image.
interface Target { url: string; user: string; password: string }
const target = (c: Conn): Target => ({ url: `jdbc:h2:tcp://${c.host}:${c.port}/${c.database}`, user: c.username!, password: c.password! });

/** H2's Shell exits 0 after an error: its output is checked. */
async function shell(t: Target, sql: string): Promise<string> {
  const { stdout, stderr } = await runProcess('java', ['-cp', '/usr/share/java/h2.jar', 'org.h2.tools.Shell', '-url', t.url, '-user', t.user, '-password', t.password, '-sql', sql],
    { maxBuffer: 16 << 20 });
  if (/Error:|Exception/.test(stdout + stderr)) throw new Error(`${sql.slice(0, 80)}: ${stdout}${stderr}`);
  return stdout;
}

const SUMS = `SELECT CONCAT(
  (SELECT COUNT(*) FROM ITEMS), ':', (SELECT COUNT(*) FROM EXTRA.NOTES), ':',
  RAWTOHEX(HASH('SHA-256', CONCAT(
    (SELECT LISTAGG(CONCAT(ID, '=', NAME, '=', PRICE, '=', COALESCE(RAWTOHEX(DATA), '-')), ',') WITHIN GROUP (ORDER BY ID) FROM ITEMS),
    (SELECT LISTAGG(CONCAT(K, '=', V), ',') WITHIN GROUP (ORDER BY K) FROM EXTRA.NOTES),
    (SELECT LISTAGG(CONCAT(ID, '/', NAME), ',') WITHIN GROUP (ORDER BY ID) FROM CHEAP),
    (SELECT LISTAGG(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), ',') WITHIN GROUP (ORDER BY TABLE_SCHEMA, TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES
      WHERE TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'PG_CATALOG')),
    (SELECT CAST(BASE_VALUE AS VARCHAR) FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = 'SEQ')
  )))) AS SUMS`;

async function checksum(t: Target): Promise<string> {
  const out = (await shell(t, SUMS)).split('\n').map((l) => l.trim());
  return out[out.indexOf('SUMS') + 1]!;
}

backupRoundTrip({
  engine: 'h2',
  tool: /SCRIPT/,
  readme: /org\.h2\.tools\.RunScript -url jdbc:h2:.* -script dump\.sql/,
  breakDump: {
    how: 'the program that runs SCRIPT killed',
    failure: /H2 SCRIPT failed \(exit 137\)/,
    run: async ({ container }) => void await runProcess('podman', ['exec', container, 'sh', '-c',
      // Every java running the program (not this shell, whose own command line names it too).
      'for p in /proc/[0-9]*; do n=${p#/proc/}; [ "$n" != $$ ] && tr "\\0" " " < "$p/cmdline" 2>/dev/null | grep -q "^java .*H2Backup.java dump" && kill -9 "$n"; done; true']),
  },
  async write(c, marker) {
    await shell(target(c), [
      'CREATE TABLE ITEMS (ID INT PRIMARY KEY, NAME VARCHAR(200) NOT NULL, PRICE DECIMAL(12, 2), DATA VARBINARY(8))',
      "INSERT INTO ITEMS SELECT X, CONCAT('item-', X, CASE WHEN MOD(X, 50) = 0 THEN ';semi''quote' ELSE '' END), X / 7.0, CASE WHEN MOD(X, 3) = 0 THEN X'00ff' END FROM SYSTEM_RANGE(1, 5000)",
      `INSERT INTO ITEMS VALUES (5001, '${marker}', 0, NULL)`,
      "INSERT INTO ITEMS VALUES (5002, U&'two\\000alines -- and /* no */ comment', 1, NULL)",
      'CREATE SCHEMA EXTRA', 'CREATE TABLE EXTRA.NOTES (K VARCHAR(10) PRIMARY KEY, V INT)', "INSERT INTO EXTRA.NOTES VALUES ('a', 1), ('b', -2)",
      'CREATE VIEW CHEAP AS SELECT ID, NAME FROM ITEMS WHERE PRICE < 1', 'CREATE SEQUENCE SEQ START WITH 100',
    ].join('; '));
  },
  async change(c) {
    await shell(target(c), "DELETE FROM ITEMS WHERE ID > 100; UPDATE ITEMS SET NAME = 'changed' WHERE ID < 10; DELETE FROM EXTRA.NOTES; CREATE TABLE MADE_LATER (X INT); DROP SEQUENCE SEQ; CREATE SEQUENCE SEQ START WITH 7");
  },
  checksum: (c) => checksum(target(c)),
  async byHand(dir, dumpFile, image, cleanup) {
    const fresh = await freshContainer(image, { env: { H2_OPTIONS: '' }, port: 1521 });
    cleanup(fresh.remove);
    await runProcess('podman', ['cp', path.join(dir, dumpFile), `${fresh.name}:/tmp/${dumpFile}`]);
    // The README's step, with the image's own H2 jar, as the user the server runs as.
    await eventually(() => runProcess('podman', ['exec', '-u', '1000', fresh.name, 'java', '-cp', '/usr/share/java/h2.jar', 'org.h2.tools.RunScript',
      '-url', 'jdbc:h2:/opt/h2-data/app', '-user', 'hand', '-password', 'by-hand-pw', '-script', `/tmp/${dumpFile}`]), 60_000);
    return checksum({ url: `jdbc:h2:tcp://127.0.0.1:${fresh.hostPort}/app`, user: 'hand', password: 'by-hand-pw' });
  },
  stockImport: {
    how: 'org.h2.tools.Script of another H2 database',
    async make(dir) {
      const other: Target = { url: `jdbc:h2:${path.join(dir, 'other')}`, user: 'sa', password: 'stock-pw' };
      await shell(other, "CREATE TABLE IMPORTED (K INT PRIMARY KEY, V VARCHAR(20)); INSERT INTO IMPORTED SELECT X, CONCAT('v', X) FROM SYSTEM_RANGE(1, 1000)");
      await runProcess('java', ['-cp', '/usr/share/java/h2.jar', 'org.h2.tools.Script', '-url', other.url, '-user', other.user, '-password', other.password,
        '-script', path.join(dir, 'dump.sql')]);
      return readFile(path.join(dir, 'dump.sql'));
    },
    async check(c) {
      // Added beside what was there, as RunScript adds.
      const out = (await shell(target(c), 'SELECT CONCAT(COUNT(*), \':\', SUM(K), \':\', (SELECT COUNT(*) FROM ITEMS)) AS GOT FROM IMPORTED')).split('\n').map((l) => l.trim());
      expect(out[out.indexOf('GOT') + 1]).toMatch(/^1000:500500:[1-9]\d*$/);
    },
  },
  async grow(c) {
    await shell(target(c), "CREATE TABLE BIG AS SELECT X AS ID, REPEAT('x', 200) AS PAD FROM SYSTEM_RANGE(1, 600000)");
  },
});
