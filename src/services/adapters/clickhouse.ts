import { createHash } from 'node:crypto';
import { ClickhouseMetrics } from './families/clickhouse-metrics.js';
import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, traits, clamp, type PlanParts } from './base.js';
import type { AdapterInput, ClientCommand, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe, SizingInput } from './types.js';
import { httpInsideProbe } from './inside-probes.js';
import { ClickhouseBrowser } from './families/clickhouse-browser.js';
import { ClickhouseBackup } from './families/clickhouse-backup.js';
import { ClickhouseAccounts } from './families/clickhouse-accounts.js';
import type { AccountsRole } from './roles/accounts.js';
import { CLIENT_CA_ENV } from '../security/tls-clients.js';

const major = (version: string): number => Number(/^(\d+)/.exec(version)?.[1] ?? '0');

/**
 * ClickHouse from docker.io/clickhouse/clickhouse-server (CONTRACTS §24). The user is rendered
 * into users.d with a SHA-256 password hash (a secret file) instead of CLICKHOUSE_PASSWORD env, so
 * the password is neither in env nor argv, and the same files work on the local 18.16 stand-in:
 * config root <yandex> before 21.x (LOCAL-FACTS), <clickhouse> after.
 */
export class ClickhouseAdapter extends BaseAdapter {
  readonly engine: EngineId = 'clickhouse';
  readonly displayName = 'ClickHouse';
  readonly description = 'Column-oriented OLAP database for real-time analytics';
  readonly category: EngineCategory = 'analytical';
  readonly defaultImage = 'docker.io/clickhouse/clickhouse-server';
  readonly defaultVersion = '25.8';
  // 18.16 is for the local stand-in (run with FLUX_DATABASES_IMAGE_CLICKHOUSE): no such vendor tag.
  readonly versions: readonly string[] = ['25.8', '24.8', '18.16'];
  readonly ports = [
    { name: 'http', containerPort: 8123, primary: true },
    // clickhouse-client speaks the native protocol only.
    { name: 'native', containerPort: 9000, publish: true },
  ];
  override readonly traits = traits({ supportsTls: true });
  protected override readonly browserRole = new ClickhouseBrowser();
  protected override readonly backupRole = new ClickhouseBackup();
  protected override readonly metricsRole = new ClickhouseMetrics();
  protected override readonly accountsRole: AccountsRole = new ClickhouseAccounts();
  override readonly unsupported = {
    readOnlyRootfs: 'untested: the entrypoint may write users.d and the logs dir',
    backupStatement: 'BACKUP/RESTORE statements (22.x on) are not used: the dump is SHOW CREATE TABLE and Native rows per table, which 18.16 has too',
    backupTables: 'Set, Join, Buffer, Kafka and other engines that keep no rows of their own are dumped as definitions only',
  };
  override readonly minMemoryMb = 1024;
  override readonly startupTimeoutMs = 60_000;
  /**
   * The entrypoint creates CLICKHOUSE_DB on a temporary server started from the same config and
   * then replaces it by the real one; two answers in a row keep a probe that reached the temporary
   * server from calling the instance ready while it is about to go away.
   */
  override readonly readySuccesses = 2;
  protected override readonly defaultNofile = 262144;
  protected override readonly defaultPidsLimit = 4096;

  override memoryShares(s: SizingInput): Record<string, number> {
    // Server cap 80 % (the default ratio is 0.9 of the host, not the container); caches shrink with small SKUs.
    return {
      maxServerMemory: Math.floor(s.memoryMb * 0.8),
      markCache: clamp(Math.floor(s.memoryMb / 8), 64, 5120),
      uncompressedCache: clamp(Math.floor(s.memoryMb / 16), 32, 8192),
    };
  }

  renderFiles(input: AdapterInput): { server: string; users: string } {
    const root = major(input.version) >= 21 ? 'clickhouse' : 'yandex';
    const m = this.memoryShares(input.sizing);
    const MB = 1024 * 1024;
    const common = { containerName: input.containerName, memoryMb: input.sizing.memoryMb, cpus: input.sizing.cpus, root };
    return {
      server: renderConfig('clickhouse', 'server.xml.njk', {
        ...common, httpPort: 8123, tcpPort: 9000,
        maxConnections: clamp(Math.floor(input.sizing.memoryMb / 4), 256, 4096),
        maxConcurrentQueries: clamp(Math.ceil(input.sizing.cpus) * 25, 25, 1000),
        maxServerMemoryBytes: m.maxServerMemory! * MB,
        markCacheBytes: m.markCache! * MB,
        uncompressedCacheBytes: m.uncompressedCache! * MB,
        tls: input.tls ?? null,
      }),
      users: renderConfig('clickhouse', 'users.xml.njk', {
        ...common, username: input.username,
        passwordSha256Hex: createHash('sha256').update(input.password, 'utf8').digest('hex'),
        // SQL-driven access control exists from 20.x.
        accessManagement: major(input.version) >= 21,
      }),
    };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const files = this.renderFiles(input);
    return {
      env: {
        CLICKHOUSE_DB: input.databaseName,
        // Our users.d file defines the users; the entrypoint must not write its own.
        CLICKHOUSE_SKIP_USER_SETUP: '1',
      },
      // --user on pre-owned dirs: no chown, no gosu, no capabilities (§24).
      user: '101:101',
      dataDir: '/var/lib/clickhouse',
      logsDir: '/var/log/clickhouse-server',
      files: [
        { target: '/etc/clickhouse-server/config.d/docker_related_config.xml', content: files.server, kind: 'config' },
        { target: '/etc/clickhouse-server/users.d/flux-users.xml', content: files.users, kind: 'secret' },
      ],
    };
  }

  /** Host-side, authenticated: SELECT 1 over HTTP with basic auth (works on 18.x too). */
  protected probe(input: AdapterInput): Probe {
    return {
      // With TLS the same container port speaks HTTPS (the template), so the published port stays.
      kind: 'http', scheme: input.tls ? 'https' : 'http', containerPort: 8123, path: '/?query=SELECT%201',
      headers: { Authorization: this.basicAuth(input.username, input.password) }, expectStatus: [200],
    };
  }

  /** The same authenticated SELECT 1 from inside the container, for a host that cannot reach it (a drill, a rootless VNet). */
  insideProbe(input: AdapterInput): ExecStep {
    this.checkInput(input);
    return httpInsideProbe(8123, '/?query=SELECT%201', this.basicAuth(input.username, input.password), Boolean(input.tls));
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri(d.tls ? 'https' : 'http', d, '/', `database=${encodeURIComponent(d.database)}`);
  }

  /**
   * clickhouse-client over the native port; 18.x reads no password from the environment. With
   * TLS the native port is the secure one (--secure) and the client's OpenSSL trusts the CA file
   * named by SSL_CERT_FILE (18.x has no flag for it).
   */
  override clientCommands(d: ConnectionDetails): Record<string, ClientCommand> {
    const native = d.ports?.native;
    if (native === undefined) return {};
    return {
      'clickhouse-client': {
        argv: ['clickhouse-client', `--host=${d.host}`, `--port=${native}`, ...(d.tls ? ['--secure'] : []), `--user=${d.username}`,
          ...(d.password !== undefined ? [`--password=${d.password}`] : []), `--database=${d.database}`],
        ...(d.tls ? { env: { ...CLIENT_CA_ENV } } : {}),
      },
    };
  }
}
