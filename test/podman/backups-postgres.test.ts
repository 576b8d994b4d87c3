import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drill, eventually, exportTo, freshContainer, imageOf, importCompleted, importDump, restore, run, snapshot, snapshotFiles, waitOperation, waitSnapshot,
} from './helpers/backup-steps.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Backups of the PostgreSQL family through the REST API, checked with psql and pg_restore: the data
// of a snapshot comes back exactly (restore, clone, export restored by hand, import of a stock dump),
// the files on disk are 0600 and hold no plaintext, and drills tell a good snapshot from a damaged one.
const marker = `plaintext-marker-${randomBytes(6).toString('hex')}`;

async function psql(uri: string, ...commands: string[]): Promise<string> {
  const { stdout } = await run('psql', [uri, '-X', '-v', 'ON_ERROR_STOP=1', '-tA', ...commands.flatMap((c) => ['-c', c])]);
  return stdout.trim();
}

/** Known data: 500 rows (one holds the marker); TimescaleDB also a hypertable of 2000 rows across chunks. */
async function writeKnown(uri: string, engine: string): Promise<void> {
  await psql(uri, 'CREATE TABLE items (id int PRIMARY KEY, v text NOT NULL)',
    `INSERT INTO items SELECT g, md5(g::text) || CASE WHEN g = 250 THEN ' ${marker}' ELSE '' END FROM generate_series(1, 500) g`);
  if (engine === 'timescaledb') {
    await psql(uri, 'CREATE EXTENSION IF NOT EXISTS timescaledb', 'CREATE TABLE metrics (t timestamptz NOT NULL, v int NOT NULL)',
      "SELECT create_hypertable('metrics', 't', chunk_time_interval => interval '1 day')",
      "INSERT INTO metrics SELECT timestamptz '2026-01-01' + g * interval '10 minutes', g FROM generate_series(1, 2000) g");
  }
}

/** A checksum over every row the test wrote, with the engine's own client. */
async function checksum(uri: string, engine: string): Promise<string> {
  const items = await psql(uri, "SELECT count(*) || ':' || md5(string_agg(id || '=' || v, ',' ORDER BY id)) FROM items");
  if (engine !== 'timescaledb') return items;
  return `${items}|${await psql(uri, "SELECT count(*) || ':' || md5(string_agg(t::text || '=' || v, ',' ORDER BY t)) FROM metrics")}`;
}

describe.each(['postgresql', 'timescaledb'])('%s backups through the API', (engine) => {
  let m: ModuleUnderTest;
  let id: number;
  let uri: string;
  let known: string;
  let first: any;
  const removals: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    m = await startModule();
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `b10-${engine}-${randomBytes(3).toString("hex")}` });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    id = created.body.id;
    await m.waitFor(id, ['running']);
    uri = (await m.api('GET', `/databases/${id}/connection-string`)).body.connection_string;
    await writeKnown(uri, engine);
    known = await checksum(uri, engine);
  }, 300_000);
  afterAll(async () => {
    for (const r of removals) await r();
    for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
    await m?.close();
  });

  it('snapshot, change and delete data, restore: exactly the data of the snapshot comes back', async () => {
    first = await snapshot(m, id);
    expect(first, JSON.stringify(first)).toMatchObject({ status: 'completed', kind: 'manual', tool: 'pg_dump -Fc', engine, engine_version: STANDIN_VERSIONS[engine] });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(first.size_bytes).toBeGreaterThan(1000);
    // Counted inside the dump's own snapshot: exact.
    expect(first.figures.low).toEqual(first.figures.high);
    expect(first.figures.low['public.items']).toBe(500);
    if (engine === 'timescaledb') expect(first.figures.low['public.metrics']).toBe(2000);

    const files = await snapshotFiles(path.join(m.dataDir, 'modules', 'databases', 'backups'), id);
    expect(files).toHaveLength(1);
    expect(files[0]!.mode).toBe(0o600);
    expect(files[0]!.bytes.includes(Buffer.from(marker))).toBe(false);
    expect(files[0]!.bytes.includes(Buffer.from('PGDMP'))).toBe(false);

    await psql(uri, 'DELETE FROM items WHERE id > 100', "UPDATE items SET v = 'changed' WHERE id < 50", 'CREATE TABLE made_later (x int)');
    if (engine === 'timescaledb') await psql(uri, 'DELETE FROM metrics WHERE v % 2 = 0');
    expect(await checksum(uri, engine)).not.toBe(known);

    const op = await restore(m, id, first.id);
    expect(op, JSON.stringify(op)).toMatchObject({ type: 'restore', status: 'completed', snapshot_id: first.id });
    expect(await checksum(uri, engine)).toBe(known);
    expect(await psql(uri, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'made_later'")).toBe('0');
    // A safety snapshot was taken first.
    const list = (await m.api('GET', `/databases/${id}/snapshots`)).body.snapshots;
    expect(list.filter((s: any) => s.kind === 'pre_restore' && s.status === 'completed')).toHaveLength(1);
  }, 600_000);

  it('a clone is a new instance with the same data', async () => {
    const res = await m.api('POST', `/databases/${id}/clone`, { name: `b10-clone-${randomBytes(3).toString("hex")}`, snapshot_id: first.id });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const cloneId = res.body.instance.id;
    const op = await waitOperation(m, cloneId, 'clone');
    expect(op, JSON.stringify(op)).toMatchObject({ status: 'completed' });
    await m.waitFor(cloneId, ['running']);
    const cloneUri = (await m.api('GET', `/databases/${cloneId}/connection-string`)).body.connection_string;
    expect(await checksum(cloneUri, engine)).toBe(known);
  }, 600_000);

  it('the export restores by hand with pg_restore in a fresh container of the image, no module', async () => {
    const exported = await exportTo(m, id, `?snapshot_id=${first.id}`);
    expect(exported.files).toEqual(['README.txt', 'dump.dump', 'manifest.json']);
    const dump = await readFile(path.join(exported.dir, 'dump.dump'));
    expect(createHash('sha256').update(dump).digest('hex')).toBe(first.sha256);
    expect(exported.manifest).toMatchObject({ engine, version: STANDIN_VERSIONS[engine], sha256: first.sha256, tool: 'pg_dump -Fc', file: 'dump.dump' });
    expect(exported.readme).toContain('pg_restore');
    const fresh = await freshContainer(await imageOf(m, id), { env: { POSTGRES_PASSWORD: 'by-hand-pw' }, port: 5432 });
    removals.push(fresh.remove);
    const handUri = `postgresql://postgres:by-hand-pw@127.0.0.1:${fresh.hostPort}/app`;
    await eventually(() => psql(`postgresql://postgres:by-hand-pw@127.0.0.1:${fresh.hostPort}/postgres`, 'CREATE DATABASE app'), 120_000);
    // The README's steps, with the image's own client tools (the snapshot's PostgreSQL major).
    if (engine === 'timescaledb') await psql(handUri, 'CREATE EXTENSION IF NOT EXISTS timescaledb', 'SELECT timescaledb_pre_restore()');
    await run('podman', ['cp', path.join(exported.dir, 'dump.dump'), `${fresh.name}:/tmp/dump.dump`]);
    await run('podman', ['exec', '-e', 'PGPASSWORD=by-hand-pw', fresh.name, 'pg_restore', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'app', '--no-owner', '--no-acl', '--exit-on-error', '/tmp/dump.dump']);
    if (engine === 'timescaledb') await psql(handUri, 'SELECT timescaledb_post_restore()');
    expect(await checksum(handUri, engine)).toBe(known);
  }, 600_000);

  it('imports a dump made by the stock pg_dump, with a safety snapshot first', async () => {
    const source = await freshContainer(await imageOf(m, id), { env: { POSTGRES_PASSWORD: 'stock-pw' }, port: 5432 });
    removals.push(source.remove);
    const sourceUri = `postgresql://postgres:stock-pw@127.0.0.1:${source.hostPort}/postgres`;
    await eventually(() => psql(sourceUri, 'SELECT 1'), 120_000);
    await writeKnown(sourceUri, engine);
    await psql(sourceUri, "UPDATE items SET v = 'from the stock dump' WHERE id = 7");
    const expected = await checksum(sourceUri, engine);
    const { stdout } = await run('podman', ['exec', '-e', 'PGPASSWORD=stock-pw', source.name, 'pg_dump', '-h', '127.0.0.1', '-U', 'postgres', '-Fc', 'postgres'],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
    await importCompleted(m, id, stdout as unknown as Buffer);
    expect(await checksum(uri, engine)).toBe(expected);
    // Not a dump of this engine: refused before anything is stored.
    const bad = await importDump(m, id, Buffer.from('REDIS0011 definitely not a pg_dump archive'));
    expect(bad.status).toBe(400);
  }, 600_000);

  it('a drill passes on a good snapshot and fails on a damaged file, which never counts as good', async () => {
    const passed = await drill(m, id, first.id);
    expect(passed.drill, JSON.stringify(passed.drill)).toMatchObject({ status: 'passed' });
    const file = (await snapshotFiles(path.join(m.dataDir, 'modules', 'databases', 'backups'), id)).find((f) => f.file.includes(`snapshot-${first.id}.`))!;
    const damaged = Buffer.from(file.bytes);
    damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
    await writeFile(file.file, damaged);
    const failed = await drill(m, id, first.id, (s) => s.drill?.status === 'failed');
    expect(failed.drill.message).toMatch(/damaged|authenticate|SHA-256/);
    // The failed drill raised its alert.
    const alerts = (await m.api('GET', `/alerts?instance=${id}`)).body;
    expect(alerts.find((a: any) => a.rule === 'backup_drill_failed' && a.state === 'firing'), JSON.stringify(alerts)).toBeDefined();
    // The damaged snapshot is refused for export too: never half-sent.
    const res = await m.app.inject({ method: 'GET', url: `/api/modules/databases/databases/${id}/export?snapshot_id=${first.id}`, headers: { authorization: 'Bearer e2e-admin-token-0123456789abcdef' } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    await waitSnapshot(m, id, first.id);
  }, 600_000);
});
