import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import * as repo from '../db/repositories/instances.js';
import { insertSamples, lastBaseline, type Baseline } from '../db/repositories/metrics.js';
import type { Database, InstanceRow } from '../db/schema.js';
import type { ModuleLogger } from '../module-contract.js';
import { getAdapter } from './adapters/registry.js';
import type { EngineReading } from './adapters/roles/metrics.js';
import { MEANT_TO_RUN } from './instances/instance-state.js';
import type { InstanceSupport } from './instances/support.js';
import { limitBytes } from './instances/storage-monitor.js';
import { EndpointCache } from './monitoring/endpoint-cache.js';
import { flatten } from './monitoring/metric-catalog.js';
import type { MetricSample, SampleListener } from './monitoring/metric-sample.js';
import { metricsReport } from './monitoring/metrics-report.js';
import { MetricsHistory } from './monitoring/metrics-history.js';
import type { Range } from './monitoring/ranges.js';
import { buildSample } from './monitoring/sample-builder.js';
import type { ContainerCounters, ContainerRuntime } from './runtime/container-runtime.js';
import type { Clock } from './scheduler/clock.js';
import type { Scheduler } from './scheduler/scheduler.js';

export interface MetricsCollectorDeps {
  db: Kysely<Database>;
  support: InstanceSupport;
  runtime: Pick<ContainerRuntime, 'statsAll'>;
  config: Pick<Config, 'metricsIntervalS' | 'checkTimeoutS' | 'checkConcurrency' | 'metricsRetentionDays'>;
  scheduler: Scheduler;
  clock: Clock;
  logger: ModuleLogger;
}

interface Taken { row: InstanceRow; sample: MetricSample; baseline: Baseline }

/** Podman lists a stopped container too, with zeros: no processes means no container figures, not 0 % CPU. */
const running = (c: ContainerCounters | undefined): ContainerCounters | null => (c && c.pids > 0 ? c : null);

/** A stored baseline older than this many intervals is not used for rates: the gap says too little. */
const BASELINE_MAX_INTERVALS = 5;

/**
 * Metrics of the instances meant to run. Each cycle: ONE stats call for every container, then
 * per instance (bounded fan-out, a timeout each) the engine's own figures through its adapter's
 * MetricsRole, the volume's use against the storage limit, counters turned into rates against
 * the previous sample (kept in memory, and in the stored row so a restart of the module resumes),
 * a raw row stored, and the listeners told (alerts, the Prometheus endpoint).
 */
export class MetricsCollector {
  private readonly listeners = new Set<SampleListener>();
  private readonly latestById = new Map<number, MetricSample>();
  private readonly baselines = new Map<number, Baseline>();
  private readonly endpoints: EndpointCache;
  readonly history: MetricsHistory;

  constructor(private readonly d: MetricsCollectorDeps) {
    this.endpoints = new EndpointCache(d.support);
    this.history = new MetricsHistory({ db: d.db, clock: d.clock, retentionDays: d.config.metricsRetentionDays, logger: d.logger });
  }

  /** Calls `listener` with every sample as it is taken; returns the unsubscribe. */
  onSample(listener: SampleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The instance's latest sample since the module started, if any. */
  latest(instanceId: number): MetricSample | undefined {
    return this.latestById.get(instanceId);
  }

  /** One cycle over every instance meant to run (the `metrics` job). */
  async collectAll(signal?: AbortSignal): Promise<void> {
    const rows = (await repo.listInstances(this.d.db)).filter((r) => MEANT_TO_RUN.has(r.status));
    this.forgetOthers(new Set(rows.map((r) => r.id)));
    if (!rows.length) return;
    const counters = rows.some((r) => this.d.support.driverOf(r).kind === 'container') ? await this.readContainers() : new Map();
    if (signal?.aborted) return;
    const taken: Taken[] = [];
    const results = await this.d.scheduler.fanOut(rows, async (row, s) => { taken.push(await this.sampleOne(row, counters, s)); }, {
      concurrency: this.d.config.checkConcurrency, timeoutMs: this.d.config.checkTimeoutS * 1000,
    });
    for (const r of results.filter((x) => !x.ok)) {
      const why = r.timedOut ? `no sample within ${this.d.config.checkTimeoutS} s` : (r.error as Error)?.message;
      this.d.logger.warn({ instanceId: r.item.id, err: why }, 'metrics sample failed');
    }
    // One INSERT for the cycle: on the embedded store every statement is a round trip through one thread.
    const done = [...taken];
    await insertSamples(this.d.db, done.map((t) => ({ instanceId: t.row.id, at: t.sample.at, figures: flatten(t.sample), baseline: t.baseline })));
    for (const t of done) await this.tell(t.row, t.sample);
  }

  private async tell(row: InstanceRow, sample: MetricSample): Promise<void> {
    for (const listener of this.listeners) {
      await Promise.resolve(listener(row, sample)).catch((err) =>
        this.d.logger.warn({ instanceId: row.id, err: (err as Error).message }, 'a metrics listener failed'));
    }
  }

  /** Every container's counters by id, in one call; an empty map when Podman does not answer (no container figures this cycle). */
  private async readContainers(): Promise<Map<string, ContainerCounters>> {
    try {
      return new Map((await this.d.runtime.statsAll()).map((c) => [c.id, c]));
    } catch (err) {
      this.d.logger.warn({ err: (err as Error).message }, 'reading container stats failed');
      return new Map();
    }
  }

  /** Samples one instance (stored and told by the cycle); `counters` are this cycle's container readings. */
  private async sampleOne(row: InstanceRow, counters: ReadonlyMap<string, ContainerCounters>, signal: AbortSignal): Promise<Taken> {
    const role = getAdapter(row.engine).roles.metrics;
    let reading: EngineReading | null = null;
    let engineError: string | undefined;
    if (role) {
      try {
        reading = await this.endpoints.use(row, (endpoint) => role.sample(endpoint, signal));
      } catch (err) {
        engineError = (err as Error).message.split('\n')[0]!;
      }
    }
    if (signal.aborted) throw signal.reason;
    const atMs = this.d.clock.now();
    const previous = this.baselines.get(row.id)
      ?? await lastBaseline(this.d.db, row.id, new Date(atMs - BASELINE_MAX_INTERVALS * this.d.config.metricsIntervalS * 1000));
    const used = row.storage_used_bytes === null ? null : Number(row.storage_used_bytes);
    const { sample, baseline } = buildSample({
      instanceId: row.id, atMs, previous, role, reading, engineError,
      container: running(row.container_id ? counters.get(row.container_id) : undefined),
      disk: used === null ? null : { usedBytes: used, limitBytes: limitBytes(row.storage_limit_gb) },
    });
    this.baselines.set(row.id, baseline);
    this.latestById.set(row.id, sample);
    return { row, sample, baseline };
  }

  private forgetOthers(ids: ReadonlySet<number>): void {
    for (const id of [...this.latestById.keys(), ...this.baselines.keys()]) {
      if (!ids.has(id)) {
        this.latestById.delete(id);
        this.baselines.delete(id);
      }
    }
    this.endpoints.retain(ids);
  }

  /** GET /databases/{id}/metrics: the current sample and every series over the range, with units. */
  report(row: InstanceRow, range: Range) {
    return metricsReport(this.d.db, row, range, { clock: this.d.clock, intervalS: this.d.config.metricsIntervalS, latest: this.latest(row.id) });
  }

  /** Rollups and retention (the `metrics-history` job). */
  async maintain(signal?: AbortSignal): Promise<void> {
    await this.history.maintain(signal);
  }
}
