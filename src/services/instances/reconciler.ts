import type { Kysely } from 'kysely';
import { LABELS, MODULE_ID } from '../../constants.js';
import * as repo from '../../db/repositories/instances.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import { conflict, notFound } from '../../errors.js';
import type { ModuleLogger } from '../../module-contract.js';
import { ownedBy } from '../drivers/container-driver.js';
import type { InstanceNetworks } from '../network/instance-networks.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { InstanceActions } from './actions.js';
import { IN_PROGRESS, MEANT_TO_RUN, type InstanceStatus } from './instance-state.js';
import type { InstanceSupport } from './support.js';
import type { AuditRecorder } from '../security/audit-log.js';

export interface ReconcileChange {
  id: number;
  name: string;
  from: string;
  to: string;
  reason: string;
}

export interface ReconcileReport {
  checked: number;
  changes: ReconcileChange[];
  /** Labelled containers with no row: reported, never adopted or deleted silently. */
  orphans: { id: string; name: string; instanceLabel: string | null; state: string }[];
}

/**
 * Compares the rows with what runs for them, at start and periodically. Each row is decided
 * under its instance lock from a fresh read of the row and of its container, so a decision never
 * rests on a state another operation has since changed. One reconciliation runs at a time.
 */
export class Reconciler {
  private tail: Promise<unknown> = Promise.resolve();
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly runtime: ContainerRuntime,
    private readonly s: InstanceSupport,
    private readonly actions: InstanceActions,
    /** The installation label: only this installation's containers are looked at. */
    private readonly ownLabels: Record<string, string>,
    private readonly logger: ModuleLogger,
    /** Removes an orphan's own network with it (optional in tests that have none). */
    private readonly networks?: Pick<InstanceNetworks, 'release'>,
    /** Each change it makes is recorded as the module's own action. */
    private readonly audit?: AuditRecorder,
  ) {}

  /** Runs a reconciliation after any that is under way (POST /reconcile). */
  run(): Promise<ReconcileReport> {
    const next = this.tail.then(() => this.reconcile(), () => this.reconcile());
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** The periodic run: skipped while another reconciliation is going on. */
  async runIfIdle(): Promise<ReconcileReport | null> {
    return this.running ? null : this.run();
  }

  private async reconcile(): Promise<ReconcileReport> {
    this.running = true;
    try {
      const ids = (await repo.listInstances(this.db)).map((r) => r.id);
      const report: ReconcileReport = { checked: ids.length, changes: [], orphans: [] };
      for (const id of ids) {
        if (this.s.lock.isBusy(id)) continue; // an operation of this process owns it and will settle it
        const change = await this.s.lock.run(id, () => this.decide(id)).catch((err) => {
          this.logger.warn({ instanceId: id, err: (err as Error).message }, 'reconciling an instance failed');
          return null;
        });
        if (!change) continue;
        report.changes.push(change);
        // The module's own action: `failed` when what it tried (a start, finishing a create) did not work.
        const outcome = change.to === 'failed' ? { ok: false as const, code: 'ACTION_FAILED', status: 502 } : { ok: true as const };
        await this.audit?.record({ action: 'reconcile.change', instanceId: id, params: change, outcome });
      }
      report.orphans = await this.orphans();
      if (report.changes.length || report.orphans.length) this.logger.info({ changes: report.changes.length, orphans: report.orphans.length }, 'reconciled');
      return report;
    } finally {
      this.running = false;
    }
  }

  /** Decides one row under its lock. */
  private async decide(id: number): Promise<ReconcileChange | null> {
    const row = await repo.findInstance(this.db, id);
    if (!row) return null;
    const change = (to: string, reason: string): ReconcileChange => ({ id, name: row.name, from: row.status, to, reason });
    const set = async (to: InstanceStatus, reason: string, extra: Parameters<typeof repo.updateInstance>[2] = {}) =>
      (await repo.transition(this.db, id, to, { status_message: reason, ...extra }, [row.status])) ? change(to, reason) : null;

    if (row.status === 'deleting') {
      // A delete that recorded no choice (begun before the choice was stored) keeps the data: it cannot be undone.
      const keep = row.delete_keep_data ?? true;
      await this.actions.deleteLocked(row, keep);
      return change('deleted', `finished an interrupted delete${keep ? ' (data kept)' : ''}`);
    }
    const seen = await this.s.driverOf(row).observe(row);

    if (IN_PROGRESS.has(row.status)) {
      if (row.status === 'stopping') {
        // The operator asked for a stop: it stays stopped, whatever the container does now.
        if (seen.state === 'running') await this.s.driverOf(row).stop(row);
        return seen.state === 'missing' ? set('missing', 'container not found after an interrupted stop') : set('stopped', 'finished an interrupted stop');
      }
      if (seen.state === 'missing' && row.started_at === null) {
        // A create that never got its engine running: nothing of value in its volumes.
        await this.s.driverOf(row).remove(row, { keepData: false });
        return set('failed', 'interrupted', { error_message: 'The module stopped while this instance was being created; its leftovers were removed. Delete it and create it again.' });
      }
      // An instance that ran once keeps its data whatever happened to its container.
      if (seen.state === 'missing') return set('missing', 'container not found after an interrupted operation');
      return this.bringUp(row, 'finished an interrupted operation');
    }
    if (seen.state === 'missing') return row.status === 'missing' || row.status === 'failed' ? null : set('missing', 'container not found');
    if (seen.state === 'running' && (row.status === 'stopped' || row.status === 'missing')) return set('running', 'container is running');
    if (seen.state === 'stopped' && (MEANT_TO_RUN.has(row.status) || row.status === 'missing')) {
      // The host restarted (Podman's restart policy needs systemd's podman-restart unit) or the engine died.
      return this.bringUp(row, `container was ${seen.detail ?? 'stopped'}; started it again`);
    }
    return null;
  }

  /** Starts the engine (first-start steps included) and settles the row on the outcome. */
  private async bringUp(row: InstanceRow, reason: string): Promise<ReconcileChange> {
    const base = { id: row.id, name: row.name, from: row.status };
    try {
      const after = await this.actions.runLocked(row, 'start', { recovering: true });
      return { ...base, to: after.status, reason };
    } catch (err) {
      return { ...base, to: 'failed', reason: `${reason}: ${(err as Error).message}` };
    }
  }

  private async orphans(): Promise<ReconcileReport['orphans']> {
    const containers = await this.runtime.listContainers({ [LABELS.module]: MODULE_ID, ...this.ownLabels });
    const names = new Set((await repo.listInstances(this.db)).map((r) => r.container_name));
    return containers.filter((c) => !names.has(c.name)).map((c) => ({
      id: c.id, name: c.name, instanceLabel: c.labels[LABELS.instance] ?? null, state: c.state,
    }));
  }

  /** Removes a labelled container that has no row (the operator asked for it). */
  async removeOrphan(name: string): Promise<void> {
    const info = await this.runtime.inspectContainer(name);
    if (!info || !ownedBy(info.labels, this.ownLabels)) throw notFound(`No container named ${name} belongs to this installation of the module`);
    if (await repo.findInstanceByName(this.db, name.replace(/^db-/, ''))) throw conflict(`${name} belongs to an instance; delete the instance instead`);
    await this.runtime.removeContainer(info.id, { force: true });
    const instance = Number(info.labels[LABELS.instance]);
    if (this.networks && Number.isInteger(instance)) await this.networks.release(instance, name);
  }
}
