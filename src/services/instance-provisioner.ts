import { ModuleError } from '../errors.js';
import type { InstanceRow } from '../db/schema.js';
import type { AdapterInput, EngineAdapter } from './adapters/types.js';
import { generatePassword } from './credential-manager.js';
import * as repo from './instance-repository.js';
import type { Sizing } from './sku-resources.js';
import type { InstanceSupport } from './instance-support.js';
import type { PortBinding } from './runtime/container-runtime.js';

/**
 * The background half of a create: credentials, VNet IP, volumes and rendered files, the hardened
 * container, start, the engine's own answer, first-start steps. Each stage writes its progress to
 * the row; any failure marks the row failed with the reason and the container's last log lines.
 */
export class InstanceProvisioner {
  constructor(private readonly s: InstanceSupport) {}

  async provision(id: number, adapter: EngineAdapter, sizing: Sizing, tls?: { cert: string; key: string }): Promise<void> {
    const { db, runtime, volumes } = this.s.deps;
    let row = (await repo.findInstance(db, id))!;
    let password: string | undefined;
    try {
      password = generatePassword();
      await this.s.deps.credentials.store(id, 'admin', row.username, password);
      await this.s.progress(id, 10, 'preparing volumes');
      if (adapter.capabilities.isEmbedded) {
        const paths = await volumes.prepare(row.container_name);
        await this.s.deps.embedded.create(row, paths.data);
        await this.s.progress(id, 100, 'ready', { status: 'running', volume_path: paths.root, started_at: new Date(), error_message: null });
        return;
      }
      let network: { name: string; ipv4: string } | undefined;
      if (row.vnet_name) {
        const vnet = await this.s.deps.vnets.ensure(row.vnet_name);
        network = { name: vnet.name, ipv4: await this.allocateVnetIp(id, row.vnet_name) };
        row = (await repo.updateInstance(db, id, { vnet_subnet: vnet.subnet, host: network.ipv4 }))!;
      }
      const input = await this.s.adapterInput(row, adapter, sizing, password);
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
      await this.s.progress(id, 30, 'creating container', { volume_path: paths.root });
      const { spec, limits } = await this.s.deps.specs.build({
        instanceId: id, containerName: row.container_name, engine: adapter, image: row.image, plan, sizing,
        ports: this.portBindings(row, adapter), mounts, network,
      });
      const leftover = await this.s.ownedContainer(row.container_name); // of an interrupted create
      if (leftover) await runtime.removeContainer(leftover.id, { force: true });
      const { id: containerId } = await runtime.createContainer(spec);
      await this.s.progress(id, 50, 'starting', { container_id: containerId, status: 'starting', limits_enforced: JSON.stringify(limits) });
      await runtime.startContainer(containerId);
      await this.s.progress(id, 70, 'waiting for the engine to answer');
      await this.s.readiness.wait(containerId, adapter, input, this.s.probeTarget(row, adapter, containerId));
      await this.runPostStart(containerId, adapter, input);
      await this.s.progress(id, 100, 'ready', { status: 'running', started_at: new Date(), error_message: null });
    } catch (err) {
      await this.s.markFailed(id, row.container_name, err, password);
    }
  }

  /** First-start steps the image cannot do from env (each is safe to repeat). */
  private async runPostStart(containerId: string, adapter: EngineAdapter, input: AdapterInput): Promise<void> {
    for (const step of adapter.postStartCommands?.(input) ?? []) {
      const r = await this.s.deps.runtime.exec(containerId, step.argv, { env: step.env, timeoutMs: 60_000 });
      if (r.exitCode !== 0) throw new Error(`first-start step ${step.argv[0]} failed (exit ${r.exitCode}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
    }
  }

  private async allocateVnetIp(id: number, vnetName: string): Promise<string> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const ip = await this.s.deps.vnets.allocateIp(vnetName);
      try {
        await repo.updateInstance(this.s.deps.db, id, { vnet_ip: ip });
        return ip;
      } catch (err) {
        if (!repo.isUniqueViolation(err)) throw err;
      } finally {
        this.s.deps.vnets.releaseIp(vnetName, ip);
      }
    }
    throw new ModuleError('VNET_EXHAUSTED', 503, `No free IP on VNet ${vnetName}`);
  }

  private portBindings(row: InstanceRow, adapter: EngineAdapter): PortBinding[] {
    if (row.port === null) return [];
    const primary = adapter.ports.find((p) => p.primary) ?? adapter.ports[0]!;
    return [{ containerPort: primary.containerPort, hostPort: row.port, hostIp: row.external_access ? '0.0.0.0' : '127.0.0.1' }];
  }

}
