import net from 'node:net';
import { ModuleError } from '../../errors.js';

export interface PortAllocatorOptions {
  range: { low: number; high: number };
  /** Ports already stored for instances (the instances table, UNIQUE(port)). */
  usedPorts: () => Promise<Set<number>>;
  /** Bind test; default tries 127.0.0.1 and 0.0.0.0 (a port free on one may be taken on the other). */
  isBindable?: (port: number) => Promise<boolean>;
  /** Start of the scan; default random so concurrent modules/restarts do not all race for the low end. */
  random?: () => number;
  /**
   * How long an unreleased reservation holds (default 60 s): long enough for the caller to store
   * the port, after which the stored row excludes it. Callers that never release() do not leak.
   */
  reservationTtlMs?: number;
  now?: () => number;
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function isPortBindable(port: number): Promise<boolean> {
  return (await canBind(port, '127.0.0.1')) && (await canBind(port, '0.0.0.0'));
}

/**
 * Hands out host ports from a range. Safe under concurrent creates in this process (an in-process
 * reservation set, taken before any await can interleave) and after restarts (ports stored in the
 * database are skipped). Two modules on one host can still race between the bind test and
 * Podman's bind: the caller stores the port (UNIQUE) and retries on a unique violation, and a
 * create that fails with "address already in use" should be retried with a new port.
 */
export class PortAllocator {
  /** port -> reservation expiry (ms). */
  private readonly reserved = new Map<number, number>();
  private readonly isBindable: (port: number) => Promise<boolean>;

  constructor(private readonly options: PortAllocatorOptions) {
    if (options.range.low > options.range.high) throw new Error('port range low must not exceed high');
    this.isBindable = options.isBindable ?? isPortBindable;
  }

  /** A port free right now, reserved until release(); throws when the range is exhausted. */
  async allocate(): Promise<number> {
    const { low, high } = this.options.range;
    const size = high - low + 1;
    const used = await this.options.usedPorts();
    const now = (this.options.now ?? Date.now)();
    for (const [port, until] of this.reserved) if (until <= now) this.reserved.delete(port);
    const start = Math.floor((this.options.random ?? Math.random)() * size);
    for (let i = 0; i < size; i++) {
      const port = low + ((start + i) % size);
      if (used.has(port) || this.reserved.has(port)) continue;
      this.reserved.set(port, now + (this.options.reservationTtlMs ?? 60_000)); // before the await: a concurrent allocate() skips it
      if (await this.isBindable(port)) return port;
      this.reserved.delete(port);
    }
    throw new ModuleError('PORTS_EXHAUSTED', `No free host port in ${low}-${high} (${used.size} held by instances, ${this.reserved.size} being reserved); widen FLUX_DATABASES_PORT_RANGE or delete instances`);
  }

  /** Drops the in-process reservation (after the port is stored, or when the create failed). */
  release(port: number): void {
    this.reserved.delete(port);
  }

  reservedPorts(): number[] {
    return [...this.reserved.keys()];
  }
}
