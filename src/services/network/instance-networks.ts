import { LABELS, MODULE_ID } from '../../constants.js';
import { conflict, ModuleError } from '../../errors.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { formatCidr, gatewayOf, overlaps, parseCidr, splitPool, type Cidr } from './ipv4.js';

/** Pool the per-instance networks take their subnets from (outside Podman's 10.88/16 and the VNet pool). */
export const DEFAULT_INSTANCE_NET_POOL = '10.90.0.0/16';
/** A /29: the network, the gateway, the instance, room for a helper container, broadcast. */
const PREFIX = 29;
export const INSTANCE_NET_PURPOSE = 'instance-network';

export interface InstanceNetworksOptions {
  runtime: Pick<ContainerRuntime, 'createNetwork' | 'removeNetwork' | 'listNetworks' | 'inspectNetwork'>;
  /** This installation's labels: on every network made here, required on any removed. */
  ownLabels: Record<string, string>;
  /** Default 10.90.0.0/16, split into /29s. */
  pool?: string;
}

/**
 * One isolated Podman network per instance that is not on a VNet, so an instance cannot reach
 * another instance's unpublished ports (on one shared bridge every container reaches every
 * other). Created with netavark's `isolate` option (podman-networks.ts): no forwarding between
 * two isolated bridges. Published ports still work: Podman forwards them from the host.
 *
 * Subnets come from a pool; the ones in use are listed from Podman once and then tracked here,
 * so a create costs one network create. When Podman refuses a subnet (another installation or
 * program took it), the list is read again and the next free one is tried.
 */
export class InstanceNetworks {
  /** Subnets Podman has (read once), plus those created here since. */
  private taken?: Promise<Cidr[]>;
  /** Subnets of creates under way: picked synchronously, so concurrent creates never pick the same one. */
  private readonly inflight = new Set<Cidr>();
  /**
   * Subnets Podman refused although its own list does not hold them: used on the host by another
   * Podman (a rootless one does not list root's networks, yet netavark refuses their subnets) or
   * another program. Never tried again by this process.
   */
  private readonly refused: Cidr[] = [];

  constructor(private readonly options: InstanceNetworksOptions) {}

  /** The instance's network name: its container name with `-net` (container names are unique, so these are too). */
  nameFor(containerName: string): string {
    return `${containerName}-net`;
  }

  /** Creates the instance's network; one this installation made for this instance is reused, any other of that name is refused. */
  async ensure(instanceId: number, containerName: string, engine: string): Promise<{ name: string; subnet: string }> {
    const name = this.nameFor(containerName);
    for (let attempt = 0; ; attempt++) {
      const loading = this.takenSubnets();
      const taken = await loading;
      const subnet = this.freeSubnet(taken);
      this.inflight.add(subnet);
      try {
        const net = await this.options.runtime.createNetwork({
          name, subnet: formatCidr(subnet), gateway: gatewayOf(subnet),
          labels: {
            ...this.options.ownLabels, [LABELS.module]: MODULE_ID, [LABELS.instance]: String(instanceId),
            [LABELS.engine]: engine, [LABELS.purpose]: INSTANCE_NET_PURPOSE,
          },
        });
        taken.push(subnet);
        return { name: net.name, subnet: net.subnet ?? formatCidr(subnet) };
      } catch (err) {
        const existing = await this.options.runtime.inspectNetwork(name);
        if (existing) return this.adopt(existing, instanceId);
        if (attempt >= 4) throw err;
        // Most likely the subnet was taken behind our back: read what Podman has and try the next one.
        this.refused.push(subnet);
        if (this.taken === loading) this.taken = undefined;
      } finally {
        this.inflight.delete(subnet);
      }
    }
  }

  /** Removes the instance's network if this installation made it for this instance (idempotent). */
  async release(instanceId: number, containerName: string): Promise<void> {
    const name = this.nameFor(containerName);
    const net = await this.options.runtime.inspectNetwork(name);
    if (!net || !this.owns(net.labels, instanceId)) return;
    await this.options.runtime.removeNetwork(name);
    if (net.subnet && this.taken) {
      const gone = parseCidr(net.subnet);
      const list = await this.taken;
      const at = list.findIndex((c) => c.network === gone.network && c.prefix === gone.prefix);
      if (at >= 0) list.splice(at, 1);
    }
  }

  private adopt(existing: { name: string; subnet: string | null; labels: Record<string, string> }, instanceId: number) {
    if (!this.owns(existing.labels, instanceId) || !existing.subnet) {
      throw conflict(`A Podman network named ${existing.name} exists and was not created by this installation for instance ${instanceId}; it is left untouched`);
    }
    return { name: existing.name, subnet: existing.subnet };
  }

  private owns(labels: Record<string, string>, instanceId: number): boolean {
    return labels[LABELS.module] === MODULE_ID && labels[LABELS.purpose] === INSTANCE_NET_PURPOSE
      && labels[LABELS.instance] === String(instanceId)
      && Object.entries(this.options.ownLabels).every(([k, v]) => labels[k] === v);
  }

  private takenSubnets(): Promise<Cidr[]> {
    const loading = (this.taken ??= this.options.runtime.listNetworks({}).then((nets) =>
      nets.map((n) => n.subnet).filter((s): s is string => !!s && !s.includes(':')).map(parseCidr)));
    loading.catch(() => { if (this.taken === loading) this.taken = undefined; });
    return loading;
  }

  private freeSubnet(taken: Cidr[]): Cidr {
    const busy = [...taken, ...this.inflight, ...this.refused];
    for (const candidate of splitPool(this.options.pool ?? DEFAULT_INSTANCE_NET_POOL, PREFIX)) {
      if (!busy.some((t) => overlaps(t, candidate))) return candidate;
    }
    throw new ModuleError('NETWORKS_EXHAUSTED', `No free /${PREFIX} left in the instance network pool ${this.options.pool ?? DEFAULT_INSTANCE_NET_POOL}; delete instances`);
  }
}
