import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricSample } from '../../src/services/monitoring/metric-sample.js';
import { PrometheusExporter } from '../../src/services/monitoring/prometheus-exporter.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { fakeHost, MOUNT, type FakeHost } from '../fakes/fake-host.js';
import { bearer } from '../helpers/host.js';

// GET /metrics on the fake runtime: the exposition is what Prometheus' own promtool accepts
// (format and naming lint), with the health series per instance and the latest sample's
// figures in base units. A real Prometheus scrapes it in test/podman/alerts-prometheus.test.ts.
const READER = 'read-token-for-fake-host-0123456789';
let h: FakeHost;
let redis: { id: number; container_name: string };
let pg: { id: number };
let stopped: { id: number };

beforeAll(async () => {
  h = await fakeHost({ env: { FLUX_DATABASES_HEALTH_INTERVAL_S: '86400' } });
  redis = await h.createRunning({ engine: 'redis', name: 'pm-redis', sku: 'b1' });
  pg = await h.createRunning({ engine: 'postgresql', name: 'pm-pg', sku: 'd2' });
  stopped = await h.createRunning({ engine: 'redis', name: 'pm-stopped', sku: 'b1' });
  expect((await h.api('POST', `/databases/${stopped.id}/stop`)).status).toBe(200);
  h.prober.never(redis.container_name, 'connection refused');
  await h.app.flux.services.health.checkAll();
});
afterAll(async () => { await h?.close(); });

const scrape = (token: string | null = READER, query = '') =>
  h.app.inject({ method: 'GET', url: `${MOUNT}/metrics${query}`, headers: token ? bearer(token) : {} });
const labels = (name: string, engine: string, sku: string, id: number) => `instance_id="${id}",instance_name="${name}",engine="${engine}",sku="${sku}"`;

/** promtool's verdict on an exposition: its parser and its naming lint. */
function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('GET /metrics', () => {
  it('answers the read token with the text format promtool accepts: health, up, uptime, latency, per instance with its labels', async () => {
    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(promtool(res.body)).toEqual({ status: 0, output: '' });
    const pgl = labels('pm-pg', 'postgresql', 'd2', pg.id);
    const rl = labels('pm-redis', 'redis', 'b1', redis.id);
    const sl = labels('pm-stopped', 'redis', 'b1', stopped.id);
    expect(res.body).toContain(`fluxdb_up{${pgl}} 1\n`);
    expect(res.body).toContain(`fluxdb_up{${rl}} 0\n`);
    expect(res.body).toContain(`fluxdb_up{${sl}} 0\n`);
    expect(res.body).toContain(`fluxdb_health_status{${pgl},state="healthy"} 1\n`);
    expect(res.body).toContain(`fluxdb_health_status{${rl},state="unhealthy"} 1\n`);
    expect(res.body).toContain(`fluxdb_health_status{${rl},state="healthy"} 0\n`);
    expect(res.body).not.toContain(`fluxdb_health_status{${sl}`);
    expect(res.body).toMatch(new RegExp(`fluxdb_instance_info\\{${pgl},version="17",status="running"\\} 1\\n`));
    expect(res.body).toContain(`fluxdb_instance_info{${sl},version="8.8",status="stopped"} 1\n`);
    expect(res.body).toMatch(new RegExp(`fluxdb_uptime_seconds\\{${pgl}\\} \\d+(\\.\\d+)?\\n`));
    expect(res.body).not.toContain(`fluxdb_uptime_seconds{${sl}}`);
    expect(res.body).toContain(`fluxdb_health_check_duration_seconds{${pgl}} 0.001\n`);
    expect(res.body).toMatch(new RegExp(`fluxdb_health_check_timestamp_seconds\\{${pgl}\\} 1\\d{9}(\\.\\d+)?\\n`));
    expect(res.body).toContain(`fluxdb_volume_limit_bytes{${pgl}} ${50 * 1024 ** 3}\n`);
  });

  it('counts firing alerts by rule and severity', async () => {
    await h.app.flux.services.alerts.raise(pg.id, 'restore_drill_failed', 'critical', 'the drill failed');
    expect((await scrape()).body).toContain(`fluxdb_alerts_firing{${labels('pm-pg', 'postgresql', 'd2', pg.id)},rule="restore_drill_failed",severity="critical"} 1\n`);
  });

  it('needs a token, and takes no query parameters', async () => {
    expect((await scrape(null)).statusCode).toBe(401);
    const bad = await scrape(READER, '?format=json');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('BAD_REQUEST');
  });
});

describe('the latest sample in the exposition', () => {
  it('exports container figures, I/O totals as counters and engine figures in base units; a stale sample not at all', async () => {
    const clock = new FakeClock(Date.now());
    const sample: MetricSample = {
      instanceId: pg.id, at: new Date(clock.now() - 5000),
      container: { cpuPercent: 150, memoryUsedBytes: 300e6, memoryLimitBytes: 2048 * 1024 ** 2, netRxBytes: 1000, netTxBytes: 2000, blockReadBytes: 3000, blockWriteBytes: 4000, pids: 12 },
      disk: { usedBytes: 123_456_789, limitBytes: 20 * 1024 ** 3 },
      engine: { connections: 7, commits_per_second: 2.5, cache_hit_ratio: 0.98, database_size_bytes: 9_000_000, checkpoint_ms: 250, deadlocks: 0 },
      units: { connections: 'count', commits_per_second: 'per_second', cache_hit_ratio: 'ratio', database_size_bytes: 'bytes', checkpoint_ms: 'ms', deadlocks: 'count' },
      connections: { current: 7, max: 100 },
    };
    const exporter = new PrometheusExporter({
      db: h.app.flux.ctx.db, clock, maxSampleAgeMs: 60_000, samples: { latest: (id) => (id === pg.id ? sample : undefined) },
    });
    const text = await exporter.render();
    expect(promtool(text)).toEqual({ status: 0, output: '' });
    const l = labels('pm-pg', 'postgresql', 'd2', pg.id);
    for (const line of [
      `fluxdb_container_cpu_usage_ratio{${l}} 1.5`, `fluxdb_container_memory_usage_bytes{${l}} 300000000`,
      `fluxdb_container_memory_limit_bytes{${l}} ${2048 * 1024 ** 2}`, `fluxdb_container_pids{${l}} 12`,
      `fluxdb_container_network_receive_bytes_total{${l}} 1000`, `fluxdb_container_block_write_bytes_total{${l}} 4000`,
      `fluxdb_volume_used_bytes{${l}} 123456789`, `fluxdb_engine_connections{${l}} 7`, `fluxdb_engine_connections_max{${l}} 100`,
      `fluxdb_engine_commits_per_second{${l}} 2.5`, `fluxdb_engine_cache_hit_ratio{${l}} 0.98`,
      `fluxdb_engine_database_size_bytes{${l}} 9000000`, `fluxdb_engine_checkpoint_seconds{${l}} 0.25`, `fluxdb_engine_deadlocks{${l}} 0`,
      `fluxdb_sample_timestamp_seconds{${l}} ${sample.at.getTime() / 1000}`,
    ]) expect(text).toContain(`${line}\n`);
    expect(text).toContain('# TYPE fluxdb_container_network_receive_bytes_total counter');

    // Two scrapes at once share the registry: each gets a whole exposition, the counters not doubled.
    const [a, b] = await Promise.all([exporter.render(), exporter.render()]);
    expect(a).toBe(b);
    expect(a).toContain(`fluxdb_container_network_receive_bytes_total{${l}} 1000\n`);

    await clock.advance(60_000);
    const later = await exporter.render();
    expect(later).not.toContain(`fluxdb_container_pids{${l}}`);
    expect(later).toContain(`fluxdb_up{${l}} 1\n`);
  });
});
