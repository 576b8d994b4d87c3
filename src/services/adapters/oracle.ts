import { AdapterInputError } from '../../errors.js';
import { OracleMetrics } from './families/oracle-metrics.js';
import { BaseAdapter, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';
import { OracleStatements } from './accounts/sql-declared.js';

/** Names Oracle reserves: APP_USER must not collide with them. */
const RESERVED_USERS = new Set(['sys', 'system', 'sysman', 'dbsnmp', 'outln', 'xdb', 'audsys', 'pdbadmin', 'anonymous', 'public']);

/**
 * Oracle Database Free from docker.io/gvenzl/oracle-free (CONTRACTS §6). SYS/SYSTEM and the app
 * user share the instance password, passed as _FILE secrets. The instance's database is an extra
 * PDB (ORACLE_DATABASE), so the connect string names it.
 */
export class OracleAdapter extends BaseAdapter {
  readonly engine: EngineId = 'oracle';
  readonly displayName = 'Oracle Database Free';
  readonly description = 'Oracle Database 23ai Free (gvenzl image): 2 CPU threads, 2 GB RAM, 12 GB data';
  readonly category: EngineCategory = 'relational';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new OracleStatements();
  readonly defaultImage = 'docker.io/gvenzl/oracle-free';
  readonly defaultVersion = '23-slim';
  // No *-faststart tags: they ship a pre-extracted database in /opt/oracle/oradata, which the
  // instance's empty data volume hides, so they would start without one.
  readonly versions: readonly string[] = ['23-slim', '23'];
  readonly ports = [{ name: 'listener', containerPort: 1521, primary: true }];
  override readonly unsupported = {
    tls: 'TCPS needs a wallet and listener changes; the image has no switch for it',
    backup: 'Data Pump (expdp) and RMAN write their files into a server directory inside the container, never a stream (and Data Pump in -slim images is unverified): not offered',
    readOnlyRootfs: 'the first start extracts the database under $ORACLE_HOME',
  };
  override readonly minMemoryMb = 2048;
  override readonly minCpus = 1;
  // Regular (non-faststart) images decompress the database and create the PDB on first start.
  override readonly startupTimeoutMs = 600_000;
  protected override readonly metricsRole = new OracleMetrics();
  protected override readonly defaultStopTimeoutSeconds = 120;
  protected override readonly defaultPidsLimit = 4096;

  override memoryShares(_s: SizingInput): Record<string, number> {
    // Oracle Free traits itself at 2 GB whatever the container has.
    return {};
  }

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    if (RESERVED_USERS.has(input.username)) throw new AdapterInputError(`Oracle reserves the username "${input.username}"`);
    // PDB names are limited to 30 characters; FREEPDB1 exists already.
    if (input.databaseName.length > 30 || input.databaseName === 'freepdb1' || input.databaseName === 'free') {
      throw new AdapterInputError(`Oracle database (PDB) name "${input.databaseName}" must be at most 30 characters and not FREE/FREEPDB1`);
    }
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      env: {
        ORACLE_PASSWORD_FILE: '/run/secrets/oracle-password',
        ORACLE_DATABASE: input.databaseName,
        APP_USER: input.username,
        APP_USER_PASSWORD_FILE: '/run/secrets/app-user-password',
      },
      // Non-root image (oracle, 54321 per Oracle's convention: unverified for gvenzl): no capabilities.
      // The uid only: with uid:gid Podman adds no supplementary groups, so oracle would lose dba
      // and `sqlplus / as sysdba` (the image's setup and healthcheck) would fail.
      user: '54321',
      dataDir: '/opt/oracle/oradata',
      files: [this.secret('oracle-password', input.password), this.secret('app-user-password', input.password)],
      shmSizeMb: 1024,
    };
  }

  /** The image's own check (exit 0 only when the database and the extra PDB are open). */
  protected probe(_input: AdapterInput): Probe {
    return { kind: 'exec', argv: ['healthcheck.sh'] };
  }

  connectionUri(d: ConnectionDetails): string {
    // EZConnect-style URI: service name = the PDB named after the database.
    return this.uri('oracle', d, `/${encodeURIComponent(d.database.toUpperCase())}`);
  }
}
