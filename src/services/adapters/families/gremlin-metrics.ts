import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { httpJson, pick } from './metrics-support.js';

/**
 * The server JVM's heap and the graph's open transactions through Gremlin over HTTP. No vertex
 * count: on JanusGraph that is a full scan of the storage backend.
 */
export const GREMLIN_METRICS_SCRIPT = 'def r = Runtime.getRuntime(); '
  + '[heapUsed: r.totalMemory() - r.freeMemory(), heapMax: r.maxMemory(), openTransactions: graph.getOpenTransactions().size()]';

interface GremlinAnswer { result?: { data?: unknown } }

/** GraphSON 3 wraps a map as {"@type":"g:Map","@value":[k, v, ...]} and numbers as {"@type":"g:Int64","@value":n}. */
function unwrap(v: unknown): unknown {
  if (v && typeof v === 'object' && '@value' in v) {
    const t = (v as { '@type'?: string })['@type'];
    const inner = (v as { '@value': unknown })['@value'];
    if (t === 'g:Map' && Array.isArray(inner)) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i + 1 < inner.length; i += 2) out[String(unwrap(inner[i]))] = unwrap(inner[i + 1]);
      return out;
    }
    if (t === 'g:List' && Array.isArray(inner)) return inner.map(unwrap);
    return unwrap(inner);
  }
  return Array.isArray(v) ? v.map(unwrap) : v;
}

export function gremlinReading(answer: GremlinAnswer): EngineReading {
  const data = unwrap(answer.result?.data);
  const row = (Array.isArray(data) ? data[0] : data) as Record<string, unknown> | undefined;
  if (!row || typeof row !== 'object') throw new Error('the Gremlin server answered no figures');
  return pick([['heap_used_bytes', row.heapUsed], ['heap_max_bytes', row.heapMax], ['open_transactions', row.openTransactions]]);
}

/** JanusGraph's Gremlin Server (HTTP channelizer on, no authentication: see the adapter). */
export class GremlinMetrics implements MetricsRole {
  readonly figures = {
    heap_used_bytes: { kind: 'gauge', unit: 'bytes', description: 'JVM heap in use by the Gremlin server' },
    heap_max_bytes: { kind: 'gauge', unit: 'bytes', description: 'the JVM heap\'s size' },
    open_transactions: { kind: 'gauge', unit: 'count', description: 'graph transactions open now' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'http', text: `POST / {"gremlin": ${JSON.stringify(GREMLIN_METRICS_SCRIPT)}}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return gremlinReading(await httpJson<GremlinAnswer>(signal, {
      host: ep.host, port: ep.port(8182), path: '/', method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ gremlin: GREMLIN_METRICS_SCRIPT }),
    }));
  }
}
