import { DuckDBBlobValue, DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { BrowseListing, BrowserRole, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import { assertFound, dq, isoTimestamp, orderColumn, orderLabel, rowLimit, SampleBuilder, splitSqlName, sqlRef, STATEMENT_TIMEOUT_MS } from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';

type Row = Record<string, DuckDBValue>;
const SMALL_INTS = new Set([DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER, DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE]);
const TIMESTAMPS = new Set([DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_S, DuckDBTypeId.TIMESTAMP_MS, DuckDBTypeId.TIMESTAMP_NS, DuckDBTypeId.TIMESTAMP_TZ]);

/**
 * Opens the instance's file READ_ONLY (DuckDB refuses every write on such a handle) for fn, with
 * the statement timeout as an interrupt (DuckDB has no timeout setting), and closes it after.
 */
export async function withReadOnlyDuckDb<T>(file: string, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const conn = await db.connect();
    const timer = setTimeout(() => conn.interrupt(), STATEMENT_TIMEOUT_MS);
    try {
      return await fn(conn);
    } finally {
      clearTimeout(timer);
      conn.closeSync();
    }
  } finally {
    db.closeSync();
  }
}

const rows = async (conn: DuckDBConnection, sql: string, values: DuckDBValue[] = []): Promise<Row[]> =>
  (await conn.runAndReadAll(sql, values)).getRowObjects();
const text = (v: DuckDBValue): string => String(v);
const num = (v: DuckDBValue): number | null => (v === null ? null : Number(v));

function duckCell(out: SampleBuilder, type: DuckDBType, v: DuckDBValue): void {
  if (v === null) return out.value(null);
  if (type.typeId === DuckDBTypeId.BOOLEAN) return out.value(Boolean(v));
  if (SMALL_INTS.has(type.typeId)) return out.number(Number(v));
  if (v instanceof DuckDBBlobValue) return out.binary(v.bytes);
  if (TIMESTAMPS.has(type.typeId)) return out.text(isoTimestamp(String(v)));
  // BIGINT, HUGEINT, DECIMAL, dates and composites: DuckDB's own text.
  out.text(typeof v === 'bigint' ? v.toString() : String(v));
}

/** DuckDB, in-process: duckdb_tables(), duckdb_views(), duckdb_columns(), duckdb_constraints(), duckdb_indexes(). */
export class DuckdbBrowser implements BrowserRole {
  readonly objectNoun = 'tables';
  readonly scansKeys = false;

  checkName(name: string): void {
    splitSqlName(name, 'main');
  }

  private file(ep: EngineEndpoint): string {
    if (!ep.file) throw new Error('the DuckDB instance has no file');
    return ep.file;
  }

  async list(ep: EngineEndpoint, _options: ListOptions): Promise<BrowseListing> {
    return withReadOnlyDuckDb(this.file(ep), async (conn) => {
      const found = await rows(conn, `SELECT schema_name AS s, table_name AS n, 'table' AS k, estimated_size AS r FROM duckdb_tables()
          WHERE NOT internal AND database_name = current_database()
        UNION ALL SELECT schema_name, view_name, 'view', NULL FROM duckdb_views() WHERE NOT internal AND database_name = current_database()
        ORDER BY 1, 2 LIMIT 10000`);
      return {
        next_cursor: null,
        // DuckDB keeps no size per table.
        objects: found.map((r) => ({ schema: text(r.s!), name: text(r.n!), kind: text(r.k!), rows_estimate: num(r.r ?? null), size_bytes: null, ref: sqlRef(text(r.s!), text(r.n!), 'main') })),
      };
    });
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    return withReadOnlyDuckDb(this.file(ep), (conn) => this.describeWith(conn, name));
  }

  private async describeWith(conn: DuckDBConnection, name: string): Promise<TableDescription> {
    const { schema, table } = splitSqlName(name, 'main');
    const where = 'database_name = current_database() AND schema_name = $1';
    const found = await rows(conn, `SELECT 'table' AS k FROM duckdb_tables() WHERE ${where} AND table_name = $2
      UNION ALL SELECT 'view' FROM duckdb_views() WHERE ${where} AND view_name = $2`, [schema, table]);
    const kind = text(assertFound(found[0], `table ${name}`).k!);
    const columns = await rows(conn, `SELECT column_name AS n, data_type AS t, is_nullable AS nl, column_default AS d FROM duckdb_columns()
      WHERE ${where} AND table_name = $2 ORDER BY column_index`, [schema, table]);
    const constraints = await rows(conn, `SELECT constraint_name AS n, constraint_type AS t, array_to_string(constraint_column_names, chr(31)) AS c,
        referenced_table AS rt, array_to_string(referenced_column_names, chr(31)) AS rc
      FROM duckdb_constraints() WHERE ${where} AND table_name = $2 AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') ORDER BY 1`, [schema, table]);
    const indexes = await rows(conn, `SELECT index_name AS n, is_unique AS u, is_primary AS p, expressions AS e FROM duckdb_indexes() WHERE ${where} AND table_name = $2 ORDER BY 1`, [schema, table]);
    const split = (v: DuckDBValue | undefined) => (v === null || v === undefined || text(v) === '' ? [] : text(v).split('\u001f'));
    const primary = split(constraints.find((c) => text(c.t!) === 'PRIMARY KEY')?.c);
    return {
      schema, name: table, kind,
      columns: columns.map((c) => ({
        name: text(c.n!), type: text(c.t!), nullable: Boolean(c.nl), default: c.d === null || c.d === undefined ? null : text(c.d), primary_key: primary.includes(text(c.n!)),
      })),
      primary_key: primary,
      indexes: [
        // Primary keys and UNIQUE constraints are DuckDB's ART indexes; CREATE INDEX ones are listed by duckdb_indexes().
        ...constraints.filter((c) => text(c.t!) !== 'FOREIGN KEY').map((c) => ({ name: text(c.n!), columns: split(c.c), unique: true, primary: text(c.t!) === 'PRIMARY KEY' })),
        ...indexes.map((i) => ({ name: text(i.n!), columns: text(i.e ?? '').replace(/^\[|\]$/g, '').split(',').map((s) => s.trim().replace(/^['"]+|['"]+$/g, '')).filter(Boolean), unique: Boolean(i.u), primary: Boolean(i.p) })),
      ],
      foreign_keys: constraints.filter((c) => text(c.t!) === 'FOREIGN KEY').map((c) => ({
        name: text(c.n!), columns: split(c.c), references_table: `${schema}.${text(c.rt ?? '')}`, references_columns: split(c.rc),
      })),
    };
  }

  async sample(ep: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample> {
    return withReadOnlyDuckDb(this.file(ep), async (conn) => {
      const table = await this.describeWith(conn, name);
      const order = orderColumn(table.columns, options);
      const reader = await conn.runAndReadAll(
        `SELECT * FROM ${dq(table.schema!)}.${dq(table.name)}${order ? ` ORDER BY ${dq(order.column)} ${order.descending ? 'DESC' : 'ASC'}` : ''} LIMIT $1 OFFSET $2`,
        [rowLimit(options), options.offset]);
      const names = reader.columnNames();
      const types = reader.columnTypes();
      const out = new SampleBuilder(names.map((n, i) => ({ name: n, type: table.columns.find((c) => c.name === n)?.type ?? types[i]!.toString() })));
      for (const row of reader.getRows()) {
        row.forEach((v, i) => duckCell(out, types[i]!, v));
        out.endRow();
      }
      return out.build(options, orderLabel(order));
    });
  }
}
