import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { TABLES } from '../../constants.js';
import type { BackupsTable, Database, SnapshotKind, SnapshotsTable } from '../schema.js';

export type SnapshotRow = Selectable<SnapshotsTable>;
export type OperationRow = Selectable<BackupsTable>;
export type OperationType = 'manual' | 'scheduled' | 'export' | 'pre_restore' | 'restore' | 'import' | 'clone' | 'drill';

/** Snapshot rows and the log of backup operations; the db comes first, as in every repository. */

export async function insertSnapshot(db: Kysely<Database>, row: Insertable<SnapshotsTable>): Promise<SnapshotRow> {
  return db.insertInto(TABLES.snapshots).values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateSnapshot(db: Kysely<Database>, id: number, patch: Updateable<SnapshotsTable>): Promise<SnapshotRow | undefined> {
  return db.updateTable(TABLES.snapshots).set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}

/** The snapshot `id` of instance `instanceId` only: a snapshot of another instance is not found (no IDOR). */
export async function findSnapshot(db: Kysely<Database>, instanceId: number, id: number): Promise<SnapshotRow | undefined> {
  if (id > 2_147_483_647) return undefined;
  return db.selectFrom(TABLES.snapshots).selectAll().where('id', '=', id).where('instance_id', '=', instanceId).executeTakeFirst();
}

/** Any instance's snapshot: a restore may take another instance's snapshot of the same engine. */
export async function findAnySnapshot(db: Kysely<Database>, id: number): Promise<SnapshotRow | undefined> {
  if (id > 2_147_483_647) return undefined;
  return db.selectFrom(TABLES.snapshots).selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listSnapshots(db: Kysely<Database>, instanceId: number): Promise<SnapshotRow[]> {
  return db.selectFrom(TABLES.snapshots).selectAll().where('instance_id', '=', instanceId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** The newest completed snapshot the operator or the policy made (not a restore's safety copy, not an upload). */
export async function latestCompleted(db: Kysely<Database>, instanceId: number): Promise<SnapshotRow | undefined> {
  return db.selectFrom(TABLES.snapshots).selectAll().where('instance_id', '=', instanceId).where('status', '=', 'completed')
    .where('kind', 'in', ['manual', 'scheduled', 'export']).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** Completed snapshots of the given kinds, newest first (retention's candidates). */
export async function completedOfKinds(db: Kysely<Database>, instanceId: number, kinds: SnapshotKind[]): Promise<SnapshotRow[]> {
  return db.selectFrom(TABLES.snapshots).selectAll().where('instance_id', '=', instanceId).where('status', '=', 'completed')
    .where('kind', 'in', kinds).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function deleteSnapshotRow(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom(TABLES.snapshots).where('id', '=', id).execute();
}

/** Rows a crash left `running`: nothing is writing them any more. */
export async function interruptedSnapshots(db: Kysely<Database>): Promise<SnapshotRow[]> {
  return db.selectFrom(TABLES.snapshots).selectAll().where('status', '=', 'running').execute();
}

/** Safety and import snapshots older than `before` (their own retention, FLUX_DATABASES_BACKUP_RETENTION_DAYS). */
export async function expiredSafetySnapshots(db: Kysely<Database>, before: Date): Promise<SnapshotRow[]> {
  return db.selectFrom(TABLES.snapshots).selectAll().where('kind', 'in', ['pre_restore', 'import', 'export'])
    .where('created_at', '<', before).execute();
}

export async function startOperation(db: Kysely<Database>, instanceId: number, type: OperationType, snapshotId: number | null, tool: string | null, at: Date): Promise<OperationRow> {
  return db.insertInto(TABLES.backups).values({
    instance_id: instanceId, backup_type: type, snapshot_id: snapshotId, tool, status: 'running', started_at: at, path: null,
  }).returningAll().executeTakeFirstOrThrow();
}

/** Ends an operation; `error` null means it completed. */
export async function endOperation(db: Kysely<Database>, id: number, error: string | null, at: Date, patch: Updateable<BackupsTable> = {}): Promise<void> {
  await db.updateTable(TABLES.backups).set({
    ...patch, status: error === null ? 'completed' : 'failed', error_message: error, finished_at: at,
    duration_ms: sql<number>`GREATEST(0, (EXTRACT(EPOCH FROM (${at}::timestamptz - started_at)) * 1000)::int)`,
  }).where('id', '=', id).execute();
}

export async function listOperations(db: Kysely<Database>, instanceId: number, limit = 100): Promise<OperationRow[]> {
  return db.selectFrom(TABLES.backups).selectAll().where('instance_id', '=', instanceId)
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
