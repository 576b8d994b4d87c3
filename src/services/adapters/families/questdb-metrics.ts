import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth } from './http-client.js';
import { httpJson, pick } from './metrics-support.js';

export const QUESTDB_TABLES_SQL = 'SELECT count() FROM tables()';
/** WAL tables: how many, how many suspended (they take no writes until resumed), and transactions written but not yet applied. */
export const QUESTDB_WAL_SQL = 'SELECT count(), sum(CASE WHEN suspended THEN 1 ELSE 0 END), sum(sequencerTxn - writerTxn) FROM wal_tables()';

interface ExecAnswer { dataset?: unknown[][]; error?: string }

export function questdbReading(tables: ExecAnswer, wal: ExecAnswer): EngineReading {
  const [walTables, suspended, lag] = wal.dataset?.[0] ?? [];
  return pick([['tables', tables.dataset?.[0]?.[0]], ['wal_tables', walTables], ['suspended_wal_tables', suspended ?? 0], ['wal_pending_transactions', lag ?? 0]]);
}

/** QuestDB's HTTP /exec (published for clients) with basic auth. */
export class QuestdbMetrics implements MetricsRole {
  readonly figures = {
    tables: { kind: 'gauge', unit: 'count', description: 'tables' },
    wal_tables: { kind: 'gauge', unit: 'count', description: 'tables written through the write-ahead log' },
    suspended_wal_tables: { kind: 'gauge', unit: 'count', description: 'WAL tables suspended after an error: they take no writes until resumed' },
    wal_pending_transactions: { kind: 'gauge', unit: 'count', description: 'WAL transactions written but not yet applied to the tables' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [QUESTDB_TABLES_SQL, QUESTDB_WAL_SQL].map((text) => ({ via: 'http' as const, text: `GET /exec?query=${text}` }));

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const query = (sql: string) => httpJson<ExecAnswer>(signal, {
      host: ep.host, port: ep.port(9000), path: `/exec?${new URLSearchParams({ query: sql })}`, headers: { Authorization: basicAuth(ep.username, ep.password) },
    });
    return questdbReading(await query(QUESTDB_TABLES_SQL), await query(QUESTDB_WAL_SQL));
  }
}
