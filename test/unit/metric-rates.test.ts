import { describe, expect, it } from 'vitest';
import { PostgresMetrics } from '../../src/services/adapters/families/postgres-metrics.js';
import { buildSample, engineFigures } from '../../src/services/monitoring/sample-builder.js';

const role = new PostgresMetrics();
const reading = (commits: number, hit: number, read: number) => ({
  gauges: { connections: 3, max_connections: 100, database_size_bytes: 1000 },
  counters: { xact_commit: commits, xact_rollback: 0, blks_hit: hit, blks_read: read, deadlocks: 0 },
});
const base = (atMs: number, counters: Record<string, number>) => ({ atMs, container: null, counters });

describe('counters into rates', () => {
  it('divides the counters\' movement by the seconds between the samples', () => {
    const { engine } = engineFigures(role, reading(1600, 190, 10), base(0, reading(1000, 100, 0).counters), 60_000);
    expect(engine).toMatchObject({ commits_per_second: 10, rollbacks_per_second: 0, cache_hit_ratio: 0.9, connections: 3 });
  });
  it('gives no rate when a counter went down (the engine restarted), never a negative one', () => {
    const { engine } = engineFigures(role, reading(5, 10, 10), base(0, reading(1000, 100, 0).counters), 60_000);
    expect(engine).not.toHaveProperty('commits_per_second');
    // The hit ratio falls back to the counters since the engine started.
    expect(engine.cache_hit_ratio).toBe(0.5);
  });
  it('has no rate on a first sample, and the ratio since the engine started', () => {
    const { engine, units } = engineFigures(role, reading(1000, 30, 10), null, 60_000);
    expect(engine).not.toHaveProperty('commits_per_second');
    expect(engine.cache_hit_ratio).toBe(0.75);
    expect(units).toMatchObject({ cache_hit_ratio: 'ratio', database_size_bytes: 'bytes' });
  });
  it('keeps the older counters when the engine could not be read, so the next rate spans both intervals', () => {
    const previous = base(0, reading(1000, 0, 0).counters);
    const failed = buildSample({ instanceId: 1, atMs: 60_000, container: null, disk: null, role, reading: null, engineError: 'refused', previous });
    expect(failed.sample).toMatchObject({ engine: {}, engineError: 'refused' });
    expect(failed.baseline).toEqual(previous);
    const next = buildSample({ instanceId: 1, atMs: 120_000, container: null, disk: null, role, reading: reading(2200, 0, 0), previous: failed.baseline });
    expect(next.sample.engine.commits_per_second).toBe(10);
    expect(next.sample.connections).toEqual({ current: 3, max: 100 });
  });
});
