import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { CONNECTION_FIGURES, numbers, SAMPLE_TIMEOUT_MS, untilAborted } from './metrics-support.js';
import { withPostgres } from './postgres-client.js';

/**
 * One statement: client backends (this one not counted) against max_connections, and the
 * server-wide counters of pg_stat_database (all databases: commits, rollbacks, buffer hits and
 * reads, deadlocks), with the instance database's size.
 */
export const POSTGRES_METRICS_SQL = `SELECT
  (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()) AS connections,
  (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()) AS active_queries,
  current_setting('max_connections')::int AS max_connections,
  sum(xact_commit) AS xact_commit, sum(xact_rollback) AS xact_rollback,
  sum(blks_hit) AS blks_hit, sum(blks_read) AS blks_read, sum(deadlocks) AS deadlocks,
  pg_database_size(current_database()) AS database_size_bytes
FROM pg_stat_database WHERE datname IS NOT NULL`;

const GAUGES = ['connections', 'active_queries', 'max_connections', 'database_size_bytes'];

/** PostgreSQL and TimescaleDB through pg, from the host. */
export class PostgresMetrics implements MetricsRole {
  readonly figures = {
    ...CONNECTION_FIGURES,
    active_queries: { kind: 'gauge', unit: 'count', description: 'client connections running a statement now' },
    commits_per_second: { kind: 'rate', counter: 'xact_commit', unit: 'per_second', description: 'transactions committed per second, all databases' },
    rollbacks_per_second: { kind: 'rate', counter: 'xact_rollback', unit: 'per_second', description: 'transactions rolled back per second, all databases' },
    cache_hit_ratio: { kind: 'ratio', hits: 'blks_hit', misses: 'blks_read', unit: 'ratio', description: 'share of block reads served by shared buffers since the previous sample' },
    deadlocks_per_second: { kind: 'rate', counter: 'deadlocks', unit: 'per_second', description: 'deadlocks detected per second, all databases' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'the instance database\'s size on disk (pg_database_size)' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'sql', text: POSTGRES_METRICS_SQL }];

  constructor(private readonly containerPort = 5432) {}

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const row = await untilAborted(signal, withPostgres({
      host: ep.host, port: ep.port(this.containerPort), user: ep.username, password: ep.password, database: ep.database,
      tls: ep.tls, timeoutMs: SAMPLE_TIMEOUT_MS, applicationName: 'flux-databases-metrics',
    }, async (client) => (await client.query<Record<string, unknown>>(POSTGRES_METRICS_SQL)).rows[0] ?? {}));
    return splitReading(row, GAUGES);
  }
}

/** The named columns as gauges, every other numeric column as a counter. */
export function splitReading(row: Record<string, unknown>, gaugeNames: readonly string[]): EngineReading {
  const all = numbers(row);
  const gauges: Record<string, number> = {};
  const counters: Record<string, number> = {};
  for (const [k, v] of Object.entries(all)) (gaugeNames.includes(k) ? gauges : counters)[k] = v;
  return { gauges, counters };
}
