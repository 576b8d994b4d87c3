import { AdapterInputError } from '../../errors.js';
import { MssqlMetrics } from './families/mssql-metrics.js';
import { BaseAdapter, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe, SizingInput } from './types.js';
import { MssqlStatements } from './accounts/sql-declared.js';

const SQLCMD = '/opt/mssql-tools18/bin/sqlcmd';
/** sqlservr exits at start with less memory than about 2000 MB (CONTRACTS corrections). */
const MIN_SQLSERVR_MB = 2048;

/**
 * SQL Server on Linux from mcr.microsoft.com/mssql/server (CONTRACTS §5). The login is always
 * `sa`; the image takes the password only as env (no _FILE variant, so podman inspect shows it:
 * declared in `unsupported`). The 2022 image cannot create
 * a database from env, so postStartCommands creates it.
 */
export class MssqlAdapter extends BaseAdapter {
  readonly engine: EngineId = 'mssql';
  readonly displayName = 'SQL Server';
  readonly description = 'Microsoft SQL Server 2022 on Linux (Developer edition by default)';
  readonly category: EngineCategory = 'relational';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new MssqlStatements();
  readonly defaultImage = 'mcr.microsoft.com/mssql/server';
  // CU14 or later: those ship mssql-tools18 at the path the probe uses (testcontainers' CU13 pin does not).
  readonly defaultVersion = '2022-CU14-ubuntu-22.04';
  readonly versions: readonly string[] = ['2022-CU14-ubuntu-22.04', '2022-CU16-ubuntu-22.04'];
  readonly ports = [{ name: 'tds', containerPort: 1433, primary: true }];
  override readonly unsupported = {
    tls: 'the server encrypts with its own self-signed certificate; custom certificates need mssql-conf (not wired)',
    backup: 'BACKUP DATABASE writes a .bak file inside the container (TO DISK) or to object storage (TO URL), never a stream, and the module writes no temporary file inside the container: not offered',
    passwordInEnv: 'MSSQL_SA_PASSWORD is the only way the image takes the sa password (no _FILE variant): podman inspect shows it',
    arm64: 'the image is amd64 only',
  };
  // sqlservr refuses to start below 2000 MB; MSSQL_MEMORY_LIMIT_MB stays at 2048 or more with 512 MB left beside it.
  override readonly minMemoryMb = 2560;
  override readonly minCpus = 1;
  override readonly startupTimeoutMs = 180_000;
  protected override readonly metricsRole = new MssqlMetrics();
  override readonly fixedUsername = 'sa';
  protected override readonly defaultStopTimeoutSeconds = 60;
  protected override readonly logFormat = 'mssql' as const;

  override memoryShares(s: SizingInput): Record<string, number> {
    // Below the container limit, as the contract advises: 80 %, leaving at least 512 MB; never under sqlservr's 2048.
    return { memoryLimit: Math.max(MIN_SQLSERVR_MB, Math.min(Math.floor(s.memoryMb * 0.8), s.memoryMb - 512)) };
  }

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(input.password)).length;
    if (input.password.length < 8 || classes < 3) {
      throw new AdapterInputError('SQL Server needs a password of at least 8 characters from 3 of: lower, upper, digits, symbols');
    }
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      env: {
        ACCEPT_EULA: 'Y',
        MSSQL_SA_PASSWORD: input.password,
        MSSQL_PID: 'Developer',
        MSSQL_MEMORY_LIMIT_MB: String(this.memoryShares(input.sizing).memoryLimit),
      },
      // The image runs as mssql (10001) without a user switch, but sqlservr carries the file
      // capability cap_net_bind_service: the kernel refuses to exec it unless that cap is in the bounding set.
      user: '10001:0',
      capAdd: ['NET_BIND_SERVICE'],
      dataDir: '/var/opt/mssql',
      pidsLimit: 2048,
    };
  }

  private sqlcmd(sql: string, password: string): ExecStep {
    return {
      kind: 'exec',
      // -C trusts the self-signed certificate; SQLCMDPASSWORD keeps the password out of argv.
      argv: [SQLCMD, '-C', '-S', '127.0.0.1,1433', '-U', 'sa', '-b', '-h', '-1', '-Q', sql],
      env: { SQLCMDPASSWORD: password },
    };
  }

  protected probe(input: AdapterInput): Probe {
    return { ...this.sqlcmd('SET NOCOUNT ON; SELECT 1', input.password), expectStdout: /^\s*1\s*$/m };
  }

  protected override firstStart(input: AdapterInput): ExecStep[] {
    const db = input.databaseName; // checked identifier: safe inside N'' and []
    return [this.sqlcmd(`IF DB_ID(N'${db}') IS NULL CREATE DATABASE [${db}]`, input.password)];
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('mssql', d, `/${encodeURIComponent(d.database)}`, 'encrypt=true&trustServerCertificate=true');
  }
}
