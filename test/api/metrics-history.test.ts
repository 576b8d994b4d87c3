import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../src/constants.js';
import { migrateUp } from '../../src/db/migrator.js';
import { insertInstance } from '../../src/db/repositories/instances.js';
import { pruneRollups, seriesPoints } from '../../src/db/repositories/metric-rollups.js';
import { insertSample, pruneSamples } from '../../src/db/repositories/metrics.js';
import type { InstanceRow } from '../../src/db/schema.js';
import { openStore, type Store } from '../../src/db/store.js';
import { MetricsHistory } from '../../src/services/monitoring/metrics-history.js';
import { metricsReport } from '../../src/services/monitoring/metrics-report.js';
import { MAX_POINTS } from '../../src/services/monitoring/ranges.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { memoryLogger } from '../helpers/logger.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';

const T0 = Date.UTC(2026, 11, 1, 0, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NONE = { atMs: 0, container: null, counters: {} };

// Rollups, retention and range queries run in SQL on the store: the same answers on PGlite and on
// a real PostgreSQL server, driven by a fake clock.
function suite(kind: 'pglite' | 'postgres') {
  describe(`metrics history on ${kind}`, () => {
    let store: Store;
    let server: PostgresServer | undefined;
    let dir: string;
    let row: InstanceRow;
    const clock = new FakeClock(T0);
    let history: MetricsHistory;
    const count = async (table: string, where = sql`true`) =>
      Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(store.db)).rows[0]!.n);

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'flux-metrics-'));
      if (kind === 'postgres') server = await startPostgres();
      store = await openStore({ dataDir: dir, ...(server ? { databaseUrl: server.url } : {}) }, memoryLogger());
      await migrateUp(store.db);
      row = await insertInstance(store.db, {
        name: 'm', container_name: 'db-m', engine: 'redis', engine_version: '7.2', image: 'x', database_name: 'app',
        username: 'u', port: null, cpu_limit: 1, memory_limit_mb: 1024, storage_limit_gb: 10, limits_enforced: '{}', options: '{}',
      });
      history = new MetricsHistory({ db: store.db, clock, retentionDays: 30, logger: memoryLogger() });
    }, 120_000);
    afterAll(async () => { await store?.close(); await server?.stop(); await rm(dir, { recursive: true, force: true }); });

    it('rolls raw samples into 5-minute and hourly buckets (avg weighted by samples, max)', async () => {
      // Two hours at one sample a minute: cpu_percent (a column of its own) and ops_per_second (custom).
      for (let i = 0; i < 120; i++) {
        await insertSample(store.db, row.id, new Date(T0 + i * MIN), { cpu_percent: i % 10, ops_per_second: i, memory_used_bytes: 1024 * 1024 * 8 }, NONE);
      }
      await clock.advance(2 * HOUR);
      const { rolled } = await history.maintain();
      expect(rolled).toBeGreaterThan(0);
      const five = await store.db.selectFrom(TABLES.metricRollups).selectAll().where('resolution', '=', '5m').where('metric', '=', 'ops_per_second').orderBy('bucket').execute();
      expect(five).toHaveLength(24);
      expect(five[0]).toMatchObject({ avg: 2, max: 4, samples: 5 });
      expect(five[23]).toMatchObject({ avg: 117, max: 119, samples: 5 });
      const hourly = await store.db.selectFrom(TABLES.metricRollups).selectAll().where('resolution', '=', '1h').where('metric', '=', 'cpu_percent').orderBy('bucket').execute();
      expect(hourly.map((h) => [h.avg, h.max, h.samples])).toEqual([[4.5, 9, 60], [4.5, 9, 60]]);
      const mem = await store.db.selectFrom(TABLES.metricRollups).select('avg').where('resolution', '=', '1h').where('metric', '=', 'memory_used_bytes').executeTakeFirst();
      expect(mem?.avg).toBe(8 * 1024 * 1024);
      // Running again changes nothing: the latest buckets are recomputed to the same values.
      await history.maintain();
      expect(await count(TABLES.metricRollups, sql`resolution = '5m'`)).toBe(24 * 3);
    });

    it('answers a range from raw samples, then from rollups plus the raw tail', async () => {
      const raw = await seriesPoints(store.db, row.id, { from: new Date(T0), to: new Date(T0 + 2 * HOUR), bucketS: 600 });
      expect(raw.filter((p) => p.metric === 'ops_per_second').map((p) => p.avg).slice(0, 2)).toEqual([4.5, 14.5]);
      const report = await metricsReport(store.db, row, '7d', { clock, intervalS: 60 });
      expect(report).toMatchObject({ source: '5m', bucket_s: 1500 });
      const ops = report.series.find((s) => s.metric === 'ops_per_second')!;
      expect(ops.unit).toBe('per_second');
      // 25-minute buckets aligned on the epoch (the first holds T0's 5 minutes only), from the 5-minute rollups.
      expect(ops.points.slice(0, 2)).toMatchObject([{ avg: 2, max: 4 }, { avg: 17, max: 29 }]);
      expect(ops.points.length).toBeLessThanOrEqual(MAX_POINTS);
    });

    it('keeps raw samples a day, 5-minute rollups a week, hourly ones for the retention, deleting in batches', async () => {
      expect(await pruneSamples(store.db, new Date(T0 + 10 * MIN), 3)).toBe(10);
      await clock.advance(DAY);
      await history.maintain();
      expect(await count(TABLES.metrics, sql`instance_id = ${row.id}`)).toBe(0);
      expect(await count(TABLES.metricRollups, sql`resolution = '5m'`)).toBe(72);
      await clock.advance(7 * DAY);
      await history.maintain();
      expect(await count(TABLES.metricRollups, sql`resolution = '5m'`)).toBe(0);
      expect(await count(TABLES.metricRollups, sql`resolution = '1h'`)).toBe(6);
      const month = await metricsReport(store.db, row, '30d', { clock, intervalS: 60 });
      expect(month).toMatchObject({ source: '1h', bucket_s: 7200 });
      expect(month.series.find((s) => s.metric === 'cpu_percent')!.points).toEqual([{ at: new Date(T0).toISOString(), avg: 4.5, max: 9 }]);
      await clock.advance(23 * DAY);
      await history.maintain();
      expect(await count(TABLES.metricRollups)).toBe(0);
      expect(await pruneRollups(store.db, '1h', new Date(clock.now()), 2)).toBe(0);
    });

    it('answers at most ~500 points per series for every range', async () => {
      const now = clock.now();
      // A day of raw samples every 10 s, a week of 5-minute and a month of hourly rollups, made in SQL.
      await sql`insert into ${sql.table(TABLES.metrics)} (instance_id, collected_at, cpu_percent, custom)
        select ${row.id}, t, 1, '{"figures": {"keys": 3}}'::jsonb
        from generate_series(${new Date(now - DAY)}::timestamptz, ${new Date(now)}::timestamptz, interval '10 seconds') t`.execute(store.db);
      for (const [resolution, step, span] of [['5m', '5 minutes', 7 * DAY], ['1h', '1 hour', 30 * DAY]] as const) {
        await sql`insert into ${sql.table(TABLES.metricRollups)} (instance_id, resolution, bucket, metric, avg, max, samples)
          select ${row.id}, ${resolution}, t, 'cpu_percent', 1, 2, 30
          from generate_series(${new Date(now - span)}::timestamptz, ${new Date(now - HOUR)}::timestamptz, ${step}::interval) t`.execute(store.db);
      }
      for (const range of ['1h', '6h', '24h', '7d', '30d'] as const) {
        const r = await metricsReport(store.db, row, range, { clock, intervalS: 10 });
        const cpu = r.series.find((s) => s.metric === 'cpu_percent')!;
        expect(cpu.points.length, range).toBeGreaterThan(range === '1h' ? 300 : 200);
        expect(cpu.points.length, range).toBeLessThanOrEqual(MAX_POINTS + 1);
        expect(r.series.find((s) => s.metric === 'keys')?.unit, range).toBe('count');
      }
    });
  });
}

suite('pglite');
suite('postgres');
