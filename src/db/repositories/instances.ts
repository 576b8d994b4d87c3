import { sql, type Kysely } from 'kysely';
import { TABLES } from '../../constants.js';
import type { Database, InstanceRow, InstanceStatus, InstanceUpdate, NewInstance } from '../schema.js';
import { canTransition, sourcesOf } from '../../services/instances/instance-state.js';

/** Data access for instance rows; the db comes first, as in every repository function. */

export async function insertInstance(db: Kysely<Database>, row: NewInstance): Promise<InstanceRow> {
  return db.insertInto(TABLES.instances).values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findInstance(db: Kysely<Database>, id: number): Promise<InstanceRow | undefined> {
  return db.selectFrom(TABLES.instances).selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findInstanceByName(db: Kysely<Database>, name: string): Promise<InstanceRow | undefined> {
  return db.selectFrom(TABLES.instances).selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listInstances(db: Kysely<Database>): Promise<InstanceRow[]> {
  return db.selectFrom(TABLES.instances).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** Writes columns other than status (statuses move through transition()). */
export async function updateInstance(db: Kysely<Database>, id: number, patch: Omit<InstanceUpdate, 'status'>): Promise<InstanceRow | undefined> {
  return db.updateTable(TABLES.instances).set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteInstanceRow(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom(TABLES.instances).where('id', '=', id).execute();
}

/** Host ports instances hold: each row's `port` and the further ones it records in options.host_ports (published-ports.ts). */
export async function usedPorts(db: Kysely<Database>): Promise<Set<number>> {
  const rows = await db.selectFrom(TABLES.instances).select(['port', 'options']).where('port', 'is not', null).execute();
  const used = new Set<number>();
  for (const r of rows) {
    used.add(r.port!);
    const extra = (r.options as { host_ports?: Record<string, unknown> } | null)?.host_ports ?? {};
    for (const p of Object.values(extra)) if (Number.isInteger(p)) used.add(p as number);
  }
  return used;
}

export async function usedVnetIps(db: Kysely<Database>, vnetName: string): Promise<Set<string>> {
  const rows = await db.selectFrom(TABLES.instances).select('vnet_ip')
    .where('vnet_name', '=', vnetName).where('vnet_ip', 'is not', null).execute();
  return new Set(rows.map((r) => r.vnet_ip!));
}

export async function countOnVnet(db: Kysely<Database>, vnetName: string): Promise<number> {
  const row = await db.selectFrom(TABLES.instances).select((eb) => eb.fn.countAll<string>().as('n'))
    .where('vnet_name', '=', vnetName).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** pg's unique_violation, as raised by both pg and PGlite. */
export function isUniqueViolation(err: unknown, constraintPart?: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return false;
  return !constraintPart || `${e.constraint ?? ''} ${e.message ?? ''}`.includes(constraintPart);
}

/**
 * Moves the row to `to` (with `patch`) only while it is in a status `to` may be entered from,
 * or in one of `from` when given: a compare-and-set, so a decision taken on a stale read never
 * lands. Returns the updated row, or undefined when the row had moved on (or is gone).
 */
export async function transition(
  db: Kysely<Database>, id: number, to: InstanceStatus, patch: InstanceUpdate = {}, from?: readonly InstanceStatus[],
): Promise<InstanceRow | undefined> {
  const allowed = (from ?? sourcesOf(to)).filter((s) => canTransition(s, to));
  if (!allowed.length) return undefined;
  return db.updateTable(TABLES.instances).set({ ...patch, status: to, updated_at: sql<Date>`now()` })
    .where('id', '=', id).where('status', 'in', allowed).returningAll().executeTakeFirst();
}

/**
 * Stores a volume measurement. The alert level is written only while it is still `previousAlert`
 * (a compare-and-set): of two measurements racing over one crossing, one wins and logs it.
 * Returns whether the level this call wrote was the one that moved it.
 */
export async function recordStorage(
  db: Kysely<Database>, id: number, usedBytes: number, alert: NonNullable<InstanceRow['storage_alert']>,
  previousAlert: InstanceRow['storage_alert'],
): Promise<{ moved: boolean }> {
  const at = new Date();
  if (alert !== previousAlert) {
    const moved = await db.updateTable(TABLES.instances).set({ storage_used_bytes: usedBytes, storage_checked_at: at, storage_alert: alert })
      .where('id', '=', id).where('storage_alert', previousAlert === null ? 'is' : '=', previousAlert).returning('id').executeTakeFirst();
    if (moved) return { moved: true };
  }
  await db.updateTable(TABLES.instances).set({ storage_used_bytes: usedBytes, storage_checked_at: at }).where('id', '=', id).execute();
  return { moved: false };
}

export async function findInstanceByContainerId(db: Kysely<Database>, containerId: string): Promise<InstanceRow | undefined> {
  return db.selectFrom(TABLES.instances).selectAll().where('container_id', '=', containerId).executeTakeFirst();
}
