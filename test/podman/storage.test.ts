import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateUp } from '../../src/db/migrator.js';
import { openStore, type Store } from '../../src/db/store.js';
import { StorageMonitor } from '../../src/services/instances/storage-monitor.js';
import { VolumeService } from '../../src/services/volume-service.js';
import { tempDir, testConfig } from '../helpers/host.js';
import { memoryLogger } from '../helpers/logger.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

/**
 * storage_limit_gb on a real PostgreSQL instance: what a client writes shows in the measured
 * usage, and a file allocated in the data dir pushes a 1 GB instance past 80 % and 95 %,
 * which the instance view and the log show (once per crossing).
 */
const run = promisify(execFile);
const GIB = 1024 ** 3;
const name = `storage-pg-${randomBytes(3).toString('hex')}`;
const logger = memoryLogger();
let dir: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
let m: ModuleUnderTest;
let id = 0;

beforeAll(async () => {
  dir = await tempDir('flux-storage-');
  // The module under test, with a storage monitor whose log the test reads; the rest as built.
  const config = testConfig(dir.path);
  store = await openStore(config, memoryLogger());
  await migrateUp(store.db);
  const volumes = new VolumeService({ dataDir: path.join(dir.path, 'modules', 'databases'), ownership: process.getuid!() === 0 ? 'rootful' : 'rootless' });
  const storage = new StorageMonitor({ db: store.db, volumes, logger });
  m = await startModule({ FLUX_DATABASES_STORAGE_INTERVAL_S: '5' }, dir.path, { store, services: { storage } });
});
afterAll(async () => {
  if (id) await m.api('DELETE', `/databases/${id}`);
  await m?.close();
  await store?.close();
  await dir?.remove();
});

type Storage = { used_bytes: number | null; percent: number | null; level: string; checked_at: string | null; message: string | null; limit_bytes: number };
const storageOf = async () => (await m.api('GET', `/databases/${id}`)).body.storage as Storage;
/** Waits for a measurement taken after `since` that satisfies `ok`. */
async function measured(since: number, ok: (s: Storage) => boolean, timeoutMs = 60_000): Promise<Storage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await storageOf();
    if (s.checked_at && Date.parse(s.checked_at) >= since && ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`storage stayed ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
const crossings = () => logger.lines.filter((l) => l.includes(`instance ${name} storage`));
const du = async (p: string) => Number((await run('du', ['-s', '-B1', p])).stdout.split(/\s/)[0]);

describe('storage monitoring on a real PostgreSQL instance', () => {
  it('measures the volume right after the create, as du sees it, within the 1 GB custom SKU', async () => {
    const created = await m.api('POST', '/databases', {
      engine: 'postgresql', name, version: STANDIN_VERSIONS.postgresql, sku: 'custom', memory_limit_mb: 1024, cpu_limit: 1, storage_limit_gb: 1,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    id = created.body.id;
    const row = await m.waitFor(id, ['running']);
    expect(row.storage_limit_gb).toBe(1);
    expect(row.limits_enforced).toMatchObject({ storage: 'monitored', notes: expect.arrayContaining([expect.stringMatching(/monitored, not enforced/)]) });
    const first = await measured(0, (s) => s.used_bytes !== null);
    expect(first.limit_bytes).toBe(GIB);
    expect(first.level).toBe('ok');
    // initdb's cluster alone is tens of MB; du agrees within what PostgreSQL wrote since.
    expect(first.used_bytes).toBeGreaterThan(20 * 1024 ** 2);
    expect(Math.abs((await du(row.volume_path)) - first.used_bytes!)).toBeLessThan(64 * 1024 ** 2);
  });

  it('grows with rows a real client inserts', async () => {
    const before = (await storageOf()).used_bytes!;
    const conn = (await m.api('GET', `/databases/${id}/connection-string`)).body;
    const client = new pg.Client({ connectionString: conn.connection_string });
    await client.connect();
    try {
      await client.query('create table ballast (id int, pad text)');
      await client.query(`insert into ballast select g, repeat(md5(g::text), 6) from generate_series(1, 200000) g`);
      await client.query('checkpoint');
      expect(Number((await client.query("select pg_total_relation_size('ballast') as n")).rows[0].n)).toBeGreaterThan(40 * 1024 ** 2);
    } finally { await client.end(); }
    const since = Date.now();
    const after = await measured(since, (s) => s.used_bytes! > before + 40 * 1024 ** 2);
    expect(after.level).toBe('ok');
  });

  it('shows and logs the crossing of 80 % and 95 % once each, and the way back', async () => {
    const row = (await m.api('GET', `/databases/${id}`)).body;
    const ballast = path.join(row.volume_path, 'data', 'flux-test-ballast');
    const fill = async (fraction: number) => {
      const used = await du(row.volume_path);
      const have = await du(ballast).catch(() => 0);
      await run('fallocate', ['-l', String(Math.ceil(fraction * GIB) - (used - have)), ballast]);
      return Date.now();
    };

    const warning = await measured(await fill(0.85), (s) => s.level === 'warning');
    expect(warning.percent).toBeGreaterThanOrEqual(80);
    expect(warning.message).toMatch(/of its 1 GB \(warning at 80%\).*not enforced/);
    // Several cycles at the same level: still one line.
    await measured(Date.now() + 6000, (s) => s.level === 'warning', 30_000);
    expect(crossings()).toEqual([expect.stringMatching(/^warn .*storage at 8\d(\.\d)?% of 1 GB: warning \(not a hard limit\)/)]);

    const critical = await measured(await fill(0.97), (s) => s.level === 'critical');
    expect(critical.percent).toBeGreaterThanOrEqual(95);
    expect(critical.message).toMatch(/critical at 95%/);
    expect(crossings()).toHaveLength(2);
    expect(crossings()[1]).toMatch(/^warn .*storage at 9\d(\.\d)?% of 1 GB: critical/);

    await rm(ballast);
    await measured(Date.now(), (s) => s.level === 'ok');
    expect(crossings()).toHaveLength(3);
    expect(crossings()[2]).toMatch(/^info .*back to ok/);
    // The engine never noticed: the limit is watched, not enforced.
    const conn = (await m.api('GET', `/databases/${id}/connection-string`)).body;
    const client = new pg.Client({ connectionString: conn.connection_string });
    await client.connect();
    try { expect(Number((await client.query('select count(*) as n from ballast')).rows[0].n)).toBe(200000); } finally { await client.end(); }
  });
});
