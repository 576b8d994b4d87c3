import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drill, eventually, importDump, lastOperationId, run, snapshot, snapshotFiles, startModuleOnSmallBackupDisk, waitOperation, waitSnapshot } from './helpers/backup-steps.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// What must never be reported as success, on real engines: a dump whose tool is killed mid-stream,
// a full backup disk (a 4 MB tmpfs as FLUX_DATABASES_BACKUP_DIR), a restore that fails (put back from
// its safety snapshot, online and offline), and restores refused before anything changes.
const suffix = randomBytes(3).toString('hex');
let m: ModuleUnderTest;
let backupDir: string;
let close: (() => Promise<void>) | undefined;
let pg: { id: number; uri: string; container: string };
let redis: { id: number; uri: string };

async function psql(uri: string, ...commands: string[]): Promise<string> {
  const { stdout } = await run('psql', [uri, '-X', '-v', 'ON_ERROR_STOP=1', '-tA', ...commands.flatMap((c) => ['-c', c])]);
  return stdout.trim();
}
const pgSum = (uri: string) => psql(uri, "SELECT count(*) || ':' || coalesce(md5(string_agg(id || '=' || v, ',' ORDER BY id)), '') FROM items");

async function create(engine: string, name: string, version = STANDIN_VERSIONS[engine]) {
  const res = await m.api('POST', '/databases', { engine, version, name });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const row = await m.waitFor(res.body.id, ['running']);
  return { id: res.body.id as number, uri: (await m.api('GET', `/databases/${res.body.id}/connection-string`)).body.connection_string as string, container: row.container_name as string };
}

beforeAll(async () => {
  ({ m, backupDir, close } = await startModuleOnSmallBackupDisk('4m'));
  pg = await create('postgresql', `b10-fail-pg-${suffix}`);
  await psql(pg.uri, 'CREATE TABLE items (id int PRIMARY KEY, v text)', 'INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 1000) g');
  redis = await create('redis', `b10-fail-rd-${suffix}`);
}, 300_000);
afterAll(async () => close?.());

describe('backups that fail say so', () => {
  let small: any;

  it('a full backup disk fails the snapshot cleanly (its partial file gone) and leaves the earlier one intact', async () => {
    small = await snapshot(m, pg.id);
    expect(small.status).toBe('completed');
    // About 20 MB of incompressible text: more than the 4 MB disk holds.
    await psql(pg.uri, 'CREATE TABLE filler (v text)', "INSERT INTO filler SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 200) g, generate_series(1, 3000) r GROUP BY r");
    const full = await snapshot(m, pg.id);
    expect(full.status, JSON.stringify(full)).toBe('failed');
    expect(full.error_message).toMatch(/backup disk is full|ENOSPC/);
    const names = await readdir(path.join(backupDir, `instance-${pg.id}`));
    expect(names).toEqual([`snapshot-${small.id}.dump.enc`]);
    await psql(pg.uri, 'DROP TABLE filler');
    // The earlier snapshot still verifies end to end: a drill restores it and counts its rows.
    const drilled = await drill(m, pg.id, small.id);
    expect(drilled.drill, JSON.stringify(drilled.drill)).toMatchObject({ status: 'passed' });
  }, 600_000);

  it('a dump whose tool is killed mid-stream is failed, not completed, with its last stderr line, and leaves no file', async () => {
    // A module of its own with room on its disk: here the dump dies of the kill, not of the tmpfs.
    const roomy = await startModule();
    try {
      const res = await roomy.api('POST', '/databases', { engine: 'postgresql', version: STANDIN_VERSIONS.postgresql, name: `b10-kill-pg-${suffix}` });
      const row = await roomy.waitFor(res.body.id, ['running']);
      const uri = (await roomy.api('GET', `/databases/${res.body.id}/connection-string`)).body.connection_string;
      await psql(uri, 'CREATE TABLE big (id int, v text)', "INSERT INTO big SELECT g, md5(g::text) || repeat('x', 300) FROM generate_series(1, 3000000) g");
      const started = await roomy.api('POST', `/databases/${res.body.id}/snapshot`);
      expect(started.status).toBe(202);
      // Killed once it streams the table's rows: its COPY is under way.
      await eventually(async () => {
        const copying = await psql(uri, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' AND query LIKE 'COPY%big%'");
        if (copying !== '1') throw new Error('pg_dump is not streaming yet');
      }, 60_000);
      const { stdout } = await run('podman', ['exec', row.container_name, 'pidof', 'pg_dump']);
      await run('podman', ['exec', row.container_name, 'sh', '-c', 'kill -9 "$@"', 'kill', ...stdout.trim().split(/\s+/)]);
      const killed = await waitSnapshot(roomy, res.body.id, started.body.snapshot.id);
      expect(killed.status, JSON.stringify(killed)).toBe('failed');
      expect(killed.error_message).toMatch(/pg_dump failed \(exit (137|-1)\)|pg_dump was stopped/);
      expect(killed.sha256).toBeNull();
      expect(killed.size_bytes).toBeGreaterThan(0);
      expect(await readdir(path.join(roomy.dataDir, 'modules', 'databases', 'backups', `instance-${res.body.id}`))).toEqual([]);
      await roomy.api('DELETE', `/databases/${res.body.id}`);
    } finally {
      await roomy.close();
    }
  }, 600_000);
});

describe('a restore that fails puts the instance back from its safety snapshot', () => {
  it('PostgreSQL: a cut-short archive fails pg_restore after the database was dropped; the data comes back', async () => {
    const before = await pgSum(pg.uri);
    const { stdout } = await run('pg_dump', [pg.uri, '-Fc'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
    const dump = stdout as unknown as Buffer;
    const after = await lastOperationId(m, pg.id);
    const res = await importDump(m, pg.id, dump.subarray(0, Math.floor(dump.length * 0.6)));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const op = await waitOperation(m, pg.id, 'import', after);
    expect(op.status).toBe('failed');
    expect(op.error_message).toMatch(/pg_restore .*; the instance was put back from safety snapshot \d+/);
    const row = await m.waitFor(pg.id, ['running']);
    expect(row.status_message).toMatch(/put back from safety snapshot/);
    expect(await pgSum(pg.uri)).toBe(before);
  }, 600_000);

  it('Redis (offline): an RDB the server cannot load keeps it from starting; the files are put back and it starts', async () => {
    await run('redis-cli', ['-u', redis.uri, '--no-auth-warning', 'SET', 'kept', 'yes']);
    const after = await lastOperationId(m, redis.id);
    const res = await importDump(m, redis.id, Buffer.concat([Buffer.from('REDIS0010'), randomBytes(4096)]));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const op = await waitOperation(m, redis.id, 'import', after);
    expect(op.status, JSON.stringify(op)).toBe('failed');
    expect(op.error_message).toMatch(/put back from safety snapshot/);
    await m.waitFor(redis.id, ['running']);
    expect((await run('redis-cli', ['-u', redis.uri, '--no-auth-warning', 'GET', 'kept'])).stdout.trim()).toBe('yes');
  }, 600_000);
});

describe('restores refused with a 409 before anything changes', () => {
  it('a snapshot of another engine, and one of a newer major version', async () => {
    const rdb = await snapshot(m, redis.id);
    const snapshotsBefore = (await m.api('GET', `/databases/${pg.id}/snapshots`)).body.snapshots.length;
    const other = await m.api('POST', `/databases/${pg.id}/restore/${rdb.id}`);
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/redis snapshot; this instance runs postgresql/);
    // A "17" instance (the 15 stand-in under it): its snapshot is of a newer major than a 15 instance runs.
    const newer = await create('postgresql', `b10-fail-pg17-${suffix}`, '17');
    const s17 = await snapshot(m, newer.id);
    const refused = await m.api('POST', `/databases/${pg.id}/restore/${s17.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/newer major version/);
    expect((await m.api('GET', `/databases/${pg.id}/snapshots`)).body.snapshots.length).toBe(snapshotsBefore);
    expect((await m.api('GET', `/databases/${pg.id}`)).body.status).toBe('running');
    // Deleting a snapshot through another instance's URL is not found (the original's IDOR).
    expect((await m.api('DELETE', `/databases/${pg.id}/snapshots/${rdb.id}`)).status).toBe(404);
    expect((await m.api('GET', `/databases/${redis.id}/snapshots/${rdb.id}`)).status).toBe(200);
  }, 600_000);
});

describe('the files on disk', () => {
  it('are 0600 in 0700 directories and hold no plaintext', async () => {
    const files = [...await snapshotFiles(backupDir, pg.id), ...await snapshotFiles(backupDir, redis.id)];
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) {
      expect(f.mode, f.file).toBe(0o600);
      for (const plain of ['PGDMP', 'REDIS00', 'CREATE TABLE', 'yes']) expect(f.bytes.includes(Buffer.from(plain)), `${f.file} holds ${plain}`).toBe(false);
    }
  });
});
