import type { Kysely } from 'kysely';
import * as repo from '../../db/repositories/instances.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import type { ModuleLogger } from '../../module-contract.js';

/** `unknown` until the first measurement; then by percent of storage_limit_gb. */
export const STORAGE_LEVELS = ['unknown', 'ok', 'warning', 'critical'] as const;
export type StorageLevel = (typeof STORAGE_LEVELS)[number];
export const WARNING_PERCENT = 80;
export const CRITICAL_PERCENT = 95;

const GIB = 1024 ** 3;
const RANK: Record<StorageLevel, number> = { unknown: 0, ok: 1, warning: 2, critical: 3 };

export const limitBytes = (limitGb: number) => limitGb * GIB;

/** Percent of the limit, one decimal; past 100 when the volume outgrew it (the limit is not enforced). */
export function storagePercent(usedBytes: number, limitGb: number): number {
  return Math.round((usedBytes / limitBytes(limitGb)) * 1000) / 10;
}

export function storageLevel(usedBytes: number | null, limitGb: number): StorageLevel {
  if (usedBytes === null) return 'unknown';
  const percent = (usedBytes / limitBytes(limitGb)) * 100;
  return percent >= CRITICAL_PERCENT ? 'critical' : percent >= WARNING_PERCENT ? 'warning' : 'ok';
}

/** What a level means for the operator; null while there is nothing to say. */
export function storageMessage(level: StorageLevel, percent: number | null, limitGb: number): string | null {
  if (level !== 'warning' && level !== 'critical') return null;
  return `the volume uses ${percent}% of its ${limitGb} GB (${level} at ${level === 'critical' ? CRITICAL_PERCENT : WARNING_PERCENT}%); `
    + 'the limit is monitored, not enforced: the engine keeps writing until the filesystem is full';
}

/** The disk usage of an instance's directory (VolumeService.usage); null when it does not exist. */
export interface VolumeUsage {
  usage(containerName: string): Promise<number | null>;
}

export interface StorageMonitorDeps {
  db: Kysely<Database>;
  volumes: VolumeUsage;
  logger: ModuleLogger;
}

/** Rows whose directory is complete and meant to stay. */
const MEASURABLE = (row: InstanceRow) => row.status !== 'creating' && row.status !== 'deleting' && row.volume_path !== null;

/**
 * Measures each instance's volume (its directory under <dataDir>/containers) and stores the
 * result on the row. A crossing of 80 % or 95 % of storage_limit_gb (up or back down) is logged
 * once: the level last logged is kept on the row, so neither the next cycle nor a restart repeats it.
 */
export class StorageMonitor {
  private readonly busy = new Set<number>();

  constructor(private readonly deps: StorageMonitorDeps) {}

  /** Measures one instance; resolves with its level, or null when it was skipped or the measurement failed. */
  async measure(row: InstanceRow): Promise<StorageLevel | null> {
    if (this.busy.has(row.id)) return null;
    this.busy.add(row.id);
    try {
      const used = await this.deps.volumes.usage(row.container_name);
      if (used === null) return null;
      const level = storageLevel(used, row.storage_limit_gb) as Exclude<StorageLevel, 'unknown'>;
      const previous = row.storage_alert;
      const { moved } = await repo.recordStorage(this.deps.db, row.id, used, level, previous);
      if (moved) this.logCrossing(row, previous ?? 'unknown', level, used);
      return level;
    } catch (err) {
      this.deps.logger.warn({ instanceId: row.id, err: (err as Error).message }, 'measuring instance storage failed');
      return null;
    } finally {
      this.busy.delete(row.id);
    }
  }

  /** One cycle over every instance (the background job); stops early when `signal` aborts. */
  async measureAll(signal?: AbortSignal): Promise<void> {
    for (const row of await repo.listInstances(this.deps.db)) {
      if (signal?.aborted) return;
      if (MEASURABLE(row)) await this.measure(row);
    }
  }

  private logCrossing(row: InstanceRow, from: StorageLevel, to: StorageLevel, used: number): void {
    const percent = storagePercent(used, row.storage_limit_gb);
    const facts = { instanceId: row.id, name: row.name, usedBytes: used, limitGb: row.storage_limit_gb, percent, level: to };
    if (RANK[to] > RANK[from] && to !== 'ok') {
      this.deps.logger.warn(facts, `instance ${row.name} storage at ${percent}% of ${row.storage_limit_gb} GB: ${to} (not a hard limit)`);
    } else if (RANK[to] < RANK[from]) {
      this.deps.logger.info(facts, `instance ${row.name} storage back to ${to} at ${percent}% of ${row.storage_limit_gb} GB`);
    }
  }
}
