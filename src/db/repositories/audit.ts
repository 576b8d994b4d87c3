import { type Insertable, type Kysely, type Selectable } from 'kysely';
import { TABLES } from '../../constants.js';
import type { AuditTable, Database } from '../schema.js';

export type AuditRow = Selectable<AuditTable>;
export type NewAuditRow = Insertable<AuditTable>;

export interface AuditFilter {
  instanceId?: number;
  action?: string;
  /** Records at or after it. */
  since?: Date;
  /** Records with a smaller id: the next page after the one whose last id this is. */
  beforeId?: number;
  limit: number;
}

export async function insertAudit(db: Kysely<Database>, row: NewAuditRow): Promise<void> {
  await db.insertInto(TABLES.audit).values(row).execute();
}

/** Newest first, in the order they were written (the id), so a page's last id starts the next page. */
export function listAudit(db: Kysely<Database>, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom(TABLES.audit).selectAll();
  if (f.instanceId !== undefined) q = q.where('instance_id', '=', f.instanceId);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (f.since !== undefined) q = q.where('at', '>=', f.since);
  if (f.beforeId !== undefined) q = q.where('id', '<', String(f.beforeId));
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

/**
 * Deletes up to `batch` records older than `before`, oldest first; returns how many went. Small
 * batches keep each statement short on a large table (retention loops until one comes back short).
 */
export async function pruneAudit(db: Kysely<Database>, before: Date, batch: number): Promise<number> {
  const result = await db.deleteFrom(TABLES.audit)
    .where('id', 'in', db.selectFrom(TABLES.audit).select('id').where('at', '<', before).orderBy('at').limit(batch))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

