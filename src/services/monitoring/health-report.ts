import type { Kysely } from 'kysely';
import { firingAlerts } from '../../db/repositories/alerts.js';
import * as health from '../../db/repositories/health.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import type { Clock } from '../scheduler/clock.js';
import { alertView } from './alert-view.js';
import { bucketSeconds, RANGES, type Range } from './ranges.js';

const WINDOWS = { '24h': 86_400, '7d': 604_800, '30d': 2_592_000 } as const;

/** GET /databases/{id}/health: current status, last check, uptime windows, history, transitions, firing alerts. */
export async function healthReport(db: Kysely<Database>, row: InstanceRow, range: Range, o: { clock: Clock; intervalS: number }) {
  const now = o.clock.now();
  const to = new Date(now);
  const from = new Date(now - RANGES[range] * 1000);
  // A check holds until the next one; past 2.5 intervals the module was not looking.
  const holdS = Math.ceil(o.intervalS * 2.5);
  const [last] = await health.latestChecks(db, row.id, 1);
  const window = async (seconds: number) => {
    const s = await health.observedSeconds(db, row.id, new Date(now - seconds * 1000), to, holdS);
    const observed = s.up + s.down;
    return { percent: observed > 0 ? Math.round((s.up / observed) * 100_000) / 1000 : null, observed_s: Math.round(observed) };
  };
  const uptime = { '24h': await window(WINDOWS['24h']), '7d': await window(WINDOWS['7d']), '30d': await window(WINDOWS['30d']) };
  const bucket = bucketSeconds(range, o.intervalS);
  return {
    instance_id: row.id,
    status: row.status,
    health: row.last_health,
    last_check: last ? {
      at: last.checkedAt.toISOString(), status: last.status, response_time_ms: last.responseTimeMs, message: last.message,
    } : null,
    uptime,
    range,
    bucket_s: bucket,
    history: (await health.historyBuckets(db, row.id, from, to, bucket)).map((b) => ({
      at: b.at, checks: b.checks, healthy: b.healthy, unhealthy: b.unhealthy, unknown: b.unknown,
      avg_response_ms: b.avgResponseMs, max_response_ms: b.maxResponseMs,
    })),
    transitions: await health.transitionsSince(db, row.id, from),
    alerts: (await firingAlerts(db, row.id)).map(alertView),
  };
}
