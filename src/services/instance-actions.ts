import type { InstanceRow } from '../db/schema.js';
import { conflict, ModuleError } from '../errors.js';
import { getAdapter } from './adapters/registry.js';
import * as repo from './instance-repository.js';
import type { InstanceSupport } from './instance-support.js';

/** Start, stop and restart with their real outcome: a start is done when the engine answers. */
export class InstanceActions {
  constructor(private readonly s: InstanceSupport) {}

  /** Probes an instance whose container runs and marks it running (used by reconciliation). */
  async confirmReady(id: number): Promise<void> {
    await this.s.lock.run(id, async () => {
      const row = await this.s.get(id);
      const adapter = getAdapter(row.engine);
      const info = await this.s.ownedContainer(row.container_name);
      if (!info) throw new Error('container not found');
      const input = await this.s.adapterInput(row, adapter);
      await this.s.readiness.wait(info.id, adapter, input, this.s.probeTarget(row, adapter, info.id));
      await repo.updateInstance(this.s.deps.db, id, { status: 'running', status_message: 'ready', progress: 100, container_id: info.id, error_message: null });
    });
  }

  start(id: number) { return this.action(id, 'start'); }
  stop(id: number) { return this.action(id, 'stop'); }
  restart(id: number) { return this.action(id, 'restart'); }

  private async action(id: number, what: 'start' | 'stop' | 'restart'): Promise<InstanceRow> {
    await this.s.get(id);
    return this.s.lock.run(id, async () => {
      const row = await this.s.get(id);
      if (['creating', 'deleting'].includes(row.status)) throw conflict(`Instance is ${row.status}; try again when it is done`);
      const adapter = getAdapter(row.engine);
      if (adapter.capabilities.isEmbedded) return this.embeddedAction(row, what);
      const info = await this.s.ownedContainer(row.container_name);
      if (!info) {
        await repo.updateInstance(this.s.deps.db, id, { status: 'missing', status_message: 'container not found' });
        throw conflict('The instance container is missing; delete the instance or recreate it');
      }
      const input = await this.s.adapterInput(row, adapter);
      const stopTimeout = adapter.plan(input).stopTimeoutSeconds;
      try {
        if (what === 'stop') {
          await repo.updateInstance(this.s.deps.db, id, { status: 'stopping' });
          await this.s.deps.runtime.stopContainer(info.id, stopTimeout);
          return (await repo.updateInstance(this.s.deps.db, id, { status: 'stopped', status_message: 'stopped' }))!;
        }
        await repo.updateInstance(this.s.deps.db, id, { status: what === 'start' ? 'starting' : 'restarting' });
        if (what === 'start') await this.s.deps.runtime.startContainer(info.id);
        else await this.s.deps.runtime.restartContainer(info.id, stopTimeout);
        await this.s.readiness.wait(info.id, adapter, input, this.s.probeTarget(row, adapter, info.id));
        return (await repo.updateInstance(this.s.deps.db, id, { status: 'running', status_message: 'ready', started_at: new Date(), error_message: null }))!;
      } catch (err) {
        await this.s.markFailed(id, row.container_name, err, input.password);
        throw new ModuleError('ACTION_FAILED', 502, `${what} failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
      }
    });
  }

  private async embeddedAction(row: InstanceRow, what: 'start' | 'stop' | 'restart'): Promise<InstanceRow> {
    if (what !== 'stop') await this.s.deps.embedded.check(row);
    const status = what === 'stop' ? 'stopped' : 'running';
    return (await repo.updateInstance(this.s.deps.db, row.id, { status, status_message: status, ...(status === 'running' ? { started_at: new Date() } : {}) }))!;
  }

}
