import { renderConfig } from '../orchestration/config-renderer.js';
import { BaseAdapter, clamp, type PlanParts } from './base.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe } from './types.js';

/**
 * CouchDB 3 from docker.io/library/couchdb (CONTRACTS §9). The admin comes from COUCHDB_USER /
 * COUCHDB_PASSWORD (3.x refuses to start without one); a small ini turns on single-node mode so
 * the system databases exist without a cluster-setup call.
 */
export class CouchdbAdapter extends BaseAdapter {
  readonly engine: EngineId = 'couchdb';
  readonly displayName = 'CouchDB';
  readonly description = 'Document database with an HTTP/JSON API and multi-master replication';
  readonly category: EngineCategory = 'document';
  readonly defaultImage = 'docker.io/library/couchdb';
  readonly defaultVersion = '3.5';
  readonly versions: readonly string[] = ['3.5', '3.4'];
  readonly ports = [{ name: 'http', containerPort: 5984, primary: true }];
  override readonly unsupported = {
    tls: 'ssl settings for 3.5 are unverified; not wired',
    secretFiles: 'COUCHDB_PASSWORD is env only (hashed by CouchDB on first start)',
    readOnlyRootfs: 'the entrypoint writes local.d/docker.ini on every start',
  };
  override readonly minMemoryMb = 256;
  override readonly startupTimeoutMs = 60_000;

  protected containerPlan(input: AdapterInput): PlanParts {
    const ini = renderConfig('couchdb', 'flux.ini.njk', {
      containerName: input.containerName, port: 5984,
      maxDbsOpen: clamp(Math.floor(input.sizing.memoryMb / 2), 100, 5000),
    });
    return {
      env: { COUCHDB_USER: input.username, COUCHDB_PASSWORD: input.password },
      // --user skips the entrypoint's chown/setpriv branch: no capabilities.
      user: '5984:5984',
      dataDir: '/opt/couchdb/data',
      files: [{ target: '/opt/couchdb/etc/local.d/10-flux.ini', content: ini, kind: 'config' }],
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

  connectionUri(d: ConnectionDetails): string {
    return this.uri('http', d, `/${encodeURIComponent(d.database)}`);
  }
}
