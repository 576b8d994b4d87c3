import { sql, type Kysely } from 'kysely';
import { TABLES } from '../../constants.js';
import type { Database } from '../schema.js';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface HealthCheck {
  checkedAt: Date;
  status: HealthStatus;
  responseTimeMs: number | null;
  message: string | null;
}

export async function recordCheck(db: Kysely<Database>, instanceId: number, check: HealthCheck, details: Record<string, unknown> = {}): Promise<void> {
  await db.insertInto(TABLES.healthHistory).values({
    instance_id: instanceId, checked_at: check.checkedAt, status: check.status,
    response_time_ms: check.responseTimeMs, message: check.message, details: JSON.stringify(details),
  }).execute();
}

/** The latest `n` checks, newest first. */
export async function latestChecks(db: Kysely<Database>, instanceId: number, n: number): Promise<HealthCheck[]> {
  const rows = await db.selectFrom(TABLES.healthHistory).select(['checked_at', 'status', 'response_time_ms', 'message'])
    .where('instance_id', '=', instanceId).orderBy('checked_at', 'desc').orderBy('id', 'desc').limit(n).execute();
  return rows.map(toCheck);
}

/** Each instance's latest check (the Prometheus endpoint), by instance id. */
export async function latestCheckPerInstance(db: Kysely<Database>): Promise<Map<number, HealthCheck>> {
  // One index probe per instance (a lateral join), not a scan of the whole history.
  const { rows } = await sql<{ instance_id: number; checked_at: Date; status: HealthStatus; response_time_ms: number | null; message: string | null }>`
    select i.id as instance_id, h.checked_at, h.status, h.response_time_ms, h.message
    from ${sql.table(TABLES.instances)} i
    cross join lateral (
      select checked_at, status, response_time_ms, message from ${sql.table(TABLES.healthHistory)}
      where instance_id = i.id order by checked_at desc, id desc limit 1
    ) h`.execute(db);
  return new Map(rows.map((r) => [r.instance_id, toCheck(r)]));
}

/** Checks at or after `since`, oldest first. */
export async function checksSince(db: Kysely<Database>, instanceId: number, since: Date): Promise<HealthCheck[]> {
  const rows = await db.selectFrom(TABLES.healthHistory).select(['checked_at', 'status', 'response_time_ms', 'message'])
    .where('instance_id', '=', instanceId).where('checked_at', '>=', since).orderBy('checked_at', 'asc').orderBy('id', 'asc').execute();
  return rows.map(toCheck);
}

/** The last check before `at` (what held when a window opens). */
export async function checkBefore(db: Kysely<Database>, instanceId: number, at: Date): Promise<HealthCheck | null> {
  const row = await db.selectFrom(TABLES.healthHistory).select(['checked_at', 'status', 'response_time_ms', 'message'])
    .where('instance_id', '=', instanceId).where('checked_at', '<', at).orderBy('checked_at', 'desc').limit(1).executeTakeFirst();
  return row ? toCheck(row) : null;
}

export async function recordTransition(db: Kysely<Database>, instanceId: number, from: string, to: string, reason: string, at: Date): Promise<void> {
  await db.insertInto(TABLES.statusEvents).values({ instance_id: instanceId, from_status: from, to_status: to, reason, at }).execute();
}

export async function transitionsSince(db: Kysely<Database>, instanceId: number, since: Date, limit = 200) {
  const rows = await db.selectFrom(TABLES.statusEvents).select(['at', 'from_status', 'to_status', 'reason'])
    .where('instance_id', '=', instanceId).where('at', '>=', since).orderBy('at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ at: new Date(r.at).toISOString(), from: r.from_status, to: r.to_status, reason: r.reason }));
}

/** Deletes history older than `before`, in batches so a large table never holds a long lock. */
export async function pruneHealth(db: Kysely<Database>, before: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = db.selectFrom(TABLES.healthHistory).select('id').where('checked_at', '<', before).limit(batch);
    const res = await db.deleteFrom(TABLES.healthHistory).where('id', 'in', ids).executeTakeFirst();
    const n = Number(res.numDeletedRows);
    total += n;
    if (n < batch) break;
  }
  await db.deleteFrom(TABLES.statusEvents).where('at', '<', before).execute();
  return total;
}

function toCheck(r: { checked_at: Date; status: HealthStatus; response_time_ms: number | null; message: string | null }): HealthCheck {
  return { checkedAt: new Date(r.checked_at), status: r.status, responseTimeMs: r.response_time_ms, message: r.message };
}

/**
 * Seconds the engine was observed up and down in [from, to]: each check's status holds until
 * the next check, for at most `holdS` (a longer gap, e.g. while the module was down, is not
 * observed). `unknown` (Podman unreachable) counts neither way; degraded counts as up.
 */
export async function observedSeconds(db: Kysely<Database>, instanceId: number, from: Date, to: Date, holdS: number): Promise<{ up: number; down: number }> {
  const { rows } = await sql<{ status: string; seconds: number | string | null }>`
    select status, sum(extract(epoch from (least(coalesce(next_at, ${to}), checked_at + make_interval(secs => ${holdS}), ${to}) - greatest(checked_at, ${from})))) as seconds
    from (
      select status, checked_at, lead(checked_at) over (order by checked_at, id) as next_at
      from ${sql.table(TABLES.healthHistory)}
      where instance_id = ${instanceId} and checked_at >= ${new Date(from.getTime() - holdS * 1000)} and checked_at < ${to}
    ) t
    where least(coalesce(next_at, ${to}), checked_at + make_interval(secs => ${holdS}), ${to}) > greatest(checked_at, ${from})
    group by status`.execute(db);
  const of = (...names: string[]) => rows.filter((r) => names.includes(r.status)).reduce((n, r) => n + Number(r.seconds ?? 0), 0);
  return { up: of('healthy', 'degraded'), down: of('unhealthy') };
}

export interface HealthBucket {
  at: string;
  checks: number;
  healthy: number;
  unhealthy: number;
  unknown: number;
  avgResponseMs: number | null;
  maxResponseMs: number | null;
}

/** The history of [from, to] in buckets of `bucketS` seconds (at most ~500 per answer). */
export async function historyBuckets(db: Kysely<Database>, instanceId: number, from: Date, to: Date, bucketS: number): Promise<HealthBucket[]> {
  const { rows } = await sql<{ bucket: Date; checks: string; healthy: string; unhealthy: string; unknown: string; avg_ms: number | null; max_ms: number | null }>`
    select date_bin(make_interval(secs => ${bucketS}), checked_at, ${from}) as bucket, count(*) as checks,
      count(*) filter (where status in ('healthy', 'degraded')) as healthy,
      count(*) filter (where status = 'unhealthy') as unhealthy,
      count(*) filter (where status = 'unknown') as unknown,
      avg(response_time_ms) as avg_ms, max(response_time_ms) as max_ms
    from ${sql.table(TABLES.healthHistory)}
    where instance_id = ${instanceId} and checked_at >= ${from} and checked_at <= ${to}
    group by 1 order by 1`.execute(db);
  return rows.map((r) => ({
    at: new Date(r.bucket).toISOString(), checks: Number(r.checks), healthy: Number(r.healthy), unhealthy: Number(r.unhealthy),
    unknown: Number(r.unknown), avgResponseMs: r.avg_ms === null ? null : Math.round(Number(r.avg_ms) * 10) / 10,
    maxResponseMs: r.max_ms === null ? null : Number(r.max_ms),
  }));
}
