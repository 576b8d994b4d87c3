import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync as cgroupV2 } from 'node:fs';
import { loadConfig } from '../../src/config.js';
import { PodmanRuntime } from '../../src/services/runtime/podman-runtime.js';
import { capMask, cgroupLimits, readInside, statusField } from './helpers/inside.js';
import { clientFor, type Connection } from './helpers/instance-clients.js';
import { containersOf, READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Every engine of the image kit, and DuckDB, end to end over REST with a real client.
// ENGINES=postgresql,redis narrows the list (as the adapter conformance test does).
const ENGINES = (process.env.ENGINES?.split(',') ?? Object.keys(STANDIN_VERSIONS)).filter((e) => e in STANDIN_VERSIONS);

let m: ModuleUnderTest;
const runtime = PodmanRuntime.fromConfig(loadConfig(process.env));

/** What inspect claims, read back from inside the running instance (inspect alone can lie). */
async function expectHardenedInside(containerId: string) {
  const info = (await runtime.inspectContainer(containerId))!;
  const hc = info.hostConfig;
  expect(hc.privileged).toBe(false);
  expect(hc.securityOpt.join(',')).toContain('no-new-privileges');
  expect(hc.networkMode).not.toBe('host');
  expect(hc.pidMode).not.toBe('host');
  const status = await readInside(runtime, containerId, '/proc/1/status');
  expect(BigInt(`0x${statusField(status, 'CapEff')}`)).toBe(capMask(hc.capAdd));
  expect(BigInt(`0x${statusField(status, 'CapBnd')}`)).toBe(capMask(hc.capAdd));
  expect(statusField(status, 'NoNewPrivs')).toBe('1');
  const cg = await cgroupLimits(runtime, containerId, !cgroupV2('/sys/fs/cgroup/cgroup.controllers'));
  expect(cg.memory).toBe(1024 * 1024 * 1024); // b1
  expect(cg.pidsMax).toBe(String(hc.pidsLimit));
  expect(hc.cpuShares).toBe(512); // B series
}
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  // A failed case leaves its instance for inspection; remove what is left before the data dir goes.
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});


describe.each(ENGINES)('%s through the REST API', (engine) => {
  it('creates, connects, writes, restarts, reads and deletes without leftovers', async () => {
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `e2e-${engine}`, sku: 'b1' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const id = created.body.id as number;
    const running = await m.waitFor(id, ['running']);
    expect(running.progress).toBe(100);
    if (engine !== 'duckdb') await expectHardenedInside(running.container_id);

    const conn = (await m.api<Connection>('GET', `/databases/${id}/connection-string`)).body;
    if (engine === 'duckdb') {
      expect(conn.path).toMatch(/\.duckdb$/); // embedded: the file is the connection
    } else {
      expect(conn.password).toBeTruthy();
      const asReader = (await m.api('GET', `/databases/${id}/connection-string`, undefined, READER)).body;
      expect(asReader.password).toBeUndefined();
      expect(asReader.connection_string).not.toContain(conn.password);
      expect(JSON.stringify((await m.api('GET', '/databases')).body)).not.toContain(conn.password);
      expect(JSON.stringify((await m.api('GET', `/databases/${id}/inspect`)).body)).not.toContain(conn.password);
    }

    const client = clientFor(engine, running.image);
    await client.write(conn, 'before-restart');
    expect(await client.read(conn)).toEqual(['before-restart']);

    const restarted = await m.api('POST', `/databases/${id}/restart`);
    expect(restarted.status, JSON.stringify(restarted.body)).toBe(200);
    expect(restarted.body.instance.status).toBe('running');
    await client.write(conn, 'after-restart');
    expect(await client.read(conn)).toEqual(['after-restart', 'before-restart']);

    const volume = path.join(m.dataDir, 'modules', 'databases', 'containers', running.container_name);
    expect(existsSync(volume)).toBe(true);
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
    expect((await m.api('GET', `/databases/${id}`)).status).toBe(404);
    expect(await containersOf(id, m.dataDir)).toEqual([]);
    expect(existsSync(volume)).toBe(false);
  });
});
