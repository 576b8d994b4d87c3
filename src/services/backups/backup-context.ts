import type { Kysely } from 'kysely';
import type { Database, InstanceRow } from '../../db/schema.js';
import { notImplemented } from '../../errors.js';
import type { ModuleLogger } from '../../module-contract.js';
import { getAdapter } from '../adapters/registry.js';
import type { BackupRole } from '../adapters/roles/backup.js';
import type { ContainerOrchestrator } from '../container-orchestrator.js';
import type { ReadinessWaiter } from '../instances/readiness.js';
import type { InstanceSupport } from '../instances/support.js';
import type { AlertSink } from '../monitoring/alert-sink.js';
import type { AuditRecorder } from '../security/audit-log.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { Clock } from '../scheduler/clock.js';
import type { OwnershipMode, VolumeService } from '../volume-service.js';
import type { SnapshotFiles } from './snapshot-files.js';

/** What the backup service and its parts share. */
export interface BackupDeps {
  db: Kysely<Database>;
  files: SnapshotFiles;
  /** The instances' lock, rows, drivers and credentials. */
  support: InstanceSupport;
  runtime: ContainerRuntime;
  volumes: Pick<VolumeService, 'paths' | 'prepare' | 'writeFiles' | 'remove'>;
  /** How the volume service owns files (rootful chown, rootless `podman unshare`). */
  ownership: OwnershipMode;
  /** Builds the hardened spec of a drill's throwaway container. */
  specs: Pick<ContainerOrchestrator, 'build'>;
  readiness: ReadinessWaiter;
  /** Labels of this installation's objects (drill containers carry them too). */
  ownLabels: Record<string, string>;
  clock: Clock;
  logger: ModuleLogger;
  /** FLUX_DATABASES_BACKUP_STALL_TIMEOUT_S, in ms. */
  stallTimeoutMs: number;
  /** FLUX_DATABASES_IMPORT_MAX_MB, in bytes. */
  importMaxBytes: number;
  /** FLUX_DATABASES_BACKUP_RETENTION_DAYS: how long safety, import and export snapshots are kept. */
  safetyRetentionDays: number;
  /** Where failed drills and scheduled backups raise alerts (the alert service), once it exists. */
  alerts: () => AlertSink | undefined;
  /** Records the module's own backup actions (scheduled snapshots, retention) in the audit trail. */
  audit?: AuditRecorder;
}

/** The engine's backup role, or 501 for an engine the module does not back up. */
export function backupRoleOf(row: Pick<InstanceRow, 'engine'>): BackupRole {
  const role = getAdapter(row.engine).roles.backup;
  if (!role) throw notImplemented(`Backups are not offered for ${getAdapter(row.engine).displayName}`);
  return role;
}

/** The first line of an error, without a password that may have slipped into it. */
export function describeFailure(err: unknown, password?: string): string {
  let message = err instanceof Error ? err.message : String(err);
  if (/ENOSPC/.test(message)) message = `the backup disk is full (ENOSPC): ${message}`;
  if (password) message = message.split(password).join('********');
  return message.split('\n')[0]!.slice(0, 2000);
}
