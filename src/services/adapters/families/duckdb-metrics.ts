import { stat } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { num, untilAborted } from './metrics-support.js';

export const DUCKDB_TABLES_SQL = 'SELECT count(*) AS n FROM duckdb_tables() WHERE NOT internal';

const sizeOf = (file: string) => stat(file).then((s) => s.size, () => 0);

/**
 * DuckDB in-process: the file's size (with its write-ahead log) from the filesystem, and the
 * tables from the file opened read-only for the query. A client holding the file's single
 * read-write handle makes the open fail: the size is still reported, the tables are not.
 */
export class DuckdbMetrics implements MetricsRole {
  readonly figures = {
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'the database file and its write-ahead log' },
    tables: { kind: 'gauge', unit: 'count', description: 'user tables in the file' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'file', text: 'stat <file>, <file>.wal' }, { via: 'sql', text: DUCKDB_TABLES_SQL }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const file = ep.file;
    if (!file) throw new Error('an embedded DuckDB instance has no file');
    const st = await stat(file);
    const gauges: Record<string, number> = { database_size_bytes: st.size + await sizeOf(`${file}.wal`) };
    const tables = await untilAborted(signal, this.countTables(file)).catch(() => undefined);
    if (tables !== undefined) gauges.tables = tables;
    return { gauges, counters: {} };
  }

  private async countTables(file: string): Promise<number | undefined> {
    const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    try {
      const conn = await db.connect();
      try {
        const rows = (await conn.runAndReadAll(DUCKDB_TABLES_SQL)).getRowObjects();
        return num(rows[0]?.n);
      } finally {
        conn.closeSync();
      }
    } finally {
      db.closeSync();
    }
  }
}
