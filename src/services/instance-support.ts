import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { LABELS, MODULE_ID } from '../constants.js';
import type { Database, InstanceRow } from '../db/schema.js';
import { conflict, notFound, ModuleError } from '../errors.js';
import type { ModuleLogger } from '../module-contract.js';
import type { AdapterInput, EngineAdapter } from './adapters/types.js';
import type { CredentialManager } from './credential-manager.js';
import type { EmbeddedEngines } from './embedded/embedded-engines.js';
import type { InstanceVolumes, PortSource, SpecBuilder, VnetSource } from './instance-collaborators.js';
import * as repo from './instance-repository.js';
import type { Sizing } from './sku-resources.js';
import { KeyedLock } from './keyed-lock.js';
import type { ProbeTarget } from './probe-runner.js';
import { ReadinessWaiter } from './readiness.js';
import type { ContainerRuntime } from './runtime/container-runtime.js';

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

/** Whether a container's labels mark it as this module's, of this installation. */
export function ownedBy(labels: Record<string, string>, ownLabels: Record<string, string>): boolean {
  return labels[LABELS.module] === MODULE_ID && Object.entries(ownLabels).every(([k, v]) => labels[k] === v);
}

/** What the manager, the provisioner and the actions share: collaborators, the per-instance lock, and row helpers. */
export class InstanceSupport {
  /** One queue per instance: its operations never interleave. */
  readonly lock = new KeyedLock();
  readonly readiness: ReadinessWaiter;

  constructor(readonly deps: InstanceManagerDeps) {
    this.readiness = new ReadinessWaiter(deps.runtime);
  }

  async progress(id: number, progress: number, message: string, extra: Parameters<typeof repo.updateInstance>[2] = {}) {
    await repo.updateInstance(this.deps.db, id, { progress, status_message: message, ...extra });
  }

  async markFailed(id: number, containerName: string, err: unknown, password?: string): Promise<void> {
    let reason = err instanceof Error ? err.message : String(err);
    const tail = await this.deps.runtime.logs(containerName, { tail: 20 }).catch(() => []);
    if (tail.length) reason += `\n--- last log lines ---\n${tail.map((l) => l.text).join('\n')}`;
    if (password) reason = reason.split(password).join('********');
    this.deps.logger.warn({ instanceId: id, reason: reason.split('\n')[0] }, 'instance failed');
    await repo.updateInstance(this.deps.db, id, { status: 'failed', error_message: reason.slice(0, 8000), status_message: 'failed' });
  }

  probeTarget(row: InstanceRow, adapter: EngineAdapter, containerId: string): ProbeTarget {
    const primary = adapter.ports.find((p) => p.primary) ?? adapter.ports[0]!;
    return {
      containerId,
      address: row.vnet_ip ?? '127.0.0.1',
      portFor: (containerPort: number) => (row.vnet_ip || containerPort !== primary.containerPort ? containerPort : row.port!),
    };
  }

  async adapterInput(row: InstanceRow, adapter: EngineAdapter, sizing?: Sizing, password?: string): Promise<AdapterInput> {
    const secret = password ?? (await this.deps.credentials.read(row.id, 'admin'))?.secret;
    if (!secret) throw new ModuleError('CREDENTIALS_MISSING', 409, `Instance ${row.id} has no stored credentials`);
    return {
      containerName: row.container_name, databaseName: row.database_name, username: row.username, password: secret,
      version: row.engine_version,
      sizing: sizing ?? { memoryMb: row.memory_limit_mb, cpus: Number(row.cpu_limit), storageGb: row.storage_limit_gb },
      ...(row.tls_enabled ? { tls: { certPath: '/tls/server.crt', keyPath: '/tls/server.key' } } : {}),
    };
  }

  async get(id: number): Promise<InstanceRow> {
    // Ids beyond SERIAL's range cannot exist; asking the store would be an error, not a 404.
    const row = id <= 2_147_483_647 ? await repo.findInstance(this.deps.db, id) : undefined;
    if (!row) throw notFound('Database instance not found');
    return row;
  }

  /** The container of that name, or null; a container this installation did not label is never touched. */
  async ownedContainer(name: string) {
    const info = await this.deps.runtime.inspectContainer(name);
    if (!info) return null;
    if (!ownedBy(info.labels, this.deps.ownLabels)) throw conflict(`Container ${name} was not created by this installation of the module; it is left untouched`);
    return info;
  }

}
