import { MysqlAdapter } from './mysql.js';
import type { ConnectionDetails, EngineId } from './types.js';
import { CLIENT_CA_FILE } from '../security/tls-clients.js';

/**
 * MariaDB from docker.io/library/mariadb (CONTRACTS §4): MySQL's adapter with MARIADB_* env,
 * the `mariadb` client and MariaDB's own URI scheme.
 */
export class MariadbAdapter extends MysqlAdapter {
  override readonly engine: EngineId = 'mariadb';
  override readonly displayName = 'MariaDB';
  override readonly description = 'Community-developed MySQL fork with extra storage engines';
  override readonly defaultImage = 'docker.io/library/mariadb';
  override readonly defaultVersion = '11.8';
  override readonly versions: readonly string[] = ['11.8', '11.4', '10.11', '12.3'];
  override readonly ports = [{ name: 'mariadb', containerPort: 3306, primary: true }];
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 90_000;
  protected override readonly envPrefix = 'MARIADB';
  protected override readonly client = 'mariadb';

  /** MariaDB's client has no --ssl-mode: the CA file and server-certificate verification. */
  protected override get clientTlsFlags(): string[] {
    return [`--ssl-ca=${CLIENT_CA_FILE}`, '--ssl-verify-server-cert'];
  }

  protected override get insideTlsFlags(): string[] {
    return ['--ssl', '--skip-ssl-verify-server-cert'];
  }

  override connectionUri(d: ConnectionDetails): string {
    return this.uri('mariadb', d, `/${encodeURIComponent(d.database)}`);
  }
}
