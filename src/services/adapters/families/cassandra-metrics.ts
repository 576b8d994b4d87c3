import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { execText, num, pick } from './metrics-support.js';

const UNITS: Record<string, number> = { bytes: 1, b: 1, kb: 2 ** 10, kib: 2 ** 10, mb: 2 ** 20, mib: 2 ** 20, gb: 2 ** 30, gib: 2 ** 30, tb: 2 ** 40, tib: 2 ** 40 };

/** "109.81 KiB" as nodetool prints a size (1024 multiples, whatever the spelling). */
export function sizeBytes(text: string | undefined): number | undefined {
  const m = /^([\d.]+)\s*([a-zA-Z]+)?$/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  const factor = UNITS[(m[2] ?? 'bytes').toLowerCase()];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

/** `nodetool info`: its "Name : value" lines. */
export function nodetoolReading(stdout: string): EngineReading {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const heap = /^([\d.]+)\s*\/\s*([\d.]+)/.exec(fields.get('Heap Memory (MB)') ?? '');
  const keyCache = fields.get('Key Cache') ?? '';
  const hits = num(/(\d+) hits/.exec(keyCache)?.[1]);
  const requests = num(/(\d+) requests/.exec(keyCache)?.[1]);
  return pick(
    [['database_size_bytes', sizeBytes(fields.get('Load'))], ['heap_used_bytes', heap ? Number(heap[1]) * 2 ** 20 : undefined], ['heap_max_bytes', heap ? Number(heap[2]) * 2 ** 20 : undefined]],
    [['key_cache_hits', hits], ['key_cache_misses', hits !== undefined && requests !== undefined ? Math.max(0, requests - hits) : undefined], ['exceptions', num(fields.get('Exceptions'))]],
  );
}

/**
 * Cassandra and ScyllaDB with the image's nodetool inside the container: JMX (Scylla: its REST
 * API) on the container's loopback needs no credentials, and cqlsh would want the password in
 * argv. One `nodetool info` per sample.
 */
export class NodetoolMetrics implements MetricsRole {
  readonly figures = {
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'live data on the node (nodetool\'s Load)' },
    heap_used_bytes: { kind: 'gauge', unit: 'bytes', description: 'JVM heap in use (Scylla: its own memory accounting)' },
    heap_max_bytes: { kind: 'gauge', unit: 'bytes', description: 'the JVM heap\'s size' },
    key_cache_hit_ratio: { kind: 'ratio', hits: 'key_cache_hits', misses: 'key_cache_misses', unit: 'ratio', description: 'share of partition key lookups served by the key cache since the previous sample' },
    exceptions_per_second: { kind: 'rate', counter: 'exceptions', unit: 'per_second', description: 'internal errors per second' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'exec', text: 'nodetool info' }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return nodetoolReading(await execText(ep, signal, ['nodetool', 'info']));
  }
}
