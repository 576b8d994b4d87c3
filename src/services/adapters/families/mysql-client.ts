import mysql from 'mysql2/promise';
import { UNVERIFIED_TLS } from './endpoint.js';
import type { SqlTarget } from './postgres-client.js';

/** One connection for `fn`, destroyed afterwards whatever happens. */
export async function withMysql<T>(t: SqlTarget, fn: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({
    host: t.host, port: t.port, user: t.user, password: t.password, database: t.database,
    connectTimeout: t.timeoutMs ?? 10_000, ...(t.tls ? { ssl: UNVERIFIED_TLS } : {}),
    // Big integers and decimals as strings: nothing is rounded on the way.
    supportBigNumbers: true, bigNumberStrings: true, dateStrings: true,
  });
  connection.on('error', () => undefined);
  try {
    return await fn(connection);
  } finally {
    connection.destroy();
  }
}
