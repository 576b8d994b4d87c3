import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/services/adapters/registry.js';
import type { MetricSample } from '../../src/services/monitoring/metric-sample.js';
import { ENGINE_LOAD, type Returned } from './helpers/metrics-load.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Every live engine and DuckDB through the REST API on real Podman: the collector's figures are
// plausible, and they move when the engine's own client applies load (held connections are
// counted, a burst of requests raises the rate, written rows grow the size). The cycles are run
// by hand (the interval is a day) so each sample brackets exactly the load between two of them.
// `ENGINES=redis,h2` narrows the run.

interface Expect {
  /** The figure that counts client connections. */
  connections?: string;
  /** A rate the burst (or the write) raises. */
  rate?: string;
  /** A figure the write grows. */
  size: string;
}
const EXPECT: Record<string, Expect> = {
  postgresql: { connections: 'connections', rate: 'commits_per_second', size: 'database_size_bytes' },
  timescaledb: { connections: 'connections', rate: 'commits_per_second', size: 'database_size_bytes' },
  mariadb: { connections: 'connections', rate: 'queries_per_second', size: 'database_size_bytes' },
  mysql: { connections: 'connections', rate: 'queries_per_second', size: 'database_size_bytes' },
  redis: { connections: 'connections', rate: 'ops_per_second', size: 'keys' },
  valkey: { connections: 'connections', rate: 'ops_per_second', size: 'used_memory_bytes' },
  keydb: { connections: 'connections', rate: 'ops_per_second', size: 'keys' },
  clickhouse: { connections: 'connections', rate: 'queries_per_second', size: 'database_size_bytes' },
  influxdb: { rate: 'points_written_per_second', size: 'series' },
  h2: { connections: 'connections', size: 'database_size_bytes' },
  duckdb: { size: 'database_size_bytes' },
};
const ENGINES = (process.env.ENGINES?.split(',') ?? Object.keys(EXPECT)).filter((e) => e in EXPECT);
const MB = 1024 * 1024;

let m: ModuleUnderTest;
beforeAll(async () => {
  m = await startModule({ FLUX_DATABASES_METRICS_INTERVAL_S: '86400', FLUX_DATABASES_HEALTH_INTERVAL_S: '86400' });
});
afterAll(() => m?.close());

const collector = () => m.app.flux.services.metrics;
async function sample(id: number): Promise<MetricSample> {
  await collector().collectAll();
  const s = collector().latest(id);
  if (!s) throw new Error(`no sample of instance ${id}`);
  return s;
}

function expectPlausible(engine: string, s: MetricSample): void {
  expect(s.engineError, `${engine}: ${s.engineError}`).toBeUndefined();
  if (engine === 'duckdb') {
    expect(s.container).toBeNull();
  } else {
    const c = s.container!;
    expect(c.memoryLimitBytes).toBe(1024 * MB);
    expect(c.memoryUsedBytes).toBeGreaterThan(MB);
    expect(c.memoryUsedBytes).toBeLessThan(c.memoryLimitBytes);
    expect(c.pids).toBeGreaterThanOrEqual(1);
    expect(c.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(c.cpuPercent).toBeLessThan(250);
  }
  expect(s.disk!.usedBytes).toBeGreaterThan(0);
  expect(s.disk!.limitBytes).toBeGreaterThan(s.disk!.usedBytes);
  for (const [name, value] of Object.entries(s.engine)) {
    expect(value, `${engine} ${name}`).toBeGreaterThanOrEqual(0);
    if (s.units[name] === 'ratio') expect(value, `${engine} ${name}`).toBeLessThanOrEqual(1);
  }
  if (s.connections) expect(s.connections.current).toBeLessThanOrEqual(s.connections.max);
}

describe.each(ENGINES)('metrics of %s', (engine) => {
  const want = EXPECT[engine]!;
  const load = ENGINE_LOAD[engine]!;
  let id: number;
  let conn: Returned;

  beforeAll(async () => {
    const created = await m.api('POST', '/databases', { engine, name: `mx-${engine}-${randomBytes(3).toString('hex')}`, version: STANDIN_VERSIONS[engine], sku: 'b1' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    id = created.body.id;
    await m.waitFor(id, ['running']);
    conn = (await m.api('GET', `/databases/${id}/connection-string`)).body;
  });
  afterAll(async () => { if (id) await m.api('DELETE', `/databases/${id}`); });

  it('reports plausible figures, which follow held connections, a burst and a write', async () => {
    await sample(id);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = await sample(id);
    expectPlausible(engine, idle);
    for (const name of [want.size, want.connections, want.rate].filter(Boolean) as string[]) {
      expect(idle.engine, `${engine} reports ${name}`).toHaveProperty(name);
    }

    if (want.connections) {
      const held = await load.hold(conn, 3);
      try {
        const busy = await sample(id);
        expect(busy.engine[want.connections]).toBeGreaterThanOrEqual(idle.engine[want.connections]! + 3);
      } finally {
        await held.close();
      }
    }

    await load.write(conn);
    await load.burst(conn);
    const loaded = await sample(id);
    expectPlausible(engine, loaded);
    // Every figure the engine's role declares comes out of a real engine (rates need the previous sample: there is one).
    const role = getAdapter(engine).roles.metrics!;
    expect(Object.keys(loaded.engine).sort(), `${engine}: every declared figure`).toEqual(Object.keys(role.figures).sort());
    if (want.rate) expect(loaded.engine[want.rate], `${want.rate} rose`).toBeGreaterThan(Math.max(1, idle.engine[want.rate]! * 5));

    // Some engines publish sizes a little later (InnoDB's statistics, flushed shards): poll.
    let grown = loaded;
    for (let i = 0; i < 30 && !(grown.engine[want.size]! > idle.engine[want.size]!); i++) {
      await new Promise((r) => setTimeout(r, 2000));
      grown = await sample(id);
    }
    expect(grown.engine[want.size], `${want.size} grew`).toBeGreaterThan(idle.engine[want.size]!);

    const res = await m.api('GET', `/databases/${id}/metrics?range=1h`);
    expect(res.status).toBe(200);
    expect(res.body.current.figures[want.size]).toBe(grown.engine[want.size]);
    const series = new Map((res.body.series as { metric: string; unit: string; points: unknown[] }[]).map((s) => [s.metric, s]));
    expect(series.get(want.size)?.points.length).toBeGreaterThanOrEqual(1);
    if (engine !== 'duckdb') expect(series.get('cpu_percent')).toMatchObject({ unit: 'percent' });
    expect(series.get('disk_used_bytes')).toMatchObject({ unit: 'bytes' });
  });
});

describe('the metrics job on its interval', () => {
  let fast: ModuleUnderTest;
  let id = 0;
  beforeAll(async () => {
    fast = await startModule({ FLUX_DATABASES_METRICS_INTERVAL_S: '5', FLUX_DATABASES_HEALTH_INTERVAL_S: '86400' });
  });
  afterAll(async () => {
    if (id) await fast.api('DELETE', `/databases/${id}`);
    await fast?.close();
  });

  it('samples a running instance every interval without being asked, rates from the second sample on', async () => {
    const created = await fast.api('POST', '/databases', { engine: 'redis', name: `mx-job-${randomBytes(3).toString('hex')}`, version: STANDIN_VERSIONS.redis, sku: 'b1' });
    id = created.body.id;
    await fast.waitFor(id, ['running']);
    const deadline = Date.now() + 40_000;
    let body: any;
    do {
      await new Promise((r) => setTimeout(r, 1000));
      body = (await fast.api('GET', `/databases/${id}/metrics?range=1h`)).body;
    } while (Date.now() < deadline && !(body.current?.figures.ops_per_second >= 0));
    expect(body.current.figures).toMatchObject({ ops_per_second: expect.any(Number), keys: 0, connections: 0 });
    expect(body.current.units.ops_per_second).toBe('per_second');
    expect(body.series.find((s: { metric: string }) => s.metric === 'memory_used_bytes').points.length).toBeGreaterThanOrEqual(1);
  });
});
