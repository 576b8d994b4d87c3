import type { Kysely } from 'kysely';
import { LABELS, MODULE_ID } from '../../constants.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import { fromAdapter, ModuleError } from '../../errors.js';
import type { ModuleLogger } from '../../module-contract.js';
import { getAdapter, resolveImage } from '../adapters/registry.js';
import type { ConnectionDetails } from '../adapters/types.js';
import type { CredentialManager } from '../credential-manager.js';
import type { ImageService } from '../images/image-service.js';
import type { InstanceVolumes, SpecBuilder, VnetSource } from '../instances/collaborators.js';
import { probeFor, type Prober } from '../instances/probe-runner.js';
import { extraPublishedPorts, hostPortsByName } from '../network/published-ports.js';
import type { ReadinessWaiter } from '../instances/readiness.js';
import type { ContainerInfo, ContainerRuntime } from '../runtime/container-runtime.js';
import { provisionContainer } from './container-provisioning.js';
import { adapterInput, firstStart, primaryPort, probeTarget } from './container-support.js';
import { generatePassword } from '../security/passwords.js';
import type { InstanceNetworks } from '../network/instance-networks.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import type { InstanceCertificates } from '../security/tls-issuer.js';
import type { Admission, AdmissionRequest, ConnectionView, InstanceDriver, Observation, ProbeOutcome, ProvisionJob } from './instance-driver.js';

export interface ContainerDriverDeps {
  db: Kysely<Database>;
  runtime: ContainerRuntime;
  volumes: InstanceVolumes;
  vnets: VnetSource;
  specs: SpecBuilder;
  credentials: Pick<CredentialManager, 'read'>;
  readiness: ReadinessWaiter;
  /** Runs one probe (health checks, reconciliation); the readiness waiter uses the same one. */
  prober: Prober;
  /** Labels that mark this installation's containers (see LABELS.installation). */
  ownLabels: Record<string, string>;
  /** Per-engine image overrides (FLUX_DATABASES_IMAGE_<ENGINE>). */
  imageOverrides: Readonly<Record<string, string>>;
  /**
   * False under rootless Podman: VNets live in the user's network namespace, so probes of a VNet
   * instance run inside its container. Default true.
   */
  hostReachesVnets?: boolean;
  /** Pulls a missing image before the container is created (one pull per image, shared). */
  images: Pick<ImageService, 'ensure'>;
  /** The isolated network of each instance not on a VNet. */
  instanceNetworks: Pick<InstanceNetworks, 'ensure' | 'release'>;
  /** Issues an instance's certificate from the module's CA (a TLS create without the operator's). */
  certificates: Pick<InstanceCertificates, 'issue'>;
  logger: ModuleLogger;
}

/** Whether a container's labels mark it as this module's, of this installation. */
export function ownedBy(labels: Record<string, string>, ownLabels: Record<string, string>): boolean {
  return labels[LABELS.module] === MODULE_ID && Object.entries(ownLabels).every(([k, v]) => labels[k] === v);
}

/** An instance served by a Podman container. */
export class ContainerDriver implements InstanceDriver {
  readonly kind = 'container' as const;

  constructor(readonly deps: ContainerDriverDeps) {}

  async admit(r: AdmissionRequest): Promise<Admission> {
    await this.deps.specs.checkCapacity(r.sizing);
    try {
      r.adapter.plan({ ...r, password: generatePassword() });
      return { image: resolveImage(r.adapter, r.version, this.deps.imageOverrides), hostPort: r.vnetName === null };
    } catch (err) {
      throw fromAdapter(err);
    }
  }

  provision(job: ProvisionJob): Promise<void> {
    return provisionContainer(this, job);
  }

  /**
   * The container this installation created for the row, or null. Found by the id the row
   * stores; before that id is stored (a create interrupted early), by name, and only when it
   * carries this installation's and this instance's labels: anything else is left alone.
   */
  async owned(row: InstanceRow): Promise<ContainerInfo | null> {
    const info = await this.deps.runtime.inspectContainer(row.container_id ?? row.container_name);
    if (!info) return null;
    if (row.container_id) return info;
    if (!ownedBy(info.labels, this.deps.ownLabels) || info.labels[LABELS.instance] !== String(row.id)) {
      throw new ModuleError('FOREIGN_CONTAINER', `Container ${row.container_name} was not created by this installation for this instance; it is left untouched`);
    }
    return info;
  }

  private async existing(row: InstanceRow): Promise<ContainerInfo> {
    if (!row.container_id) throw new ModuleError('CONFLICT', `Instance has no container yet (status: ${row.status})`);
    const info = await this.owned(row);
    if (!info) throw new ModuleError('CONTAINER_MISSING', 'The instance container is missing; delete the instance or recreate it');
    return info;
  }

  private async input(row: InstanceRow) {
    const secret = (await this.deps.credentials.read(row.id, 'admin'))?.secret;
    if (!secret) throw new ModuleError('CREDENTIALS_MISSING', `Instance ${row.id} has no stored credentials`);
    return adapterInput(row, secret);
  }

  private async waitReady(row: InstanceRow, containerId: string): Promise<void> {
    const adapter = getAdapter(row.engine);
    const input = await this.input(row);
    await this.deps.readiness.wait(containerId, adapter, input, probeTarget(row, adapter, containerId, this.deps.hostReachesVnets));
    await firstStart(this.deps, row, containerId, adapter, input);
  }

  async start(row: InstanceRow): Promise<void> {
    const info = await this.existing(row);
    await this.deps.runtime.startContainer(info.id);
    await this.waitReady(row, info.id);
  }

  async stop(row: InstanceRow): Promise<void> {
    const info = await this.existing(row);
    await this.deps.runtime.stopContainer(info.id, await this.stopTimeout(row));
  }

  async restart(row: InstanceRow): Promise<void> {
    const info = await this.existing(row);
    await this.deps.runtime.restartContainer(info.id, await this.stopTimeout(row));
    await this.waitReady(row, info.id);
  }

  private async stopTimeout(row: InstanceRow): Promise<number> {
    return getAdapter(row.engine).plan(await this.input(row)).stopTimeoutSeconds;
  }

  async probe(row: InstanceRow): Promise<ProbeOutcome> {
    const info = await this.existing(row);
    const adapter = getAdapter(row.engine);
    const input = await this.input(row);
    const target = probeTarget(row, adapter, info.id, this.deps.hostReachesVnets);
    return this.deps.prober(probeFor(adapter, input, target), target);
  }

  async endpoint(row: InstanceRow): Promise<EngineEndpoint> {
    const info = await this.existing(row);
    const input = await this.input(row);
    const target = probeTarget(row, getAdapter(row.engine), info.id, this.deps.hostReachesVnets);
    return {
      engine: row.engine, version: row.engine_version, host: target.address, port: target.portFor,
      username: input.username, password: input.password, database: input.databaseName, tls: row.tls_enabled,
      exec: (argv, options) => this.deps.runtime.exec(info.id, argv, options),
      execStream: (argv, io) => this.deps.runtime.execStream(info.id, argv, io),
    };
  }

  async observe(row: InstanceRow): Promise<Observation> {
    const info = await this.owned(row);
    if (!info) return { state: 'missing' };
    return { state: info.state.running ? 'running' : 'stopped', containerId: info.id, detail: info.state.status };
  }

  async remove(row: InstanceRow, options: { keepData: boolean }): Promise<void> {
    const info = await this.owned(row).catch((err) => {
      // A stranger's container of the same name stays; the instance can still go.
      if (err instanceof ModuleError && err.code === 'FOREIGN_CONTAINER') return null;
      throw err;
    });
    if (info) await this.deps.runtime.removeContainer(info.id, { force: true });
    // After the container (Podman refuses to remove a network in use); kept data needs no network.
    if (!row.vnet_name) await this.deps.instanceNetworks.release(row.id, row.container_name);
    if (!options.keepData) await this.deps.volumes.remove(row.container_name);
  }

  /** Once the row is gone: a VNet no instance uses any more is removed (best effort). */
  async released(row: InstanceRow): Promise<void> {
    if (!row.vnet_name) return;
    await this.deps.vnets.releaseIfUnused(row.vnet_name).catch((err) =>
      this.deps.logger.warn({ vnet: row.vnet_name, err: (err as Error).message }, 'VNet kept'));
  }

  async logs(row: InstanceRow, options: { tail: number; since?: Date }) {
    return this.deps.runtime.logs((await this.existing(row)).id, options);
  }

  async stats(row: InstanceRow) {
    return this.deps.runtime.stats((await this.existing(row)).id);
  }

  inspect(row: InstanceRow): Promise<ContainerInfo> {
    return this.existing(row);
  }

  connection(row: InstanceRow, password: string | undefined): ConnectionView {
    const adapter = getAdapter(row.engine);
    const port = row.vnet_ip ? primaryPort(adapter) : row.port!;
    const host = row.vnet_ip ?? row.host;
    // On a VNet every port answers on the instance's IP; on the host, each published one on its own host port.
    const ports = row.vnet_ip
      ? Object.fromEntries(extraPublishedPorts(adapter).map((p) => [p.name, p.containerPort]))
      : hostPortsByName(row, adapter);
    const details: ConnectionDetails = {
      host, port, database: row.database_name, username: row.username, ...(password ? { password } : {}),
      ports, version: row.engine_version, tls: row.tls_enabled,
    };
    return {
      engine: row.engine, host, port, database: details.database, username: details.username, ...(password ? { password } : {}),
      ...(Object.keys(ports).length ? { ports } : {}),
      connection_string: adapter.connectionUri(details),
      commands: adapter.clientCommands(details),
    };
  }
}
