import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth, httpCall } from './http-client.js';
import { num, SAMPLE_TIMEOUT_MS, untilAborted } from './metrics-support.js';

interface StatsSeries { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }

/** 1.x SHOW STATS: user databases' series and shard bytes, points written and queries over HTTP (the `_internal` monitor's own writes left out). */
export function influx1Reading(series: readonly StatsSeries[], database: string): EngineReading {
  const gauges: Record<string, number> = { series: 0, database_size_bytes: 0 };
  const counters: Record<string, number> = {};
  for (const s of series) {
    const row = Object.fromEntries(s.columns.map((c, i) => [c, s.values[0]?.[i]]));
    const db = s.tags?.database;
    if (s.name === 'database' && db !== '_internal') gauges.series! += num(row.numSeries) ?? 0;
    else if (s.name === 'shard' && db === database) gauges.database_size_bytes! += num(row.diskBytes) ?? 0;
    else if (s.name === 'httpd') {
      for (const [from, to] of [['pointsWrittenOK', 'points_written'], ['queryReq', 'queries']] as const) {
        const v = num(row[from]);
        if (v !== undefined) counters[to] = (counters[to] ?? 0) + v;
      }
    }
  }
  return { gauges, counters };
}

/** Sums of a Prometheus text exposition by metric name (labels dropped). */
export function promSums(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (Number.isFinite(v)) out[m[1]!] = (out[m[1]!] ?? 0) + v;
  }
  return out;
}

/** 2.x /metrics: every bucket's series (the system buckets' too), shard bytes, points written, write and query requests. */
export function influx2Reading(sums: Record<string, number>): EngineReading {
  const gauges: Record<string, number> = {};
  const counters: Record<string, number> = {};
  for (const [from, to] of [['storage_bucket_series_num', 'series'], ['storage_shard_disk_size', 'database_size_bytes']] as const) {
    if (sums[from] !== undefined) gauges[to] = sums[from]!;
  }
  for (const [from, to] of [['storage_writer_ok_points', 'points_written'], ['http_query_request_count', 'queries']] as const) {
    if (sums[from] !== undefined) counters[to] = sums[from]!;
  }
  return { gauges, counters };
}

const is1x = (version: string) => /^1\./.test(version);
export const INFLUX1_QUERY = 'SHOW STATS';
export const INFLUX2_PATH = '/metrics';

/** InfluxDB: 1.x `SHOW STATS` over /query with basic auth; 2.x the Prometheus /metrics endpoint with the token. */
export class InfluxMetrics implements MetricsRole {
  readonly figures = {
    series: { kind: 'gauge', unit: 'count', description: 'series in the user databases (buckets); cardinality drives memory' },
    points_written_per_second: { kind: 'rate', counter: 'points_written', unit: 'per_second', description: 'points written per second' },
    queries_per_second: { kind: 'rate', counter: 'queries', unit: 'per_second', description: 'query requests per second' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'shards on disk (1.x: the instance database\'s; 2.x: all buckets\')' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'http', text: `GET /query?q=${INFLUX1_QUERY} (1.x)` }, { via: 'http', text: `GET ${INFLUX2_PATH} (2.x)` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    const v1 = is1x(ep.version);
    const answer = await untilAborted(signal, httpCall({
      scheme: ep.tls ? 'https' : 'http', host: ep.host, port: ep.port(8086), timeoutMs: SAMPLE_TIMEOUT_MS,
      path: v1 ? `/query?${new URLSearchParams({ q: INFLUX1_QUERY })}` : INFLUX2_PATH,
      headers: { Authorization: v1 ? basicAuth(ep.username, ep.password) : `Token ${ep.password}` },
    }));
    const text = answer.body.toString('utf8');
    if (answer.status !== 200) throw new Error(`InfluxDB answered ${answer.status}: ${text.trim().slice(0, 300)}`);
    if (!v1) return influx2Reading(promSums(text));
    const parsed = JSON.parse(text) as { results?: { series?: StatsSeries[]; error?: string }[] };
    const result = parsed.results?.[0];
    if (result?.error) throw new Error(`InfluxDB: ${result.error}`);
    return influx1Reading(result?.series ?? [], ep.database);
  }
}
