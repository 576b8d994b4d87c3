import type { InstanceRow, LimitsEnforced } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import type { InstanceVolumes } from '../instances/collaborators.js';
import type { ContainerInfo, ContainerStats } from '../runtime/container-runtime.js';
import type { EmbeddedEngines } from './duckdb-files.js';
import type { Admission, ConnectionView, InstanceDriver, Observation, ProbeOutcome, ProvisionJob } from './instance-driver.js';

/** In-process: no cgroup holds the SKU's memory or CPU; the file's size is watched like any volume. */
const EMBEDDED_LIMITS: LimitsEnforced = {
  memory: false, cpu: false, storage: 'monitored',
  notes: ['the database runs inside the module process: no container limits apply', 'storage size is monitored, not enforced by a filesystem quota'],
};

const noContainer = () => new ModuleError('CONFLICT', 'An embedded instance runs inside the module: it has no container to show');

/**
 * An instance the module serves in-process: a DuckDB file in the instance's data volume.
 * Start and stop change whether the module offers the file; no process runs for it.
 */
export class EmbeddedDriver implements InstanceDriver {
  readonly kind = 'embedded' as const;

  constructor(private readonly engines: EmbeddedEngines, private readonly volumes: Pick<InstanceVolumes, 'prepare' | 'remove'>) {}

  async admit(): Promise<Admission> {
    return { image: 'embedded', hostPort: false };
  }

  async provision(job: ProvisionJob): Promise<void> {
    await job.progress(10, 'preparing volumes');
    const paths = await this.volumes.prepare(job.row.container_name);
    await job.progress(50, 'creating the database file', { volume_path: paths.root, limits_enforced: JSON.stringify(EMBEDDED_LIMITS) });
    await this.engines.create(job.row, paths.data);
  }

  async start(row: InstanceRow): Promise<void> {
    await this.engines.check(row);
  }

  async stop(): Promise<void> {}

  async restart(row: InstanceRow): Promise<void> {
    await this.engines.check(row);
  }

  async probe(row: InstanceRow): Promise<ProbeOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      await this.engines.check(row);
      return { ok: true, message: 'file opened and queried', elapsedMs: elapsed() };
    } catch (err) {
      return { ok: false, message: (err as Error).message, elapsedMs: elapsed() };
    }
  }

  /** The file is the instance: it is "running" whenever it is there and offered. */
  async observe(row: InstanceRow): Promise<Observation> {
    const present = await this.engines.exists(row);
    if (!present) return { state: 'missing' };
    return { state: row.status === 'stopped' ? 'stopped' : 'running' };
  }

  async remove(row: InstanceRow, options: { keepData: boolean }): Promise<void> {
    if (!options.keepData) await this.volumes.remove(row.container_name);
  }

  async released(): Promise<void> {}

  async logs() {
    return [];
  }

  async stats(): Promise<ContainerStats> {
    throw noContainer();
  }

  async inspect(): Promise<ContainerInfo> {
    throw noContainer();
  }

  async endpoint(row: InstanceRow): Promise<EngineEndpoint> {
    return {
      engine: row.engine, version: row.engine_version, host: '', port: () => 0, username: '', password: '',
      database: row.database_name, tls: false, file: this.engines.filePath(row),
      exec: async () => { throw noContainer(); },
    };
  }

  connection(row: InstanceRow): ConnectionView {
    const file = this.engines.filePath(row);
    return { engine: row.engine, host: null, port: null, database: row.database_name, username: null, path: file, connection_string: `duckdb://${file}` };
  }
}
