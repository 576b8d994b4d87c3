import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { eventually, freshContainer, run } from './helpers/backup-steps.js';
import { backupRoundTrip, type Conn } from './helpers/backup-round-trip.js';

// InfluxDB 1.6: line protocol in the influx -import format, through the REST API; written and checked
// with the stock influx CLI, restored by hand with `influx -import`.
interface Target { host: string; port: number; user: string; password: string }
const target = (c: Conn): Target => ({ host: c.host!, port: c.port!, user: c.username!, password: c.password! });

async function influx(t: Target, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('influx', ['-host', t.host, '-port', String(t.port), ...args],
    { env: { ...process.env, INFLUX_USERNAME: t.user, INFLUX_PASSWORD: t.password }, maxBuffer: 256 << 20 });
  if (/^ERR|error/m.test(stdout + stderr)) throw new Error(`influx ${args.join(' ')}: ${stdout}${stderr}`);
  return stdout;
}
const csv = async (t: Target, db: string, q: string) => (await influx(t, '-database', db, '-format', 'csv', '-precision', 'ns', '-execute', q)).trim();

/** An influx -import file, written with the stock CLI. */
async function importFile(t: Target, text: string): Promise<void> {
  const file = path.join(os.tmpdir(), `flux-influx-${process.pid}-${Date.now()}.lp`);
  await writeFile(file, text);
  await influx(t, '-import', '-path', file, '-precision', 'ns');
}

/** Every database's policies and points (SELECT * GROUP BY * per policy and measurement, as CSV). */
async function checksum(t: Target): Promise<string> {
  const out: string[] = [];
  const dbs = (await csv(t, '_internal', 'SHOW DATABASES')).split('\n').slice(1).map((l) => l.split(',')[1]!).filter((d) => d !== '_internal').sort();
  for (const db of dbs) {
    const rps = (await csv(t, db, `SHOW RETENTION POLICIES ON "${db}"`)).split('\n').slice(1).map((l) => l.split(','));
    out.push(`${db}:${rps.map((r) => r.join(',')).join(';')}`);
    const measurements = (await csv(t, db, 'SHOW MEASUREMENTS')).split('\n').slice(1).map((l) => l.split(',')[1]!).filter(Boolean);
    for (const [rp] of rps) for (const m of measurements) out.push(await csv(t, db, `SELECT * FROM "${rp}"."${m}" GROUP BY *`));
  }
  return createHash('sha256').update(out.join('\n')).digest('hex');
}

const now = Date.now();
backupRoundTrip({
  engine: 'influxdb',
  tool: /influx -import/,
  readme: /influx -host HOST -port 8086 .*-import -path dump\.lp -precision ns/,
  breakDump: {
    how: 'its SELECT killed in the server',
    // InfluxDB 1.x answers a killed query with "query interrupted".
    failure: /InfluxQL over HTTP failed: query interrupted/,
    async run({ c }) {
      const t = target(c);
      // The dump runs one SELECT per measurement: between two of them none is listed, and one listed
      // may end before the KILL reaches it (then the next measurement's is taken).
      for (let attempt = 0; attempt < 400; attempt++) {
        const [header, ...rows] = (await csv(t, c.database, 'SHOW QUERIES')).split('\n');
        const running = rows.find((l) => l.includes('GROUP BY *'));
        if (running) {
          try {
            return void await influx(t, '-execute', `KILL QUERY ${running.split(',')[header!.split(',').indexOf('qid')]}`);
          } catch (err) {
            if (!/no such query id/.test((err as Error).message)) throw err;
          }
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the dump\'s query is not running');
    },
  },
  async write(c, marker) {
    const t = target(c);
    const lines = Array.from({ length: 2000 }, (_, i) =>
      `cpu,host=h${i % 7},region=eu\\ west usage=${(i * 1.25).toFixed(2)},count=${i}i,ok=${i % 2 === 0},msg="m ${i} \\"q\\"" ${1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_007n}`);
    await importFile(t, [
      '# DDL', `CREATE RETENTION POLICY "week" ON "${c.database}" DURATION 52w REPLICATION 1 SHARD DURATION 1d`, 'CREATE DATABASE "extra"',
      '# DML', `# CONTEXT-DATABASE:${c.database}`, '# CONTEXT-RETENTION-POLICY:autogen', ...lines,
      `note,kind=marker text="${marker}" 1700000000000000000`, 'big,host=a v=9007199254740993i 1700000000000000001',
      '# CONTEXT-RETENTION-POLICY:week', ...Array.from({ length: 10 }, (_, i) => `recent v=${i} ${BigInt(now - i * 60_000) * 1_000_000n}`),
      '# CONTEXT-DATABASE:extra', '# CONTEXT-RETENTION-POLICY:autogen', 'e,t=1 v=1i 1', 'e,t=2 v=2i 2', '',
    ].join('\n'));
  },
  async change(c) {
    const t = target(c);
    await influx(t, '-database', c.database, '-execute', 'INSERT cpu,host=late usage=1 1700000000000000123');
    await influx(t, '-database', c.database, '-execute', 'DROP MEASUREMENT note');
    await influx(t, '-database', c.database, '-execute', "DELETE FROM cpu WHERE host = 'h3'");
    await influx(t, '-execute', 'CREATE DATABASE made_later');
  },
  checksum: (c) => checksum(target(c)),
  async byHand(dir, dumpFile, image, cleanup) {
    const fresh = await freshContainer(image, { env: { INFLUXDB_HTTP_AUTH_ENABLED: 'true', INFLUXDB_ADMIN_USER: 'hand', INFLUXDB_ADMIN_PASSWORD: 'by-hand-pw' }, port: 8086 });
    cleanup(fresh.remove);
    const t: Target = { host: '127.0.0.1', port: fresh.hostPort, user: 'hand', password: 'by-hand-pw' };
    await eventually(() => influx(t, '-execute', 'SHOW DATABASES'), 120_000);
    // The README's step (credentials from the environment).
    await influx(t, '-import', '-path', path.join(dir, dumpFile), '-precision', 'ns');
    return checksum(t);
  },
  stockImport: {
    // The stand-in has no influx_inspect: the file is written as its `export` writes one (header, DDL, DML).
    how: 'a file in influx_inspect export\'s format, the one the stock influx -import reads',
    async make() {
      return Buffer.from([
        '# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z', '# DDL', 'CREATE DATABASE imported WITH NAME autogen', '# DML',
        '# CONTEXT-DATABASE:imported', '# CONTEXT-RETENTION-POLICY:autogen', '# writing tsm data',
        ...Array.from({ length: 1000 }, (_, i) => `mem,host=m${i % 4} used=${i}i ${1_650_000_000_000_000_000n + BigInt(i) * 1_000_000n}`),
        '# writing wal data', '',
      ].join('\n'));
    },
    async check(c) {
      const t = target(c);
      const got = await csv(t, 'imported', 'SELECT count(used), sum(used) FROM mem');
      expect(got.split('\n')[1]!.split(',').slice(2)).toEqual(['1000', '499500']);
      // Added beside what was there.
      expect(await csv(t, c.database, 'SHOW MEASUREMENTS')).toMatch(/cpu/);
    },
  },
  async grow(c) {
    const t = target(c);
    // Eight measurements, so that the dump runs one long SELECT after another for seconds.
    const lines = Array.from({ length: 1_200_000 }, (_, i) => `load${i % 8},shard=s${i % 50} a=${i},b=${i * 3}i,c="${'x'.repeat(40)}" ${1_600_000_000_000_000_000n + BigInt(i) * 1000n}`);
    await importFile(t, ['# DML', `# CONTEXT-DATABASE:${c.database}`, '# CONTEXT-RETENTION-POLICY:autogen', ...lines, ''].join('\n'));
  },
});
