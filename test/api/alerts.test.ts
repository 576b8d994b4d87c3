import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/instances.js';
import type { InstanceRow } from '../../src/db/schema.js';
import { AlertService } from '../../src/services/monitoring/alert-service.js';
import type { MetricSample } from '../../src/services/monitoring/metric-sample.js';
import { systemClock } from '../../src/services/scheduler/clock.js';
import { fakeHost, MOUNT, type FakeHost } from '../fakes/fake-host.js';
import { bearer } from '../helpers/host.js';
import { memoryLogger } from '../helpers/logger.js';
import { recorder, ResponseChecker } from '../helpers/openapi-check.js';

// The alert rules on the fake runtime: thresholds from samples (the metrics collector's
// listener, fed here with samples of our own), unhealthy from the health monitor, overrides per
// instance, one firing alert per instance and rule, and every JSON answer checked against the
// served OpenAPI document.
const ADMIN = 'admin-token-for-fake-host-0123456789';
const READER = 'read-token-for-fake-host-0123456789';
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const rec = recorder();
let h: FakeHost;
let check: ResponseChecker;

beforeAll(async () => {
  h = await fakeHost({ env: { FLUX_DATABASES_HEALTH_INTERVAL_S: '86400', FLUX_DATABASES_UNHEALTHY_AFTER: '2' }, host: { configure: rec.configure } });
  check = new ResponseChecker((await h.api('GET', '/openapi.json')).json, rec.answers);
});
afterAll(async () => { await h?.close(); });

const services = () => h.app.flux.services;
const call = (method: 'GET' | 'PUT' | 'POST', url: string, status: number, payload?: object, token: string | null = ADMIN) =>
  check.call(h.app, { method, url: MOUNT + url, headers: token ? bearer(token) : {}, ...(payload ? { payload } : {}) }, status);
const rowOf = async (id: number) => (await repo.findInstance(h.app.flux.ctx.db, id)) as InstanceRow;
const alertsOf = async (id: number, query = '') => (await call('GET', `/alerts?instance=${id}${query}`, 200)).json();
const firing = async (id: number) => (await alertsOf(id, '&state=firing')).map((a: { rule: string }) => a.rule).sort();

/** Feeds one sample to the alerts as the collector would, and waits for its evaluation. */
async function feed(id: number, s: { memory?: [number, number]; disk?: [number, number]; connections?: [number, number] }): Promise<void> {
  const sample: MetricSample = {
    instanceId: id, at: new Date(),
    container: s.memory ? {
      cpuPercent: 3, memoryUsedBytes: s.memory[0], memoryLimitBytes: s.memory[1], netRxBytes: 0, netTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 4,
    } : null,
    disk: s.disk ? { usedBytes: s.disk[0], limitBytes: s.disk[1] } : null,
    engine: {}, units: {},
    ...(s.connections ? { connections: { current: s.connections[0], max: s.connections[1] } } : {}),
  };
  services().alerts.onSample(await rowOf(id), sample);
  await services().alerts.idle();
}

describe('alert rules per instance', () => {
  it('shows the defaults, takes valid overrides from a writer, refuses everything else with a 400 that changes nothing', async () => {
    const row = await h.createRunning({ engine: 'postgresql', name: 'al-rules', sku: 'b1' });
    const defaults = (await call('GET', `/databases/${row.id}/alert-rules`, 200, undefined, READER)).json();
    expect(defaults.overrides).toEqual({});
    expect(Object.fromEntries(defaults.rules.map((r: { rule: string; threshold: number | null; severity: string }) => [r.rule, [r.threshold, r.severity]]))).toEqual({
      unhealthy: [null, 'critical'], disk_warning: [80, 'warning'], disk_critical: [95, 'critical'], memory: [90, 'warning'], connections: [90, 'warning'],
    });

    await call('PUT', `/databases/${row.id}/alert-rules`, 403, { memory: { threshold: 70 } }, READER);
    for (const bad of [
      { nosuch: { enabled: true } }, { unhealthy: { threshold: 50 } }, { memory: { threshold: 101 } }, { memory: { threshold: 0 } },
      { memory: { threshold: '50' } }, { memory: { enabled: 'yes' } }, { memory: { threshold: 50, extra: 1 } },
      { disk_warning: { threshold: 96 } }, { disk_warning: { threshold: 90 }, disk_critical: { threshold: 90 } },
    ]) {
      const res = await call('PUT', `/databases/${row.id}/alert-rules`, 400, bad);
      expect(res.json().message, JSON.stringify(bad)).toMatch(/body/);
    }
    expect((await rowOf(row.id)).alert_rules).toEqual({});

    const set = (await call('PUT', `/databases/${row.id}/alert-rules`, 200, { memory: { threshold: 70 }, connections: { enabled: false } })).json();
    expect(set.rules.find((r: { rule: string }) => r.rule === 'memory')).toMatchObject({ threshold: 70, default_threshold: 90, overridden: true, enabled: true });
    expect(set.rules.find((r: { rule: string }) => r.rule === 'connections')).toMatchObject({ enabled: false, overridden: true });
    expect((await call('GET', `/databases/${row.id}/alert-rules`, 200)).json().overrides).toEqual({ memory: { threshold: 70 }, connections: { enabled: false } });
    // A disk warning may be moved below the default critical; PUT replaces, so {} is back to the defaults.
    await call('PUT', `/databases/${row.id}/alert-rules`, 200, { disk_warning: { threshold: 60 } });
    expect((await call('PUT', `/databases/${row.id}/alert-rules`, 200, {})).json().rules.every((r: { overridden: boolean }) => !r.overridden)).toBe(true);

    await call('GET', '/databases/424242/alert-rules', 404);
    await call('PUT', '/databases/424242/alert-rules', 404, {});
    await call('GET', '/databases/abc/alert-rules', 400);
    await call('GET', `/databases/${row.id}/alert-rules`, 401, undefined, null);
  });
});

describe('threshold alerts from samples', () => {
  it('memory: fires once however many samples breach it, holds within the margin, resolves below it', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'al-memory', sku: 'b1' });
    const limit = 1024 * MIB;
    await feed(row.id, { memory: [0.95 * limit, limit] });
    await feed(row.id, { memory: [0.97 * limit, limit] });
    let list = await alertsOf(row.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      rule: 'memory', severity: 'warning', state: 'firing', value: 95, threshold: 90, instance_name: 'al-memory', engine: 'redis', sku: 'b1',
      resolved_at: null, delivery: {}, message: expect.stringMatching(/^973 MB of the 1 GB memory limit in use \(95%\), at or above the 90% warning threshold$/),
    });
    await feed(row.id, { memory: [0.89 * limit, limit] });
    expect(await firing(row.id)).toEqual(['memory']);
    await feed(row.id, { memory: [0.5 * limit, limit] });
    list = await alertsOf(row.id);
    expect(list[0]).toMatchObject({ state: 'resolved', resolved_message: expect.stringMatching(/\(50%\), below 88%$/) });
    expect(Date.parse(list[0].resolved_at)).toBeGreaterThanOrEqual(Date.parse(list[0].fired_at));
    // A new breach is a new alert.
    await feed(row.id, { memory: [0.92 * limit, limit] });
    expect((await alertsOf(row.id)).map((a: { state: string }) => a.state)).toEqual(['firing', 'resolved']);
  });

  it('memory is measured against the instance\'s limit when Podman reports the host\'s (a limit the host cannot enforce)', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'al-memory-host', sku: 'b1' });
    await feed(row.id, { memory: [0.93 * 1024 * MIB, 64 * GIB] });
    expect(await firing(row.id)).toEqual(['memory']);
  });

  it('disk: the warning at 80 %, the critical beside it at 95 %, both resolve when space comes back', async () => {
    const row = await h.createRunning({ engine: 'postgresql', name: 'al-disk', sku: 'b1' });
    await feed(row.id, { disk: [0.85 * GIB, GIB] });
    expect(await firing(row.id)).toEqual(['disk_warning']);
    await feed(row.id, { disk: [0.97 * GIB, GIB] });
    expect(await firing(row.id)).toEqual(['disk_critical', 'disk_warning']);
    const critical = (await alertsOf(row.id, '&state=firing')).find((a: { rule: string }) => a.rule === 'disk_critical');
    expect(critical).toMatchObject({ severity: 'critical', value: 97, threshold: 95, message: expect.stringContaining('the volume uses 97% of its 1 GB') });
    await feed(row.id, { disk: [0.1 * GIB, GIB] });
    expect(await firing(row.id)).toEqual([]);
  });

  it('disk from the storage monitor\'s last measurement, on the sweep', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'al-disk-row', sku: 'b1' });
    await repo.recordStorage(h.app.flux.ctx.db, row.id, Math.round(0.82 * 10 * GIB), 'warning', null);
    await services().alerts.sweep();
    expect(await firing(row.id)).toEqual(['disk_warning']);
    await repo.recordStorage(h.app.flux.ctx.db, row.id, GIB, 'ok', 'warning');
    await services().alerts.sweep();
    expect(await firing(row.id)).toEqual([]);
  });

  it('connections against the engine\'s maximum; an override moves the threshold, and turning a rule off resolves it now', async () => {
    const row = await h.createRunning({ engine: 'postgresql', name: 'al-conns', sku: 'b1' });
    await feed(row.id, { connections: [80, 100] });
    expect(await firing(row.id)).toEqual([]);
    await call('PUT', `/databases/${row.id}/alert-rules`, 200, { connections: { threshold: 75 } });
    await feed(row.id, { connections: [80, 100] });
    expect(await firing(row.id)).toEqual(['connections']);
    await call('PUT', `/databases/${row.id}/alert-rules`, 200, { connections: { threshold: 75, enabled: false } });
    const [off] = await alertsOf(row.id);
    expect(off).toMatchObject({ state: 'resolved', resolved_message: 'the rule is disabled for this instance' });
    await feed(row.id, { connections: [99, 100] });
    expect(await firing(row.id)).toEqual([]);
  });

  it('memory and connections alerts of an instance that stopped resolve on the sweep', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'al-stopped', sku: 'b1' });
    await feed(row.id, { memory: [1000 * MIB, 1024 * MIB], connections: [95, 100] });
    expect(await firing(row.id)).toEqual(['connections', 'memory']);
    expect((await h.api('POST', `/databases/${row.id}/stop`)).status).toBe(200);
    await services().alerts.sweep();
    expect(await firing(row.id)).toEqual([]);
    expect((await alertsOf(row.id))[0].resolved_message).toBe('the instance is stopped');
  });
});

describe('the unhealthy alert', () => {
  it('fires when the checks turn the instance unhealthy, shows in the health route, resolves when it answers again', async () => {
    const row = await h.createRunning({ engine: 'postgresql', name: 'al-sick', sku: 'b1' });
    h.prober.failTimes(row.container_name, 2, 'connection refused');
    await services().health.checkAll();
    await services().health.checkAll();
    await services().alerts.idle();
    const health = (await call('GET', `/databases/${row.id}/health?range=1h`, 200, undefined, READER)).json();
    expect(health.status).toBe('unhealthy');
    expect(health.alerts).toEqual([expect.objectContaining({
      rule: 'unhealthy', severity: 'critical', state: 'firing', value: null, threshold: null,
      message: 'the instance is unhealthy: 2 failed checks: connection refused',
    })]);
    await services().health.checkAll();
    await services().alerts.idle();
    expect((await call('GET', `/databases/${row.id}/health`, 200)).json().alerts).toEqual([]);
    expect((await alertsOf(row.id))[0]).toMatchObject({ state: 'resolved', resolved_message: 'the instance runs again: the engine answers again' });
  });

  it('a container that died fires at once; a restart by the operator resolves it on the sweep', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'al-died', sku: 'b1' });
    h.runtime.die(row.container_id, { exitCode: 137 });
    await services().health.onEvent({ action: 'die', containerId: row.container_id, name: row.container_name, exitCode: 137, time: new Date() });
    await services().alerts.idle();
    expect(await firing(row.id)).toEqual(['unhealthy']);
    expect((await h.api('POST', `/databases/${row.id}/restart`)).json.instance.status).toBe('running');
    await services().alerts.sweep();
    expect(await firing(row.id)).toEqual([]);
    expect((await alertsOf(row.id))[0].resolved_message).toBe('the instance is running');
  });

  it('stays firing while the instance is being started again, and resolves once it runs', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'al-restarting', sku: 'b1' });
    const db = h.app.flux.ctx.db;
    expect(await repo.transition(db, row.id, 'unhealthy', { status_message: 'set by the test' }, ['running'])).toBeTruthy();
    await services().alerts.sweep();
    expect(await firing(row.id)).toEqual(['unhealthy']);
    // The reconciler restarting it: not recovered yet.
    expect(await repo.transition(db, row.id, 'starting', {}, ['unhealthy'])).toBeTruthy();
    await services().alerts.sweep();
    expect(await firing(row.id)).toEqual(['unhealthy']);
    expect(await repo.transition(db, row.id, 'running', {}, ['starting'])).toBeTruthy();
    await services().alerts.sweep();
    expect(await firing(row.id)).toEqual([]);
    expect((await alertsOf(row.id))[0].resolved_message).toBe('the instance is running');
  });

  it('an instance found unhealthy by the sweep fires; with the rule off it does not', async () => {
    const quiet = await h.createRunning({ engine: 'redis', name: 'al-quiet', sku: 'b1' });
    await call('PUT', `/databases/${quiet.id}/alert-rules`, 200, { unhealthy: { enabled: false } });
    const loud = await h.createRunning({ engine: 'redis', name: 'al-loud', sku: 'b1' });
    for (const r of [quiet, loud]) expect(await repo.transition(h.app.flux.ctx.db, r.id, 'unhealthy', { status_message: 'set by the test' }, ['running'])).toBeTruthy();
    await services().alerts.sweep();
    expect(await firing(loud.id)).toEqual(['unhealthy']);
    expect((await alertsOf(loud.id))[0].message).toBe('the instance is unhealthy: set by the test');
    expect(await firing(quiet.id)).toEqual([]);
  });
});

describe('the module\'s own checks through AlertSink', () => {
  it('raise fires one alert per instance and rule, resolve closes it; a malformed rule name is a programming error', async () => {
    const row = await h.createRunning({ engine: 'duckdb', name: 'al-sink' });
    await services().alerts.raise(row.id, 'restore_drill_failed', 'critical', 'the restore drill of snapshot 3 failed: checksum mismatch');
    await services().alerts.raise(row.id, 'restore_drill_failed', 'critical', 'again');
    expect(await alertsOf(row.id)).toEqual([expect.objectContaining({ rule: 'restore_drill_failed', state: 'firing', message: expect.stringContaining('snapshot 3') })]);
    await services().alerts.resolve(row.id, 'restore_drill_failed', 'the next drill passed');
    expect((await alertsOf(row.id))[0]).toMatchObject({ state: 'resolved', resolved_message: 'the next drill passed' });
    await expect(services().alerts.raise(row.id, 'Not A Rule', 'warning', 'x')).rejects.toThrow(/rule names/);
    await services().alerts.raise(424242, 'restore_drill_failed', 'critical', 'no such instance: nothing to raise');
  });

  it('two services racing over one store still make one firing alert (the unique index decides)', async () => {
    const row = await h.createRunning({ engine: 'duckdb', name: 'al-race' });
    const others = Array.from({ length: 4 }, () => new AlertService({ db: h.app.flux.ctx.db, clock: systemClock, logger: memoryLogger() }));
    await Promise.all(others.map((a, i) => a.raise(row.id, 'raced', 'warning', `from service ${i}`)));
    expect(await alertsOf(row.id)).toEqual([expect.objectContaining({ rule: 'raced', state: 'firing' })]);
  });
});

describe('GET /alerts', () => {
  it('filters by state, instance, since and limit, newest first; refuses bad filters', async () => {
    const all = (await call('GET', '/alerts', 200, undefined, READER)).json();
    expect(all.length).toBeGreaterThan(5);
    expect(all.map((a: { fired_at: string }) => a.fired_at)).toEqual([...all.map((a: { fired_at: string }) => a.fired_at)].sort().reverse());
    const resolved = (await call('GET', '/alerts?state=resolved', 200)).json();
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((a: { state: string }) => a.state === 'resolved')).toBe(true);
    expect((await call('GET', '/alerts?limit=2', 200)).json()).toHaveLength(2);
    expect((await call('GET', `/alerts?since=${Math.floor(Date.now() / 1000) + 3600}`, 200)).json()).toEqual([]);
    expect((await call('GET', `/alerts?since=${Math.floor(Date.now() / 1000) - 3600}`, 200)).json()).toHaveLength(Math.min(all.length, 100));
    expect((await call('GET', '/alerts?instance=424242', 200)).json()).toEqual([]);
    for (const q of ['state=open', 'instance=abc', 'instance=0', 'limit=0', 'limit=1001', 'since=-1', 'sort=asc']) await call('GET', `/alerts?${q}`, 400);
    await call('GET', '/alerts', 401, undefined, null);
  });
});
