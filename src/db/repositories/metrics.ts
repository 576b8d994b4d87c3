import { sql, type Kysely, type RawBuilder } from 'kysely';
import { TABLES } from '../../constants.js';
import type { Database } from '../schema.js';

const MB = 1024 * 1024;

/**
 * Figures kept in the metrics table's own columns, with the column's scale (the seed's columns
 * hold MB); every other figure goes to custom.figures. One list, read by the writer and by the
 * SQL that unpivots a row into (metric, value).
 */
export const WIDE_COLUMNS: Readonly<Record<string, { column: string; scale: number; integer?: true }>> = {
  cpu_percent: { column: 'cpu_percent', scale: 1 },
  memory_used_bytes: { column: 'memory_used_mb', scale: MB },
  memory_limit_bytes: { column: 'memory_limit_mb', scale: MB },
  memory_percent: { column: 'memory_percent', scale: 1 },
  connections: { column: 'connections', scale: 1, integer: true },
  active_queries: { column: 'active_queries', scale: 1, integer: true },
  queries_per_second: { column: 'queries_per_sec', scale: 1 },
  cache_hit_ratio: { column: 'cache_hit_ratio', scale: 1 },
  disk_used_bytes: { column: 'storage_used_mb', scale: MB },
};

/** The counters of one sample, kept to turn the next sample's counters into rates. */
export interface Baseline {
  atMs: number;
  /** The container's I/O and CPU counters, with its id (another id is another container: no rate). */
  container: { id: string; readAtNs: number; cpuNs: number; netRxBytes: number; netTxBytes: number; blockReadBytes: number; blockWriteBytes: number } | null;
  /** The engine's raw counters by name. */
  counters: Record<string, number>;
}

/** What one raw row keeps beyond its own columns: the other figures, and the counters the next rate needs. */
interface CustomColumn {
  figures: Record<string, number>;
  baseline: Omit<Baseline, 'atMs'>;
}

/** One sample as stored: its figures by name and the counters the next rate needs. */
export interface StoredSample {
  instanceId: number;
  at: Date;
  figures: Record<string, number>;
  baseline: Baseline;
}

/** Stores samples in one INSERT: the figures with a column of their own there, the rest in custom.figures. */
export async function insertSamples(db: Kysely<Database>, samples: readonly StoredSample[]): Promise<void> {
  if (!samples.length) return;
  // Every row names every wide column (null where it has no figure): one INSERT needs one column list.
  const rows = samples.map((s) => {
    const wide: Record<string, number | null> = Object.fromEntries(Object.values(WIDE_COLUMNS).map((c) => [c.column, null]));
    const rest: Record<string, number> = {};
    for (const [name, value] of Object.entries(s.figures)) {
      const col = WIDE_COLUMNS[name];
      if (col) wide[col.column] = col.integer ? Math.round(value) : value / col.scale;
      else rest[name] = value;
    }
    const custom: CustomColumn = { figures: rest, baseline: { container: s.baseline.container, counters: s.baseline.counters } };
    return { instance_id: s.instanceId, collected_at: s.at, ...wide, custom: JSON.stringify(custom) };
  });
  await db.insertInto(TABLES.metrics).values(rows).execute();
}

/** Stores one sample. */
export function insertSample(db: Kysely<Database>, instanceId: number, at: Date, figures: Record<string, number>, baseline: Baseline): Promise<void> {
  return insertSamples(db, [{ instanceId, at, figures, baseline }]);
}

/** The counters of the instance's latest sample at or after `since` (rates survive a restart of the module). */
export async function lastBaseline(db: Kysely<Database>, instanceId: number, since: Date): Promise<Baseline | null> {
  const row = await db.selectFrom(TABLES.metrics).select(['collected_at', 'custom'])
    .where('instance_id', '=', instanceId).where('collected_at', '>=', since)
    .orderBy('collected_at', 'desc').limit(1).executeTakeFirst();
  const b = (row?.custom as Partial<CustomColumn> | undefined)?.baseline;
  if (!row || !b) return null;
  return { atMs: new Date(row.collected_at).getTime(), container: b.container ?? null, counters: b.counters ?? {} };
}

/**
 * The raw rows of [from, to] as (instance_id, t, metric, value): each wide column and each
 * custom figure a row of its own, in SQL (PostgreSQL and PGlite alike).
 */
export function unpivotedRaw(from: Date, to: Date, instanceId?: number, toInclusive = false): RawBuilder<unknown> {
  const branches = Object.entries(WIDE_COLUMNS).map(([metric, c]) =>
    sql`select ${sql.lit(metric)}::text as metric, (m.${sql.ref(c.column)} * ${sql.lit(c.scale)})::float8 as value`);
  const custom = sql`select f.key, (f.value)::float8 from jsonb_each(m.custom -> 'figures') f where jsonb_typeof(f.value) = 'number'`;
  return sql`
    select m.instance_id, m.collected_at as t, u.metric, u.value
    from ${sql.table(TABLES.metrics)} m
    cross join lateral (${sql.join([...branches, custom], sql` union all `)}) u
    where u.value is not null and m.collected_at >= ${from} and m.collected_at ${toInclusive ? sql`<=` : sql`<`} ${to}
      ${instanceId === undefined ? sql`` : sql`and m.instance_id = ${instanceId}`}`;
}

/** Deletes raw samples older than `before`, in batches so a large table never holds a long lock. */
export async function pruneSamples(db: Kysely<Database>, before: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = db.selectFrom(TABLES.metrics).select('id').where('collected_at', '<', before).limit(batch);
    const n = Number((await db.deleteFrom(TABLES.metrics).where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
    total += n;
    if (n < batch) return total;
  }
}
