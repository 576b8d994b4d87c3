import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { CONNECTION_FIGURES, num, SAMPLE_TIMEOUT_MS, untilAborted } from './metrics-support.js';
import { withRedis } from './redis-client.js';

/** INFO's `key:value` lines, the keyspace's `db0:keys=1,expires=0` lines summed into `keys`. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let keys = 0;
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (!line || line.startsWith('#') || at < 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1);
    if (/^db\d+$/.test(key)) keys += Number(/(?:^|,)keys=(\d+)/.exec(value)?.[1] ?? 0);
    else out[key] = value;
  }
  out.keys = String(keys);
  return out;
}

export function redisReading(info: Record<string, string>, maxclients?: string): EngineReading {
  const v = (k: string) => num(info[k]);
  const gauges: Record<string, number> = {};
  const put = (name: string, value: number | undefined) => { if (value !== undefined) gauges[name] = value; };
  const clients = v('connected_clients');
  // This sampling connection is one of them.
  put('connections', clients === undefined ? undefined : Math.max(0, clients - 1));
  put('max_connections', v('maxclients') ?? num(maxclients));
  put('used_memory_bytes', v('used_memory'));
  const max = v('maxmemory');
  put('maxmemory_bytes', max);
  const used = v('used_memory');
  if (max && used !== undefined) put('memory_used_percent_of_max', Math.round((used / max) * 10_000) / 100);
  put('keys', v('keys'));
  const counters: Record<string, number> = {};
  for (const k of ['total_commands_processed', 'keyspace_hits', 'keyspace_misses', 'evicted_keys']) {
    const n = v(k);
    if (n !== undefined) counters[k] = n;
  }
  return { gauges, counters };
}

/** Redis, Valkey and KeyDB through ioredis: INFO, and CONFIG GET maxclients where INFO lacks it (before 7.0). */
export class RedisMetrics implements MetricsRole {
  readonly figures = {
    ...CONNECTION_FIGURES,
    used_memory_bytes: { kind: 'gauge', unit: 'bytes', description: 'memory the server allocated (used_memory)' },
    maxmemory_bytes: { kind: 'gauge', unit: 'bytes', description: 'the maxmemory setting (0: no limit)' },
    memory_used_percent_of_max: { kind: 'gauge', unit: 'percent', description: 'used memory against maxmemory' },
    ops_per_second: { kind: 'rate', counter: 'total_commands_processed', unit: 'per_second', description: 'commands processed per second' },
    keyspace_hit_ratio: { kind: 'ratio', hits: 'keyspace_hits', misses: 'keyspace_misses', unit: 'ratio', description: 'share of key lookups that found their key since the previous sample' },
    keys: { kind: 'gauge', unit: 'count', description: 'keys in all numbered databases' },
    evictions_per_second: { kind: 'rate', counter: 'evicted_keys', unit: 'per_second', description: 'keys evicted per second to stay under maxmemory' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'redis', text: 'INFO' }, { via: 'redis', text: 'CONFIG GET maxclients' }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return untilAborted(signal, withRedis({
      host: ep.host, port: ep.port(6379), password: ep.password, tls: ep.tls, timeoutMs: SAMPLE_TIMEOUT_MS,
    }, async (client) => {
      const info = parseInfo(await client.info());
      const maxclients = info.maxclients === undefined ? ((await client.config('GET', 'maxclients')) as string[])[1] : undefined;
      return redisReading(info, maxclients);
    }));
  }
}
