import type { LimitsEnforced } from '../../db/schema.js';
import type { HostFacts } from '../host/host-facts.js';
import type { ResourceLimits, RuntimeInfo } from '../runtime/container-runtime.js';

/**
 * What the kernel will actually enforce for these limits on this runtime, with the reason for
 * every "no". Checked on this machine (rootful, cgroup v1, runc): memory.limit_in_bytes,
 * cpu.cfs_quota_us, cpu.shares, memory.swappiness, memory.memsw.limit_in_bytes and pids.max all
 * read back as requested inside a container; a negative oom-score-adj made runc fail at create
 * because the host's root lacks CAP_SYS_RESOURCE.
 * `droppedOomScoreAdj` is true when the orchestrator left oom-score-adj out for that reason.
 */
export function limitsEnforced(
  resources: ResourceLimits,
  runtime: Pick<RuntimeInfo, 'rootless' | 'cgroupVersion'>,
  host: Pick<HostFacts, 'swapAccounting'>,
  droppedOomScoreAdj: boolean,
): LimitsEnforced {
  const notes: string[] = [];
  const v1 = runtime.cgroupVersion === 'v1';
  const cgroups = !(runtime.rootless && v1);
  if (!cgroups) notes.push('rootless Podman on cgroup v1 cannot use cgroups: memory, CPU and pids limits are not applied');
  const out: LimitsEnforced = { memory: cgroups, cpu: cgroups, cpuShares: cgroups && resources.cpuShares !== undefined, pids: cgroups };
  if (resources.memorySwapBytes !== undefined) {
    out.swap = cgroups && host.swapAccounting;
    if (cgroups && !host.swapAccounting) notes.push('the kernel does not account swap (no memsw/swap.max): memory-swap is ignored');
  }
  if (resources.memorySwappiness !== undefined) {
    out.swappiness = cgroups && v1;
    if (cgroups && !v1) notes.push('cgroup v2 has no per-container swappiness: memory-swappiness is ignored');
  }
  if (resources.oomScoreAdj !== undefined || droppedOomScoreAdj) {
    out.oomScoreAdj = !droppedOomScoreAdj && !(resources.oomScoreAdj! < 0 && runtime.rootless);
    if (!out.oomScoreAdj) notes.push('a negative oom-score-adj needs CAP_SYS_RESOURCE (rootful with it); not applied');
  }
  // No quota is applied: --storage-opt size needs overlay on XFS with pquota (here: ext4, refused).
  out.storage = 'monitored';
  notes.push('storage size is monitored, not enforced by a filesystem quota');
  out.notes = notes;
  return out;
}
