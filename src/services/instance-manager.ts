import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { LABELS, MODULE_ID } from '../constants.js';
import type { Database, InstanceRow } from '../db/schema.js';
import { badRequest, conflict, notFound, ModuleError } from '../errors.js';
import type { ModuleLogger } from '../module-contract.js';
import { getAdapter, isEngineId, resolveImage } from './adapters/registry.js';
import type { AdapterInput, EngineAdapter } from './adapters/types.js';
import { CredentialManager, generatePassword, generateUsername } from './credential-manager.js';
import type { EmbeddedEngines } from './embedded/embedded-engines.js';
import type { InstanceVolumes, PortSource, SpecBuilder, VnetSource } from './instance-collaborators.js';
import * as repo from './instance-repository.js';
import {
  CERT_MARKER, checkName, decodePem, KEY_MARKER, MAX_INSTANCE_NAME, MAX_VNET_NAME, PATTERNS, resolveSizing,
  type CreateInstanceRequest, type ResolvedSizing,
} from './instance-request.js';
import { KeyedLock } from './keyed-lock.js';
import { ReadinessWaiter } from './readiness.js';
import type { ContainerRuntime, PortBinding } from './runtime/container-runtime.js';

export interface InstanceManagerDeps {
  db: Kysely<Database>;
  runtime: ContainerRuntime;
  credentials: CredentialManager;
  specs: SpecBuilder;
  ports: PortSource;
  volumes: InstanceVolumes;
  vnets: VnetSource;
  embedded: EmbeddedEngines;
  config: Config;
  logger: ModuleLogger;
  /** Labels that mark this installation's containers (see LABELS.installation). */
  ownLabels: Record<string, string>;
}

/**
 * Creates, starts, stops, restarts and deletes instances. Every operation on one instance runs
 * under that instance's lock; create answers at once and provisions in the background, writing
 * progress to the row so the API (and a restarted module) can see where it is.
 */
export class InstanceManager {
  readonly lock = new KeyedLock();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly readiness: ReadinessWaiter;

  constructor(private readonly deps: InstanceManagerDeps) {
    this.readiness = new ReadinessWaiter(deps.runtime);
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
    this.background(row.id, () => this.provision(row.id, adapter, sizing, tls));
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

  private background(id: number, task: () => Promise<void>): void {
    const p = this.lock.run(id, task).catch((err) => this.deps.logger.error({ err, instanceId: id }, 'background operation failed'));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Waits for background provisioning (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private async progress(id: number, progress: number, message: string, extra: Parameters<typeof repo.updateInstance>[2] = {}) {
    await repo.updateInstance(this.deps.db, id, { progress, status_message: message, ...extra });
  }

  private async provision(id: number, adapter: EngineAdapter, sizing: ResolvedSizing, tls?: { cert: string; key: string }): Promise<void> {
    const { db, runtime, volumes } = this.deps;
    let row = (await repo.findInstance(db, id))!;
    let password: string | undefined;
    try {
      password = generatePassword();
      await this.deps.credentials.store(id, 'admin', row.username, password);
      await this.progress(id, 10, 'preparing volumes');
      if (adapter.capabilities.isEmbedded) {
        const paths = await volumes.prepare(row.container_name);
        await this.deps.embedded.create(row, paths.data);
        await this.progress(id, 100, 'ready', { status: 'running', volume_path: paths.root, started_at: new Date(), error_message: null });
        return;
      }
      let network: { name: string; ipv4: string } | undefined;
      if (row.vnet_name) {
        const vnet = await this.deps.vnets.ensure(row.vnet_name);
        network = { name: vnet.name, ipv4: await this.allocateVnetIp(id, row.vnet_name) };
        row = (await repo.updateInstance(db, id, { vnet_subnet: vnet.subnet, host: network.ipv4 }))!;
      }
      const input = await this.adapterInput(row, adapter, sizing, password);
      const plan = adapter.plan(input);
      const paths = await volumes.prepare(row.container_name, plan.user);
      if (tls) {
        const hostTls = await volumes.writeTls(row.container_name, tls.cert, tls.key, plan.user);
        await repo.updateInstance(db, id, { tls_cert_path: hostTls.certPath, tls_key_path: hostTls.keyPath });
      }
      const mounts = [
        { source: paths.data, target: plan.dataDir },
        ...(plan.logsDir ? [{ source: paths.logs, target: plan.logsDir }] : []),
        ...(tls ? [{ source: paths.tls, target: '/tls', readOnly: true }] : []),
        ...(await volumes.prepareExtra(row.container_name, plan.extraVolumes ?? {}, plan.user)),
        ...(await volumes.writeFiles(row.container_name, plan.files, plan.user)),
      ];
      await this.progress(id, 30, 'creating container', { volume_path: paths.root });
      const { spec, limits } = await this.deps.specs.build({
        instanceId: id, containerName: row.container_name, engine: adapter, image: row.image, plan, sizing,
        ports: this.portBindings(row, adapter), mounts, network,
      });
      const leftover = await this.ownedContainer(row.container_name); // of an interrupted create
      if (leftover) await runtime.removeContainer(leftover.id, { force: true });
      const { id: containerId } = await runtime.createContainer(spec);
      await this.progress(id, 50, 'starting', { container_id: containerId, status: 'starting', limits_enforced: JSON.stringify(limits) });
      await runtime.startContainer(containerId);
      await this.progress(id, 70, 'waiting for the engine to answer');
      await this.readiness.wait(containerId, adapter, input, this.probeTarget(row, adapter, containerId));
      await this.runPostStart(containerId, adapter, input);
      await this.progress(id, 100, 'ready', { status: 'running', started_at: new Date(), error_message: null });
    } catch (err) {
      await this.markFailed(id, row.container_name, err, password);
    }
  }

  /** First-start steps the image cannot do from env (each is safe to repeat). */
  private async runPostStart(containerId: string, adapter: EngineAdapter, input: AdapterInput): Promise<void> {
    for (const step of adapter.postStartCommands?.(input) ?? []) {
      const r = await this.deps.runtime.exec(containerId, step.argv, { env: step.env, timeoutMs: 60_000 });
      if (r.exitCode !== 0) throw new Error(`first-start step ${step.argv[0]} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
    }
  }

  private async allocateVnetIp(id: number, vnetName: string): Promise<string> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ip = await this.deps.vnets.allocateIp(vnetName);
      try {
        await repo.updateInstance(this.deps.db, id, { vnet_ip: ip });
        return ip;
      } catch (err) {
        if (!repo.isUniqueViolation(err)) throw err;
      } finally {
        this.deps.vnets.releaseIp(vnetName, ip);
      }
    }
    throw new ModuleError('VNET_EXHAUSTED', 503, `No free IP on VNet ${vnetName}`);
  }

  private async markFailed(id: number, containerName: string, err: unknown, password?: string): Promise<void> {
    let reason = err instanceof Error ? err.message : String(err);
    const tail = await this.deps.runtime.logs(containerName, { tail: 20 }).catch(() => []);
    if (tail.length) reason += `\n--- last log lines ---\n${tail.map((l) => l.text).join('\n')}`;
    if (password) reason = reason.split(password).join('********');
    this.deps.logger.warn({ instanceId: id, reason: reason.split('\n')[0] }, 'instance failed');
    await repo.updateInstance(this.deps.db, id, { status: 'failed', error_message: reason.slice(0, 8000), status_message: 'failed' });
  }

  private portBindings(row: InstanceRow, adapter: EngineAdapter): PortBinding[] {
    if (row.port === null) return [];
    const primary = adapter.ports.find((p) => p.primary) ?? adapter.ports[0]!;
    return [{ containerPort: primary.containerPort, hostPort: row.port, hostIp: row.external_access ? '0.0.0.0' : '127.0.0.1' }];
  }

  probeTarget(row: InstanceRow, adapter: EngineAdapter, containerId: string) {
    const primary = adapter.ports.find((p) => p.primary) ?? adapter.ports[0]!;
    return {
      containerId,
      address: row.vnet_ip ?? '127.0.0.1',
      portFor: (containerPort: number) => (row.vnet_ip || containerPort !== primary.containerPort ? containerPort : row.port!),
    };
  }

  async adapterInput(row: InstanceRow, adapter: EngineAdapter, sizing?: ResolvedSizing, password?: string): Promise<AdapterInput> {
    const secret = password ?? (await this.deps.credentials.read(row.id, 'admin'))?.secret;
    if (!secret) throw new ModuleError('CREDENTIALS_MISSING', 409, `Instance ${row.id} has no stored credentials`);
    return {
      containerName: row.container_name, databaseName: row.database_name, username: row.username, password: secret,
      version: row.engine_version,
      sizing: sizing ?? { memoryMb: row.memory_limit_mb, cpus: Number(row.cpu_limit), storageGb: row.storage_limit_gb },
      ...(row.tls_enabled ? { tls: { certPath: '/tls/server.crt', keyPath: '/tls/server.key' } } : {}),
    };
  }

  /** Probes an instance whose container runs and marks it running (used by reconciliation). */
  async confirmReady(id: number): Promise<void> {
    await this.lock.run(id, async () => {
      const row = await this.get(id);
      const adapter = getAdapter(row.engine as never);
      const info = await this.ownedContainer(row.container_name);
      if (!info) throw new Error('container not found');
      const input = await this.adapterInput(row, adapter);
      await this.readiness.wait(info.id, adapter, input, this.probeTarget(row, adapter, info.id));
      await repo.updateInstance(this.deps.db, id, { status: 'running', status_message: 'ready', progress: 100, container_id: info.id, error_message: null });
    });
  }

  async get(id: number): Promise<InstanceRow> {
    // Ids beyond SERIAL's range cannot exist; asking the store would be an error, not a 404.
    const row = id <= 2_147_483_647 ? await repo.findInstance(this.deps.db, id) : undefined;
    if (!row) throw notFound('Database instance not found');
    return row;
  }

  list(): Promise<InstanceRow[]> {
    return repo.listInstances(this.deps.db);
  }

  start(id: number) { return this.action(id, 'start'); }
  stop(id: number) { return this.action(id, 'stop'); }
  restart(id: number) { return this.action(id, 'restart'); }

  private async action(id: number, what: 'start' | 'stop' | 'restart'): Promise<InstanceRow> {
    await this.get(id);
    return this.lock.run(id, async () => {
      const row = await this.get(id);
      if (['creating', 'deleting'].includes(row.status)) throw conflict(`Instance is ${row.status}; try again when it is done`);
      const adapter = getAdapter(row.engine as never);
      if (adapter.capabilities.isEmbedded) return this.embeddedAction(row, what);
      const info = await this.ownedContainer(row.container_name);
      if (!info) {
        await repo.updateInstance(this.deps.db, id, { status: 'missing', status_message: 'container not found' });
        throw conflict('The instance container is missing; delete the instance or recreate it');
      }
      const input = await this.adapterInput(row, adapter);
      const stopTimeout = adapter.plan(input).stopTimeoutSeconds;
      try {
        if (what === 'stop') {
          await repo.updateInstance(this.deps.db, id, { status: 'stopping' });
          await this.deps.runtime.stopContainer(info.id, stopTimeout);
          return (await repo.updateInstance(this.deps.db, id, { status: 'stopped', status_message: 'stopped' }))!;
        }
        await repo.updateInstance(this.deps.db, id, { status: what === 'start' ? 'starting' : 'restarting' });
        if (what === 'start') await this.deps.runtime.startContainer(info.id);
        else await this.deps.runtime.restartContainer(info.id, stopTimeout);
        await this.readiness.wait(info.id, adapter, input, this.probeTarget(row, adapter, info.id));
        return (await repo.updateInstance(this.deps.db, id, { status: 'running', status_message: 'ready', started_at: new Date(), error_message: null }))!;
      } catch (err) {
        await this.markFailed(id, row.container_name, err, input.password);
        throw new ModuleError('ACTION_FAILED', 502, `${what} failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
      }
    });
  }

  private async embeddedAction(row: InstanceRow, what: 'start' | 'stop' | 'restart'): Promise<InstanceRow> {
    if (what !== 'stop') await this.deps.embedded.check(row);
    const status = what === 'stop' ? 'stopped' : 'running';
    return (await repo.updateInstance(this.deps.db, row.id, { status, status_message: status, ...(status === 'running' ? { started_at: new Date() } : {}) }))!;
  }

  /** The container of that name, or null; a container this installation did not label is never touched. */
  private async ownedContainer(name: string) {
    const info = await this.deps.runtime.inspectContainer(name);
    if (!info) return null;
    const ours = info.labels[LABELS.module] === MODULE_ID
      && Object.entries(this.deps.ownLabels).every(([k, v]) => info.labels[k] === v);
    if (!ours) throw conflict(`Container ${name} was not created by this installation of the module; it is left untouched`);
    return info;
  }

  /** Removes container, volumes (unless keepData), IP and port. Safe to repeat after a partial failure. */
  async delete(id: number, options: { keepData?: boolean } = {}): Promise<void> {
    await this.get(id);
    await this.lock.run(id, async () => {
      const row = await repo.findInstance(this.deps.db, id);
      if (!row) return;
      await repo.updateInstance(this.deps.db, id, { status: 'deleting', status_message: 'deleting' });
      const info = await this.ownedContainer(row.container_name);
      if (info) await this.deps.runtime.removeContainer(info.id, { force: true });
      if (!options.keepData) await this.deps.volumes.remove(row.container_name);
      await repo.deleteInstanceRow(this.deps.db, id);
      if (row.vnet_name) await this.deps.vnets.releaseIfUnused(row.vnet_name);
    });
  }
}
