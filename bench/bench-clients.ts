/** What every contestant of the benchmarks waits on, measured the same way: the engine's own answer from the host. */
import { Redis } from 'ioredis';
import pg from 'pg';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `select 1` answers once, over TCP from the host. */
export async function selectOne(c: { host: string; port: number; user: string; password: string; database: string }): Promise<boolean> {
  const client = new pg.Client({ ...c, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query('select 1 as one')).rows[0]?.one === 1;
  } catch {
    return false;
  } finally {
    client.end().catch(() => undefined);
  }
}

/** Whether an authenticated PING answers PONG once. */
export async function redisPing(port: number, password: string): Promise<boolean> {
  const r = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** Polls `check` every `everyMs` until it is true; throws after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, everyMs = 20, timeoutMs = 120_000): Promise<void> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`${what}: no answer after ${timeoutMs / 1000} s`);
    await sleep(everyMs);
  }
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.ceil(i)]! - s[lo]!) * (i - lo);
}

export const median = (xs: number[]) => quantile(xs, 0.5);
export const ms = (x: number) => `${x.toFixed(0)} ms`;
