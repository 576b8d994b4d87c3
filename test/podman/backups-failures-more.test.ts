import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drill, importDump, lastOperationId, run, snapshot, snapshotFiles, startModuleOnSmallBackupDisk, waitOperation, waitSnapshot } from './helpers/backup-steps.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// The failures of backups-failures.test.ts on MariaDB and Redis, with their stock clients: a full
// backup disk (an 8 MB tmpfs), the dump tool killed mid-stream, a restore that fails (MariaDB: put
// back from its safety snapshot), another engine's snapshot refused, a damaged file failing its drill
// with an alert, and no plaintext in the files.
const suffix = randomBytes(3).toString('hex');
let m: ModuleUnderTest;
let backupDir: string;
let close: (() => Promise<void>) | undefined;
interface Made { id: number; container: string; client: { argv: string[]; env?: Record<string, string> }; uri: string }
let maria: Made;
let redis: Made;

async function create(mod: ModuleUnderTest, engine: string, name: string): Promise<Made> {
  const res = await mod.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name, sku: 'b2' });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const row = await mod.waitFor(res.body.id, ['running']);
  const conn = (await mod.api('GET', `/databases/${res.body.id}/connection-string`)).body;
  return { id: res.body.id, container: row.container_name, client: conn.commands?.mariadb, uri: conn.connection_string };
}

async function sql(d: Made, statement: string): Promise<string> {
  const [bin, ...args] = d.client.argv;
  const { stdout } = await run(bin!, [...args, '-N', '-B', '-e', statement], { env: { ...process.env, ...d.client.env }, maxBuffer: 16 << 20 });
  return stdout.trim();
}
const mariaSum = (d: Made) => sql(d, "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(id, '=', v ORDER BY id SEPARATOR ','))) FROM items");
const cli = async (d: Made, ...args: string[]) => (await run('redis-cli', ['-u', d.uri, '--no-auth-warning', ...args], { maxBuffer: 16 << 20 })).stdout.trim();
/** `n` keys of hex digests made by the server itself (LZF finds little to compress), 200,000 per EVAL so the server is never blocked long. */
async function redisFill(d: Made, prefix: string, n: number): Promise<void> {
  for (let from = 1; from <= n; from += 200_000) {
    await cli(d, 'EVAL',
      "for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do local h = redis.sha1hex(ARGV[1] .. i); redis.call('SET', ARGV[1] .. i, h .. redis.sha1hex(h) .. redis.sha1hex(h .. 'x') .. redis.sha1hex(h .. 'y')) end return 1",
      '0', prefix, String(from), String(Math.min(n, from + 199_999)));
  }
}
const redisSum = (d: Made) => cli(d, 'EVAL', "local k = redis.call('KEYS', 'known:*'); table.sort(k); local v = {} for _, x in ipairs(k) do v[#v + 1] = x .. '=' .. redis.call('GET', x) end return #k .. ':' .. redis.sha1hex(table.concat(v, ','))", '0');

beforeAll(async () => {
  ({ m, backupDir, close } = await startModuleOnSmallBackupDisk('8m'));
  maria = await create(m, 'mariadb', `b10-more-ma-${suffix}`);
  await sql(maria, "CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(64)); INSERT INTO items SELECT seq, MD5(seq) FROM seq_1_to_1000; INSERT INTO items VALUES (0, 'known-plaintext-row')");
  redis = await create(m, 'redis', `b10-more-rd-${suffix}`);
  await redisFill(redis, 'known:', 200);
}, 300_000);
afterAll(async () => close?.());

describe('a full backup disk fails the snapshot cleanly and leaves the earlier ones intact', () => {
  it.each([
    ['mariadb', () => maria, () => sql(maria, 'CREATE TABLE filler (v TEXT); INSERT INTO filler SELECT CONCAT(MD5(seq), MD5(seq + 1), MD5(seq + 2), MD5(seq + 3)) FROM seq_1_to_120000'), () => sql(maria, 'DROP TABLE filler')],
    ['redis', () => redis, () => redisFill(redis, 'filler:', 120_000), () => cli(redis, 'EVAL', "for _, k in ipairs(redis.call('KEYS', 'filler:*')) do redis.call('DEL', k) end return 1", '0')],
  ] as const)('%s', async (_engine, made, fill, unfill) => {
    const d = made();
    const small = await snapshot(m, d.id);
    expect(small.status, JSON.stringify(small)).toBe('completed');
    // About 15 MB the dump cannot compress: more than the 8 MB disk holds.
    await fill();
    const full = await snapshot(m, d.id);
    expect(full.status, JSON.stringify(full)).toBe('failed');
    expect(full.error_message).toMatch(/backup disk is full|ENOSPC/);
    expect(await readdir(path.join(backupDir, `instance-${d.id}`))).toEqual([expect.stringMatching(new RegExp(`^snapshot-${small.id}\\.`))]);
    await unfill();
    // The earlier snapshot still restores and counts as it did: its drill passes.
    const s = await drill(m, d.id, small.id);
    expect(s.drill, JSON.stringify(s.drill)).toMatchObject({ status: 'passed' });
  }, 600_000);
});

describe('a dump whose tool is killed mid-stream is failed, not completed, and leaves no file', () => {
  it.each([
    ['mariadb', 'mariadb-dump', /mariadb-dump (failed \(exit (137|-1)\)|was stopped)/],
    ['redis', 'redis-cli', /redis-cli (failed \(exit (137|-1)\)|was stopped)/],
  ] as const)('%s (%s killed)', async (engine, tool, failure) => {
    // A module of its own with room on its disk: the dump dies of the kill, not of the tmpfs.
    const roomy = await startModule();
    try {
      const d = await create(roomy, engine, `b10-kill-${engine.slice(0, 2)}-${suffix}`);
      if (engine === 'mariadb') {
        await sql(d, "CREATE TABLE big (id INT PRIMARY KEY, v TEXT); INSERT INTO big SELECT seq, CONCAT(MD5(seq), REPEAT(MD5(seq + 1), 8)) FROM seq_1_to_1500000");
      } else {
        await redisFill(d, 'big:', 2_500_000);
      }
      const started = await roomy.api('POST', `/databases/${d.id}/snapshot`);
      expect(started.status).toBe(202);
      const sid = started.body.snapshot.id;
      // Killed once its bytes flow into the module.
      for (let i = 0; ; i++) {
        const s = (await roomy.api('GET', `/databases/${d.id}/snapshots/${sid}`)).body;
        if (s.status === 'running' && s.size_bytes > 0) break;
        if (s.status !== 'running' || i > 3000) throw new Error(`the dump was not seen streaming: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const { stdout } = await run('podman', ['exec', d.container, 'pidof', tool]);
      await run('podman', ['exec', d.container, 'sh', '-c', 'kill -9 "$@"', 'kill', ...stdout.trim().split(/\s+/)]);
      const killed = await waitSnapshot(roomy, d.id, sid);
      expect(killed.status, JSON.stringify(killed)).toBe('failed');
      expect(killed.error_message).toMatch(failure);
      expect(killed.sha256).toBeNull();
      expect(await readdir(path.join(roomy.dataDir, 'modules', 'databases', 'backups', `instance-${d.id}`))).toEqual([]);
      await roomy.api('DELETE', `/databases/${d.id}`);
    } finally {
      await roomy.close();
    }
  }, 600_000);
});

describe('MariaDB: a restore that fails puts the instance back from its safety snapshot', () => {
  it('a dump whose statements fail halfway (after its DROP DATABASE) is put back', async () => {
    const before = await mariaSum(maria);
    // What the stock tool writes for this database, cut off inside its rows and then broken: the
    // database is dropped and made again by its first lines, then an INSERT fails.
    const database = await sql(maria, 'SELECT DATABASE()');
    const broken = Buffer.from([
      '-- MariaDB dump 10.19  Distrib 11.8.2-MariaDB, for debian-linux-gnu (x86_64)', '--',
      `DROP DATABASE IF EXISTS \`${database}\`;`, `CREATE DATABASE \`${database}\`;`, `USE \`${database}\`;`,
      'CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(64));', "INSERT INTO items VALUES (1, 'a');", 'INSERT INTO items VALUES (1, \'duplicate key\');', '',
    ].join('\n'));
    const after = await lastOperationId(m, maria.id);
    const res = await importDump(m, maria.id, broken);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const op = await waitOperation(m, maria.id, 'import', after);
    expect(op.status, JSON.stringify(op)).toBe('failed');
    expect(op.error_message).toMatch(/Duplicate entry.*; the instance was put back from safety snapshot \d+/);
    await m.waitFor(maria.id, ['running']);
    expect(await mariaSum(maria)).toBe(before);
  }, 600_000);
});

describe('restores refused with a 409 before anything changes', () => {
  it('a Redis snapshot into MariaDB, a MariaDB snapshot into Redis', async () => {
    const rdb = await snapshot(m, redis.id);
    const sqlDump = await snapshot(m, maria.id);
    for (const [target, other, words] of [[maria, rdb, /redis snapshot; this instance runs mariadb/], [redis, sqlDump, /mariadb snapshot; this instance runs redis/]] as const) {
      const before = (await m.api('GET', `/databases/${target.id}/snapshots`)).body.snapshots.length;
      const refused = await m.api('POST', `/databases/${target.id}/restore/${other.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(words);
      expect((await m.api('GET', `/databases/${target.id}/snapshots`)).body.snapshots.length).toBe(before);
      expect((await m.api('GET', `/databases/${target.id}`)).body.status).toBe('running');
    }
    expect(await redisSum(redis)).toMatch(/^200:/);
  }, 600_000);
});

describe('a damaged snapshot file', () => {
  it.each([['mariadb', () => maria], ['redis', () => redis]] as const)('%s: fails its drill, raises an alert, and the files hold no plaintext', async (_engine, made) => {
    const d = made();
    const good = await snapshot(m, d.id);
    const files = await snapshotFiles(backupDir, d.id);
    for (const f of files) {
      expect(f.mode, f.file).toBe(0o600);
      for (const plain of ['known-plaintext-row', 'CREATE TABLE', 'REDIS00', 'known:1']) expect(f.bytes.includes(Buffer.from(plain)), `${f.file} holds ${plain}`).toBe(false);
    }
    const file = files.find((f) => f.file.includes(`snapshot-${good.id}.`))!;
    const damaged = Buffer.from(file.bytes);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x01;
    await writeFile(file.file, damaged);
    const s = await drill(m, d.id, good.id, (x) => x.drill?.status === 'failed');
    expect(s.drill.message).toMatch(/damaged|authenticate|SHA-256/);
    const alerts = (await m.api('GET', `/alerts?instance=${d.id}`)).body;
    expect(alerts.find((a: any) => a.rule === 'backup_drill_failed' && a.state === 'firing'), JSON.stringify(alerts)).toBeDefined();
  }, 600_000);
});
