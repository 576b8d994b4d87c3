import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { CONNECTION_FIGURES, execText, num, pick } from './metrics-support.js';

const SQLCMD = '/opt/mssql-tools18/bin/sqlcmd';

/** One row, `|`-separated: user sessions (this one not counted), the limit, and the performance counters (cumulative ones become rates). */
export const MSSQL_METRICS_SQL = `SET NOCOUNT ON;
SELECT (SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE is_user_process = 1 AND session_id <> @@SPID),
  @@MAX_CONNECTIONS,
  (SELECT cntr_value FROM sys.dm_os_performance_counters WHERE counter_name = 'Batch Requests/sec'),
  (SELECT cntr_value FROM sys.dm_os_performance_counters WHERE counter_name = 'Number of Deadlocks/sec' AND instance_name = '_Total'),
  (SELECT cntr_value FROM sys.dm_os_performance_counters WHERE counter_name = 'Buffer cache hit ratio'),
  (SELECT cntr_value FROM sys.dm_os_performance_counters WHERE counter_name = 'Buffer cache hit ratio base'),
  (SELECT SUM(CAST(size AS BIGINT)) * 8192 FROM sys.database_files)`;

export function mssqlReading(stdout: string): EngineReading {
  const line = stdout.split('\n').map((l) => l.trim()).find((l) => /^\d/.test(l));
  if (!line) throw new Error(`sqlcmd printed no figures: ${stdout.trim().slice(0, 200)}`);
  const [sessions, max, batches, deadlocks, hit, base, size] = line.split('|').map((v) => num(v));
  // The hit ratio counter is a fraction of its base counter, over SQL Server's own recent window.
  const ratio = hit !== undefined && base ? Math.min(1, hit / base) : undefined;
  return pick(
    [['connections', sessions], ['max_connections', max], ['buffer_cache_hit_ratio', ratio], ['database_size_bytes', size]],
    [['batch_requests', batches], ['deadlocks', deadlocks]],
  );
}

/** SQL Server with the image's sqlcmd inside the container, the password in SQLCMDPASSWORD (never argv). */
export class MssqlMetrics implements MetricsRole {
  readonly figures = {
    ...CONNECTION_FIGURES,
    batch_requests_per_second: { kind: 'rate', counter: 'batch_requests', unit: 'per_second', description: 'T-SQL batches received per second' },
    deadlocks_per_second: { kind: 'rate', counter: 'deadlocks', unit: 'per_second', description: 'lock requests that ended in a deadlock per second' },
    buffer_cache_hit_ratio: { kind: 'gauge', unit: 'ratio', description: 'share of page reads served by the buffer cache (SQL Server\'s own recent window)' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'data and log files of the instance database' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'exec', text: `sqlcmd -d <db>: ${MSSQL_METRICS_SQL}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const out = await execText(ep, signal,
      [SQLCMD, '-C', '-S', '127.0.0.1,1433', '-U', ep.username, '-d', ep.database, '-b', '-h', '-1', '-W', '-s', '|', '-Q', MSSQL_METRICS_SQL],
      { env: { SQLCMDPASSWORD: ep.password } });
    return mssqlReading(out);
  }
}
