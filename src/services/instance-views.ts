import type { InstanceRow, LimitsEnforced } from '../db/schema.js';
import { badRequest, conflict } from '../errors.js';
import { getAdapter } from './adapters/registry.js';
import type { LogLevel } from './adapters/types.js';
import type { CredentialManager } from './credential-manager.js';
import type { EmbeddedEngines } from './embedded/embedded-engines.js';
import type { ContainerRuntime } from './runtime/container-runtime.js';

/** The API's view of an instance: no secrets, numbers as numbers, timestamps as ISO strings. */
export function instanceView(row: InstanceRow) {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: row.id,
    name: row.name,
    container_name: row.container_name,
    container_id: row.container_id,
    engine: row.engine,
    engine_version: row.engine_version,
    image: row.image,
    host: row.host,
    port: row.port,
    database: row.database_name,
    username: row.username,
    status: row.status,
    status_message: row.status_message,
    progress: row.progress,
    error_message: row.error_message,
    sku: row.sku,
    cpu_limit: Number(row.cpu_limit),
    memory_limit_mb: row.memory_limit_mb,
    storage_limit_gb: row.storage_limit_gb,
    limits_enforced: row.limits_enforced as unknown as LimitsEnforced,
    external_access: row.external_access,
    tls_enabled: row.tls_enabled,
    vnet_name: row.vnet_name,
    vnet_ip: row.vnet_ip,
    volume_path: row.volume_path,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    started_at: iso(row.started_at),
  };
}

const LEVELS: LogLevel[] = ['error', 'warning', 'info', 'debug'];

/** Read-side operations on one instance's container: logs, stats, inspect, connection details. */
export class InstanceViews {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly credentials: CredentialManager,
    private readonly embedded: EmbeddedEngines,
  ) {}

  async logs(row: InstanceRow, options: { tail: number; since?: Date; level?: string }) {
    if (getAdapter(row.engine).capabilities.isEmbedded) return { entries: [] };
    this.requireContainer(row);
    const adapter = getAdapter(row.engine);
    const lines = await this.runtime.logs(row.container_name, { tail: options.tail, since: options.since });
    const entries = lines.map((l) => ({ timestamp: l.timestamp, level: adapter.logLevel(l.text), stream: l.stream, message: l.text }));
    const wanted = options.level && options.level !== 'all' ? options.level : undefined;
    if (wanted && !LEVELS.includes(wanted as LogLevel)) throw badRequest(`level must be one of all, ${LEVELS.join(', ')}`);
    return { entries: wanted ? entries.filter((e) => e.level === wanted) : entries };
  }

  async stats(row: InstanceRow) {
    this.requireContainer(row);
    const s = await this.runtime.stats(row.container_name);
    const mb = (b: number) => Math.round((b / 1048576) * 100) / 100;
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
    this.requireContainer(row);
    const info = await this.runtime.inspectContainer(row.container_name);
    if (!info) throw conflict('The instance container is missing');
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

  async connection(row: InstanceRow, withPassword: boolean) {
    const adapter = getAdapter(row.engine);
    const password = withPassword ? (await this.credentials.read(row.id, 'admin'))?.secret : undefined;
    if (adapter.capabilities.isEmbedded) {
      const file = this.embedded.filePath(row);
      return { engine: row.engine, host: null, port: null, database: row.database_name, username: null, path: file, connection_string: `duckdb://${file}` };
    }
    const primary = adapter.ports.find((p) => p.primary) ?? adapter.ports[0]!;
    const port = row.vnet_ip ? primary.containerPort : row.port!;
    const host = row.vnet_ip ?? row.host;
    const details = { host, port, database: row.database_name, username: row.username, ...(password ? { password } : {}) };
    return { engine: row.engine, ...details, connection_string: adapter.connectionUri(details) };
  }

  private requireContainer(row: InstanceRow): void {
    if (!row.container_id) throw conflict(`Instance has no container yet (status: ${row.status})`);
  }
}
