import type { ContainerStats } from './container-runtime.js';

/** The parts of one compat stats sample (GET /containers/{id}/stats?stream=false) we read. */
export interface RawStatsSample {
  read?: string;
  preread?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  pids_stats?: { current?: number };
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const readNs = (iso: string | undefined): number | null => {
  if (!iso || iso.startsWith('0001-01-01')) return null;
  const m = /\.(\d+)Z$/.exec(iso);
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  // Date.parse keeps milliseconds only; add back the sub-millisecond digits Podman sends.
  const frac = m ? Number((m[1]! + '000000000').slice(3, 9)) : 0;
  return Math.floor(ms) * 1e6 + frac;
};

/** True when the sample carries a usable previous reading (Podman 4.3 sends zeros with stream=false). */
export function hasPreviousCpu(s: RawStatsSample): boolean {
  return num(s.precpu_stats?.cpu_usage?.total_usage) > 0 && readNs(s.preread) !== null;
}

/**
 * CPU percent in Docker's convention (100 = one full CPU), from two readings. The elapsed time
 * is taken from the samples' own `read` timestamps: on this Podman, system_cpu_usage advanced by
 * ~1.6x wall time on a 2-CPU host, so the docker formula overstated a 0.5-CPU-capped busy loop
 * as 64 % while the wall-clock delta gave 50 %.
 */
export function cpuPercent(cpuNsBefore: number, cpuNsAfter: number, readNsBefore: number | null, readNsAfter: number | null): number {
  if (readNsBefore === null || readNsAfter === null || readNsAfter <= readNsBefore) return 0;
  const delta = cpuNsAfter - cpuNsBefore;
  return delta > 0 ? (delta / (readNsAfter - readNsBefore)) * 100 : 0;
}

/** Builds ContainerStats from the latest sample and, when its precpu is empty, an earlier sample. */
export function toContainerStats(latest: RawStatsSample, earlier?: RawStatsSample): ContainerStats {
  const after = num(latest.cpu_stats?.cpu_usage?.total_usage);
  const cpu = earlier
    ? cpuPercent(num(earlier.cpu_stats?.cpu_usage?.total_usage), after, readNs(earlier.read), readNs(latest.read))
    : cpuPercent(num(latest.precpu_stats?.cpu_usage?.total_usage), after, readNs(latest.preread), readNs(latest.read));
  // The docker CLI subtracts inactive_file page cache when the engine reports it; Podman 4.3 sends
  // no memory_stats.stats (only usage and limit), so then usage is taken as is.
  const cache = num(latest.memory_stats?.stats?.inactive_file);
  const used = Math.max(0, num(latest.memory_stats?.usage) - cache);
  const limit = num(latest.memory_stats?.limit);
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(latest.networks ?? {})) {
    rx += num(n.rx_bytes);
    tx += num(n.tx_bytes);
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const e of latest.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? '').toLowerCase();
    if (op === 'read') blockRead += num(e.value);
    else if (op === 'write') blockWrite += num(e.value);
  }
  return {
    cpuPercent: Math.round(cpu * 100) / 100,
    memoryUsedBytes: used,
    memoryLimitBytes: limit,
    memoryPercent: limit > 0 ? Math.round((used / limit) * 10000) / 100 : 0,
    netRxBytes: rx,
    netTxBytes: tx,
    blockReadBytes: blockRead,
    blockWriteBytes: blockWrite,
    pids: num(latest.pids_stats?.current),
  };
}
