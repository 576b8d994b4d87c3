import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_TABLE, TABLES } from '../../src/constants.js';
import { MIGRATIONS_DIR, appliedMigrations, migrateDown, migrateUp, readMigrations } from '../../src/db/migrator.js';
import { openStore, type Store } from '../../src/db/store.js';
import { memoryLogger } from '../helpers/logger.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres-server.js';

const CHILD_TABLES = ['credentials', 'users', 'databases', 'snapshots', 'backups', 'metrics', 'health_history'] as const;
const INDEXES = [
  'instances_engine_idx', 'instances_status_idx', 'instances_created_idx', 'snapshots_instance_idx',
  'backups_instance_idx', 'backups_retention_idx', 'metrics_instance_time_idx', 'metrics_time_idx',
  'health_instance_time_idx', 'health_time_idx',
].map((n) => `620600_databases_${n}`);

async function tableNames(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

async function assertSchema(db: Kysely<any>) {
  const tables = await tableNames(db);
  for (const t of Object.values(TABLES)) expect(tables).toContain(t);
  const { rows: fks } = await sql<{ child: string; parent: string; on_delete: string }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent, c.confdeltype as on_delete
    from pg_constraint c where c.contype = 'f'`.execute(db);
  for (const child of CHILD_TABLES) {
    const fk = fks.find((f) => f.child === `"${TABLES[child === 'health_history' ? 'healthHistory' : child]}"` && f.parent === `"${TABLES.instances}"`);
    expect(fk, `FK ${child} -> instances`).toBeDefined();
    expect(fk!.on_delete, `${child} cascades`).toBe('c');
  }
  const { rows: idx } = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = 'public'`.execute(db);
  const names = idx.map((r) => r.indexname);
  for (const i of INDEXES) expect(names).toContain(i);
}

function suite(kind: 'pglite' | 'postgres') {
  describe(`migrator on ${kind}`, () => {
    let store: Store;
    let server: PostgresServer | undefined;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'flux-mig-'));
      if (kind === 'postgres') server = await startPostgres();
      store = await openStore({ dataDir, databaseUrl: server?.url }, memoryLogger());
      expect(store.kind).toBe(kind);
    });
    afterAll(async () => {
      await store?.close();
      await server?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('applies, is idempotent, records the checksum', async () => {
      const files = await readMigrations();
      expect(files[0]!.name).toBe('001_initial');
      expect((await migrateUp(store.db)).applied).toEqual(files.map((f) => f.name));
      expect((await migrateUp(store.db)).applied).toEqual([]);
      await assertSchema(store.db);
      const up = await readFile(path.join(MIGRATIONS_DIR, '001_initial.sql'), 'utf8');
      expect((await appliedMigrations(store.db))[0]).toEqual(
        { version: 1, name: '001_initial', checksum: createHash('sha256').update(up).digest('hex') },
      );
      expect(await appliedMigrations(store.db)).toEqual(files.map((f) => ({ version: f.version, name: f.name, checksum: f.checksum })));
    });

    it('cascades deletes from an instance to its rows', async () => {
      const db = store.db;
      const inst = await db.insertInto(TABLES.instances).values({
        name: 'casc', container_name: 'flux-db-casc', engine: 'postgresql', engine_version: '16', image: 'x',
        database_name: 'app', username: 'app', cpu_limit: 1, memory_limit_mb: 512, storage_limit_gb: 1,
        limits_enforced: '{}', options: '{}',
      }).returning('id').executeTakeFirstOrThrow();
      await db.insertInto(TABLES.metrics).values({ instance_id: inst.id, custom: '{}' }).execute();
      await db.insertInto(TABLES.snapshots).values({ instance_id: inst.id, path: '/x' }).execute();
      const metric = await db.selectFrom(TABLES.metrics).select('id').executeTakeFirstOrThrow();
      expect(typeof metric.id).toBe('string'); // BIGSERIAL comes back as a string on both stores
      await db.deleteFrom(TABLES.instances).where('id', '=', inst.id).execute();
      expect(await db.selectFrom(TABLES.metrics).selectAll().execute()).toEqual([]);
      expect(await db.selectFrom(TABLES.snapshots).selectAll().execute()).toEqual([]);
    });

    it('reverts with the down files, then applies again', async () => {
      const names = (await readMigrations()).map((f) => f.name);
      expect((await migrateDown(store.db)).reverted).toEqual([...names].reverse());
      const left = await tableNames(store.db);
      expect(left).toEqual([MIGRATIONS_TABLE]);
      expect(await appliedMigrations(store.db)).toEqual([]);
      expect((await migrateDown(store.db)).reverted).toEqual([]);
      expect((await migrateUp(store.db)).applied).toEqual(names);
      await assertSchema(store.db);
    });

    it('runs a migration in one transaction: a failing file leaves nothing behind', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'flux-migdir-'));
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      const names = (await readMigrations()).map((f) => f.name);
      await writeFile(path.join(dir, '999_broken.sql'),
        `CREATE TABLE "620600_databases_probe" (id int, note text DEFAULT 'semi;colon');\nSELECT * FROM no_such_table;`);
      await expect(migrateUp(store.db, dir)).rejects.toThrow(/no_such_table/);
      expect(await tableNames(store.db)).not.toContain('620600_databases_probe');
      expect((await appliedMigrations(store.db)).map((m) => m.name)).toEqual(names);

      await writeFile(path.join(dir, '001_initial.sql'), `${await readFile(path.join(dir, '001_initial.sql'), 'utf8')}\n-- edited`);
      await expect(migrateUp(store.db, dir)).rejects.toThrow(/001_initial was changed/);
      await rm(dir, { recursive: true, force: true });
    });
  });
}

suite('pglite');
suite('postgres');
