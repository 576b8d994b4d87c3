import { LABELS, MODULE_ID } from '../../constants.js';
import { conflict } from '../../errors.js';
import { formatCidr, gatewayOf, hostAddresses, overlaps, parseCidr, splitPool } from './ipv4.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

export const VNET_LABEL = 'io.flux.databases.vnet';
export const DEFAULT_VNET_POOL = '10.89.128.0/17';

export interface VnetServiceOptions {
  runtime: Pick<ContainerRuntime, 'listNetworks' | 'inspectNetwork' | 'createNetwork' | 'removeNetwork'>;
  /**
   * This installation's labels (LABELS.installation): put on every VNet network it creates, and
   * required on any it uses or removes, so two installations never share a network.
   */
  ownLabels: Record<string, string>;
  /** IPs stored for instances on this VNet (instances table, UNIQUE(vnet_name, vnet_ip)). */
  usedIps: (vnetName: string) => Promise<Set<string>>;
  /** Pool split into /subnetPrefix networks; default 10.89.128.0/17 into /24s. */
  pool?: string;
  subnetPrefix?: number;
  /** Podman network name for a VNet; default `fluxdb-<installation, 8 hex>-<vnet>` (names are host-wide). */
  networkName?: (vnetName: string) => string;
  /** Extra labels on created networks (tests mark their runs with it). */
  extraLabels?: Record<string, string>;
  /** How long an unreleased IP reservation holds (default 60 s); the stored row excludes it afterwards. */
  reservationTtlMs?: number;
  now?: () => number;
}

/**
 * A named VNet is a Podman bridge network the module created and labelled. Its subnet comes from
 * a pool and never overlaps any existing Podman network; instances get static IPs. Networks are
 * created with netavark's `isolate` option (the runtime sets it): without it Podman 4.3 forwards
 * between bridges and instances on different VNets reached each other.
 */
export class VnetService {
  /** vnet -> ip -> reservation expiry (ms). */
  private readonly reservedIps = new Map<string, Map<string, number>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: VnetServiceOptions) {}

  networkName(vnetName: string): string {
    const installation = (this.options.ownLabels[LABELS.installation] ?? '').slice(0, 8);
    return (this.options.networkName ?? ((n) => `fluxdb-${installation ? `${installation}-` : ''}${n}`))(vnetName);
  }

  /** One network change at a time: two new VNets must not pick the same free subnet. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The module's label and this installation's: another installation's VNet of the same name is not ours. */
  private ownedBy(labels: Record<string, string>): boolean {
    return labels[LABELS.module] === MODULE_ID && Object.entries(this.options.ownLabels).every(([k, v]) => labels[k] === v);
  }

  /** The VNet's network, created on first use. A same-named network the module did not label is refused. */
  ensure(vnetName: string, instanceId?: number): Promise<{ name: string; subnet: string }> {
    return this.serial(async () => {
      const name = this.networkName(vnetName);
      const existing = await this.options.runtime.inspectNetwork(name);
      if (existing) {
        if (!this.ownedBy(existing.labels)) throw conflict(`Podman network ${name} exists and was not created by this installation of the module`);
        if (!existing.subnet) throw conflict(`Podman network ${name} has no IPv4 subnet`);
        return { name, subnet: existing.subnet };
      }
      const taken = (await this.options.runtime.listNetworks({}))
        .map((n) => n.subnet)
        .filter((s): s is string => !!s && !s.includes(':'))
        .map(parseCidr);
      for (const candidate of splitPool(this.options.pool ?? DEFAULT_VNET_POOL, this.options.subnetPrefix ?? 24)) {
        if (taken.some((t) => overlaps(t, candidate))) continue;
        const subnet = formatCidr(candidate);
        await this.options.runtime.createNetwork({
          name,
          subnet,
          gateway: gatewayOf(candidate),
          labels: {
            ...this.options.extraLabels,
            ...this.options.ownLabels,
            [LABELS.module]: MODULE_ID,
            [LABELS.purpose]: 'vnet',
            [VNET_LABEL]: vnetName,
            ...(instanceId !== undefined ? { [LABELS.instance]: String(instanceId) } : {}),
          },
        });
        return { name, subnet };
      }
      throw conflict(`no free /${this.options.subnetPrefix ?? 24} left in the VNet pool ${this.options.pool ?? DEFAULT_VNET_POOL}`);
    });
  }

  /** A free static IP on the VNet, reserved in-process until releaseIp() or the TTL; the caller stores it (UNIQUE) and retries on a violation. */
  async allocateIp(vnetName: string): Promise<string> {
    const net = await this.options.runtime.inspectNetwork(this.networkName(vnetName));
    if (!net?.subnet) throw conflict(`VNet ${vnetName} does not exist`);
    const used = await this.options.usedIps(vnetName);
    const reserved = this.liveReservations(vnetName);
    const until = (this.options.now ?? Date.now)() + (this.options.reservationTtlMs ?? 60_000);
    for (const ip of hostAddresses(parseCidr(net.subnet))) {
      if (used.has(ip) || reserved.has(ip)) continue;
      reserved.set(ip, until);
      return ip;
    }
    throw conflict(`VNet ${vnetName} (${net.subnet}) has no free address`);
  }

  private liveReservations(vnetName: string): Map<string, number> {
    const reserved = this.reservedIps.get(vnetName) ?? new Map<string, number>();
    this.reservedIps.set(vnetName, reserved);
    const now = (this.options.now ?? Date.now)();
    for (const [ip, until] of reserved) if (until <= now) reserved.delete(ip);
    return reserved;
  }

  releaseIp(vnetName: string, ip: string): void {
    this.reservedIps.get(vnetName)?.delete(ip);
  }

  /** Removes the VNet's network when no stored instance uses it, and only if this installation labelled it. */
  releaseIfUnused(vnetName: string): Promise<void> {
    return this.serial(async () => {
      if ((await this.options.usedIps(vnetName)).size > 0) return;
      if (this.liveReservations(vnetName).size > 0) return; // an instance is being created on it
      const name = this.networkName(vnetName);
      const net = await this.options.runtime.inspectNetwork(name);
      if (!net || !this.ownedBy(net.labels)) return;
      await this.options.runtime.removeNetwork(name);
    });
  }
}
