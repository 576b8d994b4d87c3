import * as instances from '../../db/repositories/instances.js';
import * as repo from '../../db/repositories/snapshots.js';
import type { BackupPolicy, InstanceRow } from '../../db/schema.js';
import { badRequest } from '../../errors.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { BackupDeps } from './backup-context.js';
import type { Drills } from './drills.js';
import type { SnapshotsInUse } from './restores.js';
import { planRetention } from './retention.js';
import { failureOf } from '../security/audit-log.js';
import type { SnapshotRunner } from './snapshot-runner.js';

/** The alert a failed scheduled backup raises (a completed one resolves it). */
export const BACKUP_ALERT = 'backup_failed';

/** Checks a policy as it arrives (the route's schema checked the types and ranges). */
export function checkPolicy(p: BackupPolicy): BackupPolicy {
  const why = Scheduler.checkCron(p.schedule);
  if (why) throw badRequest(`schedule is not a cron expression the scheduler accepts: ${why}`);
  if (p.keep_last + p.keep_daily + p.keep_weekly + p.keep_monthly < 1) throw badRequest('a policy must keep at least one snapshot (keep_last, keep_daily, keep_weekly or keep_monthly)');
  return { schedule: p.schedule, keep_last: p.keep_last, keep_daily: p.keep_daily, keep_weekly: p.keep_weekly, keep_monthly: p.keep_monthly, verify: p.verify };
}

/**
 * Backup policies: one cron job per instance that has one (`backup:<id>`), each run a scheduled
 * snapshot, its drill when the policy verifies, then retention. Retention never runs after a
 * failed backup, deletes only scheduled snapshots the policy keeps no more (never a manual,
 * safety or import one, never one in use), and logs every decision.
 */
export class BackupPolicies {
  constructor(
    private readonly d: BackupDeps,
    private readonly scheduler: Scheduler,
    private readonly runner: SnapshotRunner,
    private readonly drills: Drills,
    private readonly inUse: SnapshotsInUse,
  ) {}

  private job(id: number): string {
    return `backup:${id}`;
  }

  async set(row: InstanceRow, policy: BackupPolicy | null): Promise<void> {
    await instances.updateInstance(this.d.db, row.id, { backup_policy: policy === null ? null : JSON.stringify(policy) });
    this.schedule(row.id, policy);
  }

  schedule(id: number, policy: BackupPolicy | null): void {
    if (!policy) return this.scheduler.cancel(this.job(id));
    this.scheduler.cron(this.job(id), policy.schedule, (signal) => this.run(id, signal));
  }

  /** At start: every stored policy gets its job again. */
  async scheduleAll(): Promise<void> {
    for (const row of await instances.listInstances(this.d.db)) if (row.backup_policy) this.schedule(row.id, row.backup_policy);
  }

  /** One scheduled run. */
  async run(id: number, signal: AbortSignal): Promise<void> {
    const { logger } = this.d;
    const row = await instances.findInstance(this.d.db, id);
    if (!row?.backup_policy) return this.scheduler.cancel(this.job(id));
    if (!MEANT_TO_RUN.has(row.status)) {
      logger.warn({ instanceId: id, status: row.status }, 'scheduled backup skipped: the instance is not running');
      return;
    }
    const snapshot = await this.runner.start(row, 'scheduled', signal).then((s) => s.done).catch(async (err: unknown) => {
      await this.d.audit?.record({ action: 'backups.scheduled', instanceId: id, outcome: failureOf(err) });
      throw err;
    });
    await this.d.audit?.record({
      action: 'backups.scheduled', instanceId: id, params: { snapshot_id: snapshot.id },
      outcome: snapshot.status === 'completed' ? { ok: true } : { ok: false, code: 'BACKUP_FAILED', status: 502 },
    });
    const alerts = this.d.alerts();
    if (snapshot.status !== 'completed') {
      logger.warn({ instanceId: id, snapshotId: snapshot.id }, 'retention skipped: the scheduled backup failed');
      await alerts?.raise(id, BACKUP_ALERT, 'critical', `scheduled backup failed: ${snapshot.error_message}`).catch(() => undefined);
      return;
    }
    await alerts?.resolve(id, BACKUP_ALERT, `scheduled backup ${snapshot.id} completed`).catch(() => undefined);
    if (row.backup_policy.verify) await this.inUse.during([snapshot.id], () => this.drills.run(row, snapshot, signal));
    await this.retain(row, row.backup_policy);
  }

  /** Applies the policy's retention to the instance's scheduled snapshots; returns the ids deleted. */
  async retain(row: InstanceRow, policy: BackupPolicy): Promise<number[]> {
    const candidates = await repo.completedOfKinds(this.d.db, row.id, ['scheduled']);
    const decisions = planRetention(candidates.map((s) => ({
      id: s.id, createdAt: new Date(s.created_at), verified: s.verify_status === 'passed', drillFailed: s.verify_status === 'failed',
    })), policy);
    const deleted: number[] = [];
    for (const decision of decisions) {
      const snapshot = candidates.find((s) => s.id === decision.id)!;
      if (decision.keep || this.inUse.has(decision.id)) {
        this.d.logger.info({ instanceId: row.id, snapshotId: decision.id, keep: true, reasons: decision.keep ? decision.reasons : ['in use by a restore or drill'] }, 'retention: kept');
        continue;
      }
      await this.d.files.remove(snapshot.path);
      await repo.deleteSnapshotRow(this.d.db, snapshot.id);
      deleted.push(snapshot.id);
      this.d.logger.info({ instanceId: row.id, snapshotId: decision.id, keep: false, reasons: decision.reasons }, 'retention: deleted');
    }
    if (deleted.length) await this.d.audit?.record({ action: 'backups.retention', instanceId: row.id, params: { deleted }, outcome: { ok: true } });
    return deleted;
  }
}
