import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth, httpCall } from './http-client.js';
import { num, SAMPLE_TIMEOUT_MS, untilAborted } from './metrics-support.js';

/**
 * One row from the system tables, valid from 18.16 to 25.x: sums over empty sets are 0 where a
 * metric does not exist in that version (MemoryResident is 20.x+, jemalloc.resident older;
 * MySQLConnection and PostgreSQLConnection are newer than 18.x).
 */
export const CLICKHOUSE_METRICS_SQL = `SELECT
  (SELECT sum(value) FROM system.events WHERE event = 'Query') AS queries,
  (SELECT sum(value) FROM system.asynchronous_metrics WHERE metric = 'MemoryResident') AS memory_resident,
  (SELECT sum(value) FROM system.asynchronous_metrics WHERE metric = 'jemalloc.resident') AS jemalloc_resident,
  (SELECT sum(value) FROM system.metrics WHERE metric = 'MemoryTracking') AS memory_tracking,
  (SELECT count() FROM system.parts WHERE active) AS parts,
  (SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = currentDatabase()) AS database_size_bytes,
  (SELECT sum(value) FROM system.metrics WHERE metric IN ('TCPConnection', 'HTTPConnection', 'MySQLConnection', 'PostgreSQLConnection')) AS connections
FORMAT JSONEachRow`;

export function clickhouseReading(row: Record<string, unknown>): EngineReading {
  const gauges: Record<string, number> = {};
  const memory = [row.memory_resident, row.jemalloc_resident, row.memory_tracking].map(num).find((v) => v !== undefined && v > 0);
  if (memory !== undefined) gauges.memory_bytes = memory;
  for (const k of ['parts', 'database_size_bytes'] as const) {
    const v = num(row[k]);
    if (v !== undefined) gauges[k] = v;
  }
  const connections = num(row.connections);
  // This HTTP request is one of them.
  if (connections !== undefined) gauges.connections = Math.max(0, connections - 1);
  const queries = num(row.queries);
  return { gauges, counters: queries === undefined ? {} : { queries } };
}

/** ClickHouse over its HTTP interface with basic auth, from the host. */
export class ClickhouseMetrics implements MetricsRole {
  readonly figures = {
    connections: { kind: 'gauge', unit: 'count', description: 'native, HTTP and other client connections open now (this sampling request not counted)' },
    queries_per_second: { kind: 'rate', counter: 'queries', unit: 'per_second', description: 'queries started per second' },
    memory_bytes: { kind: 'gauge', unit: 'bytes', description: 'the server\'s resident memory' },
    parts: { kind: 'gauge', unit: 'count', description: 'active data parts of all MergeTree tables (many small parts slow merges and reads)' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'active parts of the instance database on disk' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'http', text: `POST /?database=<db>: ${CLICKHOUSE_METRICS_SQL}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const answer = await untilAborted(signal, httpCall({
      host: ep.host, port: ep.port(8123), method: 'POST', path: `/?${new URLSearchParams({ database: ep.database, readonly: '1' })}`,
      headers: { Authorization: basicAuth(ep.username, ep.password), 'Content-Type': 'text/plain' },
      body: CLICKHOUSE_METRICS_SQL, timeoutMs: SAMPLE_TIMEOUT_MS,
    }));
    const text = answer.body.toString('utf8').trim();
    if (answer.status !== 200) throw new Error(`ClickHouse answered ${answer.status}: ${text.slice(0, 300)}`);
    return clickhouseReading(JSON.parse(text.split('\n')[0] ?? '{}') as Record<string, unknown>);
  }
}
