import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { CONNECTION_FIGURES, execText, num, pick } from './metrics-support.js';

/**
 * mongosh is a Node REPL: the script reads the credentials and the database name from
 * process.env, so nothing secret is in argv. serverStatus for connections, operation counters,
 * resident memory and WiredTiger's cache; dbStats for the instance database's size.
 */
export const MONGO_METRICS_SCRIPT = "const admin = db.getSiblingDB('admin');"
  + ' admin.auth(process.env.FLUX_USER, process.env.FLUX_PASSWORD);'
  + ' const s = admin.runCommand({ serverStatus: 1 });'
  + ' const d = db.getSiblingDB(process.env.FLUX_DB).runCommand({ dbStats: 1 });'
  + " const c = (s.wiredTiger || {}).cache || {};"
  + ' print(JSON.stringify({ connections: s.connections, opcounters: s.opcounters, residentMb: s.mem && s.mem.resident,'
  + " requested: c['pages requested from the cache'], readIn: c['pages read into cache'],"
  + ' size: (d.storageSize || 0) + (d.indexSize || 0) }))';

interface MongoStatus {
  connections?: { current?: number; available?: number };
  opcounters?: Record<string, number | { $numberLong: string }>;
  residentMb?: number;
  requested?: number;
  readIn?: number;
  size?: number;
}

const long = (v: unknown) => num(typeof v === 'object' && v !== null && '$numberLong' in v ? (v as { $numberLong: string }).$numberLong : v);

export function mongoReading(stdout: string): EngineReading {
  const line = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`mongosh printed no figures: ${stdout.trim().slice(0, 200)}`);
  const s = JSON.parse(line) as MongoStatus;
  const current = num(s.connections?.current);
  const available = num(s.connections?.available);
  const ops = Object.values(s.opcounters ?? {}).reduce<number>((sum, v) => sum + (long(v) ?? 0), 0);
  const requested = num(s.requested);
  const readIn = num(s.readIn);
  return pick(
    [
      // This mongosh connection is one of them.
      ['connections', current === undefined ? undefined : Math.max(0, current - 1)],
      ['max_connections', current !== undefined && available !== undefined ? current + available : undefined],
      ['resident_memory_bytes', s.residentMb === undefined ? undefined : s.residentMb * 1024 * 1024],
      ['database_size_bytes', s.size],
    ],
    [['operations', ops], ['cache_hits', requested !== undefined && readIn !== undefined ? Math.max(0, requested - readIn) : undefined], ['cache_reads', readIn]],
  );
}

/** MongoDB with the image's mongosh inside the container, the credentials in its environment. */
export class MongoMetrics implements MetricsRole {
  readonly figures = {
    ...CONNECTION_FIGURES,
    ops_per_second: { kind: 'rate', counter: 'operations', unit: 'per_second', description: 'inserts, queries, updates, deletes, getMores and commands per second' },
    cache_hit_ratio: { kind: 'ratio', hits: 'cache_hits', misses: 'cache_reads', unit: 'ratio', description: 'share of WiredTiger page requests served from its cache since the previous sample' },
    resident_memory_bytes: { kind: 'gauge', unit: 'bytes', description: 'the server\'s resident memory' },
    database_size_bytes: { kind: 'gauge', unit: 'bytes', description: 'storage and indexes of the instance database' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'exec', text: `mongosh --quiet --norc --eval ${MONGO_METRICS_SCRIPT}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return mongoReading(await execText(ep, signal, ['mongosh', '--quiet', '--norc', '--host', '127.0.0.1', '--port', '27017', '--eval', MONGO_METRICS_SCRIPT], {
      env: { FLUX_USER: ep.username, FLUX_PASSWORD: ep.password, FLUX_DB: ep.database },
    }));
  }
}
