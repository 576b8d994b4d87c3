import path from 'node:path';
import type { SnapshotRow } from '../../db/repositories/snapshots.js';
import type { InstanceRow } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import { getAdapter } from '../adapters/registry.js';
import type { EngineControl } from '../adapters/roles/backup.js';
import { adapterInput } from '../drivers/container-support.js';
import { backupRoleOf, type BackupDeps } from './backup-context.js';
import { DataDirFiles } from './data-dir-files.js';

/** The engine of a real instance as an offline restore sees it: its driver's stop and start, its data volume. */
async function instanceEngine(d: BackupDeps, row: InstanceRow): Promise<EngineControl> {
  const password = await d.support.adminPassword(row.id);
  if (!password) throw new ModuleError('CREDENTIALS_MISSING', `Instance ${row.id} has no stored credentials`);
  const plan = getAdapter(row.engine).plan(adapterInput(row, password));
  const paths = d.volumes.paths(row.container_name);
  const files = new DataDirFiles(paths.data, plan.user, d.ownership, path.dirname(paths.data));
  const driver = d.support.driverOf(row);
  return {
    stop: () => driver.stop(row),
    start: () => driver.start(row),
    writeDataFile: (p, content) => files.write(p, content),
    readDataFile: (p) => files.read(p),
    removeDataPath: (p) => files.remove(p),
  };
}

/**
 * Restores a stored snapshot into a running instance (the caller holds its lock and has set it
 * `restoring`): the file is read through and checked against its SHA-256 first, so nothing of the
 * instance changes for a damaged file, then streamed (authenticated again as it goes) into the role.
 */
export async function restoreInto(d: BackupDeps, row: InstanceRow, snapshot: SnapshotRow, options: { replace: boolean; signal: AbortSignal; endpoint?: EngineEndpoint; engine?: EngineControl }): Promise<void> {
  const role = backupRoleOf(row);
  if (!snapshot.sha256) throw new ModuleError('CONFLICT', `Snapshot ${snapshot.id} has no checksum: it never completed`);
  await d.files.verify(snapshot.path, snapshot.sha256);
  const endpoint = options.endpoint ?? await d.support.driverOf(row).endpoint(row);
  const engine = options.engine ?? await instanceEngine(d, row);
  const input = await d.files.open(snapshot.path);
  try {
    await role.restore({ endpoint, input, signal: options.signal, stallTimeoutMs: d.stallTimeoutMs, replace: options.replace, engine });
  } finally {
    input.destroy();
  }
}
