import net from 'node:net';
import { httpCall } from '../adapters/families/http-client.js';
import { withMysql } from '../adapters/families/mysql-client.js';
import { withPostgres } from '../adapters/families/postgres-client.js';
import { withRedis } from '../adapters/families/redis-client.js';
import type { AdapterInput, EngineAdapter, Probe } from '../adapters/types.js';
import type { ProbeOutcome } from '../drivers/instance-driver.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

export interface ProbeTarget {
  containerId: string;
  /** Where the module reaches the engine from the host: 127.0.0.1 + host port, or the VNet IP + container port. */
  address: string;
  portFor(containerPort: number): number;
  /**
   * False when the host cannot open a connection to `address` (rootless Podman: a VNet lives in the
   * user's network namespace); the adapter's inside probe runs instead. Default true.
   */
  hostReachable?: boolean;
}

/** The adapter's probe for this target: from the host where it can reach the engine, else inside the container. */
export function probeFor(adapter: Pick<EngineAdapter, 'readinessProbe' | 'insideProbe'>, input: AdapterInput, target: ProbeTarget): Probe {
  return target.hostReachable === false && adapter.insideProbe ? adapter.insideProbe(input) : adapter.readinessProbe(input);
}

export type { ProbeOutcome };

/**
 * Runs one probe once against one target. The default is runProbe over the real runtime and
 * network; fast tests replace it (test/fakes) to script what the engine answers.
 */
export type Prober = (probe: Probe, target: ProbeTarget, timeoutMs?: number) => Promise<ProbeOutcome>;

export function defaultProber(runtime: ContainerRuntime): Prober {
  return (probe, target, timeoutMs) => runProbe(runtime, probe, target, timeoutMs);
}

/** Runs one adapter probe once. Exec probes get secrets through exec env, never argv. */
export async function runProbe(runtime: ContainerRuntime, probe: Probe, target: ProbeTarget, timeoutMs = 10_000): Promise<ProbeOutcome> {
  const started = performance.now();
  const done = (ok: boolean, message: string) => ({ ok, message, elapsedMs: Math.round(performance.now() - started) });
  try {
    switch (probe.kind) {
      case 'exec': {
        const r = await runtime.exec(target.containerId, probe.argv, { env: probe.env, timeoutMs });
        if (r.timedOut) return done(false, 'probe timed out');
        if (r.exitCode !== 0) return done(false, `exit ${r.exitCode}: ${lastLine(r.stderr || r.stdout)}`);
        if (probe.expectStdout && !probe.expectStdout.test(r.stdout)) return done(false, `unexpected output: ${lastLine(r.stdout)}`);
        return done(true, 'engine answered');
      }
      case 'http': {
        const { status } = await httpCall({
          scheme: probe.scheme ?? 'http', host: target.address, port: target.portFor(probe.containerPort), path: probe.path, headers: probe.headers, timeoutMs,
        });
        return probe.expectStatus.includes(status) ? done(true, `HTTP ${status}`) : done(false, `HTTP ${status}`);
      }
      case 'tcp': {
        await tcpConnect(target.address, target.portFor(probe.containerPort), timeoutMs);
        return done(true, 'port open');
      }
      case 'postgres':
        await postgresSelectOne(probe, target.address, target.portFor(probe.containerPort), timeoutMs);
        return done(true, 'SELECT 1 answered');
      case 'mysql':
        await mysqlSelectOne(probe, target.address, target.portFor(probe.containerPort), timeoutMs);
        return done(true, 'SELECT 1 answered');
      case 'redis':
        await redisPing(probe, target.address, target.portFor(probe.containerPort), timeoutMs);
        return done(true, 'PONG');
    }
  } catch (err) {
    return done(false, (err as Error).message);
  }
}

const lastLine = (s: string) => s.trim().split('\n').at(-1)?.slice(0, 300) ?? '';

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('connect timed out')); }, timeoutMs);
    socket.once('connect', () => { clearTimeout(timer); socket.end(); resolve(); });
    socket.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

type ProbeOf<K extends Probe['kind']> = Extract<Probe, { kind: K }>;

async function postgresSelectOne(p: ProbeOf<'postgres'>, host: string, port: number, timeoutMs: number): Promise<void> {
  const target = { host, port, user: p.user, password: p.password, database: p.database, tls: p.tls, timeoutMs, applicationName: 'flux-readiness' };
  await withPostgres(target, async (client) => {
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    if (rows[0]?.one !== 1) throw new Error('SELECT 1 returned no 1');
  });
}

async function mysqlSelectOne(p: ProbeOf<'mysql'>, host: string, port: number, timeoutMs: number): Promise<void> {
  await withMysql({ host, port, user: p.user, password: p.password, database: p.database, tls: p.tls, timeoutMs }, async (connection) => {
    const [rows] = await connection.query({ sql: 'SELECT 1 AS one', timeout: timeoutMs });
    if (String((rows as { one: unknown }[])[0]?.one) !== '1') throw new Error('SELECT 1 returned no 1');
  });
}

async function redisPing(p: ProbeOf<'redis'>, host: string, port: number, timeoutMs: number): Promise<void> {
  await withRedis({ host, port, password: p.password, username: p.username, tls: p.tls, timeoutMs }, async (client) => {
    const answer = await client.ping();
    if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
  });
}
