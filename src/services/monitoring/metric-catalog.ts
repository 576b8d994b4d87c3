import type { MetricSample, MetricUnit } from './metric-sample.js';

/** What a series is, for the API: its unit and a sentence. */
export interface FigureInfo {
  unit: MetricUnit;
  description: string;
}

/** The figures every instance has beside its engine's own (container ones are absent for an embedded instance). */
export const COMMON_FIGURES: Readonly<Record<string, FigureInfo>> = {
  cpu_percent: { unit: 'percent', description: 'CPU in use since the previous sample; 100 = one full CPU' },
  memory_used_bytes: { unit: 'bytes', description: 'memory in use by the container, without the reclaimable page cache' },
  memory_limit_bytes: { unit: 'bytes', description: 'the container\'s memory limit (the host\'s memory when none is enforced)' },
  memory_percent: { unit: 'percent', description: 'memory in use against the limit' },
  net_rx_bytes_per_second: { unit: 'bytes_per_second', description: 'network bytes received per second' },
  net_tx_bytes_per_second: { unit: 'bytes_per_second', description: 'network bytes sent per second' },
  block_read_bytes_per_second: { unit: 'bytes_per_second', description: 'block device bytes read per second' },
  block_write_bytes_per_second: { unit: 'bytes_per_second', description: 'block device bytes written per second' },
  pids: { unit: 'count', description: 'processes and threads in the container' },
  disk_used_bytes: { unit: 'bytes', description: 'the instance\'s volume on disk (measured every FLUX_DATABASES_STORAGE_INTERVAL_S)' },
  disk_limit_bytes: { unit: 'bytes', description: 'the storage limit (monitored, not enforced)' },
  disk_percent: { unit: 'percent', description: 'volume use against the storage limit' },
  connections: { unit: 'count', description: 'connections (sessions, clients) open to the engine' },
  max_connections: { unit: 'count', description: 'the engine\'s connection limit' },
};

/** Every figure of a sample by series name (the engine's included), as stored and charted. */
export function flatten(s: MetricSample): Record<string, number> {
  const out: Record<string, number> = {};
  const c = s.container;
  if (c) {
    Object.assign(out, {
      cpu_percent: c.cpuPercent, memory_used_bytes: c.memoryUsedBytes, memory_limit_bytes: c.memoryLimitBytes, pids: c.pids,
      ...(c.memoryLimitBytes > 0 ? { memory_percent: round2((c.memoryUsedBytes / c.memoryLimitBytes) * 100) } : {}),
    });
    if (c.rates) {
      Object.assign(out, {
        net_rx_bytes_per_second: c.rates.netRxBytesPerSecond, net_tx_bytes_per_second: c.rates.netTxBytesPerSecond,
        block_read_bytes_per_second: c.rates.blockReadBytesPerSecond, block_write_bytes_per_second: c.rates.blockWriteBytesPerSecond,
      });
    }
  }
  if (s.disk) {
    out.disk_used_bytes = s.disk.usedBytes;
    out.disk_limit_bytes = s.disk.limitBytes;
    if (s.disk.limitBytes > 0) out.disk_percent = round2((s.disk.usedBytes / s.disk.limitBytes) * 100);
  }
  if (s.connections) {
    out.connections = s.connections.current;
    out.max_connections = s.connections.max;
  }
  for (const [k, v] of Object.entries(s.engine)) if (Number.isFinite(v)) out[k] = v;
  return out;
}

export const round2 = (v: number): number => Math.round(v * 100) / 100;
