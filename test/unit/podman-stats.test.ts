import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { CgroupMemory } from '../../src/services/runtime/cgroup-memory.js';
import { readAllCounters, readStats } from '../../src/services/runtime/podman-stats.js';

/** A Podman 4.3 that cannot read container `stale` (listed as running, its process gone). */
function podmanWithStale(): { docker: Docker; asked: string[] } {
  const asked: string[] = [];
  const healthy = { ContainerID: 'good', Name: 'db-good', CPUNano: 1000, SystemNano: 2000, MemUsage: 4096, MemLimit: 8192, PIDs: 3 };
  const modem = {
    dial(opts: { path: string; options?: Record<string, unknown> }, cb: (err: unknown, data: unknown) => void) {
      const only = opts.options?.containers as string | undefined;
      asked.push(only ?? '*');
      // Any answer that would include the stale container is an error with no stats at all.
      cb(null, only === 'good' ? { Error: null, Stats: [healthy] } : { Error: {}, Stats: null });
    },
  };
  const docker = { modem, listContainers: async () => [{ Id: 'stale' }, { Id: 'good' }] } as unknown as Docker;
  return { docker, asked };
}

describe('podman stats with a container Podman cannot read', () => {
  it('reads the others one by one instead of answering nothing', async () => {
    const { docker, asked } = podmanWithStale();
    const all = await readAllCounters(docker, new CgroupMemory());
    expect(all.map((c) => c.name)).toEqual(['db-good']);
    expect(all[0]).toMatchObject({ memoryLimitBytes: 8192, pids: 3 });
    expect(asked).toEqual(['*', 'stale', 'good']);
  });

  it('reads one container\'s stats from that container alone', async () => {
    const { docker, asked } = podmanWithStale();
    const stats = await readStats(docker, new CgroupMemory(), 'good', () => new AbortController().signal);
    expect(stats.memoryLimitBytes).toBe(8192);
    expect(asked).toEqual(['good', 'good']);
    await expect(readStats(docker, new CgroupMemory(), 'stale', () => new AbortController().signal)).rejects.toThrow(/no such container/);
  });
});
