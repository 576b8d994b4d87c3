import type mysql from 'mysql2/promise';
import type { BrowseListing, BrowserRole, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import { assertFound, bq, isoTimestamp, orderColumn, orderLabel, rowLimit, SampleBuilder, splitSqlName, sqlRef, STATEMENT_TIMEOUT_MS } from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';
import { withMysql } from './mysql-client.js';

const SYSTEM_SCHEMAS = "TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')";
const KINDS: Record<string, string> = { 'BASE TABLE': 'table', VIEW: 'view', 'SYSTEM VERSIONED': 'table', SEQUENCE: 'sequence' };
/** mysql2's column type codes for TIMESTAMP (stored in UTC) and DATETIME (no zone). */
const TIMESTAMP_TYPES = new Set([7, 17]);
const DATETIME_TYPES = new Set([12, 18]);

type Row = Record<string, unknown>;

/**
 * A session for fn: UTC, a statement timeout (MariaDB's max_statement_time in seconds, MySQL's
 * max_execution_time in ms), inside START TRANSACTION READ ONLY, rolled back afterwards.
 */
async function readOnly<T>(c: mysql.Connection, fn: () => Promise<T>): Promise<T> {
  const [version] = await c.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
  const mariadb = String(version[0]?.v ?? '').includes('MariaDB');
  await c.query("SET SESSION time_zone = '+00:00'");
  await c.query(mariadb ? `SET SESSION max_statement_time = ${STATEMENT_TIMEOUT_MS / 1000}` : `SET SESSION max_execution_time = ${STATEMENT_TIMEOUT_MS}`);
  await c.query('START TRANSACTION READ ONLY');
  try {
    return await fn();
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
  }
}

/** MySQL and MariaDB: information_schema through mysql2, values as parameters. */
export class MysqlBrowser implements BrowserRole {
  readonly objectNoun = 'tables';
  readonly scansKeys = false;

  checkName(name: string): void {
    splitSqlName(name, '');
  }

  private session<T>(ep: EngineEndpoint, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
    return withMysql({
      host: ep.host, port: ep.port(3306), user: ep.username, password: ep.password, database: ep.database, tls: ep.tls,
      timeoutMs: STATEMENT_TIMEOUT_MS + 5000,
    }, (c) => readOnly(c, () => fn(c)));
  }

  private async rows(c: mysql.Connection, sql: string, values: unknown[] = []): Promise<Row[]> {
    const [rows] = await c.query<mysql.RowDataPacket[]>(sql, values);
    return rows as Row[];
  }

  async list(ep: EngineEndpoint, _options: ListOptions): Promise<BrowseListing> {
    return this.session(ep, async (c) => {
      const rows = await this.rows(c, `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_TYPE AS t, TABLE_ROWS AS r, DATA_LENGTH + INDEX_LENGTH AS b
        FROM information_schema.TABLES WHERE ${SYSTEM_SCHEMAS} ORDER BY 1, 2 LIMIT 10000`);
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      return {
        next_cursor: null,
        objects: rows.map((r) => ({
          schema: String(r.s), name: String(r.n), kind: KINDS[String(r.t)] ?? String(r.t).toLowerCase(),
          rows_estimate: num(r.r), size_bytes: num(r.b), ref: sqlRef(String(r.s), String(r.n), ep.database),
        })),
      };
    });
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    return this.session(ep, (c) => this.describeWith(c, ep, name));
  }

  private async describeWith(c: mysql.Connection, ep: EngineEndpoint, name: string): Promise<TableDescription> {
    const { schema, table } = splitSqlName(name, ep.database);
    const where = 'TABLE_SCHEMA = ? AND TABLE_NAME = ?';
    const found = await this.rows(c, `SELECT TABLE_TYPE AS t FROM information_schema.TABLES WHERE ${SYSTEM_SCHEMAS} AND ${where}`, [schema, table]);
    const kind = assertFound(found[0], `table ${name}`).t;
    const columns = await this.rows(c, `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS d, COLUMN_KEY AS k
      FROM information_schema.COLUMNS WHERE ${where} ORDER BY ORDINAL_POSITION`, [schema, table]);
    const stats = await this.rows(c, `SELECT INDEX_NAME AS name, NON_UNIQUE AS nu, COLUMN_NAME AS col
      FROM information_schema.STATISTICS WHERE ${where} ORDER BY INDEX_NAME, SEQ_IN_INDEX`, [schema, table]);
    const keys = await this.rows(c, `SELECT CONSTRAINT_NAME AS name, COLUMN_NAME AS col, REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
      FROM information_schema.KEY_COLUMN_USAGE WHERE ${where} AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`, [schema, table]);
    const indexes = new Map<string, { name: string; columns: string[]; unique: boolean; primary: boolean }>();
    for (const s of stats) {
      const n = String(s.name);
      const index = indexes.get(n) ?? { name: n, columns: [], unique: Number(s.nu) === 0, primary: n === 'PRIMARY' };
      index.columns.push(String(s.col));
      indexes.set(n, index);
    }
    const fks = new Map<string, { name: string; columns: string[]; references_table: string; references_columns: string[] }>();
    for (const k of keys) {
      const n = String(k.name);
      const fk = fks.get(n) ?? { name: n, columns: [], references_table: `${k.rs}.${k.rt}`, references_columns: [] };
      fk.columns.push(String(k.col));
      fk.references_columns.push(String(k.rc));
      fks.set(n, fk);
    }
    const primary = indexes.get('PRIMARY')?.columns ?? [];
    return {
      schema, name: table, kind: KINDS[String(kind)] ?? String(kind).toLowerCase(),
      columns: columns.map((col) => ({
        name: String(col.name), type: String(col.type), nullable: col.nullable === 'YES',
        default: col.d === null || col.d === undefined ? null : String(col.d), primary_key: primary.includes(String(col.name)),
      })),
      primary_key: primary, indexes: [...indexes.values()], foreign_keys: [...fks.values()],
    };
  }

  async sample(ep: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample> {
    return this.session(ep, async (c) => {
      const table = await this.describeWith(c, ep, name);
      const order = orderColumn(table.columns, options);
      const [rows, fields] = await c.query<mysql.RowDataPacket[]>({
        sql: `SELECT * FROM ${bq(table.schema!)}.${bq(table.name)}${order ? ` ORDER BY ${bq(order.column)} ${order.descending ? 'DESC' : 'ASC'}` : ''} LIMIT ? OFFSET ?`,
        values: [rowLimit(options), options.offset], rowsAsArray: true,
      });
      const out = new SampleBuilder(fields.map((f) => ({ name: f.name, type: table.columns.find((col) => col.name === f.name)?.type ?? String(f.columnType) })));
      for (const row of rows as unknown as unknown[][]) {
        row.forEach((v, i) => mysqlCell(out, fields[i]?.columnType ?? 0, v));
        out.endRow();
      }
      return out.build(options, orderLabel(order));
    });
  }
}

/** One cell from mysql2 (dateStrings, bigNumberStrings): Buffers are binary, TIMESTAMPs are UTC. */
export function mysqlCell(out: SampleBuilder, type: number, v: unknown): void {
  if (v === null || v === undefined) return out.value(null);
  if (Buffer.isBuffer(v)) return out.binary(v);
  if (typeof v === 'number') return out.number(v);
  if (typeof v === 'string') {
    if (TIMESTAMP_TYPES.has(type)) return out.text(`${isoTimestamp(v)}Z`);
    if (DATETIME_TYPES.has(type)) return out.text(isoTimestamp(v));
    return out.text(v);
  }
  // JSON columns arrive parsed: back to their JSON text.
  out.text(JSON.stringify(v));
}
