import type { InstanceRow } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import type { EngineAdapter } from '../adapters/types.js';
import type { BindMount, ContainerSpec, PortBinding } from '../runtime/container-runtime.js';
import { ensureImageForCreate } from '../images/create-pull.js';
import type { ContainerDriver } from './container-driver.js';
import { adapterInput, firstStart, primaryPort, probeTarget } from './container-support.js';
import type { ProvisionJob } from './instance-driver.js';
import { recordedHostPorts } from '../network/published-ports.js';
import * as repo from '../../db/repositories/instances.js';

/**
 * The container half of a create: VNet address, volumes and rendered files, the hardened
 * container, start, the engine's own answer, first-start steps. Each stage writes its progress.
 */
export async function provisionContainer(driver: ContainerDriver, job: ProvisionJob): Promise<void> {
  const { deps } = driver;
  const { runtime, volumes } = deps;
  const { adapter, sizing, tls } = job;
  let row = job.row;
  let network: { name: string; ipv4?: string };
  if (row.vnet_name) {
    const vnet = await deps.vnets.ensure(row.vnet_name);
    const ipv4 = await allocateVnetIp(deps, row.id, row.vnet_name);
    network = { name: vnet.name, ipv4 };
    row = { ...row, vnet_subnet: vnet.subnet, vnet_ip: ipv4, host: ipv4 };
    await job.progress(5, 'VNet address reserved', { vnet_subnet: vnet.subnet, host: ipv4 });
  } else {
    // Its own isolated network: no other instance reaches its unpublished ports.
    network = { name: (await deps.instanceNetworks.ensure(row.id, row.container_name, adapter.engine)).name };
  }
  const input = adapterInput(row, job.password, sizing);
  const plan = adapter.plan(input);
  await job.progress(10, 'preparing volumes');
  const paths = await volumes.prepare(row.container_name, plan.user);
  // Without the operator's material the module's CA issues it, now that the VNet IP is known.
  const material = tls ?? (row.tls_enabled ? await deps.certificates.issue(row) : undefined);
  if (material) {
    const hostTls = await volumes.writeTls(row.container_name, material.cert, material.key, plan.user);
    await job.progress(15, 'TLS material written', { tls_cert_path: hostTls.certPath, tls_key_path: hostTls.keyPath });
  }
  const mounts: BindMount[] = [
    { source: paths.data, target: plan.dataDir },
    ...(plan.logsDir ? [{ source: paths.logs, target: plan.logsDir }] : []),
    ...(material ? [{ source: paths.tls, target: '/tls', readOnly: true }] : []),
    ...(await volumes.prepareExtra(row.container_name, plan.extraVolumes ?? {}, plan.user)),
    ...(await volumes.writeFiles(row.container_name, plan.files, plan.user)),
  ];
  await job.progress(30, 'creating container', { volume_path: paths.root });
  const { spec, limits } = await deps.specs.build({
    instanceId: row.id, containerName: row.container_name, engine: adapter, image: row.image, plan, sizing,
    ports: portBindings(row, adapter), mounts, network,
  });
  await ensureImageForCreate(deps.images, row.image, job.progress, (err) => deps.logger.warn({ instanceId: row.id, err: (err as Error).message }, 'pull progress not written'));
  const { id: containerId } = await createOwnContainer(runtime, spec);
  row = { ...row, container_id: containerId };
  await job.progress(50, 'starting', { container_id: containerId, limits_enforced: JSON.stringify(limits) });
  await runtime.startContainer(containerId);
  await job.progress(70, 'waiting for the engine to answer');
  await deps.readiness.wait(containerId, adapter, input, probeTarget(row, adapter, containerId, deps.hostReachesVnets));
  await firstStart(deps, row, containerId, adapter, input);
}

/**
 * Creates the container, never making room for it: a container already holding the name (a
 * stranger's, or one an interrupted create left, which the reconciler settles) fails the create
 * and is left as it is. Podman's name check is atomic, so no inspect-then-remove race exists.
 */
async function createOwnContainer(runtime: ContainerDriver['deps']['runtime'], spec: ContainerSpec): Promise<{ id: string }> {
  try {
    return await runtime.createContainer(spec);
  } catch (err) {
    if (err instanceof ModuleError && err.code === 'CONFLICT') {
      throw new ModuleError('CONFLICT', `A container named ${spec.name} already exists and was not created by this create; it was left untouched. `
        + 'Delete this instance, and remove that container (DELETE /orphans/{name} when it is an orphan of this module) before creating it again', { cause: err });
    }
    throw err;
  }
}

async function allocateVnetIp(deps: ContainerDriver['deps'], id: number, vnetName: string): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const ip = await deps.vnets.allocateIp(vnetName);
    try {
      await repo.updateInstance(deps.db, id, { vnet_ip: ip });
      return ip;
    } catch (err) {
      if (!repo.isUniqueViolation(err)) throw err;
    } finally {
      deps.vnets.releaseIp(vnetName, ip);
    }
  }
  throw new ModuleError('VNET_EXHAUSTED', `No free IP on VNet ${vnetName}`);
}

/** The primary port on the row's host port, and each further published port on the one the row records. */
function portBindings(row: InstanceRow, adapter: EngineAdapter): PortBinding[] {
  if (row.port === null) return [];
  const hostIp = row.external_access ? '0.0.0.0' : '127.0.0.1';
  const extra = Object.entries(recordedHostPorts(row)).map(([containerPort, hostPort]) => ({ containerPort: Number(containerPort), hostPort, hostIp }));
  return [{ containerPort: primaryPort(adapter), hostPort: row.port, hostIp }, ...extra];
}

