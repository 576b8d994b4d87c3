import { AdapterInputError } from '../../errors.js';
import { InfluxMetrics } from './families/influx-metrics.js';
import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, traits, share, type PlanParts } from './base.js';
import type { AdapterInput, ClientCommand, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe, SizingInput } from './types.js';
import { httpInsideProbe } from './inside-probes.js';
import { InfluxBrowser } from './families/influx-browser.js';
import { InfluxBackup } from './families/influx-backup.js';
import { InfluxAccounts } from './families/influx-accounts.js';
import type { AccountsRole } from './roles/accounts.js';
import { CLIENT_CA_ENV } from '../security/tls-clients.js';

const is1x = (version: string): boolean => version.startsWith('1.');

/** InfluxQL string literal: backslash and quote escaped with a backslash. */
const iqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const ADMIN_IQL_1X = '/run/secrets/influxdb-admin.iql';
/**
 * Sourced by the 1.x init script after it created the admin (with a random password, as
 * INFLUXDB_ADMIN_PASSWORD is unset: the 1.x image reads it from env only): sets the instance
 * password from a secret import file, signed in with the random one. Constant text.
 */
const SET_PASSWORD_SH_1X = [
  '# Replaces the random admin password of the init step with the instance password (a secret file).',
  `influx -host 127.0.0.1 -port 8086 -username "$INFLUXDB_ADMIN_USER" -password "$INFLUXDB_ADMIN_PASSWORD" -import -path=${ADMIN_IQL_1X}`,
  '',
].join('\n');

/**
 * InfluxDB from docker.io/library/influxdb (CONTRACTS §16). Two contracts, chosen by version:
 * - 2.x: auto-setup (DOCKER_INFLUXDB_INIT_*) with org `flux`, bucket = database; the admin token is
 *   the instance password, so the module can authenticate without storing a second secret.
 * - 1.x: INFLUXDB_* init env with HTTP auth on, and a rendered influxdb.conf (the local stand-in
 *   is InfluxDB 1.6 behind this contract).
 */
export class InfluxdbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'influxdb';
  readonly displayName = 'InfluxDB';
  readonly description = 'Time-series database (2.x with orgs, buckets and tokens; 1.x with InfluxQL)';
  readonly category: EngineCategory = 'time_series';
  readonly defaultImage = 'docker.io/library/influxdb';
  readonly defaultVersion = '2.9';
  readonly versions: readonly string[] = ['2.9', '2.8', '1.12', '1.11', '1.8', '1.6'];
  readonly ports = [{ name: 'http', containerPort: 8086, primary: true }];
  override readonly traits = traits({ supportsTls: true });
  protected override readonly browserRole = new InfluxBrowser();
  protected override readonly backupRole = new InfluxBackup();
  protected override readonly metricsRole = new InfluxMetrics();
  protected override readonly accountsRole: AccountsRole = new InfluxAccounts();
  override readonly unsupported = {
    uri: 'no single URI: the HTTP URL plus org and token (2.x) or user/password (1.x)',
    readOnlyRootfs: 'untested for either contract',
    backup2x: '2.x backups (its /api/v2/backup API) are not run: no InfluxDB 2 runs where the module was verified; a 2.x snapshot fails saying so',
    backupUsers: 'a 1.x dump holds databases, retention policies and points; users and grants stay as they are',
  };
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 60_000;

  override memoryShares(s: SizingInput): Record<string, number> {
    // The in-memory write cache (1.x cache-max-memory-size / 2.x storage-cache-max-memory-size).
    return { writeCache: share(s.memoryMb, 0.25, 64, 8192) };
  }

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    if (!is1x(input.version) && input.password.length < 8) throw new AdapterInputError('InfluxDB 2 needs a password of at least 8 characters');
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return is1x(input.version) ? this.plan1x(input) : this.plan2x(input);
  }

  private plan2x(input: AdapterInput): PlanParts {
    const cacheBytes = this.memoryShares(input.sizing).writeCache! * 1024 * 1024;
    const env: Record<string, string> = {
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_USERNAME: input.username,
      DOCKER_INFLUXDB_INIT_PASSWORD_FILE: '/run/secrets/influxdb-password',
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN_FILE: '/run/secrets/influxdb-token',
      DOCKER_INFLUXDB_INIT_ORG: 'flux',
      DOCKER_INFLUXDB_INIT_BUCKET: input.databaseName,
      // CLI configs on the data volume instead of a second volume at /etc/influxdb2.
      INFLUX_CONFIGS_PATH: '/var/lib/influxdb2/influx-configs',
      INFLUXD_STORAGE_CACHE_MAX_MEMORY_SIZE: String(cacheBytes),
      INFLUXD_REPORTING_DISABLED: 'true',
    };
    if (input.tls) Object.assign(env, { INFLUXD_TLS_CERT: input.tls.certPath, INFLUXD_TLS_KEY: input.tls.keyPath });
    return {
      env,
      user: '1000:1000',
      dataDir: '/var/lib/influxdb2',
      files: [this.secret('influxdb-password', input.password), this.secret('influxdb-token', input.password)],
    };
  }

  private plan1x(input: AdapterInput): PlanParts {
    const conf = renderConfig('influxdb', 'influxdb.conf.njk', {
      containerName: input.containerName, memoryMb: input.sizing.memoryMb, port: 8086,
      cacheMaxMemoryBytes: this.memoryShares(input.sizing).writeCache! * 1024 * 1024,
      tls: input.tls ?? null,
    });
    return {
      env: {
        INFLUXDB_DB: input.databaseName,
        INFLUXDB_HTTP_AUTH_ENABLED: 'true',
        INFLUXDB_ADMIN_USER: input.username,
        // No INFLUXDB_ADMIN_PASSWORD (env only in 1.x): see SET_PASSWORD_SH_1X.
      },
      // Explicit, so the entrypoint's setup server reads the same file.
      cmd: ['influxd', '-config', '/etc/influxdb/influxdb.conf'],
      // The 1.x image runs as influxdb (1500) itself: no capabilities.
      user: '1500:1500',
      dataDir: '/var/lib/influxdb',
      files: [
        { target: '/etc/influxdb/influxdb.conf', content: conf, kind: 'config' },
        { target: '/docker-entrypoint-initdb.d/10-flux-admin-password.sh', content: SET_PASSWORD_SH_1X, kind: 'config' },
        {
          target: ADMIN_IQL_1X, kind: 'secret',
          content: `# DDL\nSET PASSWORD FOR "${input.username}" = ${iqlString(input.password)}\n`,
        },
      ],
    };
  }

  /** Host-side, authenticated: 1.x SHOW DATABASES with basic auth; 2.x the org list with the token. */
  protected probe(input: AdapterInput): Probe {
    const scheme = input.tls ? 'https' : 'http';
    if (is1x(input.version)) {
      return {
        kind: 'http', scheme, containerPort: 8086, path: '/query?q=SHOW%20DATABASES',
        headers: { Authorization: this.basicAuth(input.username, input.password) }, expectStatus: [200],
      };
    }
    return {
      kind: 'http', scheme, containerPort: 8086, path: '/api/v2/orgs?org=flux',
      headers: { Authorization: `Token ${input.password}` }, expectStatus: [200],
    };
  }

  /** The same authenticated request from inside the container, for a host that cannot reach it (a drill, a rootless VNet). */
  insideProbe(input: AdapterInput): ExecStep {
    const p = this.readinessProbe(input) as Extract<Probe, { kind: 'http' }>;
    // authOn: the 1.x init's setup server on 127.0.0.1 runs without authentication.
    return httpInsideProbe(8086, p.path, p.headers!.Authorization!, Boolean(input.tls), true);
  }

  connectionUri(d: ConnectionDetails): string {
    // The HTTP endpoint; 1.x clients also take user:password@ and the database as ?db=.
    return this.uri(d.tls ? 'https' : 'http', d, '/', `db=${encodeURIComponent(d.database)}`);
  }

  /**
   * The influx CLI takes no URI. 1.x: host and port flags, credentials from INFLUX_USERNAME and
   * INFLUX_PASSWORD. 2.x: INFLUX_HOST, INFLUX_ORG and INFLUX_TOKEN (the token is the password),
   * then a subcommand (`influx query '…'`).
   */
  override clientCommands(d: ConnectionDetails): Record<string, ClientCommand> {
    const host = d.host.includes(':') && !d.host.startsWith('[') ? `[${d.host}]` : d.host;
    if (d.version === undefined || is1x(d.version)) {
      return {
        influx: {
          // With TLS the Go client verifies against the CA file SSL_CERT_FILE names.
          argv: ['influx', '-host', d.host, '-port', String(d.port), '-database', d.database, ...(d.tls ? ['-ssl'] : [])],
          env: { INFLUX_USERNAME: d.username, ...(d.password !== undefined ? { INFLUX_PASSWORD: d.password } : {}), ...(d.tls ? CLIENT_CA_ENV : {}) },
        },
      };
    }
    return {
      influx: {
        argv: ['influx'],
        env: {
          INFLUX_HOST: `${d.tls ? 'https' : 'http'}://${host}:${d.port}`, INFLUX_ORG: 'flux',
          ...(d.password !== undefined ? { INFLUX_TOKEN: d.password } : {}), ...(d.tls ? CLIENT_CA_ENV : {}),
        },
      },
    };
  }
}
