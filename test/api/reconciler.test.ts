import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateUp } from '../../src/db/migrator.js';
import { openStore, type Store } from '../../src/db/store.js';
import { insertInstance, findInstance } from '../../src/db/repositories/instances.js';
import { ContainerDriver } from '../../src/services/drivers/container-driver.js';
import { DriverSet, type InstanceDriver } from '../../src/services/drivers/instance-driver.js';
import { InstanceManager } from '../../src/services/instance-manager.js';
import { Reconciler } from '../../src/services/instances/reconciler.js';
import { testConfig } from '../helpers/host.js';
import type { ContainerRuntime } from '../../src/services/runtime/container-runtime.js';
import { tempDir } from '../helpers/host.js';
import { memoryLogger } from '../helpers/logger.js';

// Reconciliation decisions on rows whose container is gone, with the runtime faked (no container at all).
let store: Store;
let dir: { path: string; remove(): Promise<void> };
beforeAll(async () => {
  dir = await tempDir('flux-reconcile-');
  store = await openStore({ dataDir: dir.path }, memoryLogger());
  await migrateUp(store.db);
});
afterAll(async () => { await store.close(); await dir.remove(); });

const runtime = { listContainers: async () => [], inspectContainer: async () => null } as unknown as ContainerRuntime;

function managerWith(volumes: { remove(name: string): Promise<void> }) {
  const container = new ContainerDriver({ runtime, volumes, instanceNetworks: { release: async () => undefined } } as never);
  return new InstanceManager({
    db: store.db, drivers: new DriverSet({ container, embedded: {} as InstanceDriver }), credentials: {} as never,
    ports: {} as never, volumes: {} as never, config: testConfig(dir.path), logger: memoryLogger(),
  });
}

async function row(name: string, status: 'creating' | 'starting' | 'running', startedAt: Date | null) {
  return insertInstance(store.db, {
    name, container_name: `db-${name}`, engine: 'postgresql', engine_version: '15', image: 'x', database_name: 'app',
    username: 'u', port: null, status, started_at: startedAt, cpu_limit: 1, memory_limit_mb: 1024, storage_limit_gb: 10,
    limits_enforced: '{}', options: '{}',
  });
}

describe('reconciler', () => {
  it('cleans up a create that never ran, and keeps the data of an instance that did', async () => {
    const neverRan = await row('never-ran', 'creating', null);
    const ranOnce = await row('ran-once', 'starting', new Date()); // a start interrupted by a crash
    const running = await row('was-running', 'running', new Date());
    const volumes = { remove: vi.fn(async () => undefined) };
    const manager = managerWith(volumes);
    const reconciler = new Reconciler(store.db, runtime, manager.support, manager.actions, {}, memoryLogger());

    const report = await reconciler.run();

    expect(volumes.remove).toHaveBeenCalledTimes(1);
    expect(volumes.remove).toHaveBeenCalledWith('db-never-ran');
    expect((await findInstance(store.db, neverRan.id))!.status).toBe('failed');
    expect((await findInstance(store.db, ranOnce.id))!.status).toBe('missing');
    expect((await findInstance(store.db, running.id))!.status).toBe('missing');
    expect(report.changes.map((c) => c.to).sort()).toEqual(['failed', 'missing', 'missing']);
  });
});
