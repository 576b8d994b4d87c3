import os from 'node:os';
import { MODULE_ID } from '../../constants.js';
import { readManifest } from '../../manifest.js';
import type { HostProbe } from './host-probe.js';
import { effectiveDefaultNofile, effectiveDefaultNproc, MIN_NOFILE } from '../podman/pitfalls.js';
import type { PodmanManager } from '../podman/podman-manager.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  value: string;
  message: string;
  fix: string | null;
}

const GB = 1024 ** 3;
const MIN_DISK_GB = 10; // the original's requirement
const MIN_MEMORY_MB = 1024; // the smallest SKU (b1)

const worst = (list: CheckStatus[]): CheckStatus => (list.includes('fail') ? 'fail' : list.includes('warn') ? 'warn' : 'ok');

/** GET /status, /requirements and /system-info: the host's own numbers, never estimates. */
export class SystemReport {
  constructor(private readonly probe: HostProbe, private readonly podman: PodmanManager, private readonly dataDir: string) {}

  async status() {
    const m = readManifest();
    const p = await this.podman.facts();
    return {
      status: 'ok' as const,
      message: 'Databases module is running',
      module: { id: MODULE_ID, name: m.name, display_name: m.display_name, version: m.version },
      podman: { installed: p.installed, version: p.version, socket: p.socket.path, reachable: p.socket.reachable },
    };
  }

  async systemInfo() {
    const [cpu, memory, disk] = await Promise.all([this.probe.cpu(), this.probe.memory(), this.probe.disk(this.dataDir)]);
    return {
      cpu: { model: cpu.model, count: cpu.count },
      cpu_count: cpu.count,
      memory: { total_mb: memory.totalMb, available_mb: memory.availableMb },
      disk: { path: disk.path, total_bytes: disk.totalBytes, free_bytes: disk.freeBytes,
        total_gb: +(disk.totalBytes / GB).toFixed(1), free_gb: +(disk.freeBytes / GB).toFixed(1) },
      load_average: this.probe.loadAverage(),
      kernel: os.release(),
      platform: `${os.platform()}/${os.arch()}`,
    };
  }

  async requirements() {
    const [p, info] = await Promise.all([this.podman.facts(), this.systemInfo()]);
    const issue = (id: string) => p.issues.find((i) => i.id === id);
    const wanted = effectiveDefaultNofile(p);
    const freeGb = info.disk.free_gb;
    const checks: Check[] = [
      { id: 'podman', title: 'Podman installed', status: p.installed ? 'ok' : 'fail', value: p.version ?? 'not found',
        message: p.installed ? `podman ${p.version}` : 'podman is not on PATH', fix: p.installed ? null : 'POST /podman/install (or install the podman package)' },
      { id: 'api_socket', title: 'Podman API socket', status: p.socket.reachable ? 'ok' : 'fail', value: p.socket.path,
        message: p.socket.reachable ? `answers on ${p.socket.path}` : `no answer; tried ${p.socket.tried.map((t) => t.path ?? t.note).join(', ')}`,
        fix: p.socket.reachable ? null : `podman system service --time=0 unix://${p.socket.path}` },
      { id: 'privileges', title: 'Rootless or rootful', status: p.rootless && p.cgroupVersion !== 'v2' ? 'warn' : 'ok',
        value: p.rootless ? `rootless (uid ${this.probe.uid})` : 'rootful (uid 0)',
        message: p.rootless ? 'containers run in the user namespace of this user' : 'containers run as root-owned Podman containers, each still dropping all capabilities',
        fix: null },
      { id: 'cgroups', title: 'cgroup version', status: issue('cgroup_limits') ? 'warn' : 'ok', value: p.cgroupVersion,
        message: issue('cgroup_limits')?.message ?? (p.cgroupVersion === 'v2' ? 'unified hierarchy' : `${p.cgroupVersion}: memory and CPU limits work with runc as root`),
        fix: issue('cgroup_limits')?.fix ?? null },
      { id: 'oci_runtime', title: 'OCI runtime', status: issue('oci_runtime')?.severity ?? (p.ociRuntime ? 'ok' : 'warn'), value: p.ociRuntime ?? 'unknown',
        message: issue('oci_runtime')?.message ?? (p.ociRuntime ? `${p.ociRuntime} works on ${p.cgroupVersion} cgroups` : 'podman info did not report a runtime'),
        fix: issue('oci_runtime')?.fix ?? null },
      { id: 'nofile', title: 'Open files limit', status: issue('nofile') ? 'fail' : issue('nofile_low') ? 'warn' : 'ok',
        value: `hard ${p.nofileHard}, containers ask ${wanted}`,
        message: issue('nofile')?.message ?? issue('nofile_low')?.message ?? `containers get ${wanted} (≥ ${MIN_NOFILE} needed)`,
        fix: issue('nofile')?.fix ?? issue('nofile_low')?.fix ?? null },
      { id: 'nproc', title: 'Processes limit', status: issue('nproc') ? 'fail' : 'ok',
        value: `at most ${p.nprocCeiling}, containers ask ${effectiveDefaultNproc(p)}`,
        message: issue('nproc')?.message ?? 'within what Podman may grant', fix: issue('nproc')?.fix ?? null },
      { id: 'disk', title: 'Free disk in the data directory', status: freeGb >= MIN_DISK_GB ? 'ok' : freeGb >= 2 ? 'warn' : 'fail',
        value: `${freeGb} GB free of ${info.disk.total_gb} GB`, message: `${info.disk.path}; ${MIN_DISK_GB} GB recommended`,
        fix: freeGb >= MIN_DISK_GB ? null : 'free space or point FLUX_DATA_DIR at a larger filesystem' },
      { id: 'memory', title: 'Memory', status: info.memory.available_mb >= MIN_MEMORY_MB ? 'ok' : 'warn',
        value: `${info.memory.available_mb} MB available of ${info.memory.total_mb} MB`, message: `the smallest SKU (b1) needs ${MIN_MEMORY_MB} MB`,
        fix: info.memory.available_mb >= MIN_MEMORY_MB ? null : 'free memory or add RAM' },
      { id: 'cpu', title: 'CPUs', status: info.cpu_count >= 2 ? 'ok' : 'warn', value: `${info.cpu_count} × ${info.cpu.model}`,
        message: 'a SKU with more vCPUs than the host has gets at most the host\'s CPUs (measured: --cpus=4 accepted on 2)', fix: null },
    ];
    const verdict = worst(checks.map((c) => c.status));
    return {
      verdict, checks,
      // The original UI's fields.
      podman_installed: p.installed, podman_version: p.version, disk_available_gb: freeGb, requirements_met: verdict !== 'fail',
    };
  }
}
