import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/services/monitoring/webhook-signature.js';
import { tempDir } from '../helpers/host.js';
import { READER, startModule, type ModuleUnderTest } from './helpers/module-under-test.js';

/**
 * Alerts and the Prometheus endpoint on real Podman: a real Prometheus (Debian's package)
 * scrapes GET /metrics with the read token and its own HTTP API returns the instances' series;
 * a Redis container killed behind the module's back fires the unhealthy alert (Podman's event
 * stream) at a real HTTP receiver, signed, after one retry, and reconciliation resolves it; a
 * file allocated in a 1 GB instance's data dir fires the disk warning, removing it resolves it.
 */
const run = promisify(execFile);
const SECRET = `webhook-secret-${randomBytes(8).toString('hex')}`;
const suffix = randomBytes(3).toString('hex');
const names = { redis: `alerts-redis-${suffix}`, duck: `alerts-duck-${suffix}` };
const GIB = 1024 ** 3;

interface Received { headers: http.IncomingHttpHeaders; body: string; verdict: string | null; json: any }
const received: Received[] = [];
let answered = 0;
let receiver: http.Server;
let dir: Awaited<ReturnType<typeof tempDir>>;
let m: ModuleUnderTest;
let prometheus: ChildProcess | undefined;
let prometheusLog = '';
let promPort = 0;
const ids: Record<keyof typeof names, number> = { redis: 0, duck: 0 };

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const delivery = (event: string, rule: string) => received.find((r) => r.json.event === event && r.json.alert.rule === rule && r.json.alert.instance_id === ids.redis);

beforeAll(async () => {
  dir = await tempDir('flux-alerts-');
  receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      // The first delivery is refused once: the module retries it.
      const status = answered++ === 0 ? 503 : 204;
      if (status !== 503) received.push({ headers: req.headers, body, verdict: verifyWebhook(SECRET, req.headers, body), json: JSON.parse(body) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/flux-alerts`;
  m = await startModule({
    FLUX_DATABASES_HEALTH_INTERVAL_S: '5', FLUX_DATABASES_METRICS_INTERVAL_S: '5', FLUX_DATABASES_STORAGE_INTERVAL_S: '5',
    FLUX_DATABASES_RECONCILE_INTERVAL_S: '3600', FLUX_DATABASES_ALERT_WEBHOOK_URL: hook, FLUX_DATABASES_ALERT_WEBHOOK_SECRET: SECRET,
  }, path.join(dir.path, 'module'));
  await m.app.listen({ port: 0, host: '127.0.0.1' });
  const redis = await m.api('POST', '/databases', { engine: 'redis', name: names.redis, sku: 'custom', memory_limit_mb: 512, cpu_limit: 0.5, storage_limit_gb: 1 });
  const duck = await m.api('POST', '/databases', { engine: 'duckdb', name: names.duck, sku: 'b1' });
  expect([redis.status, duck.status], JSON.stringify([redis.body, duck.body])).toEqual([202, 202]);
  ids.redis = redis.body.id;
  ids.duck = duck.body.id;
  await Promise.all([m.waitFor(ids.redis, ['running']), m.waitFor(ids.duck, ['running'])]);
});

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  for (const id of Object.values(ids)) if (id) await m.api('DELETE', `/databases/${id}`).catch(() => undefined);
  await m?.close();
  await new Promise((r) => receiver?.close(r));
  await dir?.remove();
});

describe('a real Prometheus scrapes GET /metrics', () => {
  it('with the read token; its query API returns both instances\' series with their labels (and a scrape without the token fails)', async () => {
    const target = `127.0.0.1:${(m.app.server.address() as net.AddressInfo).port}`;
    const job = (name: string, auth: string) => [
      `  - job_name: ${name}`, '    metrics_path: /api/modules/databases/metrics', auth, `    static_configs: [{ targets: ['${target}'] }]`,
    ].filter(Boolean).join('\n');
    const config = path.join(dir.path, 'prometheus.yml');
    await writeFile(config, ['global: { scrape_interval: 1s, scrape_timeout: 1s }', 'scrape_configs:',
      job('flux', `    authorization: { type: Bearer, credentials: ${READER} }`), job('flux-no-token', '')].join('\n'));
    promPort = await freePort();
    prometheus = spawn('prometheus', [
      `--config.file=${config}`, `--storage.tsdb.path=${path.join(dir.path, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stderr!.on('data', (c) => { prometheusLog += c; });
    const query = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = await res.json() as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return body.status === 'success' ? body.data.result : [];
    };

    const ups = await until('both instances in fluxdb_up', async () => {
      const r = await query('fluxdb_up{job="flux"}');
      return r.length >= 2 && r.every((s) => s.value[1] === '1') ? r : undefined;
    }, 60_000).catch((err) => { throw new Error(`${(err as Error).message}; prometheus said: ${prometheusLog.slice(-2000)}`); });
    expect(ups.map((s) => s.metric).sort((a, b) => a.instance_name!.localeCompare(b.instance_name!))).toEqual([
      expect.objectContaining({ instance_name: names.duck, engine: 'duckdb', sku: 'b1', instance_id: String(ids.duck), job: 'flux', instance: target }),
      expect.objectContaining({ instance_name: names.redis, engine: 'redis', sku: 'custom', instance_id: String(ids.redis), job: 'flux', instance: target }),
    ]);
    expect(await query(`up{job="flux"}`)).toEqual([expect.objectContaining({ value: [expect.any(Number), '1'] })]);
    const refused = await until('the scrape without a token to fail', async () => {
      const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/targets?state=active`);
      const t = (await res.json() as { data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> } })
        .data.activeTargets.find((x) => x.labels.job === 'flux-no-token');
      return t?.health === 'down' ? t : undefined;
    }, 20_000);
    expect(refused.lastError).toMatch(/401/);
    const healthy = await query(`fluxdb_health_status{state="healthy",instance_name="${names.redis}"}`);
    expect(healthy.map((s) => s.value[1])).toEqual(['1']);
    // A Redis PING from the host: well under a second (whole milliseconds, so 0 is possible).
    const latency = Number((await query(`fluxdb_health_check_duration_seconds{instance_name="${names.redis}"}`))[0]!.value[1]);
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(1);
    // The collector's latest sample of the container, in bytes.
    const memory = await until('the Redis container\'s memory series', async () => {
      const r = await query(`fluxdb_container_memory_usage_bytes{instance_name="${names.redis}"}`);
      return r.length ? r : undefined;
    }, 30_000);
    expect(Number(memory[0]!.value[1])).toBeGreaterThan(512 * 1024);
    expect(Number(memory[0]!.value[1])).toBeLessThan(512 * 1024 ** 2);
    expect((await query(`fluxdb_volume_limit_bytes{instance_name="${names.redis}"}`))[0]!.value[1]).toBe(String(GIB));
    // Redis's own figures, in base units: what INFO says it allocated, and its clients against maxclients.
    expect(Number((await query(`fluxdb_engine_used_memory_bytes{instance_name="${names.redis}"}`))[0]?.value[1])).toBeGreaterThan(100_000);
    expect(Number((await query(`fluxdb_engine_connections_max{instance_name="${names.redis}"}`))[0]?.value[1])).toBeGreaterThan(0);
    const clients = await query(`fluxdb_engine_connections{instance_name="${names.redis}"} / fluxdb_engine_connections_max{instance_name="${names.redis}"}`);
    expect(Number(clients[0]?.value[1])).toBeGreaterThanOrEqual(0);
    expect(Number(clients[0]?.value[1])).toBeLessThan(0.5);
  });
});

describe('alerts reach a local webhook receiver', () => {
  it('a container killed behind the module\'s back: unhealthy fires at once, signed, after one retry; reconciliation resolves it', async () => {
    const row = (await m.api('GET', `/databases/${ids.redis}`)).body;
    const killedAt = Date.now();
    await run('podman', ['kill', row.container_name]);
    const fired = await until('the unhealthy alert at the receiver', async () => delivery('alert.fired', 'unhealthy'), 30_000);
    // The event stream, not N health checks: the retry's 2 s backoff is most of this.
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(fired.verdict).toBeNull();
    expect(fired.headers['content-type']).toBe('application/json');
    expect(fired.json).toMatchObject({
      event: 'alert.fired', delivery_id: `alert-${fired.json.alert.id}-fired`,
      alert: { instance_name: names.redis, engine: 'redis', rule: 'unhealthy', severity: 'critical', state: 'firing', message: expect.stringMatching(/^the instance is unhealthy: container (exited|was OOM-killed)/) },
    });
    expect(fired.headers['x-flux-attempt']).toBe('2');
    expect(JSON.stringify(received)).not.toContain(SECRET);
    const health = (await m.api('GET', `/databases/${ids.redis}/health?range=1h`, undefined, READER)).body;
    expect(health.status).toBe('unhealthy');
    expect(health.alerts.map((a: { rule: string }) => a.rule)).toEqual(['unhealthy']);
    // The outcome is recorded once the receiver's answer is in.
    const listed = await until('the delivery recorded', async () => {
      const [a] = (await m.api('GET', `/alerts?instance=${ids.redis}&state=firing`, undefined, READER)).body;
      return a?.delivery.fired?.state === 'delivered' ? a : undefined;
    }, 10_000);
    expect(listed.delivery.fired).toMatchObject({ state: 'delivered', attempts: 2, last_status: 204 });

    const report = (await m.api('POST', '/reconcile')).body;
    expect(report.changes).toContainEqual(expect.objectContaining({ id: ids.redis, to: 'running' }));
    const resolved = await until('the resolution at the receiver', async () => delivery('alert.resolved', 'unhealthy'), 30_000);
    expect(resolved.verdict).toBeNull();
    expect(resolved.json.alert).toMatchObject({ id: fired.json.alert.id, state: 'resolved', resolved_message: 'the instance is running' });
    expect(Date.parse(resolved.json.alert.resolved_at)).toBeGreaterThan(Date.parse(fired.json.alert.fired_at));
  });

  it('a file allocated in a 1 GB instance\'s data dir fires the disk warning; removing it resolves it', async () => {
    const row = (await m.api('GET', `/databases/${ids.redis}`)).body;
    const ballast = path.join(row.volume_path, 'data', 'flux-alerts-ballast');
    await run('fallocate', ['-l', String(Math.ceil(0.85 * GIB)), ballast]);
    try {
      const fired = await until('the disk warning at the receiver', async () => delivery('alert.fired', 'disk_warning'), 60_000);
      expect(fired.verdict).toBeNull();
      expect(fired.json.alert).toMatchObject({ severity: 'warning', threshold: 80, message: expect.stringMatching(/^the volume uses 8\d(\.\d)?% of its 1 GB/) });
      expect(delivery('alert.fired', 'disk_critical')).toBeUndefined();
    } finally {
      await rm(ballast, { force: true });
    }
    const resolved = await until('the disk warning\'s resolution', async () => delivery('alert.resolved', 'disk_warning'), 60_000);
    expect(resolved.json.alert.resolved_message).toMatch(/below 78%$/);
  });
});
