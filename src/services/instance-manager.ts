import * as repo from '../db/repositories/instances.js';
import type { InstanceRow } from '../db/schema.js';
import { badRequest, conflict, ModuleError } from '../errors.js';
import { getAdapter, isEngineId } from './adapters/registry.js';
import { InstanceActions } from './instances/actions.js';
import type { KeyedLock } from './instances/keyed-lock.js';
import { InstanceProvisioner } from './instances/provisioner.js';
import { InstanceReads } from './instances/reads.js';
import { checkCreateRequest, type CreateInstanceRequest } from './instances/request.js';
import { extraPublishedPorts } from './network/published-ports.js';
import { InstanceSupport, type InstanceManagerDeps } from './instances/support.js';
import { generateUsername } from './security/passwords.js';

export type { InstanceManagerDeps } from './instances/support.js';

/**
 * Creates, starts, stops, restarts and deletes instances. Every operation on one instance runs
 * under that instance's lock; create answers at once and provisions in the background, writing
 * progress to the row so the API (and a restarted module) can see where it is.
 */
export class InstanceManager {
  readonly support: InstanceSupport;
  readonly actions: InstanceActions;
  readonly reads: InstanceReads;
  private readonly provisioner: InstanceProvisioner;

  constructor(private readonly deps: InstanceManagerDeps) {
    this.support = new InstanceSupport(deps);
    this.actions = new InstanceActions(this.support);
    this.reads = new InstanceReads(this.support);
    this.provisioner = new InstanceProvisioner(this.support);
  }

  /** The per-instance lock (reconciliation skips instances with an operation under way). */
  get lock(): KeyedLock {
    return this.support.lock;
  }

  async create(req: CreateInstanceRequest): Promise<InstanceRow> {
    const { db } = this.deps;
    if (!isEngineId(req.engine)) throw badRequest(`Unknown database engine '${req.engine}'`);
    const adapter = getAdapter(req.engine);
    const checked = checkCreateRequest(req, adapter);
    if (await repo.findInstanceByName(db, checked.name)) throw conflict(`An instance named '${checked.name}' already exists`);
    const containerName = `db-${checked.name}`;
    if (await this.deps.volumes.exists(containerName)) {
      throw new ModuleError('KEPT_DATA_EXISTS', `The data of a deleted instance named '${checked.name}' is kept in `
        + `containers/${containerName} under the module's data directory; choose another name, or remove that directory to reuse the name`);
    }
    const username = adapter.fixedUsername ?? generateUsername();
    const admission = await this.deps.drivers.for(adapter).admit({
      adapter, containerName, databaseName: checked.databaseName, username, version: checked.version, sizing: checked.sizing, vnetName: checked.vnetName,
    });

    const base = {
      name: checked.name, container_name: containerName, engine: adapter.engine, engine_version: checked.version,
      image: admission.image,
      database_name: checked.databaseName, username,
      sku: checked.sizing.sku, cpu_limit: checked.sizing.cpus, memory_limit_mb: checked.sizing.memoryMb, storage_limit_gb: checked.sizing.storageGb,
      external_access: req.external_access ?? false, tls_enabled: checked.tlsEnabled, vnet_name: checked.vnetName,
      host: '127.0.0.1', limits_enforced: '{}', options: JSON.stringify({ series: checked.sizing.series }),
      status: 'creating' as const, progress: 0, status_message: 'queued',
    };
    const row = await this.insertWithPort(base, admission.hostPort, admission.hostPort ? extraPublishedPorts(adapter).map((p) => p.containerPort) : []);
    this.background(row.id, () => this.provisioner.provision(row.id, adapter, checked.sizing, checked.tls));
    return row;
  }

  /**
   * Inserts the row, retrying when a concurrent create took the same port (UNIQUE(port)). Ports
   * the engine publishes besides the primary one get host ports of their own, recorded in
   * options.host_ports (published-ports.ts).
   */
  private async insertWithPort(base: Parameters<typeof repo.insertInstance>[1], needsPort: boolean, extraContainerPorts: number[]): Promise<InstanceRow> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const port = needsPort ? await this.deps.ports.allocate() : null;
      const extra: number[] = [];
      try {
        for (let i = 0; i < extraContainerPorts.length; i++) extra.push(await this.deps.ports.allocate());
        const options = extra.length === 0 ? base.options : JSON.stringify({
          ...JSON.parse(base.options ?? '{}'), host_ports: Object.fromEntries(extraContainerPorts.map((c, i) => [String(c), extra[i]])),
        });
        return await repo.insertInstance(this.deps.db, { ...base, port, options });
      } catch (err) {
        if (repo.isUniqueViolation(err, 'port')) continue;
        if (repo.isUniqueViolation(err)) throw conflict(`An instance named '${base.name}' already exists`);
        throw err;
      } finally {
        // Once the row exists, UNIQUE(port) holds the port; the in-process reservation can go.
        if (port !== null) this.deps.ports.release(port);
        for (const p of extra) this.deps.ports.release(p);
      }
    }
    throw new ModuleError('PORTS_EXHAUSTED', 'No free host port could be reserved; widen FLUX_DATABASES_PORT_RANGE');
  }

  /** Runs a provisioning under the instance's lock; its failures are written to the row, this only logs the unexpected. */
  private background(id: number, task: () => Promise<void>): void {
    void this.lock.run(id, task).catch((err) => this.deps.logger.error({ err, instanceId: id }, 'background operation failed'));
  }

  get(id: number): Promise<InstanceRow> {
    return this.support.get(id);
  }

  list(): Promise<InstanceRow[]> {
    return repo.listInstances(this.deps.db);
  }

  start(id: number) { return this.actions.run(id, 'start'); }
  stop(id: number) { return this.actions.run(id, 'stop'); }
  restart(id: number) { return this.actions.run(id, 'restart'); }

  /** Removes what runs for the instance, its data (unless keepData), IP and port. Safe to repeat. */
  delete(id: number, options: { keepData?: boolean } = {}): Promise<void> {
    return this.actions.delete(id, options.keepData ?? false);
  }
}
