import type { Kysely } from 'kysely';
import { LABELS, MODULE_ID } from '../constants.js';
import type { Database, InstanceRow } from '../db/schema.js';
import { conflict, notFound } from '../errors.js';
import type { ModuleLogger } from '../module-contract.js';
import { getAdapter } from './adapters/registry.js';
import type { InstanceManager } from './instance-manager.js';
import type { InstanceVolumes } from './instance-collaborators.js';
import * as repo from './instance-repository.js';
import { ownedBy } from './instance-support.js';
import type { ContainerRuntime, ContainerSummary } from './runtime/container-runtime.js';

export interface ReconcileReport {
  checked: number;
  changes: { id: number; name: string; from: string; to: string; reason: string }[];
  /** Labelled containers with no row: reported, never adopted or deleted silently. */
  orphans: { id: string; name: string; instanceLabel: string | null; state: string }[];
}

const IN_PROGRESS = new Set(['creating', 'starting', 'restarting', 'stopping', 'deleting']);

/**
 * Compares the rows with the labelled containers, at start and periodically. An operation
 * interrupted by a crash (a row left in creating/starting/...) is finished or marked failed.
 */
export class Reconciler {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly runtime: ContainerRuntime,
    private readonly manager: InstanceManager,
    private readonly volumes: InstanceVolumes,
    /** The installation label: only this installation's containers are looked at. */
    private readonly ownLabels: Record<string, string>,
    private readonly logger: ModuleLogger,
  ) {}

  async run(): Promise<ReconcileReport> {
    const rows = await repo.listInstances(this.db);
    const containers = await this.runtime.listContainers({ [LABELS.module]: MODULE_ID, ...this.ownLabels });
    const byName = new Map(containers.map((c) => [c.name.replace(/^\//, ''), c]));
    const report: ReconcileReport = { checked: rows.length, changes: [], orphans: [] };
    for (const row of rows) {
      if (this.manager.lock.isBusy(row.id)) continue; // an operation of this process owns it
      const engine = getAdapter(row.engine);
      if (engine.capabilities.isEmbedded) continue;
      const change = await this.reconcileRow(row, byName.get(row.container_name));
      if (change) report.changes.push(change);
    }
    const names = new Set(rows.map((r) => r.container_name));
    for (const c of containers) {
      const name = c.name.replace(/^\//, '');
      if (!names.has(name)) report.orphans.push({ id: c.id, name, instanceLabel: c.labels[LABELS.instance] ?? null, state: c.state });
    }
    if (report.changes.length || report.orphans.length) this.logger.info({ changes: report.changes.length, orphans: report.orphans.length }, 'reconciled');
    return report;
  }

  private async reconcileRow(row: InstanceRow, container: ContainerSummary | undefined) {
    // Status writes go through the instance lock so they never interleave with a user's action.
    const set = async (to: InstanceRow['status'], reason: string, extra: Parameters<typeof repo.updateInstance>[2] = {}) => {
      await this.manager.lock.run(row.id, () => repo.updateInstance(this.db, row.id, { status: to, status_message: reason, ...extra }));
      return { id: row.id, name: row.name, from: row.status, to, reason };
    };
    const running = container?.state === 'running';
    if (row.status === 'deleting') {
      await this.manager.delete(row.id).catch(() => undefined);
      return { id: row.id, name: row.name, from: 'deleting', to: 'deleted', reason: 'finished an interrupted delete' };
    }
    if (IN_PROGRESS.has(row.status)) {
      if (!container && row.started_at === null) {
        // A create that never got its engine running: nothing of value in its volumes.
        await this.volumes.remove(row.container_name);
        return set('failed', 'interrupted', { error_message: 'The module stopped while this instance was being created; its leftovers were removed. Delete it and create it again.' });
      }
      // An instance that ran once keeps its data whatever happened to its container.
      if (!container) return set('missing', 'container not found after an interrupted operation');
      if (!running) await this.runtime.startContainer(container.id).catch(() => undefined);
      return this.manager.confirmReady(row.id).then(
        () => ({ id: row.id, name: row.name, from: row.status, to: 'running', reason: 'finished an interrupted operation' }),
        (err) => set('failed', 'interrupted', { error_message: `Could not finish an interrupted operation: ${(err as Error).message}` }),
      );
    }
    if (!container) {
      return row.status === 'missing' || row.status === 'failed' ? null : set('missing', 'container not found');
    }
    if (running && (row.status === 'stopped' || row.status === 'missing')) return set('running', 'container is running');
    if (!running && ['running', 'degraded', 'unhealthy', 'missing'].includes(row.status)) return this.bringBack(row, container.state);
    return null;
  }

  /**
   * A row the operator left running whose container is down: the host restarted (Podman's restart
   * policy needs systemd's podman-restart unit, absent here) or the engine died. Start it once;
   * if the engine does not answer, the manager marks the row failed with the reason.
   */
  private async bringBack(row: InstanceRow, state: string) {
    const change = { id: row.id, name: row.name, from: row.status, reason: `container was ${state}; started it again` };
    try {
      await this.manager.start(row.id);
      return { ...change, to: 'running' };
    } catch (err) {
      return { ...change, to: 'failed', reason: `container was ${state}; starting it failed: ${(err as Error).message}` };
    }
  }

  /** Removes a labelled container that has no row (the operator asked for it). */
  async removeOrphan(name: string): Promise<void> {
    const info = await this.runtime.inspectContainer(name);
    if (!info || !ownedBy(info.labels, this.ownLabels)) throw notFound(`No container named ${name} belongs to this installation of the module`);
    if (await repo.findInstanceByName(this.db, name.replace(/^db-/, ''))) throw conflict(`${name} belongs to an instance; delete the instance instead`);
    await this.runtime.removeContainer(info.id, { force: true });
  }
}
