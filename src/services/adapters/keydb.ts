import { RedisAdapter } from './redis.js';
import type { EngineId } from './types.js';

/**
 * KeyDB from docker.io/eqalpha/keydb (CONTRACTS §12): Redis' adapter with keydb binaries and the
 * image's config path. `server-threads` is not rendered: the redis.conf template stays within what
 * Redis accepts too (the local stand-in is Redis behind KeyDB's names), so KeyDB runs one thread.
 */
export class KeydbAdapter extends RedisAdapter {
  override readonly engine: EngineId = 'keydb';
  override readonly displayName = 'KeyDB';
  override readonly description = 'Multithreaded Redis-compatible key-value store';
  override readonly defaultImage = 'docker.io/eqalpha/keydb';
  // Tag scheme unverified (CONTRACTS §12); x86_64_v6.3.4 is the arch-pinned form of 6.3.4.
  override readonly defaultVersion = 'x86_64_v6.3.4';
  override readonly versions: readonly string[] = ['x86_64_v6.3.4', 'alpine_x86_64_v6.3.4'];
  protected override readonly server = 'keydb-server';
  protected override readonly cli = 'keydb-cli';
  protected override readonly configPath = '/etc/keydb/keydb.conf';
}
