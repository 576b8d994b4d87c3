/** Reading a container's effective limits from inside it (inspect alone can lie; LOCAL-FACTS.md). */
import type { ContainerRuntime } from '../../../src/services/runtime/container-runtime.js';

/** Linux capability numbers for the names adapters use. */
export const CAP_BITS: Record<string, number> = {
  CHOWN: 0, DAC_OVERRIDE: 1, FOWNER: 3, FSETID: 4, KILL: 5, SETGID: 6, SETUID: 7, SETPCAP: 8,
  NET_BIND_SERVICE: 10, IPC_LOCK: 14, SYS_CHROOT: 18, SYS_NICE: 23, SYS_RESOURCE: 24, SETFCAP: 31,
};

export function capMask(caps: string[]): bigint {
  return caps.reduce((m, c) => m | (1n << BigInt(CAP_BITS[c]!)), 0n);
}

export async function readInside(runtime: ContainerRuntime, id: string, file: string): Promise<string> {
  const r = await runtime.exec(id, ['cat', file]);
  if (r.exitCode !== 0) throw new Error(`cat ${file} in ${id}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout.trim();
}

export function statusField(status: string, field: string): string {
  return new RegExp(`^${field}:\\s+(\\S+)`, 'm').exec(status)?.[1] ?? '';
}

/** The container's cgroup files, v1 or v2 paths. */
export async function cgroupLimits(runtime: ContainerRuntime, id: string, v1: boolean) {
  const read = (f: string) => readInside(runtime, id, f);
  if (v1) {
    return {
      memory: Number(await read('/sys/fs/cgroup/memory/memory.limit_in_bytes')),
      cpuShares: Number(await read('/sys/fs/cgroup/cpu/cpu.shares')),
      cpuQuota: Number(await read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')),
      pidsMax: await read('/sys/fs/cgroup/pids/pids.max'),
      swappiness: Number(await read('/sys/fs/cgroup/memory/memory.swappiness')),
      memsw: await read('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes').then(Number, () => null),
    };
  }
  const [quota] = (await read('/sys/fs/cgroup/cpu.max')).split(' ');
  return {
    memory: Number(await read('/sys/fs/cgroup/memory.max')),
    // v2 weight: runc maps shares s to weight 1 + ((s - 2) * 9999) / 262142.
    cpuShares: Number(await read('/sys/fs/cgroup/cpu.weight')),
    cpuQuota: Number(quota),
    pidsMax: await read('/sys/fs/cgroup/pids.max'),
    swappiness: null,
    memsw: await read('/sys/fs/cgroup/memory.swap.max').then(Number, () => null),
  };
}
