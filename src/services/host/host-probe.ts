import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export type CgroupVersion = 'v2' | 'hybrid' | 'v1';

export interface HostProbeOptions {
  /** Default /proc; tests point it at fixtures. */
  procDir?: string;
  /** Default /sys/fs/cgroup. */
  cgroupDir?: string;
  uid?: number;
}

export interface MemoryInfo { totalMb: number; availableMb: number }
export interface DiskInfo { path: string; totalBytes: number; freeBytes: number }
export interface Limit { soft: number; hard: number }

/** Reads what the host really has: CPUs, memory, disk, load, cgroups, open-file limits. */
export class HostProbe {
  private readonly procDir: string;
  private readonly cgroupDir: string;
  readonly uid: number;

  constructor(options: HostProbeOptions = {}) {
    this.procDir = options.procDir ?? '/proc';
    this.cgroupDir = options.cgroupDir ?? '/sys/fs/cgroup';
    this.uid = options.uid ?? process.getuid?.() ?? 0;
  }

  get rootless(): boolean {
    return this.uid !== 0;
  }

  async cpu(): Promise<{ model: string; count: number }> {
    const info = await readFile(path.join(this.procDir, 'cpuinfo'), 'utf8').catch(() => '');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
    // availableParallelism honours CPU affinity, as nproc does.
    return { model, count: os.availableParallelism() };
  }

  async memory(): Promise<MemoryInfo> {
    const text = await readFile(path.join(this.procDir, 'meminfo'), 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { totalMb: Math.floor(kb('MemTotal') / 1024), availableMb: Math.floor(kb('MemAvailable') / 1024) };
  }

  /** Disk of the filesystem holding `dir` (or its nearest existing parent); free = available to non-root, like df. */
  async disk(dir: string): Promise<DiskInfo> {
    let p = path.resolve(dir);
    while (!existsSync(p) && path.dirname(p) !== p) p = path.dirname(p);
    const s = await statfs(p);
    return { path: p, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  }

  loadAverage(): [number, number, number] {
    const [a = 0, b = 0, c = 0] = os.loadavg();
    return [a, b, c];
  }

  /** v2 when the unified hierarchy is at the root; hybrid when it sits beside v1 controllers. */
  cgroupVersion(): CgroupVersion {
    if (existsSync(path.join(this.cgroupDir, 'cgroup.controllers'))) return 'v2';
    return existsSync(path.join(this.cgroupDir, 'unified')) ? 'hybrid' : 'v1';
  }

  /** This process's open-files and processes limits (children such as `podman` inherit them). */
  async limits(): Promise<{ nofile: Limit; nproc: Limit }> {
    const text = await readFile(path.join(this.procDir, 'self/limits'), 'utf8');
    const num = (v: string | undefined) => (v === undefined || v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
    const row = (label: string): Limit => {
      const m = new RegExp(`^${label}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(text);
      return { soft: num(m?.[1]), hard: num(m?.[2]) };
    };
    return { nofile: row('Max open files'), nproc: row('Max processes') };
  }

  /** kernel.pid_max: Podman lowers its own process limit to it (measured: 32768 here while the shell had 96365). */
  async pidMax(): Promise<number> {
    const text = await readFile(path.join(this.procDir, 'sys/kernel/pid_max'), 'utf8').catch(() => '');
    return Number(text.trim()) || Number.POSITIVE_INFINITY;
  }
}
