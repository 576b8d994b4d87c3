/** Shared pieces of the Podman tier: the runtime, a per-run label, cleanup and a leftover check. */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { ContainerPlan } from '../../../src/services/adapters/types.js';
import { PodmanRuntime } from '../../../src/services/runtime/podman-runtime.js';

export const SOCKET = process.env.FLUX_DATABASES_PODMAN_SOCKET?.replace(/^unix:\/\//, '') ?? '/run/podman/podman.sock';
/** Every object a test creates carries this label with its run id, on top of the module's labels. */
export const TEST_RUN_LABEL = 'io.flux.databases.test-run';

export function newRun(prefix: string) {
  const id = `${prefix}-${randomBytes(3).toString('hex')}`;
  const runtime = new PodmanRuntime(SOCKET);
  const labels = { [TEST_RUN_LABEL]: id };
  return {
    id,
    runtime,
    labels,
    /** A container/network name unique to this run. */
    name: (suffix: string) => `t-${id}-${suffix}`,
    async cleanup(): Promise<void> {
      // Unguarded: a test may have created an unlabelled container on purpose (guard tests).
      const raw = new PodmanRuntime(SOCKET, { guardLabels: false });
      for (const c of await raw.listContainers(labels)) await raw.removeContainer(c.id, { force: true });
      for (const n of await raw.listNetworks(labels)) await raw.removeNetwork(n.name);
      for (const v of await raw.listVolumes(labels)) await raw.removeVolume(v.name);
    },
    async expectNothingLeft(): Promise<void> {
      expect(await runtime.listContainers(labels)).toEqual([]);
      expect(await runtime.listNetworks(labels)).toEqual([]);
      expect(await runtime.listVolumes(labels)).toEqual([]);
    },
  };
}

/** A plan for the tools image: no caps, read-write root, sleeps for ever. */
export function toolsPlan(overrides: Partial<ContainerPlan> = {}): ContainerPlan {
  return {
    env: {},
    cmd: ['/bin/sleep', 'infinity'],
    dataDir: '/data',
    files: [],
    tmpfs: {},
    capAdd: [],
    pidsLimit: 64,
    nofile: 4096,
    readOnlyRootfs: false,
    stopTimeoutSeconds: 2,
    ...overrides,
  };
}

export const b1 = { sku: 'b1', series: 'B' as const, memoryMb: 1024, cpus: 0.5, storageGb: 10 };
