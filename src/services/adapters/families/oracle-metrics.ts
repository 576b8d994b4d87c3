import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { CONNECTION_FIGURES, execText, num, pick } from './metrics-support.js';

/**
 * SQL*Plus as SYSDBA by OS authentication inside the container (the image's own setup and
 * healthcheck do the same): no password at all. The statements arrive on stdin.
 */
export const ORACLE_METRICS_SQL = `SET HEADING OFF FEEDBACK OFF PAGESIZE 0 LINESIZE 500 TRIMSPOOL ON COLSEP '|'
SELECT (SELECT COUNT(*) FROM v$session WHERE type = 'USER'),
  (SELECT value FROM v$parameter WHERE name = 'sessions'),
  (SELECT value FROM v$sysstat WHERE name = 'user commits'),
  (SELECT value FROM v$sysstat WHERE name = 'user rollbacks'),
  (SELECT value FROM v$sysstat WHERE name = 'execute count'),
  (SELECT value FROM v$sysstat WHERE name = 'session logical reads'),
  (SELECT value FROM v$sysstat WHERE name = 'physical reads'),
  (SELECT SUM(bytes) FROM cdb_data_files)
FROM dual;
EXIT
`;

export function oracleReading(stdout: string): EngineReading {
  const line = stdout.split('\n').map((l) => l.trim()).find((l) => /^\d/.test(l) && l.includes('|'));
  if (!line) throw new Error(`sqlplus printed no figures: ${stdout.trim().slice(0, 200)}`);
  const [sessions, max, commits, rollbacks, executes, logical, physical, size] = line.split('|').map((v) => num(v));
  // This SYSDBA session is one of the user sessions.
  const current = sessions === undefined ? undefined : Math.max(0, sessions - 1);
  const hits = logical !== undefined && physical !== undefined ? Math.max(0, logical - physical) : undefined;
  return pick(
    [['connections', current], ['max_connections', max], ['database_size_bytes', size]],
    [['user_commits', commits], ['user_rollbacks', rollbacks], ['executions', executes], ['buffer_hits', hits], ['physical_reads', physical]],
  );
}

/** Oracle Database Free through sqlplus inside the container. */
export class OracleMetrics implements MetricsRole {
  readonly figures = {
    ...CONNECTION_FIGURES,
    commits_per_second: { kind: 'rate', counter: 'user_commits', unit: 'per_second', description: 'user commits per second' },
    rollbacks_per_second: { kind: 'rate', counter: 'user_rollbacks', unit: 'per_second', description: 'user rollbacks per second' },
    executions_per_second: { kind: 'rate', counter: 'executions', unit: 'per_second', description: 'SQL executions per second' },
    buffer_cache_hit_ratio: { kind: 'ratio', hits: 'buffer_hits', misses: 'physical_reads', unit: 'ratio', description: 'share of logical reads served by the buffer cache since the previous sample' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'data files of the container database and its PDBs' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'exec', text: `sqlplus -S -L / as sysdba < ${ORACLE_METRICS_SQL}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return oracleReading(await execText(ep, signal, ['sqlplus', '-S', '-L', '/ as sysdba'], { stdin: ORACLE_METRICS_SQL }));
  }
}
