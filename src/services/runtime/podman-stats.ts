import type Docker from 'dockerode';
import type { ContainerCounters, ContainerStats } from './container-runtime.js';
import type { CgroupMemory } from './cgroup-memory.js';
import { dial } from './podman-networks.js';
import { ModuleError } from '../../errors.js';

/** One container in libpod's GET /containers/stats?stream=false answer (Podman 4.3 field names). */
export interface LibpodStats {
  ContainerID?: string;
  Name?: string;
  /** Average CPU % since the container started (also what `CPU` is in a one-shot answer). */
  AvgCPU?: number;
  /** CPU time used since the container started, ns (cgroup cpuacct). */
  CPUNano?: number;
  /** When Podman read the cgroup, ns since the epoch: the clock the CPU delta is divided by. */
  SystemNano?: number;
  MemUsage?: number;
  MemLimit?: number;
  NetInput?: number;
  NetOutput?: number;
  BlockInput?: number;
  BlockOutput?: number;
  PIDs?: number;
}

interface LibpodStatsAnswer {
  /** Set (often as an empty object) when one of the named containers does not exist; Stats is then null. */
  Error?: unknown;
  Stats?: LibpodStats[] | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function toCounters(s: LibpodStats, inactiveFile: number | null): ContainerCounters {
  const usage = num(s.MemUsage);
  return {
    id: s.ContainerID ?? '',
    name: s.Name ?? '',
    readAtNs: num(s.SystemNano),
    cpuNs: num(s.CPUNano),
    avgCpuPercent: Math.round(num(s.AvgCPU) * 100) / 100,
    memoryUsedBytes: Math.max(0, usage - (inactiveFile ?? 0)),
    memoryLimitBytes: num(s.MemLimit),
    netRxBytes: num(s.NetInput),
    netTxBytes: num(s.NetOutput),
    blockReadBytes: num(s.BlockInput),
    blockWriteBytes: num(s.BlockOutput),
    pids: num(s.PIDs),
  };
}

/**
 * Every container's counters in ONE libpod call. Not the compat endpoint: with stream=false
 * Podman 4.3 sends it with an empty precpu_stats, so a CPU figure needed a second call half a
 * second later per container. Libpod's one-shot `CPU` is the average since the container started
 * (like `podman stats --no-stream`); a rate over an interval comes from CPUNano between two
 * readings (cpuPercentBetween).
 *
 * One container Podman lists as running but cannot read (its process gone before its state
 * caught up, or stopping right now) empties the whole answer: then each running container is
 * read on its own, and the ones that cannot be read are left out.
 */
export async function readAllCounters(docker: Docker, memory: CgroupMemory, signal?: AbortSignal): Promise<ContainerCounters[]> {
  const answer = await dial<LibpodStatsAnswer>(docker, 'GET', '/containers/stats', { stream: false }, undefined, signal);
  const stats = answer.Stats ?? (answer.Error !== undefined && answer.Error !== null ? await readEachRunning(docker, signal) : []);
  memory.retain(new Set(stats.map((s) => s.ContainerID ?? '')));
  return Promise.all(stats.map((s) => countersOf(s, memory)));
}

/** Counters with the page cache a running container's cgroup reports taken out of its memory. */
async function countersOf(s: LibpodStats, memory: CgroupMemory): Promise<ContainerCounters> {
  return toCounters(s, num(s.PIDs) > 0 && s.ContainerID ? await memory.inactiveFile(s.ContainerID) : null);
}

/** One container's libpod stats, or null when Podman cannot read it. */
async function readOne(docker: Docker, id: string, signal?: AbortSignal): Promise<LibpodStats | null> {
  const answer = await dial<LibpodStatsAnswer>(docker, 'GET', '/containers/stats', { stream: false, containers: id }, undefined, signal);
  return answer.Stats?.[0] ?? null;
}

async function readEachRunning(docker: Docker, signal?: AbortSignal): Promise<LibpodStats[]> {
  const running = await docker.listContainers({ abortSignal: signal });
  const read = await Promise.all(running.map((c) => readOne(docker, c.Id, signal).catch(() => null)));
  return read.filter((s): s is LibpodStats => s !== null);
}

/** A one-shot reading has no CPU rate of its own; a second one this much later gives it. */
const STATS_SAMPLE_GAP_MS = 500;

/** One container's stats now (GET /databases/{id}/stats): two readings half a second apart. */
export async function readStats(docker: Docker, memory: CgroupMemory, idOrName: string, signal: () => AbortSignal): Promise<ContainerStats> {
  // This container only: another one Podman cannot read must not hide it.
  const reading = async () => {
    const found = await readOne(docker, idOrName, signal());
    if (!found) throw new ModuleError('NOT_FOUND', `read stats of ${idOrName} failed: no such container`);
    return countersOf(found, memory);
  };
  const first = await reading();
  await new Promise((r) => setTimeout(r, STATS_SAMPLE_GAP_MS));
  return toContainerStats(first, await reading());
}

/** CPU percent between two readings of one container (100 = one full CPU); null when they cannot be compared. */
export function cpuPercentBetween(before: Pick<ContainerCounters, 'cpuNs' | 'readAtNs'>, after: Pick<ContainerCounters, 'cpuNs' | 'readAtNs'>): number | null {
  const elapsed = after.readAtNs - before.readAtNs;
  const used = after.cpuNs - before.cpuNs;
  // A lower counter is a restarted container: its usage began again.
  if (!(elapsed > 0) || used < 0) return null;
  return Math.round((used / elapsed) * 10_000) / 100;
}

/** GET /databases/{id}/stats: the later reading, with CPU over the time between the two. */
export function toContainerStats(before: ContainerCounters, after: ContainerCounters): ContainerStats {
  const used = after.memoryUsedBytes;
  const limit = after.memoryLimitBytes;
  return {
    cpuPercent: cpuPercentBetween(before, after) ?? after.avgCpuPercent,
    memoryUsedBytes: used,
    memoryLimitBytes: limit,
    memoryPercent: limit > 0 ? Math.round((used / limit) * 10000) / 100 : 0,
    netRxBytes: after.netRxBytes,
    netTxBytes: after.netTxBytes,
    blockReadBytes: after.blockReadBytes,
    blockWriteBytes: after.blockWriteBytes,
    pids: after.pids,
  };
}
