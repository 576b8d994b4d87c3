import { BaseAdapter, type PlanParts } from './base.js';
import { ArangoMetrics } from './families/arango-metrics.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';
import { ArangoStatements } from './accounts/nosql-declared.js';

/** Run by the entrypoint's init phase with arangosh against its init server (an image contract). */
const CREATE_DATABASE_JS = '/docker-entrypoint-initdb.d/10-flux-database.js';

/**
 * ArangoDB from docker.io/library/arangodb (CONTRACTS §10). The only account the image sets up is
 * `root`, from ARANGO_ROOT_PASSWORD_FILE. The database the connection string names is created by
 * an init script on the first start (the entrypoint runs /docker-entrypoint-initdb.d/*.js and
 * fails the start when one fails), and readiness asks for it, so an instance without it never
 * runs. cgroup limits are not detected, so memory and cores are passed through the override env.
 */
export class ArangodbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'arangodb';
  readonly displayName = 'ArangoDB';
  readonly description = 'Multi-model database: documents, graphs and key-value with AQL';
  readonly category: EngineCategory = 'document';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new ArangoStatements();
  readonly defaultImage = 'docker.io/library/arangodb';
  readonly defaultVersion = '3.12';
  readonly versions: readonly string[] = ['3.12'];
  readonly ports = [{ name: 'http', containerPort: 8529, primary: true }];
  override readonly unsupported = {
    tls: 'needs a combined PEM and an ssl:// endpoint; not wired',
    foxxApps: '/var/lib/arangodb3-apps is an extra volume (plan.extraVolumes); without it Foxx apps live in the container layer',
    readOnlyRootfs: 'CONTRACTS §10 says it works with the apps dir on a volume (it is, an extra volume); off until verified on the image',
    backup: 'arangodump writes an output directory inside the container, never a stream (hot backups are Enterprise): not offered',
  };
  override readonly minMemoryMb = 1024;
  override readonly startupTimeoutMs = 90_000;
  protected override readonly metricsRole = new ArangoMetrics();
  override readonly fixedUsername = 'root';

  override memoryShares(s: SizingInput): Record<string, number> {
    // What arangod believes it has: the SKU memory minus 10 % headroom; RocksDB caches derive from it.
    return { detectedMemory: Math.floor(s.memoryMb * 0.9) };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    return {
      env: {
        ARANGO_ROOT_PASSWORD_FILE: '/run/secrets/root-password',
        ARANGODB_OVERRIDE_DETECTED_TOTAL_MEMORY: String(this.memoryShares(input.sizing).detectedMemory! * 1024 * 1024),
        ARANGODB_OVERRIDE_DETECTED_NUMBER_OF_CORES: String(Math.max(1, Math.ceil(input.sizing.cpus))),
      },
      // Runs as root with no user switch; data dirs are group 0 + 775 (§10): no capabilities.
      dataDir: '/var/lib/arangodb3',
      extraVolumes: { apps: '/var/lib/arangodb3-apps' },
      files: [
        this.secret('root-password', input.password),
        // A checked identifier, as a JSON string literal.
        { target: CREATE_DATABASE_JS, content: `db._createDatabase(${JSON.stringify(input.databaseName)});\n`, kind: 'config' },
      ],
      pidsLimit: 2048,
      stopTimeoutSeconds: 60,
    };
  }

  /** Host-side: the version through the instance's database with root's credentials (401 without, 404 without the database; the init server is on 8999). */
  protected probe(input: AdapterInput): Probe {
    return {
      kind: 'http', containerPort: 8529, path: `/_db/${input.databaseName}/_api/version`,
      headers: { Authorization: this.basicAuth('root', input.password) },
      expectStatus: [200],
    };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('http', d, `/_db/${encodeURIComponent(d.database)}`);
  }
}
