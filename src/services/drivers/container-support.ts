import type { Kysely } from 'kysely';
import { updateInstance } from '../../db/repositories/instances.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import type { AdapterInput, EngineAdapter } from '../adapters/types.js';
import type { Sizing } from '../orchestration/sku-resources.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { ProbeTarget } from '../instances/probe-runner.js';
import { recordedHostPorts } from '../network/published-ports.js';

/** The container port clients connect to (published on the instance's host port). */
export function primaryPort(adapter: Pick<EngineAdapter, 'ports'>): number {
  return (adapter.ports.find((p) => p.primary) ?? adapter.ports[0]!).containerPort;
}

/** What the adapter plans and probes from: the row's settings plus the admin password. */
export function adapterInput(row: InstanceRow, password: string, sizing?: Sizing): AdapterInput {
  return {
    containerName: row.container_name, databaseName: row.database_name, username: row.username, password,
    version: row.engine_version,
    sizing: sizing ?? { memoryMb: row.memory_limit_mb, cpus: Number(row.cpu_limit), storageGb: row.storage_limit_gb },
    ...(row.tls_enabled ? { tls: { certPath: '/tls/server.crt', keyPath: '/tls/server.key' } } : {}),
  };
}

/**
 * Where the module reaches the engine from the host: 127.0.0.1 and the host port of each published
 * port (the row's `port` for the primary one, options.host_ports for the others), or the VNet IP
 * and the container port. `hostReachesVnets` is false under rootless Podman, whose networks live
 * in the user's network namespace: probes of a VNet instance then run inside the container.
 */
export function probeTarget(row: InstanceRow, adapter: EngineAdapter, containerId: string, hostReachesVnets = true): ProbeTarget {
  const primary = primaryPort(adapter);
  const published = recordedHostPorts(row);
  return {
    containerId,
    address: row.vnet_ip ?? '127.0.0.1',
    portFor: (containerPort: number) => {
      if (row.vnet_ip) return containerPort;
      if (containerPort === primary) return row.port!;
      return published[String(containerPort)] ?? containerPort;
    },
    hostReachable: !row.vnet_ip || hostReachesVnets,
  };
}

/**
 * The adapter's first-start steps (what the image cannot do from env), once per instance: skipped
 * when the row records them done, recorded when they all succeed. A failed step stops the
 * container, so an instance whose bootstrap did not finish never serves (e.g. with a default
 * superuser still open); start and reconciliation run the steps again (each is safe to repeat).
 */
export async function firstStart(
  deps: { db: Kysely<Database>; runtime: Pick<ContainerRuntime, 'exec' | 'stopContainer'> },
  row: InstanceRow, containerId: string, adapter: EngineAdapter, input: AdapterInput,
): Promise<void> {
  if (row.first_start_done) return;
  for (const step of adapter.postStartCommands?.(input) ?? []) {
    // A step that cannot run at all (Podman failing, the container dying) stops the container too.
    const r = await deps.runtime.exec(containerId, step.argv, { env: step.env, timeoutMs: 60_000 }).catch(async (err: Error) => {
      await deps.runtime.stopContainer(containerId, 10).catch(() => undefined);
      const message = `first-start step ${step.argv[0]} could not run: ${err.message}; the container was stopped`;
      throw err instanceof ModuleError ? new ModuleError(err.code, message, { cause: err }) : new Error(message, { cause: err });
    });
    if (r.exitCode !== 0) {
      await deps.runtime.stopContainer(containerId, 10).catch(() => undefined);
      throw new Error(`first-start step ${step.argv[0]} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').at(-1) ?? ''}; the container was stopped`);
    }
  }
  await updateInstance(deps.db, row.id, { first_start_done: true });
}
