import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installationId } from '../../src/services/index.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

const run = promisify(execFile);
let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m.api('GET', '/databases')).body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

async function selectOne(conn: { host: string; port: number; username: string; password: string; database: string }) {
  const c = new pg.Client({ host: conn.host, port: conn.port, user: conn.username, password: conn.password, database: conn.database });
  await c.connect();
  try { return (await c.query('select current_database() as db, version() as v')).rows[0]; } finally { await c.end(); }
}

const moduleContainers = async () =>
  (await run('podman', ['ps', '-a', '--format', '{{.Names}}', '--filter', 'label=io.flux.module=620600'])).stdout.split('\n').filter(Boolean);

describe('instances side by side', () => {
  it('runs two PostgreSQL instances and a TimescaleDB beside them on distinct loopback ports', async () => {
    const specs = [
      { engine: 'postgresql', name: 'side-a', database_name: 'alpha' },
      { engine: 'postgresql', name: 'side-b', database_name: 'beta' },
      { engine: 'timescaledb', name: 'side-ts', database_name: 'gamma' },
    ];
    // Concurrent creates: the port allocator and UNIQUE(port) must keep them apart.
    const created = await Promise.all(specs.map((s) => m.api('POST', '/databases', { ...s, version: STANDIN_VERSIONS[s.engine], sku: 'b1' })));
    for (const c of created) expect(c.status, JSON.stringify(c.body)).toBe(202);
    const rows = await Promise.all(created.map((c) => m.waitFor(c.body.id, ['running'])));
    expect(new Set(rows.map((r) => r.port)).size).toBe(3);

    for (const [i, row] of rows.entries()) {
      const conn = (await m.api('GET', `/databases/${row.id}/connection-string`)).body;
      expect(conn.host).toBe('127.0.0.1');
      expect((await selectOne(conn)).db).toBe(specs[i]!.database_name);
      const inspect = (await m.api('GET', `/databases/${row.id}/inspect`)).body;
      expect(inspect.container.network.ports).toEqual([expect.objectContaining({ hostIp: '127.0.0.1', hostPort: row.port })]);
    }
  });

  it('stops and starts with the real outcome, and serves logs, stats and inspect', async () => {
    const row = (await m.api('GET', '/databases')).body.find((r: { name: string }) => r.name === 'side-a');
    const stopped = await m.api('POST', `/databases/${row.id}/stop`);
    expect(stopped.body.instance.status).toBe('stopped');
    const { stdout } = await run('podman', ['inspect', '--format', '{{.State.Status}}', row.container_name]);
    expect(stdout.trim()).toBe('exited');
    const started = await m.api('POST', `/databases/${row.id}/start`);
    expect(started.body.instance.status).toBe('running');
    expect(await selectOne((await m.api('GET', `/databases/${row.id}/connection-string`)).body)).toBeTruthy();

    const logs = (await m.api('GET', `/databases/${row.id}/logs?lines=50`)).body;
    expect(logs.entries.length).toBeGreaterThan(0);
    expect(logs.entries.every((e: { level: string }) => ['error', 'warning', 'info', 'debug'].includes(e.level))).toBe(true);
    const stats = (await m.api('GET', `/databases/${row.id}/stats`)).body;
    expect(stats.memory_used_mb).toBeGreaterThan(1);
    expect(stats.memory_limit_mb).toBe(1024);
    expect(stats.pids).toBeGreaterThan(0);
    const hc = (await m.api('GET', `/databases/${row.id}/inspect`)).body.container.host_config;
    expect(hc.privileged).toBe(false);
    expect(hc.cpuShares).toBe(512); // b1 is B series
    expect(hc.securityOpt.join(',')).toContain('no-new-privileges');
  });
});

describe('host restarts and VNets', () => {
  it('starts again an instance whose container went down behind its back, on reconciliation', async () => {
    const row = (await m.api('GET', '/databases')).body.find((r: { name: string }) => r.name === 'side-b');
    await run('podman', ['stop', '-t', '10', row.container_name]); // as a host reboot leaves it
    // Podman's event stream reports the death at once: the instance shows unhealthy until it is back.
    await expect.poll(async () => (await m.api('GET', `/databases/${row.id}`)).body.status, { timeout: 10_000 }).toBe('unhealthy');
    const report = (await m.api('POST', '/reconcile')).body;
    expect(report.changes).toContainEqual(expect.objectContaining({ id: row.id, from: 'unhealthy', to: 'running' }));
    expect((await m.api('GET', `/databases/${row.id}`)).body.status).toBe('running');
    expect((await selectOne((await m.api('GET', `/databases/${row.id}/connection-string`)).body)).db).toBe('beta');
  });

  it('puts an instance on a VNet with a static IP, reachable there and not on a host port', async () => {
    const created = await m.api('POST', '/databases', { engine: 'postgresql', version: STANDIN_VERSIONS.postgresql, name: 'on-vnet', sku: 'b1', vnet_name: 'e2e-blue' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const row = await m.waitFor(created.body.id, ['running']);
    expect(row.port).toBeNull();
    expect(row.vnet_ip).toMatch(/^10\.89\.\d+\.\d+$/);
    const conn = (await m.api('GET', `/databases/${row.id}/connection-string`)).body;
    expect(conn).toMatchObject({ host: row.vnet_ip, port: 5432 });
    expect((await selectOne(conn)).db).toBe('app');
    // VNet networks are named per installation (two installations may use the same VNet name).
    const network = `fluxdb-${installationId(m.app.flux.ctx.dataDir).slice(0, 8)}-e2e-blue`;
    const { stdout } = await run('podman', ['network', 'ls', '--format', '{{.Name}}']);
    expect(stdout.split('\n')).toContain(network);

    expect((await m.api('DELETE', `/databases/${row.id}`)).status).toBe(200);
    const after = await run('podman', ['network', 'ls', '--format', '{{.Name}}']);
    expect(after.stdout.split('\n')).not.toContain(network); // released with its last instance
  });

  it('runs PostgreSQL with the configuration rendered for its SKU', async () => {
    const row = (await m.api('GET', '/databases')).body.find((r: { name: string }) => r.name === 'side-a');
    const conn = (await m.api('GET', `/databases/${row.id}/connection-string`)).body;
    const c = new pg.Client({ host: conn.host, port: conn.port, user: conn.username, password: conn.password, database: conn.database });
    await c.connect();
    try {
      // b1: 1024 MB, so shared_buffers is a quarter of it (config_templates/postgresql).
      expect((await c.query('SHOW shared_buffers')).rows[0].shared_buffers).toBe('256MB');
      expect((await c.query('SHOW config_file')).rows[0].config_file).toMatch(/postgresql\.conf$/);
    } finally { await c.end(); }
  });
});

describe('bad input', () => {
  const hostile = ['x; rm -rf /', '$(id)', "a' OR '1'='1", 'a`id`', '../../etc', 'a\nb', 'A-UPPER', 'x'.repeat(41)];

  it.each(hostile)('refuses name %j with a 400 and creates nothing', async (name) => {
    const before = await moduleContainers();
    const count = (await m.api('GET', '/databases')).body.length;
    const res = await m.api('POST', '/databases', { engine: 'postgresql', name });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/name/);
    expect((await m.api('GET', '/databases')).body.length).toBe(count);
    expect(await moduleContainers()).toEqual(before);
  });

  it.each([
    [{ engine: 'postgresql', database_name: 'app; DROP TABLE x' }, /database_name/],
    [{ engine: 'postgresql', vnet_name: 'net$(id)' }, /vnet_name/],
    [{ engine: 'nosuchdb' }, /engine/],
    [{ engine: 'postgresql', sku: 'z9' }, /SKU/],
    [{ engine: 'postgresql', sku: 'custom', memory_limit_mb: 256, cpu_limit: 1, storage_limit_gb: 5 }, /memory/],
    [{ engine: 'postgresql', sku: 'd64' }, /host/],
    [{ engine: 'postgresql', version: '15;id' }, /version/],
    [{ engine: 'postgresql', extra: 'field' }, /extra|additional/i],
  ])('refuses %j', async (body, message) => {
    const count = (await m.api('GET', '/databases')).body.length;
    const res = await m.api('POST', '/databases', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect((await m.api('GET', '/databases')).body.length).toBe(count);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await m.api('GET', '/databases/999999')).status).toBe(404);
    expect((await m.api('POST', '/databases/999999/start')).status).toBe(404);
    expect((await m.api('DELETE', '/databases/999999')).status).toBe(404);
    expect((await m.api('GET', '/databases/1%3Bid')).status).toBe(400);
  });
});
