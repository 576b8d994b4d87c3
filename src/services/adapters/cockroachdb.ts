import { BaseAdapter, share, type PlanParts } from './base.js';
import { CockroachMetrics } from './families/cockroach-metrics.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';
import { CockroachStatements } from './accounts/postgres.js';

/** The entrypoint's node certificate names 127.0.0.1 (not localhost). */
export const PROBE_HOST = '127.0.0.1';

/** Runs once, on the first start, as root through the entrypoint's /docker-entrypoint-initdb.d. */
const PASSWORD_SQL = '/docker-entrypoint-initdb.d/10-flux-password.sql';

/** SQL string literal: quotes doubled (standard_conforming_strings is on, so backslashes are plain). */
const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * CockroachDB single node from docker.io/cockroachdb/cockroach (CONTRACTS §7), in secure mode:
 * the entrypoint creates the CA and node/root certificates in /cockroach/certs (kept as an extra
 * volume so a recreated container still starts) and the user/database from COCKROACH_* env. The
 * entrypoint reads COCKROACH_PASSWORD from env only, so the user is created without one and an
 * init SQL file (a secret) sets it: the password never enters the container's environment.
 */
export class CockroachdbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'cockroachdb';
  readonly displayName = 'CockroachDB';
  readonly description = 'Distributed SQL database speaking the PostgreSQL wire protocol (single node)';
  readonly category: EngineCategory = 'relational';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new CockroachStatements();
  readonly defaultImage = 'docker.io/cockroachdb/cockroach';
  readonly defaultVersion = 'v26.2.4';
  readonly versions: readonly string[] = ['v26.2.4'];
  readonly ports = [
    { name: 'sql', containerPort: 26257, primary: true },
    { name: 'http', containerPort: 8080 },
  ];
  override readonly unsupported = {
    tls: 'TLS is always on with the certificates the entrypoint generates; custom certificates are not wired',
    readOnlyRootfs: 'the start script writes certs, fifo and marker files under /cockroach',
    backup: 'BACKUP writes into nodelocal or userfile storage of the cluster, never a stream, and cockroach dump is gone since v21.1: not offered',
  };
  override readonly minMemoryMb = 1024;
  override readonly startupTimeoutMs = 120_000;
  protected override readonly metricsRole = new CockroachMetrics();
  protected override readonly logFormat = 'glog' as const;
  protected override readonly defaultStopTimeoutSeconds = 60;

  override memoryShares(s: SizingInput): Record<string, number> {
    // The documented 25 % + 25 %, as absolute sizes of the container's memory.
    return { cache: share(s.memoryMb, 0.25, 128), maxSqlMemory: share(s.memoryMb, 0.25, 128) };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const m = this.memoryShares(input.sizing);
    return {
      env: { COCKROACH_USER: input.username, COCKROACH_DATABASE: input.databaseName },
      cmd: ['start-single-node', `--cache=${m.cache}MiB`, `--max-sql-memory=${m.maxSqlMemory}MiB`],
      // Runs as container root with no user switch: no capabilities (§7).
      dataDir: '/cockroach/cockroach-data',
      extraVolumes: { certs: '/cockroach/certs' },
      files: [{
        target: PASSWORD_SQL, kind: 'secret',
        content: `ALTER USER "${input.username}" WITH PASSWORD ${sqlString(input.password)};\n`,
      }],
      pidsLimit: 2048,
    };
  }

  /**
   * SQL as root with the client certificate the entrypoint made, on 127.0.0.1 (the only address
   * its node certificate names besides the advertised one). Ready once the database exists and the
   * init file has set the user's password: the entrypoint's init server answers before both.
   */
  protected probe(input: AdapterInput): Probe {
    const db = input.databaseName; // checked identifiers: safe inside ''
    const user = input.username;
    return {
      kind: 'exec',
      argv: ['cockroach', 'sql', '--certs-dir=/cockroach/certs', `--host=${PROBE_HOST}:26257`, '--format=tsv', '-e',
        `SELECT (SELECT count(*) FROM [SHOW DATABASES] WHERE database_name = '${db}')` +
        ` + (SELECT count(*) FROM system.users WHERE username = '${user}' AND length("hashedPassword") > 0) AS ready`],
      expectStdout: /^2$/m,
    };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('postgresql', d, `/${encodeURIComponent(d.database)}`, 'sslmode=require');
  }
}
