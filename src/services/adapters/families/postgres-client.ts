import pg from 'pg';
import { UNVERIFIED_TLS } from './endpoint.js';

export interface SqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  tls?: boolean;
  timeoutMs?: number;
  applicationName?: string;
}

/** One connection for `fn`, closed afterwards whatever happens. */
export async function withPostgres<T>(t: SqlTarget, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const timeoutMs = t.timeoutMs ?? 10_000;
  const client = new pg.Client({
    host: t.host, port: t.port, user: t.user, password: t.password, database: t.database,
    ssl: t.tls ? UNVERIFIED_TLS : false, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs,
    application_name: t.applicationName ?? 'flux-databases',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.end().catch(() => undefined);
  }
}
