import { renderConfig } from '../orchestration/config-renderer.js';
import { MysqlMetrics } from './families/mysql-metrics.js';
import { BaseAdapter, traits, clamp, userTmpfsOpts, type PlanParts } from './base.js';
import type { AdapterInput, ClientCommand, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe, SizingInput } from './types.js';
import { MysqlBrowser } from './families/mysql-browser.js';
import { MysqlBackup } from './families/mysql-backup.js';
import type { BackupRole } from './roles/backup.js';
import { MysqlAccounts } from './families/mysql-accounts.js';
import type { AccountsRole } from './roles/accounts.js';
import { CLIENT_CA_FILE } from '../security/tls-clients.js';

/** MySQL from docker.io/library/mysql (CONTRACTS §2); MariaDB extends it. */
export class MysqlAdapter extends BaseAdapter {
  readonly engine: EngineId = 'mysql';
  readonly displayName: string = 'MySQL';
  readonly description: string = 'The widely used open-source relational database';
  readonly category: EngineCategory = 'relational';
  readonly defaultImage: string = 'docker.io/library/mysql';
  readonly defaultVersion: string = '8.4';
  readonly versions: readonly string[] = ['8.4', '9.7'];
  readonly ports: readonly { name: string; containerPort: number; primary?: boolean }[] = [
    { name: 'mysql', containerPort: 3306, primary: true },
    { name: 'mysqlx', containerPort: 33060 },
  ];
  override readonly traits = traits({ supportsTls: true, supportsReadOnlyRootfs: true });
  protected override readonly browserRole = new MysqlBrowser();
  protected override readonly metricsRole = new MysqlMetrics();
  protected override readonly backupRole: BackupRole = new MysqlBackup(() => this.client);
  protected override readonly accountsRole: AccountsRole = new MysqlAccounts();
  override readonly minMemoryMb: number = 512;
  override readonly startupTimeoutMs: number = 120_000;
  protected override readonly logFormat = 'mysql' as const;
  /** Env prefix of the image: MYSQL_ here, MARIADB_ for MariaDB. */
  protected readonly envPrefix: string = 'MYSQL';
  /** Client binary in the image (MariaDB 11 images no longer ship `mysql`). */
  protected readonly client: string = 'mysql';
  protected readonly socketDir: string = '/run/mysqld';

  protected maxConnections(memoryMb: number): number {
    return clamp(Math.floor(memoryMb / 8), 50, 1000);
  }

  override memoryShares(s: SizingInput): Record<string, number> {
    // 60 % minus a fixed 256 MB for the server's own structures and per-connection buffers.
    return { innodbBufferPool: Math.max(64, Math.floor(s.memoryMb * 0.6) - 256), logBuffer: 16, tmpTable: clamp(Math.floor(s.memoryMb / 64), 16, 256) };
  }

  renderConfig(input: AdapterInput): string {
    const m = this.memoryShares(input.sizing);
    return renderConfig('mysql', 'flux.cnf.njk', {
      containerName: input.containerName, memoryMb: input.sizing.memoryMb, cpus: input.sizing.cpus, port: 3306,
      maxConnections: this.maxConnections(input.sizing.memoryMb),
      bufferPoolMb: m.innodbBufferPool!, logBufferMb: m.logBuffer!, tmpTableMb: m.tmpTable!,
      tableOpenCache: clamp(Math.floor(input.sizing.memoryMb / 2), 400, 4000),
      tls: input.tls ?? null,
    });
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const p = this.envPrefix;
    const env: Record<string, string> = {
      [`${p}_ROOT_PASSWORD_FILE`]: '/run/secrets/root-password',
      [`${p}_DATABASE`]: input.databaseName,
    };
    // The image refuses MYSQL_USER=root; root itself then is the instance's user.
    if (input.username !== 'root') {
      env[`${p}_USER`] = input.username;
      env[`${p}_PASSWORD_FILE`] = '/run/secrets/user-password';
    }
    return {
      env,
      user: '999:999',
      dataDir: '/var/lib/mysql',
      files: [
        this.secret('root-password', input.password),
        ...(input.username !== 'root' ? [this.secret('user-password', input.password)] : []),
        { target: '/etc/mysql/conf.d/flux.cnf', content: this.renderConfig(input), kind: 'config' as const },
      ],
      tmpfs: { [this.socketDir]: userTmpfsOpts(16) },
      // One thread per connection plus InnoDB's own.
      pidsLimit: this.maxConnections(input.sizing.memoryMb) + 256,
      stopTimeoutSeconds: 60,
    };
  }

  /**
   * Authenticated SELECT 1 as the instance's user from the host. The init server runs with
   * --skip-networking (§0.5), so one answer is the real server's.
   */
  protected probe(input: AdapterInput): Probe {
    return { kind: 'mysql', containerPort: 3306, user: input.username, password: input.password, database: input.databaseName, tls: Boolean(input.tls) };
  }

  /** The same SELECT 1 with the image's client inside the container, over TCP. */
  insideProbe(input: AdapterInput): ExecStep {
    this.checkInput(input);
    return {
      kind: 'exec',
      argv: [this.client, '--protocol=TCP', '-h127.0.0.1', '-P3306', ...(input.tls ? this.insideTlsFlags : []), `-u${input.username}`, `-D${input.databaseName}`, '-NBe', 'SELECT 1'],
      env: { MYSQL_PWD: input.password },
      expectStdout: /^1$/m,
    };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('mysql', d, `/${encodeURIComponent(d.database)}`);
  }

  /** The stock client takes no URI; it reads the password from MYSQL_PWD (never argv). */
  override clientCommands(d: ConnectionDetails): Record<string, ClientCommand> {
    return { [this.client]: this.clientCommand(this.client, d) };
  }

  /** The stock client's switches that verify the server against the CA file (Oracle's client: --ssl-mode). */
  protected get clientTlsFlags(): string[] {
    return ['--ssl-mode=VERIFY_IDENTITY', `--ssl-ca=${CLIENT_CA_FILE}`];
  }

  /**
   * TLS for the inside probe, over the container's loopback where the CA is not at hand: none
   * needed for Oracle's client, whose default (PREFERRED) encrypts without verifying.
   */
  protected get insideTlsFlags(): string[] {
    return [];
  }

  protected clientCommand(binary: string, d: ConnectionDetails): ClientCommand {
    return {
      argv: [binary, '--protocol=TCP', `--host=${d.host}`, `--port=${d.port}`, ...(d.tls ? this.clientTlsFlags : []), `--user=${d.username}`, `--database=${d.database}`],
      ...(d.password !== undefined ? { env: { MYSQL_PWD: d.password } } : {}),
    };
  }
}
