import { RedisAdapter } from './redis.js';
import type { EngineId } from './types.js';

/** Valkey from docker.io/valkey/valkey (CONTRACTS §13): Redis' adapter with valkey binaries and paths. */
export class ValkeyAdapter extends RedisAdapter {
  override readonly engine: EngineId = 'valkey';
  override readonly displayName = 'Valkey';
  override readonly description = 'Linux Foundation fork of Redis, protocol compatible';
  override readonly defaultImage = 'docker.io/valkey/valkey';
  override readonly defaultVersion = '8.1';
  override readonly versions: readonly string[] = ['8.1', '8.0', '9.0', '9.1'];
  protected override readonly server = 'valkey-server';
  protected override readonly cli = 'valkey-cli';
  protected override readonly configPath = '/usr/local/etc/valkey/valkey.conf';
}
