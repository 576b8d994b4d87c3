import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// Health checks on the fake runtime and the scripted prober: statuses move after N failures and
// back after a success, each move recorded; Podman unreachable records unknown; a death reported
// by the event stream turns the instance unhealthy at once.
let h: FakeHost;
const monitor = () => h.app.flux.services.health;
beforeAll(async () => {
  h = await fakeHost({ env: { FLUX_DATABASES_HEALTH_INTERVAL_S: '86400', FLUX_DATABASES_UNHEALTHY_AFTER: '3' } });
});
afterAll(async () => { await h?.close(); });

const health = async (id: number) => (await h.api('GET', `/databases/${id}/health?range=1h`)).json;

describe('health monitor', () => {
  it('records each check, turns unhealthy after N failures and running after a success', async () => {
    const row = await h.createRunning({ engine: 'postgresql', name: 'hm-flaky', sku: 'b1' });
    h.prober.failTimes(row.container_name, 3, 'connection refused');
    await monitor().checkAll();
    await monitor().checkAll();
    expect((await h.api('GET', `/databases/${row.id}`)).json.status).toBe('running'); // 2 of 3
    await monitor().checkAll();
    const sick = await health(row.id);
    expect(sick.status).toBe('unhealthy');
    expect(sick.last_check).toMatchObject({ status: 'unhealthy', message: 'connection refused' });
    expect(sick.transitions[0]).toMatchObject({ from: 'running', to: 'unhealthy', reason: expect.stringContaining('3 failed checks') });

    await monitor().checkAll(); // the script is used up: the engine answers again
    const well = await health(row.id);
    expect(well.status).toBe('running');
    expect(well.transitions.map((t: { to: string }) => t.to)).toEqual(['running', 'unhealthy']);
    expect(well.history.reduce((n: number, b: { checks: number }) => n + b.checks, 0)).toBe(4);
    expect(well.uptime['24h'].percent).not.toBeNull();
  });

  it('records unknown, not unhealthy, while Podman cannot be reached', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'hm-podman-down', sku: 'b1' });
    for (let i = 0; i < 4; i++) {
      h.runtime.controls.failNext('info', { error: new ModuleError('PODMAN_UNAVAILABLE', 'connect ENOENT') });
      await monitor().checkAll();
    }
    const r = await health(row.id);
    expect(r.status).toBe('running');
    expect(r.last_check.status).toBe('unknown');
    expect(r.history.reduce((n: number, b: { unknown: number }) => n + b.unknown, 0)).toBeGreaterThanOrEqual(4);
  });

  it('turns an instance unhealthy at once when the event stream reports its container died', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'hm-died', sku: 'b1' });
    h.runtime.die(row.container_id, { exitCode: 137 });
    await monitor().onEvent({ action: 'die', containerId: row.container_id, name: row.container_name, exitCode: 137, time: new Date() });
    const r = await health(row.id);
    expect(r.status).toBe('unhealthy');
    expect(r.transitions[0].reason).toContain('exited with code 137');
  });

  it('ignores a death while an operation of the module holds the instance (a stop, a restart)', async () => {
    const row = await h.createRunning({ engine: 'redis', name: 'hm-busy', sku: 'b1' });
    const support = h.app.flux.services.instances.support;
    await support.lock.run(row.id, async () => {
      await monitor().onEvent({ action: 'die', containerId: row.container_id, name: row.container_name, exitCode: 0, time: new Date() });
    });
    expect((await h.api('GET', `/databases/${row.id}`)).json.status).toBe('running');
  });

  it('answers the health route for readers, and 400 for an unknown range', async () => {
    const row = await h.createRunning({ engine: 'duckdb', name: 'hm-embedded' });
    await monitor().checkAll();
    const r = await h.api('GET', `/databases/${row.id}/health`, undefined, { as: 'read' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ range: '24h', last_check: { status: 'healthy' } });
    expect((await h.api('GET', `/databases/${row.id}/health?range=2y`)).status).toBe(400);
    expect((await h.api('GET', '/databases/999999/health')).status).toBe(404);
  });
});
