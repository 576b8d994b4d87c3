import { renderConfig } from '../orchestration/config-renderer.js';
import { PostgresMetrics } from './families/postgres-metrics.js';
import { BaseAdapter, traits, clamp, share, userTmpfsOpts, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe, SizingInput } from './types.js';
import { PostgresBrowser } from './families/postgres-browser.js';
import { PostgresBackup } from './families/postgres-backup.js';
import type { BackupRole } from './roles/backup.js';
import { PostgresAccounts } from './families/postgres-accounts.js';
import type { AccountsRole } from './roles/accounts.js';
import { CLIENT_CA_FILE } from '../security/tls-clients.js';

const CONFIG_FILE = '/etc/postgresql/postgresql.conf';
const HBA_FILE = '/etc/postgresql/pg_hba.conf';
/**
 * With TLS the server reads this pg_hba.conf instead of PGDATA's (whose `host` line the entrypoint
 * wrote at init): TCP clients only over TLS, the container's own socket as the image has it.
 */
const TLS_ONLY_HBA = [
  '# Rendered by Flux Databases: TLS only. No plain `host` line, so a connection without TLS is refused.',
  'local   all  all                 trust',
  'hostssl all  all  0.0.0.0/0      scram-sha-256',
  'hostssl all  all  ::/0           scram-sha-256',
  '',
].join('\n');

/** PostgreSQL from docker.io/library/postgres (CONTRACTS §3); TimescaleDB extends it. */
export class PostgresqlAdapter extends BaseAdapter {
  readonly engine: EngineId = 'postgresql';
  readonly displayName: string = 'PostgreSQL';
  readonly description: string = 'Open-source relational database with strong SQL compliance and extensions';
  readonly category: EngineCategory = 'relational';
  readonly defaultImage: string = 'docker.io/library/postgres';
  readonly defaultVersion: string = '17';
  readonly versions: readonly string[] = ['17', '16', '15', '18'];
  readonly ports = [{ name: 'postgresql', containerPort: 5432, primary: true }];
  override readonly traits = traits({ supportsTls: true, supportsReadOnlyRootfs: true });
  protected override readonly browserRole = new PostgresBrowser();
  protected override readonly metricsRole = new PostgresMetrics();
  protected override readonly backupRole: BackupRole = new PostgresBackup({ pgMajor: (v) => this.pgMajor(v) });
  protected override readonly accountsRole: AccountsRole = new PostgresAccounts();
  override readonly minMemoryMb: number = 256;
  override readonly startupTimeoutMs: number = 60_000;
  protected override readonly logFormat = 'postgresql' as const;
  /** Image uid:gid: Debian 999 (alpine-based images override). */
  protected readonly runAs: string = '999:999';

  /** Major version from the tag; 18+ moved PGDATA (CONTRACTS §3). */
  protected pgMajor(version: string): number {
    return Number(/^(\d+)/.exec(version)?.[1] ?? '0');
  }

  protected maxConnections(memoryMb: number): number {
    return clamp(Math.floor(memoryMb / 10), 50, 500);
  }

  override memoryShares(s: SizingInput): Record<string, number> {
    const sharedBuffers = share(s.memoryMb, 0.25, 32);
    return { sharedBuffers, maintenanceWorkMem: clamp(Math.floor(s.memoryMb * 0.05), 32, 2048) };
  }

  /** Extra postgresql.conf settings and preload libraries (TimescaleDB adds its own). */
  protected extraConfig(_input: AdapterInput): { preload: string; settings: { key: string; value: string }[] } {
    return { preload: '', settings: [] };
  }

  renderConfig(input: AdapterInput): string {
    const { memoryMb, cpus, storageGb } = input.sizing;
    const shares = this.memoryShares(input.sizing);
    const maxConnections = this.maxConnections(memoryMb);
    const parallel = Math.max(1, Math.ceil(cpus));
    const extra = this.extraConfig(input);
    return renderConfig('postgresql', 'postgresql.conf.njk', {
      containerName: input.containerName, memoryMb, cpus, port: 5432, maxConnections,
      sharedBuffersMb: shares.sharedBuffers!,
      effectiveCacheSizeMb: share(memoryMb, 0.75, 64),
      // Left after shared_buffers, spread over the connections, three sort/hash nodes each.
      workMemKb: clamp(Math.floor(((memoryMb - shares.sharedBuffers!) * 1024) / (maxConnections * 3)), 4096, 1024 * 1024),
      maintenanceWorkMemMb: shares.maintenanceWorkMem!,
      maxParallelWorkers: parallel,
      maxParallelWorkersPerGather: cpus >= 2 ? Math.min(4, Math.floor(cpus / 2)) : 0,
      // Parallel workers + TimescaleDB's 8 background workers + 3 spare.
      maxWorkerProcesses: parallel + 11,
      maxWalSizeMb: clamp(Math.floor(storageGb * 1024 * 0.05), 256, 8192),
      minWalSizeMb: 80,
      sharedPreloadLibraries: extra.preload,
      extraSettings: extra.settings,
      tls: input.tls ? { ...input.tls, hbaFile: HBA_FILE } : null,
    });
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const major = this.pgMajor(input.version);
    return {
      env: {
        POSTGRES_USER: input.username,
        POSTGRES_DB: input.databaseName,
        POSTGRES_PASSWORD_FILE: '/run/secrets/postgres-password',
      },
      cmd: ['postgres', '-c', `config_file=${CONFIG_FILE}`],
      // --user on a pre-owned volume: the entrypoint skips chown/gosu, so no capabilities (§0.1).
      user: this.runAs,
      dataDir: major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data',
      files: [
        this.secret('postgres-password', input.password),
        { target: CONFIG_FILE, content: this.renderConfig(input), kind: 'config' },
        ...(input.tls ? [{ target: HBA_FILE, content: TLS_ONLY_HBA, kind: 'config' as const }] : []),
      ],
      // /run, not /var/run: the symlink would be resolved inside the rootfs, and Podman warns.
      tmpfs: { '/run/postgresql': userTmpfsOpts(16) },
      capAdd: [],
      // One process per connection plus background workers.
      pidsLimit: this.maxConnections(input.sizing.memoryMb) + 256,
      nofile: 65536,
      shmSizeMb: clamp(Math.floor(input.sizing.memoryMb / 8), 128, 2048),
      stopTimeoutSeconds: 60,
    };
  }

  /**
   * Authenticated SELECT 1 from the host over TCP. The entrypoint's init server listens on the
   * socket only (§0.5), so one answer is the real server's.
   */
  protected probe(input: AdapterInput): Probe {
    return { kind: 'postgres', containerPort: 5432, user: input.username, password: input.password, database: input.databaseName, tls: Boolean(input.tls) };
  }

  /** The same SELECT 1 with psql inside the container, over TCP 127.0.0.1 for the same reason. */
  insideProbe(input: AdapterInput): ExecStep {
    this.checkInput(input);
    return {
      kind: 'exec',
      argv: ['psql', '-h', '127.0.0.1', '-p', '5432', '-U', input.username, '-d', input.databaseName, '-tAX', '-c', 'SELECT 1'],
      env: { PGPASSWORD: input.password, PGCONNECT_TIMEOUT: '3' },
      expectStdout: /^1$/m,
    };
  }

  /** With TLS, libpq verifies the chain and the host name against the CA file (verify-full). */
  connectionUri(d: ConnectionDetails): string {
    return this.uri('postgresql', d, `/${encodeURIComponent(d.database)}`, d.tls ? `sslmode=verify-full&sslrootcert=${CLIENT_CA_FILE}` : '');
  }
}
