import { AdapterInputError } from '../../errors.js';
import { CouchMetrics } from './families/couch-metrics.js';
import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, clamp, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, ExecStep, Probe } from './types.js';
import { CouchStatements } from './accounts/nosql-declared.js';

/** Sorts before the entrypoint's docker.ini, the last file, where CouchDB writes the hashed admin back. */
const ADMINS_INI = '/opt/couchdb/etc/local.d/20-flux-admins.ini';

/**
 * Creates the database $2 over HTTP on 127.0.0.1:$1 as the admin (Basic credentials in FLUX_AUTH,
 * the exec's environment), then checks it is there. The image purges curl, so this is bash with
 * /dev/tcp and builtins only: the credentials never reach an argv. 201/202 created, 412 existed.
 */
export const CREATE_DATABASE_SCRIPT = [
  'request() { exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1',
  "  printf '%s /%s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\nAuthorization: Basic %s\\r\\nContent-Length: 0\\r\\n\\r\\n' \"$2\" \"$3\" \"$FLUX_AUTH\" >&3",
  "  IFS=' ' read -r _ code _ <&3; exec 3<&-; }",
  'request "$1" PUT "$2"',
  'case "$code" in 201|202|412) ;; *) echo "creating database $2 answered HTTP ${code:-nothing}" >&2; exit 1 ;; esac',
  'request "$1" GET "$2"',
  '[ "$code" = 200 ] || { echo "database $2 is missing after its creation (HTTP ${code:-nothing})" >&2; exit 1; }',
].join('\n');

/**
 * CouchDB 3 from docker.io/library/couchdb (CONTRACTS §9). The admin is declared in an ini file
 * of local.d (a secret), the way the entrypoint documents beside COUCHDB_USER/COUCHDB_PASSWORD, so
 * the password stays out of env; 3.x refuses to start without one. A small ini turns on
 * single-node mode so the system databases exist without a cluster-setup call; the first start
 * creates the database the connection string names.
 */
export class CouchdbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'couchdb';
  readonly displayName = 'CouchDB';
  readonly description = 'Document database with an HTTP/JSON API and multi-master replication';
  readonly category: EngineCategory = 'document';
  /** Declared, not run: no image of this engine runs where the module is verified. */
  override readonly declaredAccounts = new CouchStatements();
  readonly defaultImage = 'docker.io/library/couchdb';
  readonly defaultVersion = '3.5';
  readonly versions: readonly string[] = ['3.5', '3.4'];
  readonly ports = [{ name: 'http', containerPort: 5984, primary: true }];
  override readonly unsupported = {
    tls: 'ssl settings for 3.5 are unverified; not wired',
    readOnlyRootfs: 'the entrypoint writes local.d/docker.ini on every start',
    backup: 'no native dump tool: replication needs a second CouchDB, and an _all_docs export is no format of a stock restore tool: not offered',
  };
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 60_000;
  protected override readonly metricsRole = new CouchMetrics();

  protected override checkInput(input: AdapterInput): void {
    super.checkInput(input);
    // CouchDB's ini parser trims values and cuts them at " ;" or "\t;" (an inline comment).
    if (/^\s|\s$|\s;/.test(input.password)) {
      throw new AdapterInputError('CouchDB keeps the admin password in an ini file: no leading or trailing blanks, no blank before ";"');
    }
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const ini = renderConfig('couchdb', 'flux.ini.njk', {
      containerName: input.containerName, port: 5984,
      maxDbsOpen: clamp(Math.floor(input.sizing.memoryMb / 2), 100, 5000),
    });
    return {
      // --user skips the entrypoint's chown/setpriv branch: no capabilities.
      user: '5984:5984',
      dataDir: '/opt/couchdb/data',
      files: [
        { target: '/opt/couchdb/etc/local.d/10-flux.ini', content: ini, kind: 'config' },
        // CouchDB hashes a plain admin password at start and persists the hash to docker.ini.
        { target: ADMINS_INI, content: `[admins]\n${input.username} = ${input.password}\n`, kind: 'secret' },
      ],
      pidsLimit: 2048,
    };
  }

  /** Host-side (no curl in the image): an admin-only endpoint, so a 200 proves the credentials. */
  protected probe(input: AdapterInput): Probe {
    return {
      kind: 'http', containerPort: 5984, path: '/_all_dbs',
      headers: { Authorization: this.basicAuth(input.username, input.password) },
      expectStatus: [200],
    };
  }

  /** The database of the connection string, created and checked inside the container on the primary port. */
  protected override firstStart(input: AdapterInput): ExecStep[] {
    const auth = Buffer.from(`${input.username}:${input.password}`, 'utf8').toString('base64');
    return [{
      kind: 'exec',
      argv: ['bash', '-c', CREATE_DATABASE_SCRIPT, 'couchdb-create-database', '5984', input.databaseName],
      env: { FLUX_AUTH: auth },
    }];
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('http', d, `/${encodeURIComponent(d.database)}`);
  }
}
