import { sql, type Kysely } from 'kysely';
import { TABLES } from '../../constants.js';
import type { Database } from '../schema.js';
import { unpivotedRaw } from './metrics.js';

export type Resolution = '5m' | '1h';
export const RESOLUTION_S: Readonly<Record<Resolution, number>> = { '5m': 300, '1h': 3600 };
/** Buckets are aligned on the epoch, so a chart's buckets do not move between two requests. */
const EPOCH = new Date(0);

const upsert = sql`on conflict (instance_id, resolution, metric, bucket) do update set avg = excluded.avg, max = excluded.max, samples = excluded.samples`;

/** 5-minute buckets (avg, max, samples) of the raw samples in [from, to), recomputed where they exist. */
export async function rollUpRaw(db: Kysely<Database>, from: Date, to: Date): Promise<number> {
  const res = await sql`
    insert into ${sql.table(TABLES.metricRollups)} (instance_id, resolution, bucket, metric, avg, max, samples)
    select instance_id, '5m', date_bin(make_interval(secs => 300), t, ${EPOCH}) as bucket, metric, avg(value), max(value), count(*)
    from (${unpivotedRaw(from, to)}) raw
    group by instance_id, bucket, metric
    ${upsert}`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** Hourly buckets from the 5-minute ones in [from, to): averages weighted by their sample counts. */
export async function rollUpHourly(db: Kysely<Database>, from: Date, to: Date): Promise<number> {
  const res = await sql`
    insert into ${sql.table(TABLES.metricRollups)} (instance_id, resolution, bucket, metric, avg, max, samples)
    select instance_id, '1h', date_bin(make_interval(secs => 3600), bucket, ${EPOCH}) as hour, metric,
      sum(avg * samples) / sum(samples), max(max), sum(samples)
    from ${sql.table(TABLES.metricRollups)}
    where resolution = '5m' and bucket >= ${from} and bucket < ${to}
    group by instance_id, hour, metric
    ${upsert}`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** The latest bucket of a resolution over all instances (where the next rollup can start), or null. */
export async function latestBucket(db: Kysely<Database>, resolution: Resolution): Promise<Date | null> {
  const row = await db.selectFrom(TABLES.metricRollups).select((eb) => eb.fn.max('bucket').as('latest'))
    .where('resolution', '=', resolution).executeTakeFirst();
  return row?.latest ? new Date(row.latest as unknown as string) : null;
}

/** Deletes buckets of a resolution older than `before`, in batches. */
export async function pruneRollups(db: Kysely<Database>, resolution: Resolution, before: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await sql`
      delete from ${sql.table(TABLES.metricRollups)} where ctid in (
        select ctid from ${sql.table(TABLES.metricRollups)} where resolution = ${resolution} and bucket < ${before} limit ${batch})`.execute(db);
    const n = Number(res.numAffectedRows ?? 0);
    total += n;
    if (n < batch) return total;
  }
}

export interface SeriesPoint {
  metric: string;
  at: Date;
  avg: number;
  max: number;
}

export interface SeriesQuery {
  from: Date;
  to: Date;
  /** Width of one answered point, seconds. */
  bucketS: number;
  /** Read rollups of this resolution up to `rawFrom`, and raw samples from there on (the not yet rolled tail). */
  rollups?: { resolution: Resolution; rawFrom: Date };
}

/**
 * Every series of one instance over [from, to] in buckets of `bucketS`: avg (weighted by the
 * samples behind each rollup) and max. The database does the grouping; the answer is at most
 * (to - from) / bucketS points per series.
 */
export async function seriesPoints(db: Kysely<Database>, instanceId: number, q: SeriesQuery): Promise<SeriesPoint[]> {
  const rawFrom = q.rollups ? q.rollups.rawFrom : q.from;
  const rolled = q.rollups
    ? sql`select bucket as t, metric, avg, max, samples from ${sql.table(TABLES.metricRollups)}
        where instance_id = ${instanceId} and resolution = ${q.rollups.resolution} and bucket >= ${q.from} and bucket < ${rawFrom}
        union all `
    : sql``;
  const { rows } = await sql<{ metric: string; bucket: Date | string; avg: number | string; max: number | string }>`
    select metric, date_bin(make_interval(secs => ${q.bucketS}), t, ${EPOCH}) as bucket,
      sum(avg * samples) / sum(samples) as avg, max(max) as max
    from (
      ${rolled}select t, metric, value as avg, value as max, 1 as samples from (${unpivotedRaw(rawFrom, q.to, instanceId, true)}) raw
    ) src
    group by metric, bucket order by metric, bucket`.execute(db);
  return rows.map((r) => ({ metric: r.metric, at: new Date(r.bucket), avg: Number(r.avg), max: Number(r.max) }));
}
