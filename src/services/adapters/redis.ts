import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, traits, clamp, percentEncode, share, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';

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
  override readonly unsupported: Readonly<Record<string, string>> = {
    databases: 'numbered keyspaces (SELECT 0-15) only; the database name is not used',
    users: 'one password (requirepass); ACL users are not managed',
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

  /** PING with the password in REDISCLI_AUTH; only PONG counts. */
  protected probe(input: AdapterInput): Probe {
    const tls = input.tls ? ['--tls', '--insecure'] : [];
    return {
      kind: 'exec',
      argv: [this.cli, '-h', '127.0.0.1', '-p', '6379', ...tls, 'ping'],
      env: { REDISCLI_AUTH: input.password },
      expectStdout: /^PONG$/m,
    };
  }

  connectionUri(d: ConnectionDetails): string {
    // Password-only auth: empty user part (redis://:pass@host:port/0).
    const pw = d.password !== undefined ? `:${percentEncode(d.password)}@` : '';
    return `redis://${pw}${d.host}:${d.port}/0`;
  }
}
