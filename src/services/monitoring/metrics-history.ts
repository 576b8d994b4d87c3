import type { Kysely } from 'kysely';
import { latestBucket, pruneRollups, RESOLUTION_S, rollUpHourly, rollUpRaw, type Resolution } from '../../db/repositories/metric-rollups.js';
import { pruneSamples } from '../../db/repositories/metrics.js';
import type { Database } from '../../db/schema.js';
import type { ModuleLogger } from '../../module-contract.js';
import type { Clock } from '../scheduler/clock.js';

const DAY_MS = 86_400_000;
/** Raw samples at the interval for a day; 5-minute buckets for a week (at most the retention). */
export const RAW_KEEP_MS = DAY_MS;
export const FIVE_MINUTE_KEEP_MS = 7 * DAY_MS;
/** Buckets before the latest one already rolled that are recomputed each run (samples that came late). */
const REROLL: Record<Resolution, number> = { '5m': 6, '1h': 2 };

const floorTo = (ms: number, stepMs: number) => Math.floor(ms / stepMs) * stepMs;

export interface MetricsHistoryDeps {
  db: Kysely<Database>;
  clock: Clock;
  retentionDays: number;
  logger: ModuleLogger;
}

/**
 * History at bounded cost: raw samples for 24 h, 5-minute rollups (avg, max) for 7 days, hourly
 * rollups for FLUX_DATABASES_METRICS_RETENTION_DAYS. A run rolls up the buckets completed since
 * the last run (and re-rolls the latest few), then deletes what is past its keep, in batches.
 */
export class MetricsHistory {
  constructor(private readonly d: MetricsHistoryDeps) {}

  get retentionMs(): number {
    return this.d.retentionDays * DAY_MS;
  }

  /** How long 5-minute buckets are kept: a week, or the retention when that is shorter. */
  get fiveMinuteKeepMs(): number {
    return Math.min(FIVE_MINUTE_KEEP_MS, this.retentionMs);
  }

  async maintain(signal?: AbortSignal): Promise<{ rolled: number; pruned: number }> {
    const now = this.d.clock.now();
    let rolled = await this.roll('5m', now, now - RAW_KEEP_MS, (from, to) => rollUpRaw(this.d.db, from, to));
    if (signal?.aborted) return { rolled, pruned: 0 };
    rolled += await this.roll('1h', now, now - this.fiveMinuteKeepMs, (from, to) => rollUpHourly(this.d.db, from, to));
    if (signal?.aborted) return { rolled, pruned: 0 };
    const pruned = await pruneSamples(this.d.db, new Date(now - RAW_KEEP_MS))
      + await pruneRollups(this.d.db, '5m', new Date(now - this.fiveMinuteKeepMs))
      + await pruneRollups(this.d.db, '1h', new Date(now - this.retentionMs));
    if (pruned) this.d.logger.debug({ pruned }, 'metrics history pruned');
    return { rolled, pruned };
  }

  /** Rolls the completed buckets of `resolution` from where the last run stopped (or `earliest`) up to now. */
  private async roll(resolution: Resolution, now: number, earliest: number, run: (from: Date, to: Date) => Promise<number>): Promise<number> {
    const stepMs = RESOLUTION_S[resolution] * 1000;
    const to = floorTo(now, stepMs);
    const last = await latestBucket(this.d.db, resolution);
    const from = Math.max(floorTo(earliest, stepMs), last ? last.getTime() - REROLL[resolution] * stepMs : 0);
    return from < to ? run(new Date(from), new Date(to)) : 0;
  }
}
