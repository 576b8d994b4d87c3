import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { CONNECTION_FIGURES, num, SAMPLE_TIMEOUT_MS, untilAborted } from './metrics-support.js';
import { withMysql } from './mysql-client.js';

/** Status counters both MySQL and MariaDB keep under these names; SHOW GLOBAL STATUS needs no privilege. */
export const MYSQL_STATUS_SQL = "SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', 'Threads_running', 'Questions', 'Slow_queries', "
  + "'Innodb_buffer_pool_read_requests', 'Innodb_buffer_pool_reads')";
export const MYSQL_LIMITS_SQL = 'SELECT @@max_connections AS max_connections';
/** Data and indexes of the instance database; InnoDB refreshes these figures a few seconds after writes. */
export const MYSQL_SIZE_SQL = 'SELECT COALESCE(SUM(data_length + index_length), 0) AS size FROM information_schema.TABLES WHERE table_schema = DATABASE()';
/** MySQL 8 caches information_schema.TABLES for a day unless told not to; MariaDB has no such variable (the error is ignored). */
export const MYSQL_FRESH_STATS_SQL = 'SET SESSION information_schema_stats_expiry = 0';

/** MySQL and MariaDB through mysql2, from the host. */
export class MysqlMetrics implements MetricsRole {
  readonly figures = {
    ...CONNECTION_FIGURES,
    threads_running: { kind: 'gauge', unit: 'count', description: 'threads executing a statement now' },
    queries_per_second: { kind: 'rate', counter: 'Questions', unit: 'per_second', description: 'statements sent by clients per second' },
    slow_queries_per_second: { kind: 'rate', counter: 'Slow_queries', unit: 'per_second', description: 'statements slower than long_query_time per second' },
    buffer_pool_hit_ratio: {
      kind: 'ratio', hits: 'buffer_pool_hits', misses: 'Innodb_buffer_pool_reads', unit: 'ratio',
      description: 'share of InnoDB page reads served by the buffer pool since the previous sample',
    },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'data and indexes of the instance database (InnoDB\'s estimate)' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [MYSQL_FRESH_STATS_SQL, MYSQL_STATUS_SQL, MYSQL_LIMITS_SQL, MYSQL_SIZE_SQL].map((text) => ({ via: 'sql' as const, text }));

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return untilAborted(signal, withMysql({
      host: ep.host, port: ep.port(3306), user: ep.username, password: ep.password, database: ep.database, tls: ep.tls, timeoutMs: SAMPLE_TIMEOUT_MS,
    }, async (c) => {
      await c.query(MYSQL_FRESH_STATS_SQL).catch(() => undefined);
      const [status] = await c.query(MYSQL_STATUS_SQL) as unknown as [{ Variable_name: string; Value: string }[]];
      const [[limits]] = await c.query(MYSQL_LIMITS_SQL) as unknown as [[{ max_connections: unknown }]];
      const [[size]] = await c.query(MYSQL_SIZE_SQL) as unknown as [[{ size: unknown }]];
      return mysqlReading(Object.fromEntries(status.map((r) => [r.Variable_name, r.Value])), limits?.max_connections, size?.size);
    }));
  }
}

export function mysqlReading(status: Record<string, unknown>, maxConnections: unknown, size: unknown): EngineReading {
  const s = (k: string) => num(status[k]);
  const gauges: Record<string, number> = {};
  const connected = s('Threads_connected');
  // This sampling connection is one of them.
  if (connected !== undefined) gauges.connections = Math.max(0, connected - 1);
  const running = s('Threads_running');
  if (running !== undefined) gauges.threads_running = Math.max(0, running - 1);
  for (const [k, v] of [['max_connections', num(maxConnections)], ['database_size_bytes', num(size)]] as const) if (v !== undefined) gauges[k] = v;
  const counters: Record<string, number> = {};
  for (const k of ['Questions', 'Slow_queries', 'Innodb_buffer_pool_reads']) {
    const v = s(k);
    if (v !== undefined) counters[k] = v;
  }
  const requests = s('Innodb_buffer_pool_read_requests');
  const reads = s('Innodb_buffer_pool_reads');
  // Logical reads include the ones that went to disk.
  if (requests !== undefined && reads !== undefined) counters.buffer_pool_hits = Math.max(0, requests - reads);
  return { gauges, counters };
}
