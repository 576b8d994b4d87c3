import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
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
        const status = await httpStatus(probe.scheme ?? 'http', target.address, target.portFor(probe.containerPort), probe.path, probe.headers ?? {}, timeoutMs);
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

/** node:http rather than fetch: an engine's own self-signed TLS must not fail the probe. */
function httpStatus(scheme: 'http' | 'https', host: string, port: number, path: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (scheme === 'https' ? https : http).request(
      { host, port, path, headers, timeout: timeoutMs, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) },
      (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end();
  });
}

type ProbeOf<K extends Probe['kind']> = Extract<Probe, { kind: K }>;
/** Self-signed certificates are the norm for instances: the probe checks the engine answers, not who signed it. */
const UNVERIFIED_TLS = { rejectUnauthorized: false } as const;

async function postgresSelectOne(p: ProbeOf<'postgres'>, host: string, port: number, timeoutMs: number): Promise<void> {
  const client = new pg.Client({
    host, port, user: p.user, password: p.password, database: p.database, ssl: p.tls ? UNVERIFIED_TLS : false,
    connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, application_name: 'flux-readiness',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    if (rows[0]?.one !== 1) throw new Error('SELECT 1 returned no 1');
  } finally {
    client.end().catch(() => undefined);
  }
}

async function mysqlSelectOne(p: ProbeOf<'mysql'>, host: string, port: number, timeoutMs: number): Promise<void> {
  const connection = await mysql.createConnection({
    host, port, user: p.user, password: p.password, database: p.database, connectTimeout: timeoutMs,
    ...(p.tls ? { ssl: UNVERIFIED_TLS } : {}),
  });
  connection.on('error', () => undefined);
  try {
    const [rows] = await connection.query({ sql: 'SELECT 1 AS one', timeout: timeoutMs });
    if ((rows as { one: number }[])[0]?.one !== 1) throw new Error('SELECT 1 returned no 1');
  } finally {
    connection.destroy();
  }
}

async function redisPing(p: ProbeOf<'redis'>, host: string, port: number, timeoutMs: number): Promise<void> {
  // One attempt, no retries or offline queue: the waiter decides when to ask again.
  const client = new Redis({
    host, port, password: p.password, ...(p.username ? { username: p.username } : {}), ...(p.tls ? { tls: UNVERIFIED_TLS } : {}),
    lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, enableReadyCheck: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const answer = await client.ping();
    if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
  } finally {
    client.disconnect();
  }
}
