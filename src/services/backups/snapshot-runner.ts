import * as repo from '../../db/repositories/snapshots.js';
import type { SnapshotRow } from '../../db/repositories/snapshots.js';
import type { InstanceRow, SnapshotKind } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import { backupRoleOf, describeFailure, type BackupDeps } from './backup-context.js';
import type { SnapshotWriter } from './snapshot-files.js';

/** How often a running snapshot's size so far is written to its row. */
const PROGRESS_EVERY_MS = 1000;

/** A snapshot under way: its row and how it ends. */
export interface RunningSnapshot {
  snapshot: SnapshotRow;
  /** Resolves with the final row (completed or failed); never rejects. */
  done: Promise<SnapshotRow>;
}

/**
 * Takes snapshots: one at a time per instance, each with its row from the start (`running`, its
 * size so far), its own file, and an outcome that is `completed` only when the tool exited 0, the
 * stream ended cleanly, the dump looks like its format and the file was synced. Anything else is
 * `failed` with the reason (the tool's last stderr line) and leaves no file.
 */
export class SnapshotRunner {
  private readonly running = new Map<number, { snapshotId: number; controller: AbortController }>();

  constructor(private readonly d: BackupDeps) {}

  /** Whether a snapshot of the instance is being taken. */
  busy(instanceId: number): boolean {
    return this.running.has(instanceId);
  }

  /** Cancels the running snapshot `snapshotId`; false when it is not running. */
  cancel(instanceId: number, snapshotId: number): boolean {
    const run = this.running.get(instanceId);
    if (!run || run.snapshotId !== snapshotId) return false;
    run.controller.abort(new Error('cancelled by the operator'));
    return true;
  }

  /** Starts a snapshot of a running instance; the row exists when this resolves. */
  async start(row: InstanceRow, kind: SnapshotKind, signal?: AbortSignal): Promise<RunningSnapshot> {
    const role = backupRoleOf(row);
    if (this.running.has(row.id)) throw new ModuleError('INSTANCE_BUSY', 'A snapshot of this instance is being taken; wait for it or cancel it');
    const controller = new AbortController();
    this.running.set(row.id, { snapshotId: 0, controller });
    try {
      const endpoint = await this.d.support.driverOf(row).endpoint(row);
      const now = new Date(this.d.clock.now());
      let snapshot = await repo.insertSnapshot(this.d.db, {
        instance_id: row.id, path: '', kind, status: 'running', engine: row.engine, engine_version: row.engine_version,
        tool: role.tool, format: role.format, started_at: now, created_at: now,
      });
      snapshot = (await repo.updateSnapshot(this.d.db, snapshot.id, { path: this.d.files.pathFor(row.id, snapshot.id, role.extension) }))!;
      this.running.set(row.id, { snapshotId: snapshot.id, controller });
      const op = await repo.startOperation(this.d.db, row.id, kind, snapshot.id, role.tool, now);
      const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
      const done = this.run(row, snapshot, op.id, endpoint, combined).finally(() => this.running.delete(row.id));
      return { snapshot, done };
    } catch (err) {
      this.running.delete(row.id);
      throw err;
    }
  }

  private async run(row: InstanceRow, snapshot: SnapshotRow, opId: number, endpoint: EngineEndpoint, signal: AbortSignal): Promise<SnapshotRow> {
    const role = backupRoleOf(row);
    const started = this.d.clock.now();
    let writer: SnapshotWriter | undefined;
    const progress = setInterval(() => {
      if (writer) void repo.updateSnapshot(this.d.db, snapshot.id, { size_bytes: writer.bytes() }).catch(() => undefined);
    }, PROGRESS_EVERY_MS);
    progress.unref();
    try {
      writer = await this.d.files.create(row.id, snapshot.id, role.extension);
      const figures = await role.dump({ endpoint, out: writer.out, signal, stallTimeoutMs: this.d.stallTimeoutMs });
      if (signal.aborted) throw signal.reason;
      if (!role.looksLike(writer.head())) throw new Error(`the dump does not look like a ${role.format} (${writer.bytes()} bytes written)`);
      const stored = await writer.finish();
      clearInterval(progress);
      const finished = this.d.clock.now();
      const done = await repo.updateSnapshot(this.d.db, snapshot.id, {
        status: 'completed', sha256: stored.sha256, size_bytes: stored.sizeBytes, stored_bytes: stored.storedBytes, key_id: stored.keyId,
        figures: JSON.stringify(figures), finished_at: new Date(finished), duration_ms: finished - started, error_message: null,
      });
      await repo.endOperation(this.d.db, opId, null, new Date(finished), { size_bytes: stored.sizeBytes, path: snapshot.path });
      this.d.logger.info({ instanceId: row.id, snapshotId: snapshot.id, bytes: stored.sizeBytes, ms: finished - started }, 'snapshot completed');
      return done!;
    } catch (err) {
      clearInterval(progress);
      await writer?.discard().catch(() => undefined);
      const reason = signal.aborted ? `cancelled: ${describeFailure(signal.reason)}` : describeFailure(err, endpoint.password);
      const finished = this.d.clock.now();
      const failed = await repo.updateSnapshot(this.d.db, snapshot.id, {
        status: 'failed', error_message: reason, finished_at: new Date(finished), duration_ms: finished - started,
        size_bytes: writer?.bytes() ?? 0,
      });
      await repo.endOperation(this.d.db, opId, reason, new Date(finished)).catch(() => undefined);
      this.d.logger.warn({ instanceId: row.id, snapshotId: snapshot.id, reason }, 'snapshot failed');
      return failed ?? { ...snapshot, status: 'failed', error_message: reason };
    }
  }
}
