import type { InstanceRow } from '../../db/schema.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import type { InstanceSupport } from '../instances/support.js';

/** What an endpoint is built from: another container, port or address is another endpoint. */
const keyOf = (row: InstanceRow) => [row.container_id, row.port, row.vnet_ip, JSON.stringify(row.options ?? {})].join('|');

/**
 * Each instance's EngineEndpoint, kept between metrics cycles: building one inspects the
 * container (the label check) and decrypts the admin password, which every cycle would repeat
 * for nothing. An endpoint that failed is dropped, so the next cycle builds a fresh one (a new
 * password after a rotation, say).
 */
export class EndpointCache {
  private readonly cache = new Map<number, { key: string; endpoint: Promise<EngineEndpoint> }>();

  constructor(private readonly support: Pick<InstanceSupport, 'driverOf'>) {}

  async use<T>(row: InstanceRow, fn: (endpoint: EngineEndpoint) => Promise<T>): Promise<T> {
    const key = keyOf(row);
    let entry = this.cache.get(row.id);
    if (!entry || entry.key !== key) {
      entry = { key, endpoint: this.support.driverOf(row).endpoint(row) };
      this.cache.set(row.id, entry);
    }
    try {
      return await fn(await entry.endpoint);
    } catch (err) {
      if (this.cache.get(row.id) === entry) this.cache.delete(row.id);
      throw err;
    }
  }

  retain(ids: ReadonlySet<number>): void {
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
  }
}
