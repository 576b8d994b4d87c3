import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { ModuleLogger } from '../module-contract.js';
import type { Database } from './schema.js';

export interface Store {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/**
 * Opens the host's store: PostgreSQL through a `pg` pool when `config.databaseUrl` is set,
 * otherwise an embedded PGlite database in `<dataDir>/store` (a fresh directory takes ~4 s).
 */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>, logger: ModuleLogger): Promise<Store> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
    // An idle client losing its server must not crash the process.
    pool.on('error', (err) => logger.error({ err: err.message }, 'postgres pool error'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    logger.info('store: PostgreSQL (DATABASE_URL)');
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dir = path.join(config.dataDir, 'store');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // BIGINT as string, like pg does, so repositories see the same types on both stores.
  const pglite = await PGlite.create(dir, { parsers: { [types.INT8]: (value: string) => value } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  logger.info({ dir }, 'store: embedded PGlite');
  return { db, kind: 'pglite', close: () => db.destroy() };
}
