import fs from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { InstanceRow } from '../../db/schema.js';

/**
 * Engines that run inside the module rather than in a container. DuckDB is an in-process
 * library: an instance is one database file in the instance's data volume, and "connecting"
 * means opening that file (connection string `duckdb:///<absolute path>`). The module opens it
 * only briefly (create, health), so a client may hold the single read-write handle DuckDB allows.
 * Start and stop change whether the module offers the file; no process runs for it.
 */
export interface EmbeddedEngines {
  create(row: InstanceRow, dataDir: string): Promise<void>;
  /** Opens the file read-only and runs a query; throws when the engine cannot answer. */
  check(row: InstanceRow): Promise<void>;
  exists(row: InstanceRow): Promise<boolean>;
  filePath(row: InstanceRow): string;
}

export class DuckDbEngines implements EmbeddedEngines {
  constructor(private readonly dataRootFor: (containerName: string) => string) {}

  filePath(row: InstanceRow): string {
    return path.join(this.dataRootFor(row.container_name), `${row.database_name}.duckdb`);
  }

  async create(row: InstanceRow, dataDir: string): Promise<void> {
    const file = path.join(dataDir, `${row.database_name}.duckdb`);
    if (file !== this.filePath(row)) throw new Error(`DuckDB file ${file} is not where the module expects it`);
    const db = await DuckDBInstance.create(file);
    try {
      const conn = await db.connect();
      await conn.run('SELECT 1');
      conn.closeSync();
    } finally {
      db.closeSync();
    }
    await fs.chmod(file, 0o600);
  }

  async exists(row: InstanceRow): Promise<boolean> {
    return fs.access(this.filePath(row)).then(() => true, () => false);
  }

  async check(row: InstanceRow): Promise<void> {
    const file = this.filePath(row);
    await fs.access(file);
    const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    try {
      const conn = await db.connect();
      await conn.run('SELECT 1');
      conn.closeSync();
    } finally {
      db.closeSync();
    }
  }
}
