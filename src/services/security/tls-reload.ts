import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import { withMysql } from '../adapters/families/mysql-client.js';
import { withPostgres } from '../adapters/families/postgres-client.js';
import { withRedis } from '../adapters/families/redis-client.js';
import type { TlsStart } from './tls-served.js';

/**
 * How one engine takes a new certificate: where it serves TLS, how a client starts it there, and
 * the statement that reloads the files in place. Engines without one are restarted.
 */
export interface TlsReloader {
  containerPort: number;
  start: TlsStart;
  /** Makes the running engine read /tls/server.{crt,key} again; absent: a restart does. */
  reload?(ep: EngineEndpoint): Promise<string>;
}

const TIMEOUT_MS = 15_000;

const postgres: TlsReloader = {
  containerPort: 5432, start: 'postgres',
  // The postmaster re-reads ssl_cert_file and ssl_key_file on SIGHUP; new connections get them.
  reload: (ep) => withPostgres({ host: ep.host, port: ep.port(5432), user: ep.username, password: ep.password, database: ep.database, tls: true, timeoutMs: TIMEOUT_MS, applicationName: 'flux-tls' },
    async (c) => { await c.query('SELECT pg_reload_conf()'); return 'SELECT pg_reload_conf()'; }),
};

const mysqlFamily: TlsReloader = {
  containerPort: 3306, start: 'mysql',
  // As root (RELOAD privilege), whose password is the instance's: the image sets both from one secret.
  reload: (ep) => withMysql({ host: ep.host, port: ep.port(3306), user: 'root', password: ep.password, database: ep.database, tls: true, timeoutMs: TIMEOUT_MS }, async (c) => {
    const [rows] = await c.query('SELECT VERSION() AS v');
    // MariaDB 10.4+ has FLUSH SSL; MySQL 8.0.16+ ALTER INSTANCE RELOAD TLS.
    const statement = /mariadb/i.test(String((rows as { v: string }[])[0]?.v)) ? 'FLUSH SSL' : 'ALTER INSTANCE RELOAD TLS';
    await c.query(statement);
    return statement;
  }),
};

const redisFamily: TlsReloader = {
  containerPort: 6379, start: 'direct',
  // Setting a tls-* file option, even to the same path, rebuilds the TLS context from the files.
  reload: (ep) => withRedis({ host: ep.host, port: ep.port(6379), password: ep.password, username: 'default', tls: true, timeoutMs: TIMEOUT_MS }, async (c) => {
    await c.call('CONFIG', 'SET', 'tls-cert-file', '/tls/server.crt');
    await c.call('CONFIG', 'SET', 'tls-key-file', '/tls/server.key');
    return 'CONFIG SET tls-cert-file, tls-key-file';
  }),
};

/**
 * Per engine that serves TLS; ClickHouse 18.16, InfluxDB and Elasticsearch (whose start copies the
 * files under config/certs) read their certificate only at start.
 */
export const TLS_RELOADERS: Readonly<Record<string, TlsReloader>> = {
  postgresql: postgres, timescaledb: postgres,
  mysql: mysqlFamily, mariadb: mysqlFamily,
  redis: redisFamily, valkey: redisFamily, keydb: redisFamily,
  clickhouse: { containerPort: 8123, start: 'direct' },
  influxdb: { containerPort: 8086, start: 'direct' },
  elasticsearch: { containerPort: 9200, start: 'direct' },
};
