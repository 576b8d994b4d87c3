import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { newerMajorRefused, parseCounts, runClient, runTool } from './backup-tools.js';
import type { EngineEndpoint } from './endpoint.js';

/** Schemas of the server itself: never dumped, never dropped. */
const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];
const notSystem = `NOT IN (${SYSTEM_SCHEMAS.map((s) => `'${s}'`).join(', ')})`;
const quoteIdent = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const quoteString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * MySQL and MariaDB: a consistent dump (`--single-transaction`) of every database of the
 * instance but the server's own schemas, with routines, triggers and events, as root over TCP
 * inside the container (the password in MYSQL_PWD); restored by feeding it to the client. Counts
 * are taken just before and just after the dump (the server cannot share the dump's snapshot).
 */
export class MysqlBackup implements BackupRole {
  readonly format = 'SQL dump';
  readonly extension = '.sql';
  readonly restores = true;

  /** `client`: the image's client binary (mariadb, mysql); its dump tool is named after it. */
  constructor(private readonly client: () => string) {}

  private get dumper(): string {
    return this.client() === 'mariadb' ? 'mariadb-dump' : 'mysqldump';
  }

  get tool(): string {
    return `${this.dumper} --single-transaction --routines --triggers --events`;
  }

  private connect(): string[] {
    return ['--protocol=TCP', '-h127.0.0.1', '-P3306', '-uroot'];
  }

  private env(e: EngineEndpoint): Record<string, string> {
    return { MYSQL_PWD: e.password };
  }

  private query(e: EngineEndpoint, sql: string, timeoutMs?: number): Promise<string> {
    return runClient(e, this.client(), [this.client(), ...this.connect(), '-NB', '-e', sql], this.env(e), timeoutMs);
  }

  private async databases(e: EngineEndpoint): Promise<string[]> {
    return (await this.query(e, `SELECT schema_name FROM information_schema.schemata WHERE schema_name ${notSystem} ORDER BY 1`))
      .split('\n').map((l) => l.trim()).filter(Boolean);
  }

  async dump(job: DumpJob): Promise<BackupFigures> {
    const e = job.endpoint;
    const low = await this.inventory(e);
    const dbs = await this.databases(e);
    await runTool(e, {
      tool: this.dumper,
      argv: [this.dumper, ...this.connect(), '--single-transaction', '--quick', '--routines', '--triggers', '--events', '--hex-blob',
        '--add-drop-database', '--default-character-set=utf8mb4', '--databases', ...dbs],
      env: this.env(e), stdout: job.out, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
    return { low, high: await this.inventory(e) };
  }

  async restore(job: RestoreJob): Promise<void> {
    const e = job.endpoint;
    if (job.replace) {
      // Exactly the snapshot's databases afterwards: the dump drops and makes each of its own; the others go first.
      const drops = (await this.databases(e)).map((db) => `DROP DATABASE ${quoteIdent(db)};`).join(' ');
      if (drops) await this.query(e, drops);
    }
    await runTool(e, {
      tool: this.client(), argv: [this.client(), ...this.connect(), '--binary-mode', '--default-character-set=utf8mb4'],
      env: this.env(e), stdin: job.input, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
  }

  async inventory(e: EngineEndpoint): Promise<Inventory> {
    const tables = (await this.query(e, `SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema ${notSystem} ORDER BY 1, 2`))
      .split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]);
    if (tables.length === 0) return {};
    const counts = tables.map(([db, t]) => `SELECT ${quoteString(`${db}.${t}`)}, COUNT(*) FROM ${quoteIdent(db)}.${quoteIdent(t)}`).join(' UNION ALL ');
    return parseCounts(await this.query(e, counts, 24 * 3600_000));
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    return newerMajorRefused(this.client() === 'mariadb' ? 'MariaDB' : 'MySQL', snapshotVersion, instanceVersion);
  }

  /** A dump is text that starts with a comment or a statement. */
  looksLike(head: Buffer): boolean {
    const text = head.toString('latin1');
    return !text.includes('\u0000') && /^(\/\*|--|SET |CREATE |DROP |USE |INSERT )/i.test(text.trimStart());
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    return [
      `${f.file} is an SQL dump of every database of the instance but the server's own schemas, with routines, triggers and events`,
      `(${this.tool} --add-drop-database --databases ..., ${this.client() === 'mariadb' ? 'MariaDB' : 'MySQL'} ${f.version}). It drops and creates each database it holds.`,
      'Restore it with the stock client (the password in MYSQL_PWD, not on the command line):',
      '',
      `  MYSQL_PWD=... ${this.client()} --protocol=TCP -h HOST -P PORT -u root --binary-mode < ${f.file}`,
      '',
      'Users and their grants are not in the dump; create them on the target as needed.',
    ];
  }
}
