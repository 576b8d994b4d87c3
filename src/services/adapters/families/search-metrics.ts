import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { httpJson, pick } from './metrics-support.js';

interface MeiliStats { databaseSize?: number; usedDatabaseSize?: number; indexes?: Record<string, { numberOfDocuments?: number }> }

export function meiliReading(s: MeiliStats): EngineReading {
  const indexes = Object.values(s.indexes ?? {});
  return pick([
    ['database_size_bytes', s.databaseSize], ['used_database_size_bytes', s.usedDatabaseSize],
    ['indexes', indexes.length], ['documents', indexes.reduce((n, i) => n + (i.numberOfDocuments ?? 0), 0)],
  ]);
}

/** Meilisearch's /stats with the master key as bearer. */
export class MeiliMetrics implements MetricsRole {
  readonly figures = {
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'the database on disk' },
    used_database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'the part of it holding data (the rest is free pages)' },
    indexes: { kind: 'gauge', unit: 'count', description: 'indexes' },
    documents: { kind: 'gauge', unit: 'count', description: 'documents in all indexes' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'http', text: 'GET /stats' }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return meiliReading(await httpJson(signal, { host: ep.host, port: ep.port(7700), path: '/stats', headers: { Authorization: `Bearer ${ep.password}` } }));
  }
}

type Num = number | string;
interface TypesenseMetrics { typesense_memory_active_bytes?: Num; system_memory_used_bytes?: Num; system_disk_used_bytes?: Num }
interface TypesenseStats { total_requests_per_second?: Num; search_requests_per_second?: Num; write_requests_per_second?: Num }

export function typesenseReading(m: TypesenseMetrics, s: TypesenseStats, collections: { num_documents?: number }[]): EngineReading {
  return pick([
    ['memory_active_bytes', m.typesense_memory_active_bytes], ['filesystem_used_bytes', m.system_disk_used_bytes],
    // Typesense publishes these as rates over its own last seconds: gauges here, not counters.
    ['requests_per_second', s.total_requests_per_second], ['search_requests_per_second', s.search_requests_per_second],
    ['collections', collections.length], ['documents', collections.reduce((n, c) => n + (c.num_documents ?? 0), 0)],
  ]);
}

/** Typesense's /metrics.json, /stats.json and /collections with the admin API key. */
export class TypesenseMetricsRole implements MetricsRole {
  readonly figures = {
    memory_active_bytes: { kind: 'gauge', unit: 'bytes', description: 'memory Typesense\'s allocator holds active' },
    filesystem_used_bytes: { kind: 'gauge', unit: 'bytes', description: 'used space of the filesystem holding the data directory' },
    requests_per_second: { kind: 'gauge', unit: 'per_second', description: 'requests per second (Typesense\'s own recent rate)' },
    search_requests_per_second: { kind: 'gauge', unit: 'per_second', description: 'search requests per second (Typesense\'s own recent rate)' },
    collections: { kind: 'gauge', unit: 'count', description: 'collections' },
    documents: { kind: 'gauge', unit: 'count', description: 'documents in all collections' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = ['/metrics.json', '/stats.json', '/collections'].map((p) => ({ via: 'http' as const, text: `GET ${p}` }));

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const get = <T>(path: string) => httpJson<T>(signal, { host: ep.host, port: ep.port(8108), path, headers: { 'X-TYPESENSE-API-KEY': ep.password } });
    return typesenseReading(await get('/metrics.json'), await get('/stats.json'), await get('/collections'));
  }
}
