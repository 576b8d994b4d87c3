import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import * as repo from '../../db/repositories/instances.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import { ModuleError, notFound } from '../../errors.js';
import type { ModuleLogger } from '../../module-contract.js';
import { getAdapter } from '../adapters/registry.js';
import type { CredentialManager } from '../credential-manager.js';
import type { DriverSet, InstanceDriver } from '../drivers/instance-driver.js';
import type { InstanceVolumes, PortSource } from './collaborators.js';
import { KeyedLock } from './keyed-lock.js';
import type { StorageMonitor } from './storage-monitor.js';

export interface InstanceManagerDeps {
  db: Kysely<Database>;
  drivers: DriverSet;
  credentials: CredentialManager;
  ports: PortSource;
  volumes: Pick<InstanceVolumes, 'exists'>;
  config: Config;
  logger: ModuleLogger;
  /** Measures a new instance's volume as soon as its create completes (optional in fast tests). */
  storage?: Pick<StorageMonitor, 'measure'>;
}

/** Podman did not answer (wedged or gone): reading anything more from it would only wait again. */
export function isPodmanDown(err: unknown): boolean {
  return err instanceof ModuleError && (err.code === 'PODMAN_TIMEOUT' || err.code === 'PODMAN_UNAVAILABLE');
}

/** What the manager, the provisioner, the actions and the reconciler share. */
export class InstanceSupport {
  /** One queue per instance: its operations never interleave. */
  readonly lock = new KeyedLock();

  constructor(readonly deps: InstanceManagerDeps) {}

  driverOf(row: Pick<InstanceRow, 'engine'>): InstanceDriver {
    return this.deps.drivers.for(getAdapter(row.engine));
  }

  async get(id: number): Promise<InstanceRow> {
    // Ids beyond SERIAL's range cannot exist; asking the store would be an error, not a 404.
    const row = id <= 2_147_483_647 ? await repo.findInstance(this.deps.db, id) : undefined;
    if (!row) throw notFound('Database instance not found');
    return row;
  }

  async progress(id: number, progress: number, message: string, patch: Omit<Parameters<typeof repo.updateInstance>[2], 'progress' | 'status_message'> = {}) {
    await repo.updateInstance(this.deps.db, id, { progress, status_message: message, ...patch });
  }

  /**
   * Marks the row failed with the reason and the container's last log lines (read by the id this
   * installation created, never by name), the password masked out of both.
   */
  async markFailed(id: number, err: unknown, password?: string): Promise<void> {
    let reason = err instanceof Error ? err.message : String(err);
    const row = await repo.findInstance(this.deps.db, id);
    if (!row) return;
    const tail = row.container_id && !isPodmanDown(err) ? await this.driverOf(row).logs(row, { tail: 20 }).catch(() => []) : [];
    if (tail.length) reason += `\n--- last log lines ---\n${tail.map((l) => l.text).join('\n')}`;
    if (password) reason = reason.split(password).join('********');
    this.deps.logger.warn({ instanceId: id, reason: reason.split('\n')[0] }, 'instance failed');
    await repo.transition(this.deps.db, id, 'failed', { error_message: reason.slice(0, 8000), status_message: 'failed' });
  }

  async adminPassword(id: number): Promise<string | undefined> {
    return (await this.deps.credentials.read(id, 'admin'))?.secret;
  }
}
