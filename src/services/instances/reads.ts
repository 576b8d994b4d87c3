import type { InstanceRow } from '../../db/schema.js';
import { badRequest } from '../../errors.js';
import { getAdapter } from '../adapters/registry.js';
import type { LogLevel } from '../adapters/types.js';
import type { ConnectionView } from '../drivers/instance-driver.js';
import type { InstanceSupport } from './support.js';

const LEVELS: LogLevel[] = ['error', 'warning', 'info', 'debug'];
const mb = (b: number) => Math.round((b / 1048576) * 100) / 100;

/** Read-side operations on one instance: logs, stats, inspect, connection details. */
export class InstanceReads {
  constructor(private readonly s: InstanceSupport) {}

  async logs(row: InstanceRow, options: { tail: number; since?: Date; level?: string }) {
    const wanted = options.level && options.level !== 'all' ? options.level : undefined;
    if (wanted && !LEVELS.includes(wanted as LogLevel)) throw badRequest(`level must be one of all, ${LEVELS.join(', ')}`);
    const adapter = getAdapter(row.engine);
    const lines = await this.s.driverOf(row).logs(row, { tail: options.tail, since: options.since });
    const entries = lines.map((l) => ({ timestamp: l.timestamp, level: adapter.logLevel(l.text), stream: l.stream, message: l.text }));
    return { entries: wanted ? entries.filter((e) => e.level === wanted) : entries };
  }

  async stats(row: InstanceRow) {
    const s = await this.s.driverOf(row).stats(row);
    return {
      container_name: row.container_name,
      cpu_percent: s.cpuPercent,
      memory_used_mb: mb(s.memoryUsedBytes),
      memory_limit_mb: mb(s.memoryLimitBytes),
      memory_percent: s.memoryPercent,
      mem_usage: `${mb(s.memoryUsedBytes)} MiB / ${mb(s.memoryLimitBytes)} MiB`,
      mem_percent: `${s.memoryPercent.toFixed(2)}%`,
      net_io: { rx_bytes: s.netRxBytes, tx_bytes: s.netTxBytes },
      block_io: { read_bytes: s.blockReadBytes, write_bytes: s.blockWriteBytes },
      pids: s.pids,
    };
  }

  async inspect(row: InstanceRow) {
    const info = await this.s.driverOf(row).inspect(row);
    return {
      container: {
        id: info.id, name: info.name, image: info.image, created: info.created, labels: info.labels,
        state: info.state, env_names: info.envNames,
        network: { ports: info.ports, networks: info.networks },
        mounts: info.mounts,
        host_config: info.hostConfig,
      },
      limits_enforced: row.limits_enforced,
    };
  }

  /** The password only when the caller may manage the instance. */
  async connection(row: InstanceRow, withPassword: boolean): Promise<ConnectionView> {
    const password = withPassword ? await this.s.adminPassword(row.id) : undefined;
    return this.s.driverOf(row).connection(row, password);
  }
}
