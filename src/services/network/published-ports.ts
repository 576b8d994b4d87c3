import type { InstanceRow } from '../../db/schema.js';
import type { EnginePort } from '../adapters/types.js';

/**
 * Ports an engine publishes besides its primary one (EnginePort.publish), each on a host port of
 * its own. Their host ports are recorded on the row as `options.host_ports` (container port ->
 * host port): no column holds them, so the port allocator reads them from there (usedPorts).
 */
export function extraPublishedPorts(adapter: { ports: readonly EnginePort[] }): EnginePort[] {
  const primary = adapter.ports.find((p) => p.primary) ?? adapter.ports[0];
  return adapter.ports.filter((p) => p.publish && p !== primary);
}

/** `options.host_ports` as written at create: container port -> host port. */
export type HostPorts = Record<string, number>;

/** The host ports recorded on a row (none for a VNet instance, or a row created before they existed). */
export function recordedHostPorts(row: Pick<InstanceRow, 'options'>): HostPorts {
  const options = typeof row.options === 'string' ? (JSON.parse(row.options) as Record<string, unknown>) : row.options;
  const ports = options?.host_ports;
  if (!ports || typeof ports !== 'object') return {};
  return Object.fromEntries(Object.entries(ports as Record<string, unknown>).filter((e): e is [string, number] => Number.isInteger(e[1])));
}

/** Host ports by port name (e.g. { native: 23456 }), for connection details. */
export function hostPortsByName(row: Pick<InstanceRow, 'options'>, adapter: { ports: readonly EnginePort[] }): Record<string, number> {
  const recorded = recordedHostPorts(row);
  const named: Record<string, number> = {};
  for (const p of extraPublishedPorts(adapter)) {
    const host = recorded[String(p.containerPort)];
    if (host !== undefined) named[p.name] = host;
  }
  return named;
}
