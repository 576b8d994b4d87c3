import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricSample } from '../../src/services/monitoring/metric-sample.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// The collector and GET /databases/{id}/metrics on the fake runtime: one stats call a cycle,
// rates from the runtime's counters, listeners told, the route's series with units.
let h: FakeHost;
beforeAll(async () => { h = await fakeHost(); }, 60_000);
afterAll(() => h?.close());

describe('metrics on the fake runtime', () => {
  it('samples every running instance with one stats call, tells listeners, and answers the route', async () => {
    const a = await h.createRunning({ engine: 'postgresql', name: 'metrics-a' });
    const b = await h.createRunning({ engine: 'redis', name: 'metrics-b' });
    const metrics = h.app.flux.services.metrics;
    const seen: MetricSample[] = [];
    const off = metrics.onSample((_row, s) => { seen.push(s); });
    const before = h.runtime.controls.calls.filter((c) => c.method === 'statsAll').length;
    await metrics.collectAll();
    await metrics.collectAll();
    off();
    expect(h.runtime.controls.calls.filter((c) => c.method === 'statsAll').length - before).toBe(2);
    expect(seen.map((s) => s.instanceId).sort()).toEqual([a.id, a.id, b.id, b.id].sort());
    const latest = metrics.latest(b.id)!;
    expect(latest.container).toMatchObject({ memoryUsedBytes: 64 * 1048576, pids: 7 });
    expect(latest.container!.cpuPercent).toBeCloseTo(1.5, 0);
    expect(latest.container!.rates).toEqual({ netRxBytesPerSecond: 0, netTxBytesPerSecond: 0, blockReadBytesPerSecond: 0, blockWriteBytesPerSecond: 0 });
    const res = await h.api('GET', `/databases/${b.id}/metrics?range=1h`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ instance_id: b.id, engine: 'redis', range: '1h', source: 'raw' });
    expect(res.json.current.figures.memory_used_bytes).toBe(64 * 1048576);
    expect(res.json.current.units.memory_used_bytes).toBe('bytes');
    const cpu = res.json.series.find((s: any) => s.metric === 'cpu_percent');
    expect(cpu).toMatchObject({ unit: 'percent' });
    expect(cpu.points.length).toBeGreaterThanOrEqual(1);
    expect((await h.api('GET', `/databases/${b.id}/metrics?hours=1`)).status).toBe(400);
  });
});
