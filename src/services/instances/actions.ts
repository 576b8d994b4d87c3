import * as repo from '../../db/repositories/instances.js';
import type { InstanceRow } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import { actionAllowed } from './instance-state.js';
import { isPodmanDown, type InstanceSupport } from './support.js';

export type Action = 'start' | 'stop' | 'restart';

const PAST: Record<Action, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };

/**
 * Start, stop, restart and delete with their real outcome: a start is done when the engine
 * answers. The `…Locked` variants expect the caller to hold the instance's lock (the reconciler
 * decides and acts under one lock hold); the others take it.
 */
export class InstanceActions {
  constructor(private readonly s: InstanceSupport) {}

  async run(id: number, action: Action): Promise<InstanceRow> {
    await this.s.get(id);
    return this.s.lock.run(id, async () => this.runLocked(await this.s.get(id), action));
  }

  /** `recovering`: the reconciler finishing an interrupted operation, from whatever status it left. */
  async runLocked(row: InstanceRow, action: Action, options: { recovering?: boolean } = {}): Promise<InstanceRow> {
    if (!options.recovering && !actionAllowed(action, row.status)) {
      throw new ModuleError('INSTANCE_BUSY', `Instance is ${row.status}; it cannot be ${PAST[action]} now`);
    }
    const { db } = this.s.deps;
    const driver = this.s.driverOf(row);
    // Stopping a stopped instance is a no-op that succeeds (stopped has no move to stopping); the
    // container is stopped again in case something started it behind the module's back.
    if (action === 'stop' && row.status === 'stopped') {
      await driver.stop(row);
      return row;
    }
    const moving = action === 'stop' ? 'stopping' : action === 'start' ? 'starting' : 'restarting';
    const settled = action === 'stop' ? 'stopped' : 'running';
    if (!(await repo.transition(db, row.id, moving, { status_message: moving }, options.recovering ? [row.status] : undefined))) {
      throw new ModuleError('INSTANCE_BUSY', 'Instance changed status meanwhile; try again');
    }
    try {
      await driver[action](row);
    } catch (err) {
      if (err instanceof ModuleError && err.code === 'CONTAINER_MISSING') {
        await repo.transition(db, row.id, 'missing', { status_message: 'container not found' });
        throw err;
      }
      await this.s.markFailed(row.id, err, await this.s.adminPassword(row.id).catch(() => undefined));
      // Podman itself not answering is its own coded 503: the engine's fate is unknown, not failed.
      if (isPodmanDown(err)) throw err;
      throw new ModuleError('ACTION_FAILED', `${action} failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
    const patch = settled === 'running' ? { started_at: new Date(), error_message: null, progress: 100 } : {};
    const done = await repo.transition(db, row.id, settled, { status_message: settled, ...patch }, [moving]);
    return done ?? this.s.get(row.id);
  }

  /**
   * Removes what runs for the instance, its data unless keepData, then the row. The choice is
   * stored first, so an interrupted delete is finished the way it was asked; a step that fails
   * leaves the row in `deleting` with the reason, never reported as done.
   */
  async delete(id: number, keepData: boolean): Promise<void> {
    await this.s.get(id);
    await this.s.lock.run(id, async () => {
      const row = await repo.findInstance(this.s.deps.db, id);
      if (row) await this.deleteLocked(row, keepData);
    });
  }

  async deleteLocked(row: InstanceRow, keepData: boolean): Promise<void> {
    const { db } = this.s.deps;
    const driver = this.s.driverOf(row);
    // A delete already under way keeps the choice it was made with.
    const keep = row.status === 'deleting' && row.delete_keep_data !== null ? row.delete_keep_data : keepData;
    const marked = await repo.transition(db, row.id, 'deleting', { status_message: 'deleting', delete_keep_data: keep });
    if (!marked) throw new ModuleError('INSTANCE_BUSY', 'Instance changed status meanwhile; try again');
    try {
      await driver.remove(marked, { keepData: keep });
    } catch (err) {
      await repo.updateInstance(db, row.id, { status_message: 'delete failed', error_message: `Delete did not finish: ${(err as Error).message}` });
      throw err;
    }
    await repo.deleteInstanceRow(db, row.id);
    await driver.released(marked);
  }
}
