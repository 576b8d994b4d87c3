import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../src/constants.js';
import { findInstance } from '../../src/db/repositories/instances.js';
import { MetricsCollector } from '../../src/services/metrics-collector.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';
import { memoryLogger } from '../helpers/logger.js';

// The collector on the fake runtime with a fake clock: rates against the previous sample, also
// across a restart of the module (the baseline is stored with each sample), no negative rate when
// a container restarts, an engine that cannot be read said so, and the history rolled up and
// pruned as the clock moves.
let h: FakeHost;
const clock = new FakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
const collector = () => {
  const s = h.app.flux.services;
  return new MetricsCollector({
    db: h.app.flux.ctx.db, support: s.instances.support, runtime: h.runtime, scheduler: s.background, clock, logger: memoryLogger(),
    config: { metricsIntervalS: 60, checkTimeoutS: 5, checkConcurrency: 4, metricsRetentionDays: 7 },
  });
};
beforeAll(async () => { h = await fakeHost(); }, 60_000);
afterAll(() => h?.close());

describe('the metrics collector', () => {
  let redis: { id: number; container_name: string };
  let duck: { id: number };

  it('samples container, volume and engine; an engine that does not answer is said so', async () => {
    redis = await h.createRunning({ engine: 'redis', name: 'col-redis' });
    duck = await h.createRunning({ engine: 'duckdb', name: 'col-duck' });
    const c = collector();
    await c.collectAll();
    const s = c.latest(redis.id)!;
    expect(s.container).toMatchObject({ memoryUsedBytes: 64 * 1048576, pids: 7 });
    expect(s.container!.rates).toBeUndefined();
    // Nothing listens on the fake instance's port: no engine figures, and why.
    expect(s.engine).toEqual({});
    expect(s.engineError).toMatch(/ECONNREFUSED|connect|closed/i);
    // DuckDB is read in-process for real.
    const d = c.latest(duck.id)!;
    expect(d.container).toBeNull();
    expect(d.engine).toMatchObject({ tables: 0 });
    expect(d.engine.database_size_bytes).toBeGreaterThan(0);
    expect(d.units).toMatchObject({ tables: 'count', database_size_bytes: 'bytes' });
  });

  it('turns counters into rates, also for a new collector after a module restart', async () => {
    await clock.advance(60_000);
    const restarted = collector();
    await restarted.collectAll();
    const s = restarted.latest(redis.id)!;
    expect(s.container!.rates).toEqual({ netRxBytesPerSecond: 0, netTxBytesPerSecond: 0, blockReadBytesPerSecond: 0, blockWriteBytesPerSecond: 0 });
    expect(s.container!.cpuPercent).toBeCloseTo(1.5, 0);
  });

  it('gives no rate and no negative figure across a container restart', async () => {
    const c = collector();
    await c.collectAll();
    const row = (await findInstance(h.app.flux.ctx.db, redis.id))!;
    h.runtime.containers.stop(row.container_id!);
    await sleep(5);
    h.runtime.containers.start(row.container_id!);
    h.runtime.container(row.container_id!)!.stats.cpuPercent = 40;
    await clock.advance(60_000);
    await c.collectAll();
    const s = c.latest(redis.id)!;
    for (const v of Object.values(s.container!.rates ?? {})) expect(v).toBeGreaterThanOrEqual(0);
    // The first reading after a restart has no interval: the runtime's own average since the start.
    expect(s.container!.cpuPercent).toBe(40);
  });

  it('records no container figures while Podman fails, and keeps the volume', async () => {
    h.runtime.controls.failNext('statsAll');
    const c = collector();
    await c.collectAll();
    expect(c.latest(redis.id)).toMatchObject({ container: null });
    expect(c.latest(redis.id)!.disk).not.toBeNull();
  });

  it('rolls its samples up and prunes them as the clock moves', async () => {
    const c = collector();
    for (let i = 0; i < 12; i++) {
      await clock.advance(60_000);
      await c.collectAll();
    }
    await c.maintain();
    const db = h.app.flux.ctx.db;
    const rolled = await db.selectFrom(TABLES.metricRollups).select(['metric', 'samples']).where('instance_id', '=', redis.id).where('resolution', '=', '5m').execute();
    expect(rolled.some((r) => r.metric === 'cpu_percent' && r.samples >= 4)).toBe(true);
    const week = await c.report((await findInstance(db, redis.id))!, '7d');
    expect(week.series.find((s) => s.metric === 'memory_used_bytes')?.points.length).toBeGreaterThan(0);
    await clock.advance(25 * 3_600_000);
    await c.maintain();
    expect(await db.selectFrom(TABLES.metrics).select('id').where('instance_id', '=', redis.id).execute()).toEqual([]);
  });
});
