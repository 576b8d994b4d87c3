import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { BackupToolError } from '../roles/backup.js';
import type { EngineEndpoint } from './endpoint.js';
import { readTar, TarWriter } from './ustar.js';

const TOOL = 'DuckDB EXPORT DATABASE';
const TABLES = "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary ORDER BY 1, 2";
const dq = (s: string) => `"${s.replace(/"/g, '""')}"`;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** The export's own files first: the archive reads like the directory DuckDB wrote. */
const FIRST = ['schema.sql', 'load.sql'];

function fileOf(ep: EngineEndpoint): string {
  if (!ep.file) throw new BackupToolError(TOOL, 'the DuckDB instance has no file', null);
  return ep.file;
}

async function withDb<T>(file: string, mode: 'READ_ONLY' | 'READ_WRITE', signal: AbortSignal | undefined, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(file, { access_mode: mode }).catch((err: Error) => {
    throw new BackupToolError(TOOL, `cannot open ${path.basename(file)}: ${err.message.split('\n')[0]}`, null);
  });
  try {
    const conn = await db.connect();
    const stop = () => conn.interrupt();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      if (signal?.aborted) throw new BackupToolError(TOOL, 'cancelled', null, 'cancelled');
      return await fn(conn);
    } catch (err) {
      if (signal?.aborted) throw new BackupToolError(TOOL, 'cancelled', null, 'cancelled');
      throw err instanceof BackupToolError ? err : new BackupToolError(TOOL, (err as Error).message.split('\n')[0]!, null);
    } finally {
      signal?.removeEventListener('abort', stop);
      conn.closeSync();
    }
  } finally {
    db.closeSync();
  }
}

async function counts(conn: DuckDBConnection): Promise<Inventory> {
  const out: Inventory = {};
  for (const [schema, table] of (await conn.runAndReadAll(TABLES)).getRows() as [string, string][]) {
    const [[n]] = (await conn.runAndReadAll(`SELECT count(*) FROM ${dq(schema)}.${dq(table)}`)).getRows() as [[bigint]];
    out[`${schema}.${table}`] = Number(n);
  }
  return out;
}

/** A directory of the module beside the instance's file, removed after `fn` whatever happens. */
async function withScratch<T>(file: string, kind: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(path.dirname(file), `.flux-${kind}-${randomBytes(6).toString('hex')}`);
  await fs.mkdir(dir, { mode: 0o700 });
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * DuckDB, in the module's process: EXPORT DATABASE (schema.sql, load.sql and a Parquet file per
 * table) into a scratch directory beside the instance's file, inside one read-only transaction that
 * also counts the rows (a read-only handle keeps writers of other processes out, so the figures are
 * exact), then tarred into the snapshot and removed. A restore extracts the archive, runs IMPORT
 * DATABASE into a fresh file and swaps it in with a rename; an import (replace: false) imports into
 * the instance's file as the stock CLI would.
 */
export class DuckdbBackup implements BackupRole {
  readonly tool = 'EXPORT DATABASE (FORMAT PARQUET), in-process';
  readonly format = 'tar of a DuckDB EXPORT DATABASE directory (schema.sql, load.sql, Parquet files)';
  readonly extension = '.tar';
  readonly restores = true;

  async dump(job: DumpJob): Promise<BackupFigures> {
    const file = fileOf(job.endpoint);
    return withScratch(file, 'export', async (dir) => {
      const figures = await withDb(file, 'READ_ONLY', job.signal, async (conn) => {
        await conn.run('BEGIN TRANSACTION');
        const inTransaction = await counts(conn);
        await conn.run(`EXPORT DATABASE ${sqlString(dir)} (FORMAT PARQUET)`);
        await conn.run('COMMIT');
        return inTransaction;
      });
      const names = (await fs.readdir(dir)).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
      const tar = new TarWriter(job.out);
      for (const name of names) {
        if (job.signal.aborted) throw new BackupToolError(TOOL, 'cancelled', null, 'cancelled');
        const full = path.join(dir, name);
        await tar.entry(name, createReadStream(full), (await fs.stat(full)).size);
      }
      await tar.end();
      return { low: figures, high: figures };
    });
  }

  async restore(job: RestoreJob): Promise<void> {
    const file = fileOf(job.endpoint);
    await withScratch(file, 'import', async (dir) => {
      await this.extract(Readable.from(job.input), dir);
      if (!job.replace) {
        await withDb(file, 'READ_WRITE', job.signal, (conn) => conn.run(`IMPORT DATABASE ${sqlString(dir)}`).then(() => conn.run('CHECKPOINT')));
        return;
      }
      const fresh = path.join(dir, 'restored.duckdb');
      await withDb(fresh, 'READ_WRITE', job.signal, async (conn) => {
        await conn.run(`IMPORT DATABASE ${sqlString(dir)}`);
        await conn.run('CHECKPOINT');
      });
      await fs.chmod(fresh, 0o600);
      // Holding the file read-write proves no other process has it open; its log is folded in
      // before the rename, so no stale .wal is left beside the new file.
      await withDb(file, 'READ_WRITE', job.signal, async (conn) => {
        await conn.run('CHECKPOINT');
        await fs.rename(fresh, file);
      });
      await fs.rm(`${file}.wal`, { force: true });
    });
  }

  /** The archive's files into `dir`: plain names only (an export directory is flat), `./` or one folder stripped. */
  private async extract(input: Readable, dir: string): Promise<void> {
    const seen = new Set<string>();
    for await (const entry of readTar(input)) {
      if (entry.type !== 'file') continue;
      const name = entry.name.replace(/^\.\//, '').split('/').filter(Boolean);
      const base = name.length === 2 ? name[1]! : name[0]!;
      if (name.length > 2 || !base || base.startsWith('.') || base.includes('\\')) throw new BackupToolError(TOOL, `unexpected path in the archive: ${entry.name}`, null);
      if (seen.has(base)) throw new BackupToolError(TOOL, `${base} is twice in the archive`, null);
      seen.add(base);
      await pipeline(Readable.from(entry.body()), createWriteStream(path.join(dir, base), { flags: 'wx', mode: 0o600 }));
    }
    for (const needed of FIRST) if (!seen.has(needed)) throw new BackupToolError(TOOL, `the archive has no ${needed}: not a DuckDB export`, null);
  }

  async inventory(ep: EngineEndpoint): Promise<Inventory> {
    return withDb(fileOf(ep), 'READ_ONLY', undefined, counts);
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    const release = (v: string) => { const m = /(\d+)\.(\d+)/.exec(v); return m ? Number(m[1]) * 1000 + Number(m[2]) : Number.NaN; };
    const [made, runs] = [release(snapshotVersion), release(instanceVersion)];
    if (Number.isNaN(made) || Number.isNaN(runs)) return snapshotVersion === instanceVersion ? null : `cannot compare DuckDB versions ${snapshotVersion} and ${instanceVersion}`;
    return made > runs ? `the snapshot was made with DuckDB ${snapshotVersion}, newer than this instance's ${instanceVersion}` : null;
  }

  /**
   * A ustar header's name field (the first 64 bytes are all there is): an export's file or a folder
   * holding one, as the module or tar(1) writes it, then NUL padding.
   */
  looksLike(head: Buffer): boolean {
    const end = head.indexOf(0);
    const name = end > 0 ? head.subarray(0, end).toString('latin1') : '';
    return /^[\x20-\x7e]+$/.test(name) && head.subarray(end).every((b) => b === 0)
      && /(^|\/)(schema\.sql|load\.sql|[^/]+\.(parquet|csv))$|\/$|^\.$/.test(name);
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    return [
      `${f.file} is a tar of the directory DuckDB ${f.version}'s EXPORT DATABASE wrote (FORMAT PARQUET):`,
      'schema.sql, load.sql and one Parquet file per table. Restore it into a new database with the duckdb CLI:',
      '',
      `  mkdir export && tar -xf ${f.file} -C export`,
      `  duckdb ${f.database}.duckdb "IMPORT DATABASE 'export'"`,
      '',
      'IMPORT DATABASE finds the Parquet files in the directory it is given, wherever it was moved.',
    ];
  }
}

const rank = (name: string) => (FIRST.includes(name) ? FIRST.indexOf(name) : FIRST.length);
