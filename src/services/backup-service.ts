import type { Readable } from 'node:stream';
import * as instances from '../db/repositories/instances.js';
import * as repo from '../db/repositories/snapshots.js';
import type { OperationRow, SnapshotRow } from '../db/repositories/snapshots.js';
import type { BackupPolicy, InstanceRow } from '../db/schema.js';
import { conflict, ModuleError, notFound } from '../errors.js';
import type { InstanceManager } from './instance-manager.js';
import { MEANT_TO_RUN } from './instances/instance-state.js';
import type { Scheduler } from './scheduler/scheduler.js';
import { backupRoleOf, type BackupDeps } from './backups/backup-context.js';
import { Drills } from './backups/drills.js';
import { exportZip } from './backups/export-zip.js';
import { receiveImport } from './backups/imports.js';
import { BackupPolicies, checkPolicy } from './backups/policies.js';
import { Restorer, SnapshotsInUse } from './backups/restores.js';
import { SnapshotRunner } from './backups/snapshot-runner.js';

export type { BackupDeps } from './backups/backup-context.js';

export interface CloneRequest {
  name: string;
  sku?: string;
  snapshot_id?: number;
}

/**
 * Snapshots, restores, clones, exports, imports, drills and backup policies: what the backup
 * routes call. Long work runs in the background on the scheduler (stopped with the module);
 * every check that can refuse a request runs before the answer, so a refused request changes nothing.
 */
export class BackupService {
  readonly snapshots: SnapshotRunner;
  readonly drills: Drills;
  readonly policies: BackupPolicies;
  private readonly restorer: Restorer;
  private readonly inUse = new SnapshotsInUse();

  constructor(private readonly d: BackupDeps, private readonly scheduler: Scheduler, private readonly instanceManager: InstanceManager) {
    this.snapshots = new SnapshotRunner(d);
    this.drills = new Drills(d);
    this.restorer = new Restorer(d, this.snapshots, this.inUse);
    this.policies = new BackupPolicies(d, scheduler, this.snapshots, this.drills, this.inUse);
  }

  private async instance(id: number): Promise<InstanceRow> {
    return this.d.support.get(id);
  }

  private async snapshotOf(row: InstanceRow, sid: number): Promise<SnapshotRow> {
    const snapshot = await repo.findSnapshot(this.d.db, row.id, sid);
    if (!snapshot) throw notFound(`Instance ${row.id} has no snapshot ${sid}`);
    return snapshot;
  }

  private requireUp(row: InstanceRow, what: string): void {
    if (!MEANT_TO_RUN.has(row.status)) throw conflict(`Instance is ${row.status}; it must be running to ${what}`);
  }

  /** A completed snapshot this instance may be given back: same engine, not a newer major version. */
  private restorable(row: InstanceRow, snapshot: SnapshotRow): void {
    const role = backupRoleOf(row);
    if (!role.restores) throw new ModuleError('NOT_IMPLEMENTED', `Restores are not offered for ${row.engine}`);
    if (snapshot.status !== 'completed') throw conflict(`Snapshot ${snapshot.id} is ${snapshot.status}; only a completed snapshot can be restored`);
    if (snapshot.engine !== row.engine) throw conflict(`Snapshot ${snapshot.id} is a ${snapshot.engine} snapshot; this instance runs ${row.engine}`);
    const refused = role.refuses(snapshot.engine_version ?? '', row.engine_version);
    if (refused) throw conflict(`Snapshot ${snapshot.id} cannot be restored here: ${refused}`);
  }

  async list(id: number): Promise<SnapshotRow[]> {
    return repo.listSnapshots(this.d.db, (await this.instance(id)).id);
  }

  async get(id: number, sid: number): Promise<SnapshotRow> {
    return this.snapshotOf(await this.instance(id), sid);
  }

  async operations(id: number): Promise<OperationRow[]> {
    return repo.listOperations(this.d.db, (await this.instance(id)).id);
  }

  /** Starts a manual snapshot; answers with its row (`running`). */
  async snapshot(id: number): Promise<SnapshotRow> {
    const row = await this.instance(id);
    backupRoleOf(row);
    this.requireUp(row, 'take a snapshot');
    if (this.d.support.lock.isBusy(row.id)) throw new ModuleError('INSTANCE_BUSY', 'Another operation on this instance is under way; try again when it is done');
    const run = await this.snapshots.start(row, 'manual');
    this.scheduler.spawn(async () => void (await run.done));
    return run.snapshot;
  }

  async cancel(id: number, sid: number): Promise<SnapshotRow> {
    const row = await this.instance(id);
    const snapshot = await this.snapshotOf(row, sid);
    if (snapshot.status !== 'running' || !this.snapshots.cancel(row.id, snapshot.id)) throw conflict(`Snapshot ${sid} is ${snapshot.status}; only a running snapshot can be cancelled`);
    return snapshot;
  }

  async remove(id: number, sid: number): Promise<void> {
    const row = await this.instance(id);
    const snapshot = await this.snapshotOf(row, sid);
    if (snapshot.status === 'running') throw conflict(`Snapshot ${sid} is still running; cancel it first`);
    if (this.inUse.has(snapshot.id)) throw new ModuleError('INSTANCE_BUSY', `Snapshot ${sid} is being read by a restore or a drill`);
    if (snapshot.path) await this.d.files.remove(snapshot.path);
    await repo.deleteSnapshotRow(this.d.db, snapshot.id);
    this.d.logger.info({ instanceId: row.id, snapshotId: snapshot.id }, 'snapshot deleted');
  }

  /**
   * Checks, then restores in the background (safety snapshot first, put back when it fails). The
   * snapshot may be another instance's (a copy of production into staging): of the same engine
   * and no newer major version, else 409 before anything changes.
   */
  async restore(id: number, sid: number): Promise<SnapshotRow> {
    const row = await this.instance(id);
    const snapshot = await repo.findAnySnapshot(this.d.db, sid);
    if (!snapshot) throw notFound(`No snapshot ${sid}`);
    this.restorable(row, snapshot);
    this.requireUp(row, 'restore it');
    if (this.snapshots.busy(row.id) || this.d.support.lock.isBusy(row.id)) throw new ModuleError('INSTANCE_BUSY', 'Another operation on this instance is under way; try again when it is done');
    this.scheduler.spawn((signal) => this.restorer.restore(row.id, snapshot, { replace: true, kind: 'restore', signal }));
    return snapshot;
  }

  /** A new instance from the given or the latest completed snapshot; answers with the new instance (creating). */
  async clone(id: number, request: CloneRequest): Promise<{ clone: InstanceRow; snapshot: SnapshotRow }> {
    const source = await this.instance(id);
    const snapshot = request.snapshot_id !== undefined ? await this.snapshotOf(source, request.snapshot_id) : await repo.latestCompleted(this.d.db, source.id);
    if (!snapshot) throw conflict(`Instance ${source.id} has no completed snapshot to clone from; take one first`);
    this.restorable(source, snapshot);
    const custom = source.sku === 'custom' && request.sku === undefined
      ? { memory_limit_mb: source.memory_limit_mb, cpu_limit: Number(source.cpu_limit), storage_limit_gb: source.storage_limit_gb } : {};
    const clone = await this.instanceManager.create({
      engine: source.engine, version: source.engine_version, name: request.name, database_name: source.database_name,
      sku: request.sku ?? source.sku, ...custom,
    });
    this.scheduler.spawn((signal) => this.restorer.fillClone(clone.id, snapshot, signal));
    return { clone, snapshot };
  }

  /** Stores an uploaded dump as an import snapshot, then restores it in the background like a restore. */
  async importDump(id: number, body: Readable, declaredBytes: number | undefined): Promise<SnapshotRow> {
    const row = await this.instance(id);
    const role = backupRoleOf(row);
    if (!role.restores) throw new ModuleError('NOT_IMPLEMENTED', `Restores are not offered for ${row.engine}`);
    this.requireUp(row, 'import into it');
    if (this.snapshots.busy(row.id) || this.d.support.lock.isBusy(row.id)) throw new ModuleError('INSTANCE_BUSY', 'Another operation on this instance is under way; try again when it is done');
    const snapshot = await receiveImport(this.d, row, body, declaredBytes);
    this.scheduler.spawn((signal) => this.restorer.restore(row.id, snapshot, { replace: false, kind: 'import', signal }));
    return snapshot;
  }

  /** The export zip of the given snapshot, or of the latest completed one (a new one when there is none). */
  async export(id: number, sid?: number): Promise<{ stream: Readable; filename: string; snapshot: SnapshotRow }> {
    const row = await this.instance(id);
    backupRoleOf(row);
    let snapshot = sid !== undefined ? await this.snapshotOf(row, sid) : await repo.latestCompleted(this.d.db, row.id);
    if (!snapshot) {
      this.requireUp(row, 'take the snapshot an export needs');
      snapshot = await (await this.snapshots.start(row, 'export')).done;
      if (snapshot.status !== 'completed') throw new ModuleError('BACKUP_FAILED', `The snapshot for the export failed: ${snapshot.error_message}`);
    }
    if (snapshot.status !== 'completed') throw conflict(`Snapshot ${snapshot.id} is ${snapshot.status}; only a completed snapshot can be exported`);
    const stream = await this.inUse.during([snapshot.id], () => exportZip(this.d, row, snapshot));
    return { stream, filename: `${row.name}-snapshot-${snapshot.id}.zip`, snapshot };
  }

  /** Starts a restore drill of a completed snapshot in the background. */
  async verify(id: number, sid: number): Promise<SnapshotRow> {
    const row = await this.instance(id);
    const snapshot = await this.snapshotOf(row, sid);
    this.restorable(row, snapshot);
    this.scheduler.spawn((signal) => this.inUse.during([snapshot.id], async () => void (await this.drills.run(row, snapshot, signal))));
    return snapshot;
  }

  /** When the instance's policy runs next (null without one). */
  nextRun(id: number): string | null {
    return this.scheduler.jobViews().find((j) => j.name === `backup:${id}`)?.nextRunAt ?? null;
  }

  async policy(id: number): Promise<BackupPolicy | null> {
    return (await this.instance(id)).backup_policy;
  }

  async setPolicy(id: number, policy: BackupPolicy | null): Promise<BackupPolicy | null> {
    const row = await this.instance(id);
    backupRoleOf(row);
    const checked = policy === null ? null : checkPolicy(policy);
    await this.policies.set(row, checked);
    return checked;
  }

  /**
   * At start: snapshots a crash left `running` are failed (their partial files removed), and every
   * policy gets its job; then, daily, expired safety snapshots and the files of deleted instances go.
   */
  async start(): Promise<void> {
    for (const s of await repo.interruptedSnapshots(this.d.db)) {
      if (this.snapshots.busy(s.instance_id)) continue;
      if (s.path) await this.d.files.remove(s.path).catch(() => undefined);
      await repo.updateSnapshot(this.d.db, s.id, { status: 'failed', error_message: 'the module stopped while this snapshot was taken', finished_at: new Date(this.d.clock.now()) });
    }
    await this.policies.scheduleAll();
  }

  async sweep(): Promise<void> {
    const before = new Date(this.d.clock.now() - this.d.safetyRetentionDays * 86_400_000);
    for (const s of await repo.expiredSafetySnapshots(this.d.db, before)) {
      if (this.inUse.has(s.id) || s.status === 'running') continue;
      if (s.path) await this.d.files.remove(s.path);
      await repo.deleteSnapshotRow(this.d.db, s.id);
      this.d.logger.info({ instanceId: s.instance_id, snapshotId: s.id, kind: s.kind }, 'retention: deleted an expired safety/import/export snapshot');
      await this.d.audit?.record({ action: 'backups.retention', instanceId: s.instance_id, params: { deleted: [s.id], kind: s.kind }, outcome: { ok: true } });
    }
    const live = new Set((await instances.listInstances(this.d.db)).map((r) => r.id));
    for (const id of await this.d.files.instanceIds()) {
      if (live.has(id)) continue;
      await this.d.files.removeInstanceDir(id);
      this.d.logger.info({ instanceId: id }, 'removed the snapshot files of a deleted instance');
    }
  }
}
