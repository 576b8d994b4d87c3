import { BaseAdapter, traits, jvmHeapMb, type PlanParts } from './base.js';
import { H2Metrics } from './families/h2-metrics.js';
import type { AdapterInput, ClientCommand, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe, SizingInput } from './types.js';
import { tcpInsideProbe } from './inside-probes.js';
import { H2Browser } from './families/h2-browser.js';
import { H2Backup } from './families/h2-backup.js';
import { H2_BACKUP_JAVA, H2_BACKUP_PROGRAM } from './families/h2-backup-program.js';
import { H2Accounts } from './families/h2-accounts.js';
import type { AccountsRole } from './roles/accounts.js';

const INIT_SQL = '/run/secrets/h2-init.sql';

/** H2 SQL string literal: quotes doubled. */
const h2String = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * H2 in server mode from the community image docker.io/oscarfonts/h2 (CONTRACTS §26). H2 has no
 * server-level users: the connection that creates a database file makes its admin. So remote
 * creation stays off (no -ifNotExists) and postStartCommands creates the database locally,
 * embedded, with RunScript and a secret SQL file that sets the password. The web console moves to
 * 8082 (81 would need NET_BIND_SERVICE); the PostgreSQL-protocol server on 5435 is on for non-JVM clients.
 */
export class H2Adapter extends BaseAdapter {
  readonly engine: EngineId = 'h2';
  readonly displayName = 'H2 Database';
  readonly description = 'Lightweight Java SQL database in server mode (TCP and PostgreSQL protocol)';
  readonly category: EngineCategory = 'embedded';
  readonly defaultImage = 'docker.io/oscarfonts/h2';
  readonly defaultVersion = '2.3.232';
  readonly versions: readonly string[] = ['2.3.232', '2.2.224'];
  readonly ports = [
    { name: 'tcp', containerPort: 1521, primary: true },
    // Published for host-side PostgreSQL-protocol clients (a database it opens first is opened with DATABASE_TO_LOWER).
    { name: 'pg', containerPort: 5435, publish: true },
  ];
  override readonly traits = traits({ supportsReadOnlyRootfs: true });
  protected override readonly browserRole = new H2Browser();
  protected override readonly backupRole = new H2Backup();
  protected override readonly metricsRole = new H2Metrics();
  protected override readonly accountsRole: AccountsRole = new H2Accounts();
  override readonly unsupported = {
    tls: '-tcpSSL needs a JVM keystore; not wired',
    uri: 'JDBC only (jdbc:h2:tcp://...); user and password go as connection properties',
    webConsole: 'the web console (8082) is never published',
  };
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 60_000;
  protected override readonly defaultPidsLimit = 1024;

  override memoryShares(s: SizingInput): Record<string, number> {
    return { heap: jvmHeapMb(s.memoryMb, 0.5) };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const heap = this.memoryShares(input.sizing).heap;
    return {
      env: {
        // Appended to the image's server command. No -ifNotExists: nobody can create databases remotely.
        H2_OPTIONS: '-webPort 8082 -pg -pgAllowOthers -pgPort 5435',
        JAVA_TOOL_OPTIONS: `-Xmx${heap}m`,
      },
      // Cap-free on a pre-owned dir (the oscarfonts image would run as root; the stand-in steps down to 1000).
      user: '1000:1000',
      dataDir: '/opt/h2-data',
      files: [{
        target: INIT_SQL,
        // User names are upper-cased by H2 unless quoted; the checked identifier is used unquoted.
        content: `ALTER USER ${input.username} SET PASSWORD ${h2String(input.password)};\nSELECT 1;\n`,
        kind: 'secret',
      },
      // The module's backup program (families/h2-backup-program.ts): H2's own tools take passwords in argv only.
      { target: H2_BACKUP_PROGRAM, content: H2_BACKUP_JAVA, kind: 'config' }],
    };
  }

  /**
   * The TCP server's port, from the host. Nothing can authenticate before the first start: the
   * database and its admin exist only once the first-start step (run after this probe) made them.
   */
  protected probe(_input: AdapterInput): Probe {
    return { kind: 'tcp', containerPort: 1521 };
  }

  /** The same port check from inside the container, for a host that cannot reach it (a drill, a rootless VNet). */
  insideProbe(_input: AdapterInput): ExecStep {
    return tcpInsideProbe(1521);
  }

  /**
   * Creates the database file embedded (empty password, then the script sets the real one). The
   * shell string is a constant: it only finds the jar (its path differs between images) and reads
   * the names from env; no value is spliced into it. Fails harmlessly once the password is set.
   */
  protected override firstStart(input: AdapterInput): ExecStep[] {
    return [{
      kind: 'exec',
      argv: ['sh', '-c',
        'jar=$(ls /opt/h2/bin/h2*.jar /usr/share/java/h2.jar 2>/dev/null | head -n 1); ' +
        'exec java -cp "$jar" org.h2.tools.RunScript -url "jdbc:h2:/opt/h2-data/$FLUX_DB" -user "$FLUX_USER" -script ' + INIT_SQL],
      env: { FLUX_DB: input.databaseName, FLUX_USER: input.username },
    }];
  }

  connectionUri(d: ConnectionDetails): string {
    return `jdbc:h2:tcp://${d.host}:${d.port}/${encodeURIComponent(d.database)}`;
  }

  /** H2's own Shell from Debian's libh2-java (any H2 2.x jar works); it takes the password as an argument only. */
  override clientCommands(d: ConnectionDetails): Record<string, ClientCommand> {
    return {
      'h2-shell': {
        argv: ['java', '-cp', '/usr/share/java/h2.jar', 'org.h2.tools.Shell', '-url', this.connectionUri(d), '-user', d.username,
          ...(d.password !== undefined ? ['-password', d.password] : [])],
      },
    };
  }
}
