/** A real client per stand-in engine: answers only when the engine itself does (authenticated). */
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import pg from 'pg';

export type ClientCheck = (uri: string) => Promise<string>;

export const ENGINE_CLIENTS: Record<'postgresql' | 'redis' | 'mariadb', ClientCheck> = {
  async postgresql(uri) {
    const c = new pg.Client({ connectionString: uri, connectionTimeoutMillis: 3000 });
    await c.connect();
    try {
      return String((await c.query('select 1 as one')).rows[0].one);
    } finally {
      await c.end();
    }
  },
  async redis(uri) {
    const r = new Redis(uri, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.set('flux-check', '1');
      return String(await r.get('flux-check'));
    } finally {
      r.disconnect();
    }
  },
  async mariadb(uri) {
    const c = await mysql.createConnection({ uri: uri.replace(/^mariadb:/, 'mysql:'), connectTimeout: 3000 });
    try {
      const [rows] = await c.query('select 1 as one');
      return String((rows as { one: number }[])[0]!.one);
    } finally {
      await c.end();
    }
  },
};

/** Retries `check` until it returns or `timeoutMs` passes; the last error explains a failure. */
export async function waitForClient(check: () => Promise<string>, timeoutMs: number): Promise<{ value: string; ms: number }> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      return { value: await check(), ms: Date.now() - t0 };
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`engine did not answer within ${timeoutMs} ms: ${String(last)}`);
}
