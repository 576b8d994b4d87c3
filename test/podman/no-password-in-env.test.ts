import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from './helpers/instance-clients.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

const run = promisify(execFile);

// Every live engine (a container on its stand-in image), created through the REST API: what
// `podman inspect` shows of its container (environment, command line, entrypoint) must not hold
// the instance's password. ENGINES=postgresql,redis narrows the list.
const LIVE = ['postgresql', 'timescaledb', 'mysql', 'mariadb', 'redis', 'valkey', 'keydb', 'influxdb', 'clickhouse', 'h2'];
const ENGINES = (process.env.ENGINES?.split(',') ?? LIVE).filter((e) => LIVE.includes(e));
const suffix = randomBytes(3).toString('hex');

let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

/** The parts of `podman inspect` anyone allowed to inspect the container reads. */
async function inspected(containerId: string): Promise<{ env: string[]; commandLine: string[] }> {
  const { stdout } = await run('podman', ['inspect', '--type', 'container', containerId]);
  const [info] = JSON.parse(stdout) as { Path: string; Args: string[]; Config: { Env: string[]; Cmd: string[] | null; Entrypoint: string[] | string | null } }[];
  const entrypoint = info!.Config.Entrypoint;
  return {
    env: info!.Config.Env,
    commandLine: [info!.Path, ...info!.Args, ...(info!.Config.Cmd ?? []), ...(Array.isArray(entrypoint) ? entrypoint : entrypoint ? [entrypoint] : [])],
  };
}

describe.each(ENGINES)('%s container', (engine) => {
  it('shows no password in podman inspect (environment, command line)', async () => {
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `nopw-${engine}-${suffix}`, sku: 'b1' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const id = created.body.id as number;
    const running = await m.waitFor(id, ['running']);
    const conn = (await m.api<Connection>('GET', `/databases/${id}/connection-string`)).body;
    expect(conn.password.length).toBeGreaterThanOrEqual(12);

    const { env, commandLine } = await inspected(running.container_id);
    expect(env.length).toBeGreaterThan(0); // inspect did return the container's environment
    for (const entry of env) expect(entry, `env ${entry.split('=')[0]}`).not.toContain(conn.password);
    for (const arg of commandLine) expect(arg).not.toContain(conn.password);
    // The password did reach the engine: the instance answered an authenticated probe to become running.
    expect(running.status).toBe('running');

    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });
});
