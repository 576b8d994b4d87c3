import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth } from './http-client.js';
import { httpJson, pick } from './metrics-support.js';

export const ELASTIC_STATS_PATH = '/_nodes/_local/stats/http,indices,jvm';

interface NodeStats {
  http?: { current_open?: number };
  indices?: { docs?: { count?: number }; store?: { size_in_bytes?: number }; search?: { query_total?: number }; indexing?: { index_total?: number } };
  jvm?: { mem?: { heap_used_in_bytes?: number; heap_max_in_bytes?: number } };
}

export function elasticReading(answer: { nodes?: Record<string, NodeStats> }): EngineReading {
  const node = Object.values(answer.nodes ?? {})[0];
  if (!node) throw new Error('Elasticsearch answered no local node');
  const open = node.http?.current_open;
  return pick(
    [
      // This request's connection is one of them.
      ['connections', open === undefined ? undefined : Math.max(0, open - 1)],
      ['documents', node.indices?.docs?.count], ['database_size_bytes', node.indices?.store?.size_in_bytes],
      ['heap_used_bytes', node.jvm?.mem?.heap_used_in_bytes], ['heap_max_bytes', node.jvm?.mem?.heap_max_in_bytes],
    ],
    [['searches', node.indices?.search?.query_total], ['indexed', node.indices?.indexing?.index_total]],
  );
}

/** Elasticsearch's node statistics as `elastic` with basic auth (https when the instance has TLS). */
export class ElasticMetrics implements MetricsRole {
  readonly figures = {
    connections: { kind: 'gauge', unit: 'count', description: 'HTTP connections open now (this sampling request not counted)' },
    searches_per_second: { kind: 'rate', counter: 'searches', unit: 'per_second', description: 'search queries per second (per shard)' },
    indexing_per_second: { kind: 'rate', counter: 'indexed', unit: 'per_second', description: 'documents indexed per second' },
    documents: { kind: 'gauge', unit: 'count', description: 'documents in the node\'s indices' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'the node\'s indices on disk' },
    heap_used_bytes: { kind: 'gauge', unit: 'bytes', description: 'JVM heap in use' },
    heap_max_bytes: { kind: 'gauge', unit: 'bytes', description: 'the JVM heap\'s size' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'http', text: `GET ${ELASTIC_STATS_PATH}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return elasticReading(await httpJson(signal, {
      scheme: ep.tls ? 'https' : 'http', host: ep.host, port: ep.port(9200), path: ELASTIC_STATS_PATH,
      headers: { Authorization: basicAuth(ep.username, ep.password) },
    }));
  }
}
