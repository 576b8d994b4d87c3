import type { HostFacts } from '../host/host-facts.js';
import type { ContainerSpec, Ulimit } from '../runtime/container-runtime.js';

/** Capabilities an adapter may ask for. Anything that would widen the host attack surface is absent. */
export const ALLOWED_CAPS = new Set([
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'SETFCAP',
  'NET_BIND_SERVICE', 'SYS_CHROOT', 'IPC_LOCK', 'SYS_NICE', 'SYS_RESOURCE',
]);

/** 'cap_chown' / 'CAP_CHOWN' / 'chown' -> 'CHOWN'; refuses anything outside ALLOWED_CAPS. */
export function normalizeCaps(caps: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of caps) {
    const cap = raw.toUpperCase().replace(/^CAP_/, '');
    if (!ALLOWED_CAPS.has(cap)) throw new Error(`capability ${raw} is not allowed for a database container`);
    out.add(cap);
  }
  return [...out].sort();
}

/**
 * nofile is clamped to the host's hard limit (a higher value makes runc fail with "setrlimit
 * RLIMIT_NOFILE: operation not permitted"). nproc is always set: Podman's rootful default is
 * above this host's hard limit, so without it no container starts at all.
 */
export function ulimitsFor(nofileWanted: number, host: Pick<HostFacts, 'nofileHard' | 'nprocHard'>): Ulimit[] {
  const nofile = Math.max(1024, Math.min(nofileWanted, host.nofileHard));
  const nproc = Number.isFinite(host.nprocHard) ? host.nprocHard : 1_048_576;
  return [
    { name: 'nofile', soft: nofile, hard: nofile },
    { name: 'nproc', soft: nproc, hard: nproc },
  ];
}

const LOOPBACK_OR_ANY = /^(127\.0\.0\.1|0\.0\.0\.0|::1|::)$/;

/**
 * Last check before a spec leaves the orchestrator. The runtime also hard-codes Privileged=false,
 * CapDrop=ALL and no-new-privileges; this catches what a spec itself could carry: host network,
 * a forbidden capability, an implicit all-interfaces port binding, limits missing.
 */
export function assertHardened(spec: ContainerSpec): void {
  const fail = (why: string) => {
    throw new Error(`refusing container spec ${spec.name}: ${why}`);
  };
  if (spec.network && ['host', 'none', 'container', 'ns'].some((m) => spec.network!.name === m || spec.network!.name.startsWith(`${m}:`))) {
    fail(`network mode ${spec.network.name} is not allowed`);
  }
  normalizeCaps(spec.capAdd);
  for (const p of spec.ports) if (!LOOPBACK_OR_ANY.test(p.hostIp)) fail(`port ${p.hostPort} has no explicit bind address`);
  const r = spec.resources;
  if (!(r.memoryBytes > 0) || !(r.nanoCpus > 0) || !(r.pidsLimit > 0)) fail('memory, CPU and pids limits are required');
  if (!spec.ulimits.some((u) => u.name === 'nofile')) fail('a nofile ulimit is required');
  for (const m of spec.mounts) if (!m.source.startsWith('/')) fail(`mount source ${m.source} is not absolute`);
}
