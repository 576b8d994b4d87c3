import * as instances from '../../db/repositories/instances.js';
import * as repo from '../../db/repositories/snapshots.js';
import type { SnapshotRow } from '../../db/repositories/snapshots.js';
import type { InstanceRow } from '../../db/schema.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import { backupRoleOf, describeFailure, type BackupDeps } from './backup-context.js';
import { restoreInto } from './instance-restore.js';
import type { SnapshotRunner } from './snapshot-runner.js';

/** Snapshots being read by a restore or a drill: they are not deleted meanwhile. */
export class SnapshotsInUse {
  private readonly counts = new Map<number, number>();

  has(id: number): boolean {
    return (this.counts.get(id) ?? 0) > 0;
  }

  async during<T>(ids: number[], work: () => Promise<T>): Promise<T> {
    for (const id of ids) this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    try {
      return await work();
    } finally {
      for (const id of ids) this.counts.set(id, (this.counts.get(id) ?? 1) - 1);
    }
  }
}

/**
 * Restores into the same instance, under its lock and in `restoring`: a safety snapshot first
 * (no safety snapshot, no restore), then the restore; when it fails, the instance is put back from
 * the safety snapshot, and only if that fails too is it `failed`. Each run is in the operations log.
 */
export class Restorer {
  constructor(private readonly d: BackupDeps, private readonly snapshots: SnapshotRunner, private readonly inUse: SnapshotsInUse) {}

  /** Runs in the background (the route has checked everything it could and answered 202). */
  async restore(instanceId: number, snapshot: SnapshotRow, options: { replace: boolean; kind: 'restore' | 'import'; signal: AbortSignal }): Promise<void> {
    const { db, support, logger } = this.d;
    await support.lock.run(instanceId, async () => {
      const at = () => new Date(this.d.clock.now());
      const op = await repo.startOperation(db, instanceId, options.kind, snapshot.id, backupRoleOf({ engine: snapshot.engine ?? '' }).tool, at());
      const end = (error: string | null) => repo.endOperation(db, op.id, error, at());
      const row = await instances.findInstance(db, instanceId);
      if (!row || !MEANT_TO_RUN.has(row.status)) return end(`the instance is ${row?.status ?? 'gone'}; nothing was changed`);
      const safety = await (await this.snapshots.start(row, 'pre_restore', options.signal)).done;
      if (safety.status !== 'completed') return end(`the safety snapshot failed (${safety.error_message}); nothing was changed`);
      const restoring = await instances.transition(db, row.id, 'restoring', { status_message: `restoring snapshot ${snapshot.id}` }, [row.status]);
      if (!restoring) return end('the instance changed status meanwhile; nothing was changed');
      await this.inUse.during([snapshot.id, safety.id], async () => {
        try {
          await restoreInto(this.d, restoring, snapshot, { replace: options.replace, signal: options.signal });
          await this.settle(row.id, `restored snapshot ${snapshot.id}`);
          logger.info({ instanceId, snapshotId: snapshot.id }, 'restore completed');
          await end(null);
        } catch (err) {
          const reason = describeFailure(err, await support.adminPassword(row.id).catch(() => undefined));
          logger.warn({ instanceId, snapshotId: snapshot.id, reason }, 'restore failed; putting the instance back from its safety snapshot');
          await end(await this.rollBack(restoring, snapshot, safety, reason, options.signal));
        }
      });
    });
  }

  /** Puts the instance back from the safety snapshot; returns what the operations log says. */
  private async rollBack(row: InstanceRow, snapshot: SnapshotRow, safety: SnapshotRow, reason: string, signal: AbortSignal): Promise<string> {
    try {
      await restoreInto(this.d, row, safety, { replace: true, signal });
      const message = `restore of snapshot ${snapshot.id} failed (${reason}); the instance was put back from safety snapshot ${safety.id}`;
      await this.settle(row.id, message);
      return message;
    } catch (err) {
      const again = describeFailure(err);
      const message = `restore of snapshot ${snapshot.id} failed (${reason}), and putting it back from safety snapshot ${safety.id} failed too (${again})`;
      await instances.transition(this.d.db, row.id, 'failed', { status_message: 'restore failed', error_message: message }, ['restoring']);
      this.d.logger.error({ instanceId: row.id, snapshotId: snapshot.id, safetyId: safety.id, reason: again }, 'rollback after a failed restore failed');
      return message;
    }
  }

  /** Back to running; an offline restore may have left the engine stopped, so it is started when it is not up. */
  private async settle(id: number, message: string): Promise<void> {
    const row = await instances.findInstance(this.d.db, id);
    if (!row) return;
    const driver = this.d.support.driverOf(row);
    if ((await driver.observe(row)).state !== 'running') await driver.start(row);
    await instances.transition(this.d.db, id, 'running', { status_message: message, error_message: null }, ['restoring']);
  }

  /** A clone's first fill: after its create finished (queued behind it on the lock), the snapshot goes in. */
  async fillClone(cloneId: number, snapshot: SnapshotRow, signal: AbortSignal): Promise<void> {
    const { db, support, logger } = this.d;
    await support.lock.run(cloneId, async () => {
      const at = () => new Date(this.d.clock.now());
      const op = await repo.startOperation(db, cloneId, 'clone', snapshot.id, snapshot.tool, at());
      const row = await instances.findInstance(db, cloneId);
      if (!row || row.status !== 'running') {
        return repo.endOperation(db, op.id, `the clone did not come up (${row?.status ?? 'gone'}: ${row?.error_message ?? ''}); no data was restored`, at());
      }
      const restoring = await instances.transition(db, cloneId, 'restoring', { status_message: `filling from snapshot ${snapshot.id}` }, ['running']);
      if (!restoring) return repo.endOperation(db, op.id, 'the clone changed status meanwhile', at());
      try {
        await this.inUse.during([snapshot.id], () => restoreInto(this.d, restoring, snapshot, { replace: true, signal }));
        await this.settle(cloneId, `cloned from snapshot ${snapshot.id} of instance ${snapshot.instance_id}`);
        await repo.endOperation(db, op.id, null, at());
      } catch (err) {
        const reason = `filling the clone from snapshot ${snapshot.id} failed: ${describeFailure(err, await support.adminPassword(cloneId).catch(() => undefined))}`;
        logger.warn({ cloneId, snapshotId: snapshot.id, reason }, 'clone failed');
        await instances.transition(db, cloneId, 'failed', { status_message: 'clone failed', error_message: reason }, ['restoring']);
        await repo.endOperation(db, op.id, reason, at());
      }
    });
  }
}
