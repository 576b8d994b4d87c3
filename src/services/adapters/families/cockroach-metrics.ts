import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { execText, num, pick } from './metrics-support.js';

const NAMES = ['sql.conns', 'sql.query.count', 'sql.txn.commit.count', 'sql.txn.rollback.count', 'capacity.used'] as const;

/** The node's own metrics; `cockroach sql` as root with the client certificate the entrypoint made (no password). */
export const COCKROACH_METRICS_SQL = `SELECT name, value FROM crdb_internal.node_metrics WHERE name IN (${NAMES.map((n) => `'${n}'`).join(', ')})`;

export function cockroachReading(tsv: string): EngineReading {
  const v: Record<string, number | undefined> = {};
  for (const line of tsv.split('\n').slice(1)) {
    const [name, value] = line.split('\t');
    if (name) v[name] = (v[name] ?? 0) + (num(value) ?? 0);
  }
  const conns = v['sql.conns'];
  // This `cockroach sql` session is one of them.
  return pick(
    [['connections', conns === undefined ? undefined : Math.max(0, conns - 1)], ['database_size_bytes', v['capacity.used']]],
    [['queries', v['sql.query.count']], ['commits', v['sql.txn.commit.count']], ['rollbacks', v['sql.txn.rollback.count']]],
  );
}

/** CockroachDB through its own client inside the container. */
export class CockroachMetrics implements MetricsRole {
  readonly figures = {
    connections: { kind: 'gauge', unit: 'count', description: 'SQL client connections open now (this sampling session not counted)' },
    queries_per_second: { kind: 'rate', counter: 'queries', unit: 'per_second', description: 'SQL statements per second' },
    commits_per_second: { kind: 'rate', counter: 'commits', unit: 'per_second', description: 'transactions committed per second' },
    rollbacks_per_second: { kind: 'rate', counter: 'rollbacks', unit: 'per_second', description: 'transactions rolled back per second' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'disk used by the node\'s store' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'exec', text: `cockroach sql --certs-dir=/cockroach/certs --format=tsv -e ${COCKROACH_METRICS_SQL}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return cockroachReading(await execText(ep, signal,
      ['cockroach', 'sql', '--certs-dir=/cockroach/certs', '--host=127.0.0.1:26257', '--format=tsv', '-e', COCKROACH_METRICS_SQL]));
  }
}
