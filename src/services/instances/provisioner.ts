import * as repo from '../../db/repositories/instances.js';
import type { EngineAdapter } from '../adapters/types.js';
import type { Sizing } from '../orchestration/sku-resources.js';
import { generatePassword } from '../security/passwords.js';
import type { InstanceSupport } from './support.js';

/**
 * The background half of a create: the admin password (stored encrypted before anything uses
 * it), then the driver's work, each stage written to the row. A failure marks the row failed
 * with the reason; what the create made stays for the delete (or the reconciler) to remove.
 */
export class InstanceProvisioner {
  constructor(private readonly s: InstanceSupport) {}

  async provision(id: number, adapter: EngineAdapter, sizing: Sizing, tls?: { cert: string; key: string }): Promise<void> {
    const { db, credentials } = this.s.deps;
    let password: string | undefined;
    try {
      const row = (await repo.findInstance(db, id))!;
      password = generatePassword();
      await credentials.store(id, 'admin', row.username, password);
      await this.s.driverOf(row).provision({
        row, adapter, sizing, password, tls,
        progress: (percent, message, patch) => this.s.progress(id, percent, message, patch),
      });
      const ready = await repo.transition(db, id, 'running', {
        progress: 100, status_message: 'ready', started_at: new Date(), error_message: null,
      }, ['creating', 'starting']);
      if (!ready) this.s.deps.logger.warn({ instanceId: id }, 'create finished after the instance moved on (deleted?)');
      // A first measurement now, so the row shows its usage before the first storage cycle; it never fails the create.
      else if (this.s.deps.storage) void this.s.deps.storage.measure(ready);
    } catch (err) {
      await this.s.markFailed(id, err, password);
    }
  }
}
