import { access, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';

/**
 * Facts about the host that bound what a container may ask for. Rlimits are the lower of this
 * process's and the local `podman system service` process's: runc inherits the service's
 * limits, and they differ here (module shell: nproc 96365; service: nproc 32768, nofile 20000 on
 * both), so reading only /proc/self/limits produced ulimits runc refused. Tests inject their own.
 */
export interface HostFacts {
  cpus: number;
  memoryBytes: number;
  /** Hard RLIMIT_NOFILE: a container ulimit above it fails at start ("setrlimit ... not permitted"). */
  nofileHard: number;
  /** Hard RLIMIT_NPROC: Podman's default nproc ulimit exceeds it here, so it must be set explicitly. */
  nprocHard: number;
  /** CAP_SYS_RESOURCE in this process's effective set: needed to set a negative oom_score_adj. */
  hasSysResource: boolean;
  /** The memory cgroup accounts swap (memory.memsw.* on v1, memory.swap.max on v2). */
  swapAccounting: boolean;
}

const CAP_SYS_RESOURCE_BIT = 24n;

export function parseLimit(limits: string, label: string): number {
  const line = limits.split('\n').find((l) => l.startsWith(label));
  // Columns: name (with spaces), soft, hard, units; "unlimited" -> Infinity.
  const hard = line?.slice(label.length).trim().split(/\s+/)[1];
  if (!hard) return Infinity;
  return hard === 'unlimited' ? Infinity : Number(hard);
}

export function parseMemTotalBytes(meminfo: string): number {
  const m = /^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : 0;
}

export function parseCapEff(status: string): bigint {
  const m = /^CapEff:\s+([0-9a-f]+)/m.exec(status);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

const exists = (p: string) => access(p).then(() => true, () => false);

/** /proc/<pid>/limits of local `podman system service` processes (empty when none is visible). */
async function podmanServiceLimits(): Promise<string[]> {
  const out: string[] = [];
  for (const pid of (await readdir('/proc').catch(() => [])).filter((d) => /^\d+$/.test(d))) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (!argv[0]?.endsWith('podman') || argv[1] !== 'system' || argv[2] !== 'service') continue;
    const limits = await readFile(`/proc/${pid}/limits`, 'utf8').catch(() => null);
    if (limits) out.push(limits);
  }
  return out;
}

export async function readHostFacts(): Promise<HostFacts> {
  const [self, services, meminfo, status] = await Promise.all([
    readFile('/proc/self/limits', 'utf8'),
    podmanServiceLimits(),
    readFile('/proc/meminfo', 'utf8'),
    readFile('/proc/self/status', 'utf8'),
  ]);
  const swapAccounting =
    (await exists('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes')) || (await exists('/sys/fs/cgroup/memory.swap.max'))
    || (await exists('/sys/fs/cgroup/system.slice/memory.swap.max'));
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    memoryBytes: parseMemTotalBytes(meminfo),
    nofileHard: Math.min(...[self, ...services].map((l) => parseLimit(l, 'Max open files'))),
    nprocHard: Math.min(...[self, ...services].map((l) => parseLimit(l, 'Max processes'))),
    hasSysResource: ((parseCapEff(status) >> CAP_SYS_RESOURCE_BIT) & 1n) === 1n,
    swapAccounting,
  };
}
