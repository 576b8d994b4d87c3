/**
 * InfluxDB 1.x query answers turned into line protocol, in the file format `influx -import` reads
 * (and `influx_inspect export` writes): `# DDL`, the statements, `# DML`, then per database and
 * retention policy `# CONTEXT-DATABASE:` / `# CONTEXT-RETENTION-POLICY:` and the points.
 */

export type FieldType = 'float' | 'integer' | 'string' | 'boolean' | 'unsigned';

export interface RetentionPolicy {
  name: string;
  /** InfluxQL duration literals: `INF`, `168h`, `30m`. */
  duration: string;
  shardDuration: string;
  replication: number;
  isDefault: boolean;
}

const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse with every number kept as the text InfluxDB wrote: nanosecond times and 64-bit
 * integers do not fit a double, and a float's shortest text is what InfluxDB reads back exactly.
 */
export function parseKeepingNumbers(json: string): unknown {
  return JSON.parse(json.replace(STRING_OR_NUMBER, (m) => (m.startsWith('"') ? m : `"${m}"`)));
}

/** Go's duration text (`168h0m0s`, `1h30m0s`, `0s`) as an InfluxQL literal (`168h`, `90m`, `INF`). */
export function influxqlDuration(go: string): string {
  const units: Record<string, number> = { h: 3600e9, m: 60e9, s: 1e9, ms: 1e6, us: 1e3, 'µs': 1e3, ns: 1 };
  let ns = 0;
  for (const [, n, u] of go.matchAll(/([\d.]+)(h|ms|us|µs|ns|m|s)/g)) ns += Number(n) * units[u!]!;
  if (ns === 0) return 'INF';
  for (const [u, size] of [['w', 7 * 24 * 3600e9], ['d', 24 * 3600e9], ['h', 3600e9], ['m', 60e9], ['s', 1e9], ['ms', 1e6], ['u', 1e3]] as const) {
    if (ns % size === 0) return `${ns / size}${u}`;
  }
  return `${Math.round(ns)}ns`;
}

export const iqlIdent = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The DDL that makes a database with its retention policies (the default one in CREATE DATABASE). */
export function databaseDdl(database: string, policies: RetentionPolicy[]): string[] {
  const spec = (p: RetentionPolicy) => `DURATION ${p.duration} REPLICATION ${p.replication} SHARD DURATION ${p.shardDuration}`;
  const first = policies.find((p) => p.isDefault);
  const lines = [first ? `CREATE DATABASE ${iqlIdent(database)} WITH ${spec(first)} NAME ${iqlIdent(first.name)}` : `CREATE DATABASE ${iqlIdent(database)}`];
  for (const p of policies.filter((x) => x !== first)) lines.push(`CREATE RETENTION POLICY ${iqlIdent(p.name)} ON ${iqlIdent(database)} ${spec(p)}`);
  return lines;
}

const DDL_DATABASE = /^CREATE DATABASE ("(?:[^"\\]|\\.)*")(?: WITH DURATION (\S+) REPLICATION (\d+) SHARD DURATION (\S+) NAME ("(?:[^"\\]|\\.)*"))?$/;
const DDL_POLICY = /^CREATE RETENTION POLICY ("(?:[^"\\]|\\.)*") ON ("(?:[^"\\]|\\.)*") DURATION (\S+) REPLICATION (\d+) SHARD DURATION (\S+)$/;
const unquote = (q: string): string => q.slice(1, -1).replace(/\\(.)/g, '$1');

/** Reads back what databaseDdl wrote: database -> policies; null for a statement it did not write. */
export function parseDdl(line: string): { database: string; policy?: RetentionPolicy } | null {
  const d = DDL_DATABASE.exec(line);
  if (d) {
    return { database: unquote(d[1]!), policy: d[5] ? { name: unquote(d[5]), duration: d[2]!, replication: Number(d[3]), shardDuration: d[4]!, isDefault: true } : undefined };
  }
  const p = DDL_POLICY.exec(line);
  if (p) return { database: unquote(p[2]!), policy: { name: unquote(p[1]!), duration: p[3]!, replication: Number(p[4]), shardDuration: p[5]!, isDefault: false } };
  return null;
}

export const contextLines = (database: string, policy: string): string => `# CONTEXT-DATABASE:${database}\n# CONTEXT-RETENTION-POLICY:${policy}\n`;

/** A name line protocol cannot carry: a line break, or a trailing backslash that would escape the separator. */
function check(kind: string, s: string): string {
  if (/[\r\n]/.test(s)) throw new Error(`${kind} ${JSON.stringify(s)} holds a line break, which the influx -import format cannot carry`);
  if (s.endsWith('\\')) throw new Error(`${kind} ${JSON.stringify(s)} ends in a backslash, which line protocol reads as an escape`);
  return s;
}
const escMeasurement = (s: string) => check('measurement', s).replace(/[, ]/g, (c) => `\\${c}`);
const escKey = (kind: string, s: string) => check(kind, s).replace(/[,= ]/g, (c) => `\\${c}`);

function fieldValue(type: FieldType, raw: unknown, key: string): string {
  if (type === 'integer') return `${String(raw)}i`;
  if (type === 'unsigned') return `${String(raw)}u`;
  if (type === 'float') return String(raw);
  if (type === 'boolean') return raw === true || raw === 'true' ? 'true' : 'false';
  const s = String(raw);
  if (/[\r\n]/.test(s)) throw new Error(`field ${JSON.stringify(key)} holds a line break, which the influx -import format cannot carry`);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

/** One series of a `SELECT * ... GROUP BY *` answer (numbers kept as text) as line-protocol lines. */
export function seriesLines(series: Series, types: ReadonlyMap<string, FieldType>): string {
  const prefix = escMeasurement(series.name) + Object.entries(series.tags ?? {})
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `,${escKey('tag key', k)}=${escKey('tag value', v)}`).join('');
  const timeAt = series.columns.indexOf('time');
  let out = '';
  for (const row of series.values) {
    const fields: string[] = [];
    series.columns.forEach((column, i) => {
      if (i === timeAt || row[i] === null) return;
      const type = types.get(column);
      if (!type) throw new Error(`no type is known for field ${JSON.stringify(column)} of ${series.name}`);
      fields.push(`${escKey('field key', column)}=${fieldValue(type, row[i], column)}`);
    });
    if (fields.length) out += `${prefix} ${fields.join(',')} ${String(row[timeAt])}\n`;
  }
  return out;
}
