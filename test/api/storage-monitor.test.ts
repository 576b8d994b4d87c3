import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHost, type HostApp } from '../../host/build-host.js';
import { TABLES } from '../../src/constants.js';
import { insertInstance } from '../../src/db/repositories/instances.js';
import { migrateUp } from '../../src/db/migrator.js';
import { openStore, type Store } from '../../src/db/store.js';
import { StorageMonitor } from '../../src/services/instances/storage-monitor.js';
import { bearer, tempDir, testConfig } from '../helpers/host.js';
import { memoryLogger } from '../helpers/logger.js';
import { MOUNT } from '../helpers/seed-routes.js';

const GIB = 1024 ** 3;
/** A volume whose usage the test sets; the monitor, the store and the API are real. */
const usage = new Map<string, number>();
const volumes = { usage: async (name: string) => usage.get(name) ?? null };

let dir: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
let app: HostApp;
let token: string;
const logger = memoryLogger();
let monitor: StorageMonitor;

const newRow = (name: string, storageGb: number, status: 'running' | 'creating' = 'running') => insertInstance(store.db, {
  name, container_name: `db-${name}`, engine: 'postgresql', engine_version: '15', image: 'x', database_name: 'app', username: 'app',
  cpu_limit: 1, memory_limit_mb: 1024, storage_limit_gb: storageGb, limits_enforced: '{}', options: '{}', status,
  volume_path: `/nowhere/db-${name}`,
});
const view = async (id: number) => {
  const res = await app.inject({ url: `${MOUNT}/databases/${id}`, headers: bearer(token) });
  expect(res.statusCode).toBe(200);
  return res.json().storage;
};
const logged = (name: string) => logger.lines.filter((l) => l.includes(`instance ${name} storage`));

beforeAll(async () => {
  dir = await tempDir();
  const config = testConfig(dir.path, { FLUX_DATABASES_START_PODMAN_SERVICE: 'false' });
  store = await openStore(config, memoryLogger());
  await migrateUp(store.db);
  monitor = new StorageMonitor({ db: store.db, volumes, logger });
  app = await buildHost(config, { store, logger: false, services: { storage: monitor } });
  token = JSON.parse(await readFile(path.join(dir.path, 'host-tokens.json'), 'utf8')).read;
});
afterAll(async () => {
  await app?.close();
  await store?.close();
  await dir?.remove();
});

describe('storage monitoring', () => {
  it('shows unknown before the first measurement', async () => {
    const row = await newRow('fresh', 2);
    expect(await view(row.id)).toEqual({ limit_bytes: 2 * GIB, used_bytes: null, percent: null, level: 'unknown', checked_at: null, message: null });
  });

  it('logs each crossing of 80 % and 95 % once, up and back down, and the view follows', async () => {
    const row = await newRow('cross', 1);
    const set = async (fraction: number) => {
      usage.set(row.container_name, Math.ceil(fraction * GIB));
      await monitor.measureAll();
      return view(row.id);
    };
    expect(await set(0.5)).toMatchObject({ used_bytes: Math.ceil(0.5 * GIB), percent: 50, level: 'ok', message: null });
    expect(logged('cross')).toEqual([]);

    const warning = await set(0.81);
    expect(warning).toMatchObject({ level: 'warning', percent: 81, message: expect.stringContaining('not enforced') });
    expect(Date.parse(warning.checked_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await set(0.82)).toMatchObject({ level: 'warning', percent: 82 });
    expect(logged('cross')).toEqual([expect.stringMatching(/^warn .*"level":"warning".* storage at 81% of 1 GB: warning/)]);

    expect(await set(0.96)).toMatchObject({ level: 'critical', percent: 96 });
    await set(0.97);
    expect(logged('cross')).toHaveLength(2);
    expect(logged('cross')[1]).toMatch(/^warn .* storage at 96% of 1 GB: critical/);

    expect(await set(0.3)).toMatchObject({ level: 'ok' });
    expect(logged('cross')).toHaveLength(3);
    expect(logged('cross')[2]).toMatch(/^info .* back to ok at 30%/);
  });

  it('does not log a crossing again after a restart, and only one of two racing monitors logs it', async () => {
    const row = await newRow('race', 1);
    usage.set(row.container_name, Math.ceil(0.9 * GIB));
    const [a, b] = [new StorageMonitor({ db: store.db, volumes, logger }), new StorageMonitor({ db: store.db, volumes, logger })];
    const fresh = await store.db.selectFrom(TABLES.instances).selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(await Promise.all([a.measure(fresh), b.measure(fresh)])).toEqual(['warning', 'warning']);
    expect(logged('race')).toHaveLength(1);
    // A new monitor (the module restarted) reads the level it logged from the row.
    await new StorageMonitor({ db: store.db, volumes, logger }).measureAll();
    expect(logged('race')).toHaveLength(1);
  });

  it('measures a new instance as soon as its create completes, long before the next cycle', async () => {
    usage.set('db-duck-first', 12_345_678);
    const admin = JSON.parse(await readFile(path.join(dir.path, 'host-tokens.json'), 'utf8')).admin;
    const created = await app.inject({ method: 'POST', url: `${MOUNT}/databases`, headers: bearer(admin), payload: { engine: 'duckdb', name: 'duck-first', sku: 'b1' } });
    expect(created.statusCode, created.body).toBe(202);
    const id = created.json().id;
    const deadline = Date.now() + 30_000;
    let storage = await view(id);
    while (storage.checked_at === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      storage = await view(id);
    }
    // The cycle runs every 300 s (the default) and ran once at start, before this row existed.
    expect(storage).toMatchObject({ used_bytes: 12_345_678, level: 'ok', percent: 0.1, limit_bytes: 10 * GIB }); // b1: 10 GB
  });

  it('skips rows still creating or whose directory is gone', async () => {
    const creating = await newRow('busy', 1, 'creating');
    usage.set(creating.container_name, GIB);
    const gone = await newRow('gone', 1);
    await monitor.measureAll();
    expect((await view(creating.id)).level).toBe('unknown');
    expect((await view(gone.id)).level).toBe('unknown');
  });
});
