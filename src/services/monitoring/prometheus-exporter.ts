import type { Kysely } from 'kysely';
import { Counter, Gauge, Registry } from 'prom-client';
import * as alerts from '../../db/repositories/alerts.js';
import * as health from '../../db/repositories/health.js';
import * as repo from '../../db/repositories/instances.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import type { Clock } from '../scheduler/clock.js';
import type { MetricSample } from './metric-sample.js';
import { engineMetricName } from './prometheus-names.js';

/** Where the latest sample of each instance comes from (the metrics collector). */
export interface LatestSamples {
  latest(instanceId: number): MetricSample | null | undefined;
}

export interface PrometheusExporterDeps {
  db: Kysely<Database>;
  clock: Clock;
  samples: LatestSamples;
  /** A sample older than this is not exported (the instance stopped being sampled). */
  maxSampleAgeMs: number;
}

/**
 * Labels on every series. Not `instance`: Prometheus sets that to the scrape target itself and
 * would rename ours to `exported_instance`.
 */
const LABELS = ['instance_id', 'instance_name', 'engine', 'sku'] as const;
type Labels = Record<(typeof LABELS)[number], string>;
const HEALTH_STATES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;

/**
 * GET /metrics: the instances' health and their latest metrics sample in the Prometheus text
 * format, through prom-client on a registry of its own (the process's default metrics stay
 * out). Values are set from the store and the collector at each scrape; a scrape never waits
 * for an engine. Scrapes run one at a time (they share the registry).
 */
export class PrometheusExporter {
  private readonly registry = new Registry();
  private readonly engineGauges = new Map<string, Gauge>();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly g;
  private readonly c;

  constructor(private readonly d: PrometheusExporterDeps) {
    const gauge = (name: string, help: string, extra: string[] = []) =>
      new Gauge({ name, help, labelNames: [...LABELS, ...extra], registers: [this.registry] });
    const counter = (name: string, help: string) => new Counter({ name, help, labelNames: [...LABELS], registers: [this.registry] });
    this.g = {
      info: gauge('fluxdb_instance_info', 'Always 1: the instance, its engine version and status', ['version', 'status']),
      up: gauge('fluxdb_up', '1 when the instance is meant to run and its last health check succeeded, else 0'),
      health: gauge('fluxdb_health_status', '1 for the state of the last health check of a running instance, 0 for the others', ['state']),
      uptime: gauge('fluxdb_uptime_seconds', 'Seconds since the module last started the instance (while it is meant to run)'),
      checkLatency: gauge('fluxdb_health_check_duration_seconds', 'How long the last health check took'),
      checkTime: gauge('fluxdb_health_check_timestamp_seconds', 'When the last health check ran (Unix time)'),
      alerts: gauge('fluxdb_alerts_firing', 'Alerts firing for the instance, by rule and severity', ['rule', 'severity']),
      volumeUsed: gauge('fluxdb_volume_used_bytes', 'Bytes the instance\'s volume takes on disk'),
      volumeLimit: gauge('fluxdb_volume_limit_bytes', 'The instance\'s storage limit (monitored, not enforced)'),
      sampleTime: gauge('fluxdb_sample_timestamp_seconds', 'When the latest metrics sample was taken (Unix time)'),
      cpu: gauge('fluxdb_container_cpu_usage_ratio', 'Container CPU use; 1 is one core busy'),
      memUsed: gauge('fluxdb_container_memory_usage_bytes', 'Container memory in use'),
      memLimit: gauge('fluxdb_container_memory_limit_bytes', 'Container memory limit as Podman reports it'),
      pids: gauge('fluxdb_container_pids', 'Processes and threads in the container'),
      connections: gauge('fluxdb_engine_connections', 'Connections the engine reports in use'),
      connectionsMax: gauge('fluxdb_engine_connections_max', 'The engine\'s maximum number of connections'),
    };
    this.c = {
      netRx: counter('fluxdb_container_network_receive_bytes_total', 'Bytes the container received since it started'),
      netTx: counter('fluxdb_container_network_transmit_bytes_total', 'Bytes the container sent since it started'),
      blockRead: counter('fluxdb_container_block_read_bytes_total', 'Bytes the container read from block devices since it started'),
      blockWrite: counter('fluxdb_container_block_write_bytes_total', 'Bytes the container wrote to block devices since it started'),
    };
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of this moment. */
  render(): Promise<string> {
    const run = this.chain.then(() => this.collect());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async collect(): Promise<string> {
    const [rows, checks, firing] = await Promise.all([
      repo.listInstances(this.d.db), health.latestCheckPerInstance(this.d.db), alerts.firingAlerts(this.d.db),
    ]);
    this.registry.resetMetrics();
    const now = this.d.clock.now();
    const byId = new Map<number, Labels>();
    for (const row of rows) {
      if (row.status === 'deleting') continue;
      const l = labelsOf(row);
      byId.set(row.id, l);
      this.instance(row, l, checks.get(row.id), now);
    }
    const counts = new Map<string, { l: Labels; rule: string; severity: string; n: number }>();
    for (const a of firing) {
      const l = byId.get(a.instance_id);
      if (!l) continue;
      const k = `${a.instance_id}/${a.rule}/${a.severity}`;
      const entry = counts.get(k) ?? { l, rule: a.rule, severity: a.severity, n: 0 };
      entry.n++;
      counts.set(k, entry);
    }
    for (const { l, rule, severity, n } of counts.values()) this.g.alerts.set({ ...l, rule, severity }, n);
    return this.registry.metrics();
  }

  private instance(row: InstanceRow, l: Labels, check: health.HealthCheck | undefined, now: number): void {
    const g = this.g;
    const live = MEANT_TO_RUN.has(row.status);
    g.info.set({ ...l, version: row.engine_version, status: row.status }, 1);
    g.up.set(l, live && (row.last_health === 'healthy' || row.last_health === 'degraded') ? 1 : 0);
    if (live) {
      for (const state of HEALTH_STATES) g.health.set({ ...l, state }, row.last_health === state ? 1 : 0);
      if (row.started_at) g.uptime.set(l, Math.max(0, (now - new Date(row.started_at).getTime()) / 1000));
    }
    if (check) {
      g.checkTime.set(l, check.checkedAt.getTime() / 1000);
      if (check.responseTimeMs !== null) g.checkLatency.set(l, check.responseTimeMs / 1000);
    }
    g.volumeLimit.set(l, row.storage_limit_gb * 1024 ** 3);
    const sample = this.d.samples.latest(row.id);
    const fresh = sample && now - sample.at.getTime() <= this.d.maxSampleAgeMs ? sample : null;
    const used = fresh?.disk?.usedBytes ?? (row.storage_used_bytes === null ? null : Number(row.storage_used_bytes));
    if (used !== null) g.volumeUsed.set(l, used);
    if (fresh) this.sample(fresh, l);
  }

  private sample(s: MetricSample, l: Labels): void {
    const { g, c } = this;
    g.sampleTime.set(l, s.at.getTime() / 1000);
    if (s.container) {
      g.cpu.set(l, s.container.cpuPercent / 100);
      g.memUsed.set(l, s.container.memoryUsedBytes);
      g.memLimit.set(l, s.container.memoryLimitBytes);
      g.pids.set(l, s.container.pids);
      // Podman's figures are totals since the container started: exported as counters.
      c.netRx.inc(l, Math.max(0, s.container.netRxBytes));
      c.netTx.inc(l, Math.max(0, s.container.netTxBytes));
      c.blockRead.inc(l, Math.max(0, s.container.blockReadBytes));
      c.blockWrite.inc(l, Math.max(0, s.container.blockWriteBytes));
    }
    if (s.connections) {
      g.connections.set(l, s.connections.current);
      g.connectionsMax.set(l, s.connections.max);
    }
    for (const [figure, value] of Object.entries(s.engine)) {
      if (!Number.isFinite(value)) continue;
      const m = engineMetricName(figure, s.units[figure] ?? 'count', value);
      if (m) this.engineGauge(m.name, figure, m.help).set(l, m.value);
    }
  }

  private engineGauge(name: string, figure: string, help: string): Gauge {
    let gauge = this.engineGauges.get(name) ?? (this.registry.getSingleMetric(name) as Gauge | undefined);
    if (!gauge) {
      gauge = new Gauge({ name, help: `Engine figure ${figure}${help}`, labelNames: [...LABELS], registers: [this.registry] });
    }
    this.engineGauges.set(name, gauge);
    return gauge;
  }
}

const labelsOf = (row: InstanceRow): Labels => ({ instance_id: String(row.id), instance_name: row.name, engine: row.engine, sku: row.sku });
