import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { LABELS } from '../../constants.js';
import * as repo from '../../db/repositories/snapshots.js';
import type { SnapshotRow } from '../../db/repositories/snapshots.js';
import type { InstanceRow } from '../../db/schema.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import type { Inventory } from '../adapters/roles/backup.js';
import { getAdapter } from '../adapters/registry.js';
import type { AdapterInput, EngineAdapter } from '../adapters/types.js';
import { adapterInput } from '../drivers/container-support.js';
import type { ProbeTarget } from '../instances/probe-runner.js';
import { resolveSku } from '../orchestration/sku-resources.js';
import { generatePassword } from '../security/passwords.js';
import { backupRoleOf, describeFailure, type BackupDeps } from './backup-context.js';
import { DataDirFiles } from './data-dir-files.js';
import { compareFigures, summarize } from './figures.js';
import { restoreInto } from './instance-restore.js';

/** The alert rule a failed drill raises (and a passing one resolves). */
export const DRILL_ALERT = 'backup_drill_failed';
export const DRILL_PURPOSE = 'restore-drill';

export interface DrillResult {
  passed: boolean;
  message: string;
}

/**
 * Restore drills: a snapshot restored into a throwaway container of the instance's image, with
 * no network and no published port (readiness and every command go through exec), checked with
 * the engine's own count against the figures recorded at backup time. The result and its time go
 * on the snapshot; a failed drill raises an alert and the snapshot never counts as good.
 */
export class Drills {
  constructor(private readonly d: BackupDeps) {}

  async run(row: InstanceRow, snapshot: SnapshotRow, signal: AbortSignal): Promise<DrillResult> {
    const started = new Date(this.d.clock.now());
    const op = await repo.startOperation(this.d.db, row.id, 'drill', snapshot.id, snapshot.tool, started);
    let result: DrillResult;
    try {
      result = await this.drill(row, snapshot, signal);
    } catch (err) {
      result = { passed: false, message: `the drill's restore failed: ${describeFailure(err)}` };
    }
    const at = new Date(this.d.clock.now());
    await repo.updateSnapshot(this.d.db, snapshot.id, { verify_status: result.passed ? 'passed' : 'failed', verified_at: at, verify_message: result.message });
    await repo.endOperation(this.d.db, op.id, result.passed ? null : result.message, at);
    this.d.logger[result.passed ? 'info' : 'warn']({ instanceId: row.id, snapshotId: snapshot.id, message: result.message }, result.passed ? 'restore drill passed' : 'restore drill failed');
    const alerts = this.d.alerts();
    if (result.passed) await alerts?.resolve(row.id, DRILL_ALERT, `snapshot ${snapshot.id} passed its restore drill`).catch(() => undefined);
    else await alerts?.raise(row.id, DRILL_ALERT, 'critical', `snapshot ${snapshot.id} failed its restore drill: ${result.message}`).catch(() => undefined);
    return result;
  }

  private async drill(row: InstanceRow, snapshot: SnapshotRow, signal: AbortSignal): Promise<DrillResult> {
    // A damaged file fails here, before any container is made for it.
    await this.d.files.verify(snapshot.path, snapshot.sha256 ?? '');
    const own = await this.d.support.driverOf(row).endpoint(row);
    if (own.file) return this.drillFile(row, snapshot, own, signal);
    const adapter = getAdapter(row.engine);
    const role = backupRoleOf(row);
    const name = `drill-${row.id}-${snapshot.id}-${randomBytes(3).toString('hex')}`;
    const input: AdapterInput = { ...adapterInput(row, generatePassword()), containerName: name };
    delete input.tls;
    const plan = adapter.plan(input);
    let containerId: string | undefined;
    try {
      const paths = await this.d.volumes.prepare(name, plan.user);
      const mounts = [
        { source: paths.data, target: plan.dataDir },
        ...(plan.logsDir ? [{ source: paths.logs, target: plan.logsDir }] : []),
        ...(await this.d.volumes.writeFiles(name, plan.files, plan.user)),
      ];
      const { spec } = await this.d.specs.build({
        instanceId: row.id, containerName: name, engine: adapter, image: row.image, plan, ports: [], mounts,
        sizing: resolveSku(row.sku, { memoryMb: row.memory_limit_mb, cpus: Number(row.cpu_limit), storageGb: row.storage_limit_gb }),
      });
      spec.labels[LABELS.purpose] = DRILL_PURPOSE;
      spec.restartPolicy = 'no';
      // No network at all (the orchestrator's check refuses shared namespaces; 'none' shares nothing).
      spec.network = { name: 'none' };
      containerId = (await this.d.runtime.createContainer(spec)).id;
      const id = containerId;
      const up = async () => {
        await this.d.runtime.startContainer(id);
        await this.ready(id, adapter, input);
      };
      await up();
      const endpoint: EngineEndpoint = {
        engine: row.engine, version: row.engine_version, host: '', port: (p) => p, username: input.username, password: input.password,
        database: input.databaseName, tls: false,
        exec: (argv, options) => this.d.runtime.exec(id, argv, options),
        execStream: (argv, io) => this.d.runtime.execStream(id, argv, io),
      };
      const files = new DataDirFiles(paths.data, plan.user, this.d.ownership, path.dirname(paths.data));
      await restoreInto(this.d, row, snapshot, {
        replace: true, signal, endpoint,
        engine: {
          stop: () => this.d.runtime.stopContainer(id, plan.stopTimeoutSeconds), start: up,
          writeDataFile: (p, c) => files.write(p, c), readDataFile: (p) => files.read(p), removeDataPath: (p) => files.remove(p),
        },
      });
      return judge(snapshot, await role.inventory(endpoint));
    } finally {
      if (containerId) await this.d.runtime.removeContainer(containerId, { force: true }).catch(() => undefined);
      await this.d.volumes.remove(name).catch((err) => this.d.logger.warn({ drill: name, err: (err as Error).message }, 'drill volume left behind'));
    }
  }

  /**
   * An engine the module serves from a file (DuckDB, in-process): the snapshot restored into a
   * scratch file of a throwaway volume, no container needed, and counted there.
   */
  private async drillFile(row: InstanceRow, snapshot: SnapshotRow, own: EngineEndpoint, signal: AbortSignal): Promise<DrillResult> {
    const name = `drill-${row.id}-${snapshot.id}-${randomBytes(3).toString('hex')}`;
    try {
      const paths = await this.d.volumes.prepare(name);
      const endpoint: EngineEndpoint = { ...own, file: path.join(paths.data, path.basename(own.file!)) };
      const unused = async () => { throw new Error('a file-served engine has no process to stop or start'); };
      await restoreInto(this.d, row, snapshot, {
        replace: true, signal, endpoint,
        engine: { stop: unused, start: unused, writeDataFile: unused, readDataFile: unused, removeDataPath: unused },
      });
      return judge(snapshot, await backupRoleOf(row).inventory(endpoint));
    } finally {
      await this.d.volumes.remove(name).catch((err) => this.d.logger.warn({ drill: name, err: (err as Error).message }, 'drill volume left behind'));
    }
  }

  /** Readiness through exec only (the container has no network), then the adapter's first-start steps. */
  private async ready(containerId: string, adapter: EngineAdapter, input: AdapterInput): Promise<void> {
    const target: ProbeTarget = { containerId, address: '127.0.0.1', portFor: (p) => p, hostReachable: false };
    await this.d.readiness.wait(containerId, adapter, input, target);
    for (const step of adapter.postStartCommands?.(input) ?? []) {
      const r = await this.d.runtime.exec(containerId, step.argv, { env: step.env, timeoutMs: 60_000 });
      if (r.exitCode !== 0) throw new Error(`first-start step ${step.argv[0]} failed in the drill container (exit ${r.exitCode})`);
    }
  }
}

/** The restored engine's own count against the figures recorded at backup time. */
function judge(snapshot: SnapshotRow, restored: Inventory): DrillResult {
  if (!snapshot.figures) return { passed: true, message: `restored; no figures were recorded at backup time to compare (holds ${summarize(restored)})` };
  const problems = compareFigures(snapshot.figures, restored);
  return problems.length
    ? { passed: false, message: `restored, but it does not hold what was counted at backup time: ${problems.slice(0, 10).join('; ')}` }
    : { passed: true, message: `restored and counted: ${summarize(restored)}, as at backup time` };
}
