import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth } from './http-client.js';
import { httpJson, pick } from './metrics-support.js';

interface ArangoStatistics {
  client?: { httpConnections?: number };
  http?: { requestsTotal?: number };
  system?: { residentSize?: number };
}

export function arangoReading(s: ArangoStatistics): EngineReading {
  const connections = s.client?.httpConnections;
  // This request's connection is one of them.
  return pick(
    [['connections', connections === undefined ? undefined : Math.max(0, connections - 1)], ['resident_memory_bytes', s.system?.residentSize]],
    [['requests', s.http?.requestsTotal]],
  );
}

/** ArangoDB's /_admin/statistics as root with basic auth. */
export class ArangoMetrics implements MetricsRole {
  readonly figures = {
    connections: { kind: 'gauge', unit: 'count', description: 'client HTTP connections open now (this sampling request not counted)' },
    requests_per_second: { kind: 'rate', counter: 'requests', unit: 'per_second', description: 'HTTP requests per second' },
    resident_memory_bytes: { kind: 'gauge', unit: 'bytes', description: 'the server\'s resident memory' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'http', text: 'GET /_admin/statistics' }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return arangoReading(await httpJson<ArangoStatistics>(signal, {
      host: ep.host, port: ep.port(8529), path: '/_admin/statistics', headers: { Authorization: basicAuth(ep.username, ep.password) },
    }));
  }
}
