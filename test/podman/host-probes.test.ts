import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { getAdapter } from '../../src/services/adapters/registry.js';
import type { AdapterInput } from '../../src/services/adapters/types.js';
import { runProbe, type ProbeTarget } from '../../src/services/instances/probe-runner.js';
import { PodmanRuntime } from '../../src/services/runtime/podman-runtime.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Readiness from the host is an authenticated answer of the engine, not an open port: each native
// probe (pg, mysql2, ioredis, HTTP with credentials) passes with the instance's password and fails
// with another one, against the same running instance. The inside probe (exec, for hosts that
// cannot reach the instance) answers too.
const ENGINES = ['postgresql', 'mariadb', 'redis', 'clickhouse', 'influxdb'];
const runtime = PodmanRuntime.fromConfig(loadConfig(process.env));

let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

describe.each(ENGINES)('%s', (engine) => {
  it('answers the host probe only with the right password', async () => {
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `probe-${engine}-${randomBytes(3).toString('hex')}`, sku: 'b1' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const row = await m.waitFor(created.body.id, ['running']);
    const conn = (await m.api('GET', `/databases/${row.id}/connection-string`)).body;
    const adapter = getAdapter(engine);
    const input = (password: string): AdapterInput => ({
      containerName: row.container_name, databaseName: conn.database, username: conn.username, password,
      version: row.engine_version, sizing: { memoryMb: row.memory_limit_mb, cpus: row.cpu_limit, storageGb: row.storage_limit_gb },
    });
    const target: ProbeTarget = { containerId: row.container_id, address: '127.0.0.1', portFor: () => row.port };

    const right = adapter.readinessProbe(input(conn.password));
    expect(right.kind).not.toBe('exec');
    const ok = await runProbe(runtime, right, target);
    expect(ok, ok.message).toMatchObject({ ok: true });
    const wrong = await runProbe(runtime, adapter.readinessProbe(input(`${conn.password}x`)), target);
    expect(wrong.ok, wrong.message).toBe(false);

    const inside = adapter.insideProbe?.(input(conn.password));
    if (inside) expect(await runProbe(runtime, inside, target)).toMatchObject({ ok: true });
    expect((await m.api('DELETE', `/databases/${row.id}`)).status).toBe(200);
  });
});
