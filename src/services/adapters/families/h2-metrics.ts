import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { num, SAMPLE_TIMEOUT_MS, untilAborted } from './metrics-support.js';
import { withPostgres } from './postgres-client.js';

/** H2's PostgreSQL-protocol server (published for the host's clients). */
const H2_PG_PORT = 5435;

/** H2 2.x: sessions, and the MVStore's own figures in INFORMATION_SCHEMA.SETTINGS (info.*). */
export const H2_SESSIONS_SQL = 'SELECT COUNT(*) AS "n" FROM INFORMATION_SCHEMA.SESSIONS';
/**
 * Only the file's size: H2 closes a database when its last session ends (DB_CLOSE_DELAY 0), so
 * its read and write counters start again at each sample of an idle database and give no rate.
 */
export const H2_STORE_SQL = "SELECT SETTING_VALUE AS \"v\" FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_SIZE'";

export function h2Reading(sessions: unknown, fileSize: unknown): EngineReading {
  const gauges: Record<string, number> = {};
  const n = num(sessions);
  // This sampling session is one of them.
  if (n !== undefined) gauges.connections = Math.max(0, n - 1);
  const size = num(fileSize);
  if (size !== undefined) gauges.database_size_bytes = size;
  return { gauges, counters: {} };
}

/**
 * H2 through its PostgreSQL-protocol port with pg, from the host: H2's own Shell takes the
 * password only as an argument, which `ps` on the host would show.
 */
export class H2Metrics implements MetricsRole {
  readonly figures = {
    connections: { kind: 'gauge', unit: 'count', description: 'open sessions (this sampling session not counted)' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'the database file\'s size (MVStore)' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'sql', text: H2_SESSIONS_SQL }, { via: 'sql', text: H2_STORE_SQL }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return untilAborted(signal, withPostgres({
      host: ep.host, port: ep.port(H2_PG_PORT), user: ep.username, password: ep.password, database: ep.database, tls: false, timeoutMs: SAMPLE_TIMEOUT_MS,
    }, async (client) => {
      const sessions = (await client.query<{ n: unknown }>(H2_SESSIONS_SQL)).rows[0]?.n;
      return h2Reading(sessions, (await client.query<{ v: unknown }>(H2_STORE_SQL)).rows[0]?.v);
    }));
  }
}
