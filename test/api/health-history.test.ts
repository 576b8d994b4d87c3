import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateUp } from '../../src/db/migrator.js';
import { historyBuckets, observedSeconds, pruneHealth, recordCheck, type HealthCheck } from '../../src/db/repositories/health.js';
import { insertInstance } from '../../src/db/repositories/instances.js';
import { openStore, type Store } from '../../src/db/store.js';
import { memoryLogger } from '../helpers/logger.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';

const T0 = Date.UTC(2026, 11, 1);
const at = (s: number) => new Date(T0 + s * 1000);
const check = (s: number, status: HealthCheck['status'], ms = 5): HealthCheck => ({ checkedAt: at(s), status, responseTimeMs: ms, message: null });

// Uptime and history are computed in SQL (a 30-day window is ~86k checks per instance): the same
// answers on both stores.
function suite(kind: 'pglite' | 'postgres') {
  describe(`health history on ${kind}`, () => {
    let store: Store;
    let server: PostgresServer | undefined;
    let dir: string;
    let id: number;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'flux-health-'));
      if (kind === 'postgres') server = await startPostgres();
      store = await openStore({ dataDir: dir, ...(server ? { databaseUrl: server.url } : {}) }, memoryLogger());
      await migrateUp(store.db);
      id = (await insertInstance(store.db, {
        name: 'h', container_name: 'db-h', engine: 'postgresql', engine_version: '15', image: 'x', database_name: 'app',
        username: 'u', port: null, cpu_limit: 1, memory_limit_mb: 1024, storage_limit_gb: 10, limits_enforced: '{}', options: '{}',
      })).id;
    });
    afterAll(async () => { await store?.close(); await server?.stop(); await rm(dir, { recursive: true, force: true }); });

    it('weighs each check by the time it held, without unknowns or long gaps', async () => {
      for (const c of [check(0, 'healthy'), check(30, 'healthy'), check(60, 'unhealthy'), check(90, 'unknown'), check(120, 'healthy'), check(1000, 'unhealthy')]) {
        await recordCheck(store.db, id, c);
      }
      // healthy 0-60 and 120-180 (then a gap: hold 60 s), unhealthy 60-90 and 1000-1030; unknown 90-120 not counted
      expect(await observedSeconds(store.db, id, at(0), at(1030), 60)).toEqual({ up: 120, down: 60 });
      // A window opening mid-check starts with the check that held then.
      expect(await observedSeconds(store.db, id, at(70), at(100), 60)).toEqual({ up: 0, down: 20 });
    });

    it('buckets the history', async () => {
      const buckets = await historyBuckets(store.db, id, at(0), at(1030), 100);
      expect(buckets[0]).toMatchObject({ at: at(0).toISOString(), checks: 4, healthy: 2, unhealthy: 1, unknown: 1, avgResponseMs: 5 });
      expect(buckets.map((b) => b.at)).toEqual([at(0), at(100), at(1000)].map((d) => d.toISOString()));
    });

    it('prunes in batches', async () => {
      expect(await pruneHealth(store.db, at(100), 2)).toBe(4);
      expect((await historyBuckets(store.db, id, at(0), at(2000), 10_000))[0]!.checks).toBe(2);
    });
  });
}

suite('pglite');
suite('postgres');
