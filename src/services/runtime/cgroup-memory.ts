import { readFile } from 'node:fs/promises';

/**
 * Where a container's memory.stat can be: cgroup v1 and v2, Podman's cgroupfs and systemd
 * managers. Podman names the cgroup after the full container id in all four.
 */
const candidates = (id: string): string[] => [
  `/sys/fs/cgroup/memory/libpod_parent/libpod-${id}/memory.stat`,
  `/sys/fs/cgroup/memory/machine.slice/libpod-${id}.scope/memory.stat`,
  `/sys/fs/cgroup/libpod_parent/libpod-${id}/memory.stat`,
  `/sys/fs/cgroup/machine.slice/libpod-${id}.scope/memory.stat`,
];

/** The inactive page cache in a memory.stat text (v1 `total_inactive_file`, v2 `inactive_file`); null when absent. */
export function inactiveFileBytes(memoryStat: string): number | null {
  const m = /^total_inactive_file (\d+)$/m.exec(memoryStat) ?? /^inactive_file (\d+)$/m.exec(memoryStat);
  return m ? Number(m[1]) : null;
}

/**
 * Podman 4.3 reports a container's memory as the cgroup's usage, page cache included, and sends
 * no memory.stat: a database that has read 150 MB of its files shows 150 MB "used" while its
 * processes hold 0.2 MB (measured here on cgroup v1). The docker CLI subtracts the inactive page
 * cache, which the kernel reclaims before it would OOM-kill; this reads it from the host's
 * cgroup filesystem, where the module runs beside a local Podman. Null when the file is not
 * readable (rootless cgroups elsewhere, another host): the usage is then taken as reported.
 */
export class CgroupMemory {
  private readonly paths = new Map<string, string>();

  async inactiveFile(containerId: string): Promise<number | null> {
    const known = this.paths.get(containerId);
    for (const file of known ? [known] : candidates(containerId)) {
      const text = await readFile(file, 'utf8').catch(() => null);
      if (text === null) continue;
      this.paths.set(containerId, file);
      return inactiveFileBytes(text);
    }
    // Not cached when missing: a container that was not running yet gets its cgroup when it starts.
    this.paths.delete(containerId);
    return null;
  }

  /** Forgets containers no longer listed, so the cache stays as small as the container set. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.paths.keys()) if (!ids.has(id)) this.paths.delete(id);
  }
}
