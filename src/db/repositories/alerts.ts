import { sql, type Kysely, type Selectable } from 'kysely';
import { TABLES } from '../../constants.js';
import type { AlertsTable, Database } from '../schema.js';

export type AlertRow = Selectable<AlertsTable>;
/** An alert with the facts of its instance, as the list and the webhook show it. */
export type AlertWithInstance = AlertRow & { instance_name: string; engine: string; sku: string };
export type AlertEventName = 'fired' | 'resolved';

export interface NewAlert {
  instanceId: number;
  rule: string;
  severity: 'warning' | 'critical';
  value: number | null;
  threshold: number | null;
  message: string;
  at: Date;
  /** The pending webhook delivery of the firing, written with it. */
  delivery?: object;
}

/**
 * Fires an alert unless one for this instance and rule is firing already (the partial unique
 * index decides, so two evaluations at once still make one). Resolves with the new row, or null.
 */
export async function fireAlert(db: Kysely<Database>, a: NewAlert): Promise<AlertRow | null> {
  const row = await db.insertInto(TABLES.alerts).values({
    instance_id: a.instanceId, rule: a.rule, severity: a.severity, state: 'firing',
    value: a.value, threshold: a.threshold, message: a.message, fired_at: a.at,
    delivery: JSON.stringify(a.delivery ? { fired: a.delivery } : {}),
  }).onConflict((oc) => oc.columns(['instance_id', 'rule']).where('state', '=', 'firing').doNothing())
    .returningAll().executeTakeFirst();
  return row ?? null;
}

/**
 * Resolves the firing alert of this instance and rule; null when none was firing. `delivery`:
 * the resolution's pending webhook delivery, written with it (so no later outcome can be overtaken).
 */
export async function resolveAlert(db: Kysely<Database>, instanceId: number, rule: string, message: string, at: Date, delivery?: object): Promise<AlertRow | null> {
  const row = await db.updateTable(TABLES.alerts)
    .set({
      state: 'resolved', resolved_at: at, resolved_message: message,
      ...(delivery ? { delivery: sql`${sql.ref('delivery')} || ${JSON.stringify({ resolved: delivery })}::jsonb` } : {}),
    })
    .where('instance_id', '=', instanceId).where('rule', '=', rule).where('state', '=', 'firing')
    .returningAll().executeTakeFirst();
  return row ?? null;
}

export interface AlertFilter {
  state?: 'firing' | 'resolved';
  instanceId?: number;
  /** Alerts fired or resolved at or after it. */
  since?: Date;
  limit: number;
}

const withInstance = (db: Kysely<Database>) => db.selectFrom(`${TABLES.alerts} as a`)
  .innerJoin(`${TABLES.instances} as i`, 'i.id', 'a.instance_id')
  .selectAll('a').select(['i.name as instance_name', 'i.engine as engine', 'i.sku as sku']);

/** Newest first. */
export async function listAlerts(db: Kysely<Database>, f: AlertFilter): Promise<AlertWithInstance[]> {
  let q = withInstance(db);
  if (f.state) q = q.where('a.state', '=', f.state);
  if (f.instanceId !== undefined) q = q.where('a.instance_id', '=', f.instanceId);
  if (f.since) {
    const since = f.since;
    q = q.where((eb) => eb.or([eb('a.fired_at', '>=', since), eb('a.resolved_at', '>=', since)]));
  }
  return q.orderBy('a.fired_at', 'desc').orderBy('a.id', 'desc').limit(f.limit).execute();
}

export async function findAlert(db: Kysely<Database>, id: string): Promise<AlertWithInstance | undefined> {
  return withInstance(db).where('a.id', '=', id).executeTakeFirst();
}

/** Every firing alert (the sweep and the Prometheus endpoint). */
export async function firingAlerts(db: Kysely<Database>, instanceId?: number): Promise<AlertWithInstance[]> {
  return listAlerts(db, { state: 'firing', instanceId, limit: 10_000 });
}

/** Merges one event's delivery outcome into the alert's delivery column ({ fired: …, resolved: … }). */
export async function recordDelivery(db: Kysely<Database>, id: string, event: AlertEventName, outcome: object): Promise<void> {
  await db.updateTable(TABLES.alerts)
    .set({ delivery: sql`${sql.ref('delivery')} || ${JSON.stringify({ [event]: outcome })}::jsonb` })
    .where('id', '=', id).execute();
}

/** Alerts with a delivery still pending or retrying (a restart interrupted it), oldest first. */
export async function unfinishedDeliveries(db: Kysely<Database>): Promise<Array<{ alert: AlertWithInstance; event: AlertEventName }>> {
  const open = ['pending', 'retrying'];
  const rows = await withInstance(db)
    .where((eb) => eb.or([
      eb(sql<string>`a.delivery->'fired'->>'state'`, 'in', open),
      eb(sql<string>`a.delivery->'resolved'->>'state'`, 'in', open),
    ]))
    .orderBy('a.id', 'asc').limit(1000).execute();
  const out: Array<{ alert: AlertWithInstance; event: AlertEventName }> = [];
  for (const alert of rows) {
    const d = alert.delivery as Record<string, { state?: string } | undefined>;
    for (const event of ['fired', 'resolved'] as const) {
      if (open.includes(d[event]?.state ?? '')) out.push({ alert, event });
    }
  }
  return out;
}
