import { Readable } from 'node:stream';
import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { BackupToolError } from '../roles/backup.js';
import { newerMajorRefused, runTool } from './backup-tools.js';
import { httpStream, readText, writeOut } from './backup-streams.js';
import type { EngineEndpoint } from './endpoint.js';
import { engineSocket } from './engine-socket.js';
import { basicAuth } from './http-client.js';
import {
  contextLines, databaseDdl, iqlIdent, influxqlDuration, parseDdl, parseKeepingNumbers, seriesLines,
  type FieldType, type RetentionPolicy, type Series,
} from './influx-line-protocol.js';
import { LineReader, splitLines } from './line-split.js';

const TOOL = 'InfluxQL over HTTP';
const PORT = 8086;
const CHUNK_POINTS = 10_000;
/** The DDL part of a dump is small (databases and policies); more than this is not one of ours. */
const MAX_DDL_BYTES = 16 << 20;
const is1x = (v: string) => v.startsWith('1.');

interface Io { stallTimeoutMs: number; signal?: AbortSignal }
interface Answer { results?: { series?: Series[]; error?: string }[]; error?: string }

function only1x(ep: EngineEndpoint): void {
  if (!is1x(ep.version)) {
    throw new BackupToolError(TOOL, `InfluxDB ${ep.version}: the module backs up InfluxDB 1.x (InfluxQL and influx -import); `
      + "2.x's backup API is not run, as no InfluxDB 2 runs where the module was verified", null);
  }
}

/** The answers of one InfluxQL request, each result's series; chunked answers come line by line. */
async function* query(ep: EngineEndpoint, io: Io, q: string, database?: string, chunked = false): AsyncGenerator<Series[]> {
  const params = new URLSearchParams({ q, epoch: 'ns', ...(database ? { db: database } : {}), ...(chunked ? { chunked: 'true', chunk_size: String(CHUNK_POINTS) } : {}) });
  const answer = await httpStream({
    tool: TOOL, socket: () => engineSocket(ep, PORT, ep.tls), path: '/query', method: 'POST',
    headers: { Authorization: basicAuth(ep.username, ep.password), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: params.toString(), stallTimeoutMs: io.stallTimeoutMs, signal: io.signal,
  });
  if (answer.status !== 200) throw new BackupToolError(TOOL, (await readText(answer.body)).trim().slice(0, 500), answer.status);
  for await (const line of splitLines(answer.body)) {
    if (!line.trim()) continue;
    const parsed = parseKeepingNumbers(line) as Answer;
    const failure = parsed.error ?? parsed.results?.find((r) => r.error)?.error;
    if (failure) throw new BackupToolError(TOOL, failure, null);
    yield (parsed.results ?? []).flatMap((r) => r.series ?? []);
  }
}

async function all(ep: EngineEndpoint, io: Io, q: string, database?: string): Promise<Series[]> {
  const out: Series[] = [];
  for await (const series of query(ep, io, q, database)) out.push(...series);
  return out;
}

const values = (series: Series[]) => series.flatMap((s) => s.values ?? []);

/**
 * InfluxDB 1.x: every database but _internal as line protocol in the `influx -import` file format
 * (the format `influx_inspect export` writes), read with `SELECT * … GROUP BY *` over the HTTP API
 * and streamed into the snapshot. `influxd backup -portable` writes a directory (the issue allows
 * no temporary file in the container) and the image has no influx_inspect, so the points are read
 * through the query API; the restore runs the stock `influx -import` in the container on a stream.
 * Users and grants are not part of the dump; retention policies are.
 */
export class InfluxBackup implements BackupRole {
  readonly tool = 'SELECT * GROUP BY * over the HTTP API, as line protocol for influx -import';
  readonly format = 'InfluxDB line protocol in the influx -import file format (DDL, then points per database and retention policy)';
  readonly extension = '.lp';
  readonly restores = true;

  async dump(job: DumpJob): Promise<BackupFigures> {
    const ep = job.endpoint;
    only1x(ep);
    const io = { stallTimeoutMs: job.stallTimeoutMs, signal: job.signal };
    const databases = await this.databases(ep, io);
    const low = await this.count(ep, io, databases);
    let ddl = `# INFLUXDB EXPORT: every database but _internal, from InfluxDB ${ep.version}\n# DDL\n`;
    for (const [db, policies] of databases) ddl += databaseDdl(db, policies).map((l) => `${l}\n`).join('');
    await writeOut(job.out, `${ddl}# DML\n`);
    for (const [db, policies] of databases) {
      const measurements = values(await all(ep, io, `SHOW MEASUREMENTS ON ${iqlIdent(db)}`)).map((r) => String(r[0]));
      for (const rp of policies) {
        await writeOut(job.out, contextLines(db, rp.name));
        for (const m of measurements) await this.points(ep, io, job, db, rp.name, m);
      }
    }
    return { low, high: await this.count(ep, io, databases) };
  }

  private async points(ep: EngineEndpoint, io: Io, job: DumpJob, db: string, rp: string, m: string): Promise<void> {
    const source = `${iqlIdent(rp)}.${iqlIdent(m)}`;
    const types = new Map<string, FieldType>();
    for (const [key, type] of values(await all(ep, io, `SHOW FIELD KEYS FROM ${source}`, db)).map((r) => [String(r[0]), String(r[1]) as FieldType] as const)) {
      // 1.x lets shards disagree on a field's type; the points of such a field cannot be written back as one.
      if (types.has(key) && types.get(key) !== type) throw new BackupToolError(TOOL, `field ${key} of ${db}.${rp}.${m} is ${types.get(key)} in one shard and ${type} in another`, null);
      types.set(key, type);
    }
    if (!types.size) return;
    for await (const chunk of query(ep, io, `SELECT * FROM ${source} GROUP BY *`, db, true)) {
      let text = '';
      for (const series of chunk) {
        try {
          text += seriesLines(series, types);
        } catch (err) {
          throw new BackupToolError(TOOL, `${db}.${rp}.${m}: ${(err as Error).message}`, null);
        }
      }
      if (text) await writeOut(job.out, text);
    }
  }

  private async databases(ep: EngineEndpoint, io: Io): Promise<Map<string, RetentionPolicy[]>> {
    const out = new Map<string, RetentionPolicy[]>();
    for (const [name] of values(await all(ep, io, 'SHOW DATABASES'))) {
      const db = String(name);
      if (db === '_internal') continue;
      out.set(db, values(await all(ep, io, `SHOW RETENTION POLICIES ON ${iqlIdent(db)}`)).map((r) => ({
        name: String(r[0]), duration: influxqlDuration(String(r[1])), shardDuration: influxqlDuration(String(r[2])),
        replication: Number(r[3]), isDefault: r[4] === true,
      })));
    }
    return out;
  }

  /** Field values per `database.policy.measurement` (SELECT count(*) per policy). */
  private async count(ep: EngineEndpoint, io: Io, databases: Map<string, RetentionPolicy[]>): Promise<Inventory> {
    const out: Inventory = {};
    for (const [db, policies] of databases) {
      for (const rp of policies) {
        for (const s of await all(ep, io, `SELECT count(*) FROM ${iqlIdent(rp.name)}./.*/`, db)) {
          const total = (s.values ?? []).flatMap((row) => row.slice(1)).reduce<number>((sum, v) => sum + (v === null ? 0 : Number(v)), 0);
          out[`${db}.${rp.name}.${s.name}`] = total;
        }
      }
    }
    return out;
  }

  async restore(job: RestoreJob): Promise<void> {
    const ep = job.endpoint;
    only1x(ep);
    const io = { stallTimeoutMs: job.stallTimeoutMs, signal: job.signal };
    const lines = new LineReader(job.input);
    const statements: string[] = [];
    let seen = 0;
    let reachedDml = false;
    for (let line = await lines.next(); line !== null; line = await lines.next()) {
      seen += line.length + 1;
      if (seen > MAX_DDL_BYTES) throw new BackupToolError(TOOL, 'no # DML line in the first 16 MB: not an influx -import file', null);
      if (line.startsWith('# DML')) { reachedDml = true; break; }
      if (line.trim() && !line.startsWith('#')) statements.push(line.trim());
    }
    if (job.replace) await this.clear(ep, io, statements);
    else for (const s of statements) await all(ep, io, s);
    if (!reachedDml) return;
    // The points go to the stock importer in the container, straight from the snapshot.
    const dml = Readable.from((async function* () { yield Buffer.from('# DML\n'); yield* lines.rest(); })());
    await runTool(ep, {
      tool: 'influx -import',
      argv: ['influx', '-host', '127.0.0.1', '-port', String(PORT), ...(ep.tls ? ['-ssl', '-unsafeSsl'] : []), '-import', '-path', '/dev/stdin', '-precision', 'ns'],
      env: { INFLUX_USERNAME: ep.username, INFLUX_PASSWORD: ep.password },
      stdin: dml, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
  }

  /**
   * Makes the databases and policies exactly the dump's: other databases dropped, and in each of the
   * dump's the points, series and policies dropped and the policies made again. The database itself
   * stays, and with it its users' grants (the dump holds none).
   */
  private async clear(ep: EngineEndpoint, io: Io, statements: string[]): Promise<void> {
    const wanted = new Map<string, RetentionPolicy[]>();
    for (const s of statements) {
      const parsed = parseDdl(s);
      if (!parsed) throw new BackupToolError(TOOL, `not a statement of this module's dumps: ${s.slice(0, 200)}`, null);
      wanted.set(parsed.database, [...(wanted.get(parsed.database) ?? []), ...(parsed.policy ? [parsed.policy] : [])]);
    }
    const existing = new Set(values(await all(ep, io, 'SHOW DATABASES')).map((r) => String(r[0])).filter((d) => d !== '_internal'));
    for (const db of existing) if (!wanted.has(db)) await all(ep, io, `DROP DATABASE ${iqlIdent(db)}`);
    for (const [db, policies] of wanted) {
      if (!existing.has(db)) {
        for (const s of databaseDdl(db, policies)) await all(ep, io, s);
        continue;
      }
      await all(ep, io, 'DROP SERIES FROM /.*/', db);
      for (const [rp] of values(await all(ep, io, `SHOW RETENTION POLICIES ON ${iqlIdent(db)}`))) {
        await all(ep, io, `DROP RETENTION POLICY ${iqlIdent(String(rp))} ON ${iqlIdent(db)}`);
      }
      for (const p of policies) {
        await all(ep, io, `CREATE RETENTION POLICY ${iqlIdent(p.name)} ON ${iqlIdent(db)} DURATION ${p.duration} REPLICATION ${p.replication} SHARD DURATION ${p.shardDuration}${p.isDefault ? ' DEFAULT' : ''}`);
      }
    }
  }

  async inventory(ep: EngineEndpoint): Promise<Inventory> {
    only1x(ep);
    const io = { stallTimeoutMs: 600_000 };
    return this.count(ep, io, await this.databases(ep, io));
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    if (!is1x(instanceVersion)) return `InfluxDB ${instanceVersion}: the module restores InfluxDB 1.x dumps into 1.x instances only`;
    return newerMajorRefused('InfluxDB', snapshotVersion, instanceVersion);
  }

  looksLike(head: Buffer): boolean {
    return /^# (INFLUXDB EXPORT|DDL|DML)/.test(head.toString('utf8'));
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    return [
      `${f.file} holds every database of an InfluxDB ${f.version} server but _internal, as line protocol in the`,
      'influx -import file format: the DDL (databases and retention policies), then the points per database and',
      'retention policy, with nanosecond times. Users and grants are not in it. Restore it with the stock 1.x CLI:',
      '',
      `  influx -host HOST -port 8086 -username USER -password PASSWORD -import -path ${f.file} -precision ns`,
      '',
      '(INFLUX_USERNAME and INFLUX_PASSWORD in the environment keep the password off the command line.)',
      'A database that exists already keeps its points: drop it first for an exact copy.',
    ];
  }
}
