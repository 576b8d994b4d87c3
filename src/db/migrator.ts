import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely, type Transaction } from 'kysely';
import { MIGRATIONS_TABLE } from '../constants.js';
import { splitSqlStatements } from './sql-script.js';

/** The module's `migrations/` folder (plain SQL files; they import nothing). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface MigrationFile {
  version: number;
  /** File name without `.sql`, e.g. `001_initial`. */
  name: string;
  up: string;
  down: string | null;
  /** sha256 of the up file: an applied migration whose file changed stops the migrator. */
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

const UP_FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
// Serialises concurrent migrators (two hosts starting on one PostgreSQL).
const LOCK_KEY = 620600;

/** Reads `NNN_name.sql` (+ optional `NNN_name.down.sql`) in version order. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = await readdir(dir);
  const files: MigrationFile[] = [];
  for (const file of names.sort()) {
    const m = UP_FILE.exec(file);
    if (!m) continue;
    const name = file.slice(0, -'.sql'.length);
    const up = await readFile(path.join(dir, file), 'utf8');
    const downName = `${name}.down.sql`;
    const down = names.includes(downName) ? await readFile(path.join(dir, downName), 'utf8') : null;
    const version = Number(m[1]);
    if (files.some((f) => f.version === version)) throw new Error(`two migrations share version ${version} in ${dir}`);
    files.push({ version, name, up, down, checksum: createHash('sha256').update(up).digest('hex') });
  }
  return files;
}

async function ensureTable(db: Kysely<any>): Promise<void> {
  // Under the lock: two hosts creating the table at once would collide in pg_type.
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable(MIGRATIONS_TABLE)
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
  });
}

export async function appliedMigrations(db: Kysely<any>): Promise<AppliedMigration[]> {
  await ensureTable(db);
  return db.selectFrom(MIGRATIONS_TABLE).select(['version', 'name', 'checksum']).orderBy('version').execute();
}

async function runScript(trx: Transaction<any>, script: string): Promise<void> {
  for (const statement of splitSqlStatements(script)) await sql.raw(statement).execute(trx);
}

async function lockedApplied(trx: Transaction<any>): Promise<Map<number, AppliedMigration>> {
  await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
  const rows: AppliedMigration[] = await trx.selectFrom(MIGRATIONS_TABLE).select(['version', 'name', 'checksum']).execute();
  return new Map(rows.map((r) => [r.version, r]));
}

/** Applies every pending migration in order, each in its own transaction. Idempotent. */
export async function migrateUp(db: Kysely<any>, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const files = await readMigrations(dir);
  await ensureTable(db);
  const applied: string[] = [];
  for (const file of files) {
    const done = await db.transaction().execute(async (trx) => {
      const existing = (await lockedApplied(trx)).get(file.version);
      if (existing) {
        if (existing.checksum !== file.checksum) {
          throw new Error(`migration ${file.name} was changed after it was applied (checksum differs); add a new migration instead`);
        }
        return false;
      }
      await runScript(trx, file.up);
      await trx.insertInto(MIGRATIONS_TABLE).values({ version: file.version, name: file.name, checksum: file.checksum }).execute();
      return true;
    });
    if (done) applied.push(file.name);
  }
  return { applied };
}

/**
 * Reverts applied migrations newest first with their `.down.sql`, down to (not including)
 * version `to` (default 0: everything). Each in its own transaction.
 */
export async function migrateDown(db: Kysely<any>, options: { dir?: string; to?: number } = {}): Promise<{ reverted: string[] }> {
  const files = await readMigrations(options.dir ?? MIGRATIONS_DIR);
  await ensureTable(db);
  const reverted: string[] = [];
  for (const file of [...files].reverse()) {
    if (file.version <= (options.to ?? 0)) break;
    const done = await db.transaction().execute(async (trx) => {
      if (!(await lockedApplied(trx)).has(file.version)) return false;
      if (file.down === null) throw new Error(`migration ${file.name} has no ${file.name}.down.sql; cannot revert it`);
      await runScript(trx, file.down);
      await trx.deleteFrom(MIGRATIONS_TABLE).where('version', '=', file.version).execute();
      return true;
    });
    if (done) reverted.push(file.name);
  }
  return { reverted };
}
