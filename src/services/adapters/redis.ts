import { renderConfig } from '../orchestration/config-renderer.js';
import { RedisMetrics } from './families/redis-metrics.js';
import { BaseAdapter, traits, clamp, percentEncode, share, type PlanParts } from './base.js';
import type { AdapterInput, ClientCommand, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe, SizingInput } from './types.js';
import { CLIENT_CA_FILE } from '../security/tls-clients.js';
import { RedisBrowser } from './families/redis-browser.js';
import { RedisBackup } from './families/redis-backup.js';
import type { BackupRole } from './roles/backup.js';
import { RedisAccounts } from './families/redis-accounts.js';
import { aclRules } from './accounts/redis.js';
import type { AccountsRole } from './roles/accounts.js';

/**
 * Redis from docker.io/library/redis (CONTRACTS §11); Valkey and KeyDB extend it.
 * The password only exists in the rendered config (a secret file): `redis-server <file>`.
 */
export class RedisAdapter extends BaseAdapter {
  readonly engine: EngineId = 'redis';
  readonly displayName: string = 'Redis';
  readonly description: string = 'In-memory key-value store with persistence (RDB + AOF)';
  readonly category: EngineCategory = 'key_value';
  readonly defaultImage: string = 'docker.io/library/redis';
  readonly defaultVersion: string = '8.8';
  readonly versions: readonly string[] = ['8.8', '8.10', '8.6', '8.4', '8.2', '8.0', '7.4', '7.2'];
  readonly ports = [{ name: 'redis', containerPort: 6379, primary: true }];
  override readonly traits = traits({ supportsTls: true, supportsReadOnlyRootfs: true });
  protected override readonly browserRole = new RedisBrowser();
  protected override readonly metricsRole = new RedisMetrics();
  // Getters: Valkey and KeyDB set their own cli after this field is made.
  protected override readonly backupRole: BackupRole = new RedisBackup(() => this.cli, () => this.displayName);
  protected override readonly accountsRole: AccountsRole = new RedisAccounts();
  override readonly unsupported: Readonly<Record<string, string>> = {
    databases: 'numbered keyspaces (SELECT 0-15) only; the database name is not used',
  };
  override readonly minMemoryMb: number = 128;
  override readonly startupTimeoutMs: number = 30_000;
  protected override readonly logFormat = 'redis' as const;
  protected readonly server: string = 'redis-server';
  protected readonly cli: string = 'redis-cli';
  protected readonly configPath: string = '/usr/local/etc/redis/redis.conf';
  protected readonly runAs: string = '999:999';
  /**
   * noeviction: this is a database, so a full instance refuses writes with an OOM error instead
   * of silently deleting keys (allkeys-lru would make it a cache).
   */
  readonly maxmemoryPolicy: string = 'noeviction';

  override memoryShares(s: SizingInput): Record<string, number> {
    // 75 %: the rest is headroom for the copy-on-write fork of BGSAVE / AOF rewrite.
    return { maxmemory: share(s.memoryMb, 0.75, 64) };
  }

  renderConfig(input: AdapterInput): string {
    return renderConfig('redis', 'redis.conf.njk', {
      containerName: input.containerName, memoryMb: input.sizing.memoryMb, port: 6379,
      password: input.password,
      // ACL users live in memory only: rendered here (hashes, never plaintext) so a restart keeps them.
      aclUsers: (input.accounts ?? []).map((a) => ({ name: a.username, rules: [...a.passwordSha256.map((h) => `#${h}`), ...aclRules(a.role, a.keys)] })),
      maxmemoryMb: this.memoryShares(input.sizing).maxmemory!,
      maxmemoryPolicy: this.maxmemoryPolicy,
      maxClients: clamp(Math.floor(input.sizing.memoryMb * 4), 1000, 10000),
      tls: input.tls ?? null,
    });
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      cmd: [this.server, this.configPath],
      user: this.runAs,
      dataDir: '/data',
      // Secret kind: the file holds requirepass.
      files: [{ target: this.configPath, content: this.renderConfig(input), kind: 'secret' }],
      pidsLimit: 256,
      nofile: 10240,
    };
  }

  /** PING after AUTH from the host; only PONG counts. The server has no temporary init phase. */
  protected probe(input: AdapterInput): Probe {
    return { kind: 'redis', containerPort: 6379, password: input.password, tls: Boolean(input.tls) };
  }

  /** The same PING with the image's cli inside the container, the password in REDISCLI_AUTH. */
  insideProbe(input: AdapterInput): ExecStep {
    this.checkInput(input);
    const tls = input.tls ? ['--tls', '--insecure'] : [];
    return {
      kind: 'exec',
      argv: [this.cli, '-h', '127.0.0.1', '-p', '6379', ...tls, 'ping'],
      env: { REDISCLI_AUTH: input.password },
      expectStdout: /^PONG$/m,
    };
  }

  /**
   * With TLS, redis-cli verifies the server against the CA file; the password comes from
   * REDISCLI_AUTH, never argv. Without TLS the URI is enough.
   */
  override clientCommands(d: ConnectionDetails): Record<string, ClientCommand> {
    if (!d.tls) return {};
    return {
      'redis-cli': {
        argv: ['redis-cli', '--tls', '--cacert', CLIENT_CA_FILE, '-h', d.host, '-p', String(d.port), '--user', 'default'],
        ...(d.password !== undefined ? { env: { REDISCLI_AUTH: d.password } } : {}),
      },
    };
  }

  connectionUri(d: ConnectionDetails): string {
    // requirepass is the password of the ACL user "default". Named, not left empty: redis-cli 7.0
    // sends AUTH "" <password> for redis://:<password>@ and fails; every client accepts default.
    const auth = d.password !== undefined ? `default:${percentEncode(d.password)}@` : '';
    return `${d.tls ? 'rediss' : 'redis'}://${auth}${d.host}:${d.port}/0`;
  }
}
