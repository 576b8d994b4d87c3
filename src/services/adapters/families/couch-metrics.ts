import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth } from './http-client.js';
import { httpJson, pick } from './metrics-support.js';

interface CouchStats { couchdb?: { httpd?: { requests?: { value?: number } }; open_databases?: { value?: number }; open_os_files?: { value?: number } } }
interface CouchDbInfo { doc_count?: number; sizes?: { file?: number; active?: number } }

export function couchReading(stats: CouchStats, db: CouchDbInfo): EngineReading {
  const c = stats.couchdb;
  return pick(
    [['open_databases', c?.open_databases?.value], ['open_files', c?.open_os_files?.value], ['documents', db.doc_count], ['database_size_bytes', db.sizes?.file]],
    [['requests', c?.httpd?.requests?.value]],
  );
}

/** CouchDB's HTTP API with basic auth: the node's statistics and the instance database's info. */
export class CouchMetrics implements MetricsRole {
  readonly figures = {
    requests_per_second: { kind: 'rate', counter: 'requests', unit: 'per_second', description: 'HTTP requests per second' },
    open_databases: { kind: 'gauge', unit: 'count', description: 'databases the node has open' },
    open_files: { kind: 'gauge', unit: 'count', description: 'file descriptors the node holds' },
    documents: { kind: 'gauge', unit: 'count', description: 'documents in the instance database' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'the instance database\'s file size' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'http', text: 'GET /_node/_local/_stats/couchdb' }, { via: 'http', text: 'GET /<db>' }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const call = (path: string) => ({ host: ep.host, port: ep.port(5984), path, headers: { Authorization: basicAuth(ep.username, ep.password) } });
    const stats = await httpJson<CouchStats>(signal, call('/_node/_local/_stats/couchdb'));
    const db = await httpJson<CouchDbInfo>(signal, call(`/${encodeURIComponent(ep.database)}`));
    return couchReading(stats, db);
  }
}
