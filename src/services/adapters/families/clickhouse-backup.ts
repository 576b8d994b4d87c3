import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { BackupToolError } from '../roles/backup.js';
import { newerMajorRefused } from './backup-tools.js';
import { httpStream, readText, type HttpStreamAnswer } from './backup-streams.js';
import {
  chIdent, chString, chTable, DATABASES_FILE, databasesSql, dumpOrder, keepsRows, MANIFEST, PART_BYTES, partOwner, partsBase,
  RESTORE_SCRIPT, restoreScript, SYSTEM_DATABASES, tableFile, type DumpManifest, type DumpTable, type ListedTable,
} from './clickhouse-dump-layout.js';
import type { EngineEndpoint } from './endpoint.js';
import { engineSocket } from './engine-socket.js';
import { basicAuth } from './http-client.js';
import { readTar, TarWriter, type TarEntry } from './ustar.js';

const TOOL = 'ClickHouse HTTP';
const NOT_SYSTEM = `NOT IN (${SYSTEM_DATABASES.map(chString).join(', ')})`;
/** What ClickHouse appends to a 200 answer when a query fails after its first rows went out. */
const LATE_ERROR = /Code: \d+[.,] (?:e\.displayText\(\) = )?DB::Exception[\s\S]*$/;

interface Io { stallTimeoutMs: number; signal?: AbortSignal }

/** One statement over the HTTP interface (8123) with the admin's credentials in a header, never the URL. */
async function send(ep: EngineEndpoint, io: Io, sql: string, body?: AsyncIterable<Buffer>): Promise<HttpStreamAnswer> {
  const query = body ? `?${new URLSearchParams({ query: sql })}` : '';
  return httpStream({
    tool: TOOL, socket: () => engineSocket(ep, 8123, ep.tls), path: `/${query}`, method: 'POST',
    headers: { Authorization: basicAuth(ep.username, ep.password), 'Content-Type': body ? 'application/octet-stream' : 'text/plain' },
    body: body ?? sql, stallTimeoutMs: io.stallTimeoutMs, signal: io.signal,
  });
}

async function run(ep: EngineEndpoint, io: Io, sql: string, body?: AsyncIterable<Buffer>): Promise<string> {
  const answer = await send(ep, io, sql, body);
  const text = await readText(answer.body);
  if (answer.status !== 200) throw new BackupToolError(TOOL, text.trim().split('\n')[0]!.slice(0, 500), answer.status);
  return text;
}

async function rows(ep: EngineEndpoint, io: Io, sql: string): Promise<string[][]> {
  const parsed = JSON.parse(await run(ep, io, `${sql} FORMAT JSONCompact`)) as { data: unknown[][] };
  return parsed.data.map((r) => r.map((v) => String(v)));
}

/**
 * ClickHouse: every user database's tables, each as its SHOW CREATE TABLE and its rows in the
 * Native format, composed into one tar streamed into the snapshot (layout: clickhouse-dump-layout.ts).
 * 18.16 has no BACKUP statement, and its clickhouse-client takes a password only in argv, so the
 * module speaks the HTTP interface itself (credentials in a header); a restore creates the tables
 * again and streams each table's Native rows back with INSERT ... FORMAT Native.
 */
export class ClickhouseBackup implements BackupRole {
  readonly tool = 'SHOW CREATE TABLE + SELECT * FORMAT Native per table (HTTP interface)';
  readonly format = 'tar of ClickHouse table definitions (.sql) and rows in the Native format, with restore.sh for clickhouse-client';
  readonly extension = '.tar';
  readonly restores = true;

  async dump(job: DumpJob): Promise<BackupFigures> {
    const ep = job.endpoint;
    const io = { stallTimeoutMs: job.stallTimeoutMs, signal: job.signal };
    const manifest = await this.plan(ep, io);
    const low = await this.count(ep, io, manifest.tables);
    const tar = new TarWriter(job.out);
    await tar.entry(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
    await tar.entry(DATABASES_FILE, databasesSql(manifest.databases));
    for (const t of manifest.tables) {
      const [[create]] = await rows(ep, io, `SHOW CREATE TABLE ${chTable(t)}`) as [[string]];
      await tar.entry(tableFile(t.n), `${create}\n`);
      t.parts = t.data ? await tar.parts(partsBase(t.n), this.select(ep, io, t), PART_BYTES) : 0;
    }
    await tar.entry(RESTORE_SCRIPT, restoreScript(manifest));
    await tar.end();
    return { low, high: await this.count(ep, io, manifest.tables) };
  }

  /** The databases and tables to dump, in restore order. */
  private async plan(ep: EngineEndpoint, io: Io): Promise<DumpManifest> {
    const [[server]] = await rows(ep, io, 'SELECT version()') as [[string]];
    const databases = (await rows(ep, io, `SELECT name FROM system.databases WHERE name ${NOT_SYSTEM} ORDER BY name`)).map((r) => r[0]!);
    const listed = (await rows(ep, io, `SELECT database, name, engine, create_table_query FROM system.tables WHERE database ${NOT_SYSTEM} ORDER BY database, name`))
      .map(([database, name, engine, create]): ListedTable => ({ database: database!, name: name!, engine: engine!, create: create! }));
    const inner = new Set(listed.filter((t) => t.name.startsWith('.inner.')).map((t) => `${t.database}\0${t.name.slice('.inner.'.length)}`));
    const tables = dumpOrder(listed).map((t, i): DumpTable => ({
      n: i + 1, database: t.database, name: t.name, engine: t.engine, data: keepsRows(t.engine, inner.has(`${t.database}\0${t.name}`)),
    }));
    return { format: 'flux-clickhouse-dump', version: 1, server, databases, tables };
  }

  /** The table's rows as Native, as they come; a failure ClickHouse appends to a started answer fails the dump. */
  private async *select(ep: EngineEndpoint, io: Io, t: DumpTable): AsyncGenerator<Buffer> {
    const answer = await send(ep, io, `SELECT * FROM ${chTable(t)} FORMAT Native`);
    if (answer.status !== 200) throw new BackupToolError(TOOL, (await readText(answer.body)).trim().split('\n')[0]!.slice(0, 500), answer.status);
    let tail = Buffer.alloc(0);
    for await (const chunk of answer.body) {
      tail = Buffer.concat([tail, chunk]).subarray(-1024);
      yield chunk;
    }
    const late = LATE_ERROR.exec(tail.toString('latin1'));
    if (late) throw new BackupToolError(TOOL, `reading ${t.database}.${t.name} failed: ${late[0].trim().slice(0, 400)}`, null);
  }

  private async count(ep: EngineEndpoint, io: Io, tables: DumpTable[]): Promise<Inventory> {
    const out: Inventory = {};
    for (const t of tables.filter((x) => x.data)) {
      const [[n]] = await rows(ep, io, `SELECT count() FROM ${chTable(t)}`) as [[string]];
      out[`${t.database}.${t.name}`] = Number(n);
    }
    return out;
  }

  async restore(job: RestoreJob): Promise<void> {
    const ep = job.endpoint;
    const io = { stallTimeoutMs: job.stallTimeoutMs, signal: job.signal };
    const entries = readTar(job.input);
    const first = await entries.next();
    if (first.done || first.value.name !== MANIFEST) throw new BackupToolError(TOOL, `not a ClickHouse dump of this module: it does not start with ${MANIFEST}`, null);
    const manifest = JSON.parse(await readText(first.value.body(), 64 << 20)) as DumpManifest;
    if (manifest.format !== 'flux-clickhouse-dump') throw new BackupToolError(TOOL, `${MANIFEST} is not a dump manifest`, null);
    const byNumber = new Map(manifest.tables.map((t) => [t.n, t]));
    if (job.replace) await this.clear(ep, io);
    let next = await entries.next();
    while (!next.done) {
      const entry = next.value;
      const owner = partOwner(entry.name);
      if (owner === null) {
        await this.apply(ep, io, entry);
        next = await entries.next();
        continue;
      }
      const t = byNumber.get(owner);
      if (!t) throw new BackupToolError(TOOL, `${entry.name} belongs to no table of the manifest`, null);
      // A table's parts are consecutive: one INSERT takes them all as one stream.
      let following: IteratorResult<TarEntry> | undefined;
      const parts = async function* (): AsyncGenerator<Buffer> {
        yield* entry.body();
        for (;;) {
          const more = await entries.next();
          if (more.done || partOwner(more.value.name) !== owner) { following = more; return; }
          yield* more.value.body();
        }
      };
      await run(ep, io, `INSERT INTO ${chTable(t)} FORMAT Native`, parts());
      next = following ?? await entries.next();
    }
  }

  /** The statements of one entry: the databases, or a table's CREATE; restore.sh is for people. */
  private async apply(ep: EngineEndpoint, io: Io, entry: TarEntry): Promise<void> {
    if (entry.name === DATABASES_FILE) {
      for (const statement of (await readText(entry.body())).split('\n').filter((l) => l.trim())) await run(ep, io, statement);
    } else if (/^\d{4,}\.sql$/.test(entry.name)) {
      await run(ep, io, (await readText(entry.body(), 64 << 20)).trim());
    }
  }

  /** Drops every user database but `default`, and every table of `default`: the dump brings back what it holds. */
  private async clear(ep: EngineEndpoint, io: Io): Promise<void> {
    for (const [db] of await rows(ep, io, `SELECT name FROM system.databases WHERE name ${NOT_SYSTEM} AND name != 'default'`)) {
      await run(ep, io, `DROP DATABASE ${chIdent(db!)}`);
    }
    const defaults = await rows(ep, io, "SELECT name, engine FROM system.tables WHERE database = 'default' AND NOT startsWith(name, '.inner.')");
    const viewsFirst = [...defaults].sort((a, b) => Number(!a[1]!.endsWith('View')) - Number(!b[1]!.endsWith('View')));
    for (const [name] of viewsFirst) await run(ep, io, `DROP TABLE IF EXISTS ${chIdent('default')}.${chIdent(name!)}`);
  }

  async inventory(ep: EngineEndpoint): Promise<Inventory> {
    const io = { stallTimeoutMs: 600_000 };
    return this.count(ep, io, (await this.plan(ep, io)).tables);
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    return newerMajorRefused('ClickHouse', snapshotVersion, instanceVersion);
  }

  looksLike(head: Buffer): boolean {
    return head.subarray(0, MANIFEST.length + 1).toString('latin1') === `${MANIFEST}\0`;
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    return [
      `${f.file} is a tar of every user database of a ClickHouse ${f.version} server: ${MANIFEST} (what it holds),`,
      `${DATABASES_FILE}, and per table NNNN.sql (its CREATE statement) with its rows as NNNN.native.* (Native format, in parts).`,
      'Restore it with the stock clickhouse-client of the same or a newer ClickHouse:',
      '',
      `  mkdir dump && tar -xf ${f.file} -C dump`,
      '  sh dump/restore.sh --host HOST --port 9000 --user USER --password PASSWORD',
      '',
      'restore.sh runs, in order: the databases, each table\'s NNNN.sql, and',
      "  cat NNNN.native.* | clickhouse-client ... --query 'INSERT INTO db.table FORMAT Native'",
      'Plain tables come before views, so a materialized view is not filled twice.',
    ];
  }
}
