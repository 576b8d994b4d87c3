import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { PodmanRuntime } from '../../src/services/runtime/podman-runtime.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';
import { TEST_RUN_LABEL } from './helpers/podman-env.js';

// Two real Redis instances created through the API: neither reaches the other's port from inside,
// while the same probe does reach it once both are also on one plain network.
const run = promisify(execFile);
const runtime = PodmanRuntime.fromConfig(loadConfig(process.env));
const suffix = randomBytes(3).toString('hex');
const plainNet = `t-iso-${suffix}-plain`;
let m: ModuleUnderTest;
const created: number[] = [];

/** From inside `container`: a TCP connect to ip:port with bash's /dev/tcp (3 s cap). */
async function connects(container: string, ip: string, port: number): Promise<boolean> {
  const r = await runtime.exec(container, ['timeout', '3', 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"', 'probe', ip, String(port)], { timeoutMs: 10_000 });
  return r.exitCode === 0;
}

async function ipOn(containerId: string, network: string): Promise<string> {
  const ip = (await runtime.inspectContainer(containerId))!.networks[network]?.ipAddress;
  if (!ip) throw new Error(`${containerId} has no address on ${network}`);
  return ip;
}

beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const id of created) await m.api('DELETE', `/databases/${id}`);
  await run('podman', ['network', 'rm', '-f', plainNet]).catch(() => undefined);
  await m?.close();
});

describe('instances not on a VNet', () => {
  it('cannot reach each other\'s unpublished ports; the same probe succeeds on one plain network', async () => {
    const rows = [];
    for (const n of ['a', 'b']) {
      const res = await m.api('POST', '/databases', { engine: 'redis', version: STANDIN_VERSIONS.redis, name: `iso-${suffix}-${n}`, sku: 'b1' });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      created.push(res.body.id);
      rows.push(await m.waitFor(res.body.id, ['running']));
    }
    const [a, b] = rows;
    const netA = `${a.container_name}-net`;
    const netB = `${b.container_name}-net`;
    const info = (await runtime.inspectContainer(a.container_id))!;
    expect(Object.keys(info.networks)).toEqual([netA]);
    const ipB = await ipOn(b.container_id, netB);

    // B's engine listens: from inside B its own address answers (the probe works).
    expect(await connects(b.container_id, ipB, 6379)).toBe(true);
    // A cannot reach B's container port.
    expect(await connects(a.container_id, ipB, 6379)).toBe(false);
    // The host still reaches both through their published ports.
    for (const r of rows) {
      const conn = (await m.api('GET', `/databases/${r.id}/connection-string`)).body;
      const client = new Redis({ host: '127.0.0.1', port: conn.port, password: conn.password, lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await client.connect();
        expect(await client.ping()).toBe('PONG');
      } finally {
        client.disconnect();
      }
    }

    // The control: on one plain (non-isolated) network, the same probe from A reaches B.
    await run('podman', ['network', 'create', '--label', `${TEST_RUN_LABEL}=iso-${suffix}`, plainNet]);
    await run('podman', ['network', 'connect', plainNet, a.container_id]);
    await run('podman', ['network', 'connect', plainNet, b.container_id]);
    const ipBPlain = await ipOn(b.container_id, plainNet);
    expect(await connects(a.container_id, ipBPlain, 6379)).toBe(true);
    await run('podman', ['network', 'disconnect', plainNet, a.container_id]);
    await run('podman', ['network', 'disconnect', plainNet, b.container_id]);
    await run('podman', ['network', 'rm', plainNet]);

    // Deleting an instance removes its network.
    for (const r of rows) expect((await m.api('DELETE', `/databases/${r.id}`)).status).toBe(200);
    created.length = 0;
    for (const net of [netA, netB]) expect(await runtime.inspectNetwork(net)).toBeNull();
  });
});
