import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { newerMajorRefused, parseCounts, runClient, runTool } from './backup-tools.js';
import type { QueryConfig } from 'pg';
import type { EngineEndpoint } from './endpoint.js';
import { withPostgres } from './postgres-client.js';

const PORT = 5432;
/** A count over a large table takes as long as it takes; the dump runs beside it. */
const COUNT_TIMEOUT_MS = 24 * 3600_000;

/**
 * Row counts of every user table, one `schema.table<TAB>rows` line each, in one statement (so it
 * runs inside one snapshot). TimescaleDB's own schemas are left out: a hypertable counts its rows
 * through its chunks.
 */
export const COUNT_ROWS_SQL = `SELECT n.nspname || '.' || c.relname AS name,
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint AS rows
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT LIKE 'timescaledb\\_%'
ORDER BY 1`;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const psqlEnv = (e: EngineEndpoint) => ({ PGPASSWORD: e.password, PGCONNECT_TIMEOUT: '10' });
const psql = (e: EngineEndpoint, database: string, ...commands: string[]) =>
  ['psql', '-h', '127.0.0.1', '-p', String(PORT), '-U', e.username, '-d', database, '-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1',
    ...commands.flatMap((c) => ['-c', c])];

export interface PostgresBackupOptions {
  /** TimescaleDB: its pre/post-restore steps around pg_restore, and the extension's version must match. */
  timescale?: boolean;
  /** The PostgreSQL major version of an image tag (TimescaleDB tags carry it as `-pgNN`). */
  pgMajor(version: string): number;
}

/**
 * PostgreSQL and TimescaleDB: `pg_dump -Fc` of the instance's database streamed out of the
 * container, `pg_restore` streamed in. The row counts are taken inside the dump's own snapshot
 * (an exported snapshot held by a host connection), so they are exact even while clients write.
 */
export class PostgresBackup implements BackupRole {
  readonly tool = 'pg_dump -Fc';
  readonly format = 'PostgreSQL custom-format archive (pg_dump -Fc)';
  readonly extension = '.dump';
  readonly restores = true;

  constructor(private readonly options: PostgresBackupOptions) {}

  async dump(job: DumpJob): Promise<BackupFigures> {
    const e = job.endpoint;
    const dumpArgv = (snapshot?: string) => ['pg_dump', '-h', '127.0.0.1', '-p', String(PORT), '-U', e.username, '-d', e.database, '-Fc', '--no-password',
      ...(snapshot ? ['--snapshot', snapshot] : [])];
    const run = (snapshot?: string) => runTool(e, { tool: 'pg_dump', argv: dumpArgv(snapshot), env: psqlEnv(e), stdout: job.out, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs });
    const held = await this.exportSnapshot(e);
    if (!held) {
      // No host connection (a rootless VNet): counts around the dump instead of inside it.
      const low = await this.inventory(e);
      await run();
      return { low, high: await this.inventory(e) };
    }
    try {
      const [counts] = await Promise.all([held.count(), run(held.snapshot)]);
      return { low: counts, high: counts };
    } finally {
      await held.release();
    }
  }

  /** A REPEATABLE READ transaction on a host connection whose snapshot pg_dump shares; null when the host cannot connect. */
  private async exportSnapshot(e: EngineEndpoint) {
    let release!: () => void;
    const released = new Promise<void>((r) => { release = r; });
    let ready!: (v: { snapshot: string; count: () => Promise<Inventory> } | null) => void;
    const exported = new Promise<{ snapshot: string; count: () => Promise<Inventory> } | null>((r) => { ready = r; });
    const session = withPostgres({ host: e.host, port: e.port(PORT), user: e.username, password: e.password, database: e.database, tls: e.tls, applicationName: 'flux-backup' }, async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The counts run beside the dump: parallel workers would take the cores pg_dump needs.
      await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
      const { rows } = await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s');
      ready({
        snapshot: rows[0]!.s,
        // pg reads a per-query query_timeout (its typings leave it out).
        count: async () => Object.fromEntries((await client.query<{ name: string; rows: string }>({ text: COUNT_ROWS_SQL, query_timeout: COUNT_TIMEOUT_MS } as QueryConfig))
          .rows.map((r) => [r.name, Number(r.rows)])),
      });
      await released;
      await client.query('COMMIT');
    });
    session.catch(() => ready(null));
    const held = await exported;
    if (!held) return null;
    return { ...held, release: async () => { release(); await session.catch(() => undefined); } };
  }

  async restore(job: RestoreJob): Promise<void> {
    const e = job.endpoint;
    const db = e.database;
    const client = (database: string, ...commands: string[]) => runClient(e, 'psql', psql(e, database, ...commands), psqlEnv(e));
    // The instance ends with exactly the dump's data: its database is made anew (FORCE ends its sessions).
    await client('postgres', `DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`, `CREATE DATABASE ${quoteIdent(db)}`);
    if (this.options.timescale) await client(db, 'CREATE EXTENSION IF NOT EXISTS timescaledb', 'SELECT timescaledb_pre_restore()');
    await runTool(e, {
      tool: 'pg_restore',
      argv: ['pg_restore', '-h', '127.0.0.1', '-p', String(PORT), '-U', e.username, '-d', db, '--no-owner', '--no-acl', '--exit-on-error', '--no-password'],
      env: psqlEnv(e), stdin: job.input, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
    if (this.options.timescale) await client(db, 'SELECT timescaledb_post_restore()');
  }

  async inventory(e: EngineEndpoint): Promise<Inventory> {
    return parseCounts(await runClient(e, 'psql', psql(e, e.database, COUNT_ROWS_SQL), psqlEnv(e), COUNT_TIMEOUT_MS));
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    const refused = newerMajorRefused('PostgreSQL', snapshotVersion, instanceVersion, (v) => this.options.pgMajor(v));
    if (refused || !this.options.timescale) return refused;
    const ext = (v: string) => v.split('-pg')[0];
    // Tiger Data: a dump restores into the same TimescaleDB version only.
    return ext(snapshotVersion) === ext(instanceVersion) ? null : `TimescaleDB restores need the same extension version: the snapshot has ${ext(snapshotVersion)}, this instance ${ext(instanceVersion)}`;
  }

  looksLike(head: Buffer): boolean {
    return head.subarray(0, 5).toString('latin1') === 'PGDMP';
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    const steps = [
      `${f.file} is a PostgreSQL custom-format archive of the database "${f.database}" (pg_dump -Fc, PostgreSQL ${f.version}).`,
      'Restore it with the stock client tools of the same or a newer PostgreSQL major version:',
      '',
      `  createdb -h HOST -p PORT -U USER ${f.database}`,
    ];
    if (this.options.timescale) {
      steps.push(`  psql -h HOST -p PORT -U USER -d ${f.database} -c 'CREATE EXTENSION IF NOT EXISTS timescaledb' -c 'SELECT timescaledb_pre_restore()'`);
    }
    steps.push(`  pg_restore -h HOST -p PORT -U USER -d ${f.database} --no-owner --no-acl --exit-on-error ${f.file}`);
    if (this.options.timescale) {
      steps.push(`  psql -h HOST -p PORT -U USER -d ${f.database} -c 'SELECT timescaledb_post_restore()'`, '', 'TimescaleDB needs the same extension version on the target as the snapshot was made with.');
    }
    steps.push('', 'pg_restore --list ' + f.file + ' shows what the archive holds.');
    return steps;
  }
}

