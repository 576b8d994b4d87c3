import type { CgroupVersion } from '../host/host-probe.js';
import type { DropInFix } from './containers-conf.js';

/** What rootful Podman asks for nofile and nproc when containers.conf sets nothing (libpod's RLimitDefaultValue). */
export const PODMAN_DEFAULT_NOFILE = 1_048_576;
export const PODMAN_DEFAULT_NPROC = 1_048_576;
/** Open files the engines need at least (several ask 65536; we clamp to what the host allows). */
export const MIN_NOFILE = 16_384;

export interface PitfallFacts {
  installed: boolean;
  rootless: boolean;
  cgroupVersion: CgroupVersion;
  /** Runtime `podman info` reports, null when Podman is missing. */
  ociRuntime: string | null;
  runcAvailable: boolean;
  nofileHard: number;
  /**
   * The most processes a container may be given: the hard nproc limit, and kernel.pid_max, to
   * which Podman's own process was lowered here (32768 while its parent had 96365).
   */
  nprocCeiling: number;
  /** default_ulimits from containers.conf, null when unset. */
  configuredNofile: { soft: number; hard: number } | null;
  configuredNproc: { soft: number; hard: number } | null;
  configuredRuntime: string | null;
}

export interface Issue {
  id: string;
  severity: 'warn' | 'fail';
  message: string;
  fix: string;
}

/** nofile a container gets by default: the configured value, else libpod's default (clamped for rootless). */
export function effectiveDefaultNofile(f: PitfallFacts): number {
  if (f.configuredNofile) return f.configuredNofile.hard;
  return f.rootless ? Math.min(PODMAN_DEFAULT_NOFILE, f.nofileHard) : PODMAN_DEFAULT_NOFILE;
}

export function effectiveDefaultNproc(f: PitfallFacts): number {
  if (f.configuredNproc) return f.configuredNproc.hard;
  return f.rootless ? Math.min(PODMAN_DEFAULT_NPROC, f.nprocCeiling) : PODMAN_DEFAULT_NPROC;
}

/** The problems measured on hosts like this one, and the containers.conf drop-in that fixes them. */
export function detectPitfalls(f: PitfallFacts): { issues: Issue[]; dropIn: DropInFix } {
  const issues: Issue[] = [];
  const dropIn: DropInFix = {};
  if (f.cgroupVersion !== 'v2') {
    // crun 1.8 refuses hybrid cgroups; runc works. Pin runc so installing crun later changes nothing.
    if (f.configuredRuntime !== 'runc') dropIn.runtime = 'runc';
    if (f.ociRuntime === 'crun') {
      issues.push({
        id: 'oci_runtime', severity: 'fail',
        message: `crun is the OCI runtime on ${f.cgroupVersion} cgroups, where it fails ("cgroups in hybrid mode not supported")`,
        fix: f.runcAvailable ? 'set [engine] runtime = "runc" in containers.conf' : 'install runc, then set [engine] runtime = "runc"',
      });
    } else if (f.installed && !f.runcAvailable) {
      issues.push({ id: 'oci_runtime', severity: 'warn', message: `runc is not installed; on ${f.cgroupVersion} cgroups it is the runtime that works`, fix: 'install runc' });
    }
    if (f.rootless) {
      issues.push({
        id: 'cgroup_limits', severity: 'warn',
        message: `rootless Podman on ${f.cgroupVersion} cgroups cannot enforce memory or CPU limits`,
        fix: 'boot with cgroups v2 (systemd.unified_cgroup_hierarchy=1) or run Podman as root',
      });
    }
  }
  const wanted = effectiveDefaultNofile(f);
  if (wanted > f.nofileHard) {
    const n = Math.min(f.nofileHard, PODMAN_DEFAULT_NOFILE);
    dropIn.nofile = n;
    issues.push({
      id: 'nofile', severity: 'fail',
      message: `containers ask nofile=${wanted} but the hard open-files limit is ${f.nofileHard}: every start fails with "error setting rlimit type 7: operation not permitted"`,
      fix: `add "nofile=${n}:${n}" to [containers] default_ulimits in containers.conf (POST /podman/install writes it)`,
    });
  }
  const procs = effectiveDefaultNproc(f);
  if (procs > f.nprocCeiling) {
    const n = Math.min(f.nprocCeiling, PODMAN_DEFAULT_NPROC);
    dropIn.nproc = n;
    issues.push({
      id: 'nproc', severity: 'fail',
      message: `containers ask nproc=${procs} but Podman may grant at most ${f.nprocCeiling}: every start fails with "error setting rlimit type 6: operation not permitted"`,
      fix: `add "nproc=${n}:${n}" to [containers] default_ulimits in containers.conf (POST /podman/install writes it)`,
    });
  }
  if (f.nofileHard < MIN_NOFILE) {
    issues.push({
      id: 'nofile_low', severity: 'warn',
      message: `hard open-files limit ${f.nofileHard} is below ${MIN_NOFILE}; busy engines may run out of file descriptors`,
      fix: `raise the hard nofile limit (limits.conf or LimitNOFILE=) to at least ${MIN_NOFILE}`,
    });
  }
  return { issues, dropIn };
}
