import { randomBytes } from 'node:crypto';
import type { InstanceRow } from '../db/schema.js';
import { badRequest, conflict, ModuleError } from '../errors.js';
import { getAdapter, isEngineId, resolveImage } from './adapters/registry.js';
import type { AdapterInput, EngineAdapter } from './adapters/types.js';
import { generatePassword, generateUsername } from './credential-manager.js';
import { InstanceActions } from './instance-actions.js';
import { InstanceProvisioner } from './instance-provisioner.js';
import * as repo from './instance-repository.js';
import {
  CERT_MARKER, checkName, decodePem, KEY_MARKER, MAX_INSTANCE_NAME, MAX_VNET_NAME, PATTERNS, resolveSizing,
  type CreateInstanceRequest,
} from './instance-request.js';
import { InstanceSupport, type InstanceManagerDeps } from './instance-support.js';
import type { KeyedLock } from './keyed-lock.js';

export type { InstanceManagerDeps } from './instance-support.js';

/**
 * Creates, starts, stops, restarts and deletes instances. Every operation on one instance runs
 * under that instance's lock; create answers at once and provisions in the background, writing
 * progress to the row so the API (and a restarted module) can see where it is.
 */
export class InstanceManager {
  private readonly support: InstanceSupport;
  private readonly provisioner: InstanceProvisioner;
  private readonly actions: InstanceActions;

  constructor(private readonly deps: InstanceManagerDeps) {
    this.support = new InstanceSupport(deps);
    this.provisioner = new InstanceProvisioner(this.support);
    this.actions = new InstanceActions(this.support);
  }

  /** The per-instance lock (reconciliation skips instances with an operation under way). */
  get lock(): KeyedLock {
    return this.support.lock;
  }

  async create(req: CreateInstanceRequest): Promise<InstanceRow> {
    const { db, config } = this.deps;
    if (!isEngineId(req.engine)) throw badRequest(`Unknown database engine '${req.engine}'`);
    const adapter = getAdapter(req.engine);
    const version = req.version ?? adapter.defaultVersion;
    if (!adapter.versions.includes(version)) {
      throw badRequest(`${adapter.displayName} version '${version}' is not supported; choose one of: ${adapter.versions.join(', ')}`);
    }
    const name = checkName(req.name ?? `${adapter.engine}-${randomBytes(3).toString('hex')}`, PATTERNS.instanceName, MAX_INSTANCE_NAME, 'name');
    const databaseName = checkName(req.database_name ?? 'app', PATTERNS.databaseName, 63, 'database_name');
    const vnetName = req.vnet_name === undefined ? null : checkName(req.vnet_name, PATTERNS.vnetName, MAX_VNET_NAME, 'vnet_name');
    const sizing = resolveSizing(req, adapter);
    if (!adapter.capabilities.isEmbedded) await this.deps.specs.checkCapacity(sizing);
    const tls = this.checkTls(req, adapter);
    if (req.external_access && !adapter.capabilities.hasAuthentication) {
      throw badRequest(`${adapter.displayName} runs without authentication here; it cannot be exposed beyond 127.0.0.1`);
    }
    if (await repo.findInstanceByName(db, name)) throw conflict(`An instance named '${name}' already exists`);

    const username = adapter.fixedUsername ?? generateUsername();
    this.checkPlan(adapter, { containerName: `db-${name}`, databaseName, username, version, sizing });

    const base = {
      name, container_name: `db-${name}`, engine: adapter.engine, engine_version: version,
      image: adapter.capabilities.isEmbedded ? 'embedded' : resolveImage(adapter, version, config.imageOverrides),
      database_name: databaseName, username,
      sku: sizing.sku, cpu_limit: sizing.cpus, memory_limit_mb: sizing.memoryMb, storage_limit_gb: sizing.storageGb,
      external_access: req.external_access ?? false, tls_enabled: Boolean(tls), vnet_name: vnetName,
      host: '127.0.0.1', limits_enforced: '{}', options: JSON.stringify({ series: sizing.series }),
      status: 'creating' as const, progress: 0, status_message: 'queued',
    };
    const row = await this.insertWithPort(base, adapter, vnetName !== null);
    this.background(row.id, () => this.provisioner.provision(row.id, adapter, sizing, tls));
    return row;
  }

  /** Inserts the row, retrying when a concurrent create took the same port (UNIQUE(port)). */
  private async insertWithPort(base: Parameters<typeof repo.insertInstance>[1], adapter: EngineAdapter, onVnet: boolean): Promise<InstanceRow> {
    const needsPort = !adapter.capabilities.isEmbedded && !onVnet;
    for (let attempt = 0; attempt < 8; attempt++) {
      const port = needsPort ? await this.deps.ports.allocate() : null;
      try {
        return await repo.insertInstance(this.deps.db, { ...base, port });
      } catch (err) {
        if (repo.isUniqueViolation(err, 'port')) continue;
        if (repo.isUniqueViolation(err)) throw conflict(`An instance named '${base.name}' already exists`);
        throw err;
      } finally {
        // Once the row exists, UNIQUE(port) holds the port; the in-process reservation can go.
        if (port !== null) this.deps.ports.release(port);
      }
    }
    throw new ModuleError('PORTS_EXHAUSTED', 503, 'No free host port could be reserved; widen FLUX_DATABASES_PORT_RANGE');
  }

  /** The adapter's own checks (name rules per engine, versions, minimums) answer 400 now, not a failed row later. */
  private checkPlan(adapter: EngineAdapter, input: Omit<AdapterInput, 'password'>): void {
    if (adapter.capabilities.isEmbedded) return;
    try {
      adapter.plan({ ...input, password: generatePassword() });
    } catch (err) {
      throw badRequest((err as Error).message, err);
    }
  }

  private checkTls(req: CreateInstanceRequest, adapter: EngineAdapter): { cert: string; key: string } | undefined {
    if (!req.tls_enabled) return undefined;
    if (!adapter.capabilities.supportsTls) throw badRequest(`TLS is not supported for ${adapter.displayName} yet`);
    if (!req.tls_cert || !req.tls_key) throw badRequest('tls_enabled needs tls_cert and tls_key (base64 PEM)');
    return { cert: decodePem(req.tls_cert, 'tls_cert', CERT_MARKER), key: decodePem(req.tls_key, 'tls_key', KEY_MARKER) };
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

  start(id: number) { return this.actions.start(id); }
  stop(id: number) { return this.actions.stop(id); }
  restart(id: number) { return this.actions.restart(id); }
  /** Probes an instance whose container runs and marks it running (reconciliation). */
  confirmReady(id: number) { return this.actions.confirmReady(id); }

  /** Removes container, volumes (unless keepData), IP and port. Safe to repeat after a partial failure. */
  async delete(id: number, options: { keepData?: boolean } = {}): Promise<void> {
    await this.get(id);
    await this.lock.run(id, async () => {
      const row = await repo.findInstance(this.deps.db, id);
      if (!row) return;
      await repo.updateInstance(this.deps.db, id, { status: 'deleting', status_message: 'deleting' });
      const info = await this.support.ownedContainer(row.container_name);
      if (info) await this.deps.runtime.removeContainer(info.id, { force: true });
      if (!options.keepData) await this.deps.volumes.remove(row.container_name);
      await repo.deleteInstanceRow(this.deps.db, id);
      // The instance is gone by now; a network another user still holds stays, and says why in the log.
      if (row.vnet_name) {
        await this.deps.vnets.releaseIfUnused(row.vnet_name).catch((err) =>
          this.deps.logger.warn({ vnet: row.vnet_name, err: (err as Error).message }, 'VNet kept'));
      }
    });
  }
}
