import type { Baseline } from '../../db/repositories/metrics.js';
import type { EngineReading, MetricsRole } from '../adapters/roles/metrics.js';
import type { ContainerCounters } from '../runtime/container-runtime.js';
import { cpuPercentBetween } from '../runtime/podman-stats.js';
import { round2 } from './metric-catalog.js';
import type { ContainerRates, MetricSample, MetricUnit } from './metric-sample.js';

export type { Baseline };

export interface SampleInput {
  instanceId: number;
  atMs: number;
  container: ContainerCounters | null;
  disk: { usedBytes: number; limitBytes: number } | null;
  role?: MetricsRole;
  reading: EngineReading | null;
  engineError?: string;
  /** The previous sample's counters; null on a first sample. */
  previous: Baseline | null;
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** A rate per second between two counter values; null when there is no earlier value or the counter went down (a restart). */
function rate(now: number | undefined, before: number | undefined, seconds: number): number | null {
  if (now === undefined || before === undefined || !(seconds > 0) || now < before) return null;
  return round2((now - before) / seconds);
}

function containerRates(now: ContainerCounters, before: Baseline['container']): ContainerRates | undefined {
  if (!before || before.id !== now.id) return undefined;
  const seconds = (now.readAtNs - before.readAtNs) / 1e9;
  const r = (key: 'netRxBytes' | 'netTxBytes' | 'blockReadBytes' | 'blockWriteBytes') => rate(now[key], before[key], seconds);
  const [rx, tx, br, bw] = [r('netRxBytes'), r('netTxBytes'), r('blockReadBytes'), r('blockWriteBytes')];
  if (rx === null || tx === null || br === null || bw === null) return undefined;
  return { netRxBytesPerSecond: rx, netTxBytesPerSecond: tx, blockReadBytesPerSecond: br, blockWriteBytesPerSecond: bw };
}

/**
 * The engine's figures from one reading: gauges as read, counters as rates since the previous
 * sample, hit ratios over the counters' movement since then (since the engine started when
 * nothing moved or there is no earlier sample). A counter that went down gives no rate.
 */
export function engineFigures(role: MetricsRole, reading: EngineReading, previous: Baseline | null, atMs: number) {
  const engine: Record<string, number> = {};
  const units: Record<string, MetricUnit> = {};
  const seconds = previous ? (atMs - previous.atMs) / 1000 : 0;
  const before = previous?.counters ?? {};
  for (const [name, f] of Object.entries(role.figures)) {
    let value: number | null = null;
    if (f.kind === 'gauge') value = reading.gauges[name] ?? null;
    else if (f.kind === 'rate') value = rate(reading.counters[f.counter], before[f.counter], seconds);
    else {
      const hits = reading.counters[f.hits];
      const misses = reading.counters[f.misses];
      if (hits !== undefined && misses !== undefined) {
        const dh = hits - (before[f.hits] ?? 0);
        const dm = misses - (before[f.misses] ?? 0);
        const moved = before[f.hits] !== undefined && dh >= 0 && dm >= 0 && dh + dm > 0;
        value = moved ? dh / (dh + dm) : hits + misses > 0 ? hits / (hits + misses) : null;
        if (value !== null) value = round4(value);
      }
    }
    if (value === null || !Number.isFinite(value)) continue;
    engine[name] = value;
    units[name] = f.unit;
  }
  return { engine, units };
}

/** One sample and the baseline the next one is measured against. */
export function buildSample(i: SampleInput): { sample: MetricSample; baseline: Baseline } {
  const c = i.container;
  let container: MetricSample['container'] = null;
  if (c) {
    const sameContainer = i.previous?.container?.id === c.id ? i.previous.container : null;
    const rates = containerRates(c, sameContainer);
    container = {
      // The first reading of a container (or the first after a restart) has no interval: Podman's average since it started.
      cpuPercent: (sameContainer && cpuPercentBetween(sameContainer, c)) ?? c.avgCpuPercent,
      memoryUsedBytes: c.memoryUsedBytes, memoryLimitBytes: c.memoryLimitBytes,
      netRxBytes: c.netRxBytes, netTxBytes: c.netTxBytes, blockReadBytes: c.blockReadBytes, blockWriteBytes: c.blockWriteBytes,
      pids: c.pids, ...(rates ? { rates } : {}),
    };
  }
  const { engine, units } = i.role && i.reading ? engineFigures(i.role, i.reading, i.previous, i.atMs) : { engine: {}, units: {} };
  const current = engine.connections;
  const max = engine.max_connections;
  const sample: MetricSample = {
    instanceId: i.instanceId, at: new Date(i.atMs), container, disk: i.disk, engine, units,
    ...(current !== undefined && max !== undefined ? { connections: { current, max } } : {}),
    ...(i.engineError ? { engineError: i.engineError } : {}),
  };
  const baseline: Baseline = {
    atMs: i.atMs,
    container: c ? { id: c.id, readAtNs: c.readAtNs, cpuNs: c.cpuNs, netRxBytes: c.netRxBytes, netTxBytes: c.netTxBytes, blockReadBytes: c.blockReadBytes, blockWriteBytes: c.blockWriteBytes } : null,
    // A failed engine read keeps the older counters, so the next rate spans both intervals.
    counters: i.reading ? { ...i.reading.counters } : { ...(i.previous?.counters ?? {}) },
  };
  if (!i.reading && i.previous) baseline.atMs = i.previous.atMs;
  return { sample, baseline };
}
