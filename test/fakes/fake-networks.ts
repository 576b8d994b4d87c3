import { randomBytes } from 'node:crypto';
import { LABELS, MODULE_ID } from '../../src/constants.js';
import { conflict, ModuleError } from '../../src/errors.js';
import { hostAddresses, overlaps, parseCidr } from '../../src/services/network/ipv4.js';
import type { NetworkInfo, NetworkSpec } from '../../src/services/runtime/container-runtime.js';

/** Whether every wanted label is present (`true`: any value). */
export function hasLabels(labels: Record<string, string>, wanted: Record<string, string | true>): boolean {
  return Object.entries(wanted).every(([k, v]) => (v === true ? k in labels : labels[k] === v));
}

const notFound = (what: string) => new ModuleError('NOT_FOUND', `${what} failed: no such object`);

/**
 * Podman's networks and volumes as the fake sees them. Starts with Podman's default `podman`
 * network (10.88.0.0/16, unlabelled). Like Podman: names are unique, subnets never overlap,
 * a network with containers on it cannot be removed, and nothing unlabelled is removed.
 */
export class FakeNetworks {
  readonly networks = new Map<string, NetworkInfo>();
  readonly volumes = new Map<string, Record<string, string>>();
  /** network name -> ip -> container id */
  private readonly leases = new Map<string, Map<string, string>>();

  constructor() {
    this.networks.set('podman', { name: 'podman', id: randomBytes(32).toString('hex'), subnet: '10.88.0.0/16', gateway: '10.88.0.1', labels: {} });
  }

  create(spec: NetworkSpec): NetworkInfo {
    if (this.networks.has(spec.name)) throw conflict(`create network ${spec.name} failed: network name ${spec.name} already used`);
    const subnet = spec.subnet ? parseCidr(spec.subnet) : null;
    for (const n of this.networks.values()) {
      if (subnet && n.subnet && !n.subnet.includes(':') && overlaps(parseCidr(n.subnet), subnet)) {
        throw new ModuleError('INTERNAL', `create network ${spec.name} failed: subnet ${spec.subnet} is already used on the host or by another config`);
      }
    }
    const info: NetworkInfo = {
      name: spec.name, id: randomBytes(32).toString('hex'), subnet: spec.subnet ?? null,
      gateway: spec.gateway ?? null, labels: { ...spec.labels },
    };
    this.networks.set(spec.name, info);
    return { ...info, labels: { ...info.labels } };
  }

  remove(name: string): void {
    const n = this.networks.get(name);
    if (!n) return;
    if (n.labels[LABELS.module] !== MODULE_ID) throw conflict(`network ${name} was not created by the databases module; leaving it alone`);
    if ((this.leases.get(name)?.size ?? 0) > 0) throw new ModuleError('INTERNAL', `remove network ${name} failed: network is being used`);
    this.networks.delete(name);
    this.leases.delete(name);
  }

  list(labels: Record<string, string | true>): NetworkInfo[] {
    return [...this.networks.values()].filter((n) => hasLabels(n.labels, labels)).map((n) => ({ ...n, labels: { ...n.labels } }));
  }

  inspect(name: string): NetworkInfo | null {
    const n = this.networks.get(name);
    return n ? { ...n, labels: { ...n.labels } } : null;
  }

  /** Gives a container an address on the network (the one asked for, or the next free). */
  attach(name: string, containerId: string, ipv4?: string): string {
    const n = this.networks.get(name);
    if (!n?.subnet) throw notFound(`create container on network ${name}`);
    const leases = this.leases.get(name) ?? new Map<string, string>();
    this.leases.set(name, leases);
    const ip = ipv4 ?? [...hostAddresses(parseCidr(n.subnet))].find((a) => !leases.has(a));
    if (!ip || leases.has(ip)) throw new ModuleError('INTERNAL', `create container failed: IP ${ip ?? '(none free)'} on ${name} is already allocated`);
    leases.set(ip, containerId);
    return ip;
  }

  detach(name: string, containerId: string): void {
    const leases = this.leases.get(name);
    for (const [ip, id] of leases ?? []) if (id === containerId) leases!.delete(ip);
  }

  /** Networks a container is on, with its address on each. */
  addressesOf(containerId: string): Record<string, { ipAddress: string }> {
    const out: Record<string, { ipAddress: string }> = {};
    for (const [name, leases] of this.leases) for (const [ip, id] of leases) if (id === containerId) out[name] = { ipAddress: ip };
    return out;
  }

  listVolumes(labels: Record<string, string | true>) {
    return [...this.volumes.entries()].filter(([, l]) => hasLabels(l, labels)).map(([name, l]) => ({ name, labels: { ...l } }));
  }

  removeVolume(name: string): void {
    const labels = this.volumes.get(name);
    if (labels && labels[LABELS.module] !== MODULE_ID) throw conflict(`volume ${name} was not created by the databases module; leaving it alone`);
    this.volumes.delete(name);
  }
}
