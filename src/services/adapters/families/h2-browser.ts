import type { BrowseListing, BrowserRole, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import {
  assertFound, BINARY_LIMIT, CELL_LIMIT, dq, isoTimestamp, orderColumn, orderLabel, rowLimit, SampleBuilder, splitSqlName, sqlRef,
} from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';
import { h2Shell, h2String, hexText, type ShellRow } from './h2-shell.js';

const SYSTEM_SCHEMAS = "TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'PG_CATALOG', 'pg_catalog', 'information_schema')";
const KINDS: Record<string, string> = { 'BASE TABLE': 'table', VIEW: 'view', 'GLOBAL TEMPORARY': 'table', 'LOCAL TEMPORARY': 'table' };
const NUMBERS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'REAL', 'DOUBLE PRECISION']);
const BINARY = new Set(['BINARY', 'BINARY VARYING', 'BINARY LARGE OBJECT', 'JAVA_OBJECT', 'GEOMETRY']);
const select = (exprs: string[], rest: string) => `SELECT ${exprs.map(hexText).join(', ')} ${rest}`;

/**
 * H2 2.x through its own Shell inside the container (h2-shell.ts), INFORMATION_SCHEMA for the
 * catalog. H2 enforces no read-only transaction (it accepts BEGIN READ ONLY and writes anyway, and
 * a view may hold an INSERT in a data-change delta table): each call is one session with
 * autocommit off that ends in a rollback, so nothing a view does is kept. Long cells are cut
 * inside H2, before they travel.
 */
export class H2Browser implements BrowserRole {
  readonly objectNoun = 'tables';
  readonly scansKeys = false;

  checkName(name: string): void {
    splitSqlName(name, 'PUBLIC');
  }

  async list(ep: EngineEndpoint, _options: ListOptions): Promise<BrowseListing> {
    const [rows] = await h2Shell(ep, [select(['TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE', 'ROW_COUNT_ESTIMATE'],
      `FROM INFORMATION_SCHEMA.TABLES WHERE ${SYSTEM_SCHEMAS} ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT 10000`)]);
    return {
      next_cursor: null,
      objects: rows!.map(([s, n, t, r]) => ({
        schema: s!, name: n!, kind: KINDS[t!] ?? t!.toLowerCase(), rows_estimate: r === null ? null : Number(r),
        // H2 keeps no size per table.
        size_bytes: null, ref: sqlRef(s!, n!, 'PUBLIC'),
      })),
    };
  }

  /** Table kind, columns, index columns and foreign-key columns in one Shell session. */
  private describeQueries(schema: string, table: string): string[] {
    const where = `TABLE_SCHEMA = ${h2String(schema)} AND TABLE_NAME = ${h2String(table)}`;
    return [
      select(['TABLE_TYPE'], `FROM INFORMATION_SCHEMA.TABLES WHERE ${SYSTEM_SCHEMAS} AND ${where}`),
      select(['COLUMN_NAME', 'DATA_TYPE', 'IS_NULLABLE', 'COLUMN_DEFAULT'], `FROM INFORMATION_SCHEMA.COLUMNS WHERE ${where} ORDER BY ORDINAL_POSITION`),
      select(['i.INDEX_NAME', 'i.INDEX_TYPE_NAME', 'c.COLUMN_NAME'], `FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c
        ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME WHERE i.TABLE_SCHEMA = ${h2String(schema)} AND i.TABLE_NAME = ${h2String(table)}
        ORDER BY i.INDEX_NAME, c.ORDINAL_POSITION`),
      select(['rc.CONSTRAINT_NAME', 'k.COLUMN_NAME', 'u.TABLE_SCHEMA', 'u.TABLE_NAME', 'u.COLUMN_NAME'], `FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc
        JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME
        JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE u ON u.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA AND u.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME
          AND u.ORDINAL_POSITION = k.POSITION_IN_UNIQUE_CONSTRAINT
        WHERE k.TABLE_SCHEMA = ${h2String(schema)} AND k.TABLE_NAME = ${h2String(table)} ORDER BY rc.CONSTRAINT_NAME, k.ORDINAL_POSITION`),
    ];
  }

  private description(schema: string, table: string, name: string, [found, columns, indexRows, fkRows]: ShellRow[][]): TableDescription {
    const kind = assertFound(found![0], `table ${name}`)[0]!;
    const indexes = new Map<string, { name: string; columns: string[]; unique: boolean; primary: boolean }>();
    for (const [n, type, col] of indexRows!) {
      const index = indexes.get(n!) ?? { name: n!, columns: [], unique: type !== 'INDEX', primary: type === 'PRIMARY KEY' };
      index.columns.push(col!);
      indexes.set(n!, index);
    }
    const fks = new Map<string, { name: string; columns: string[]; references_table: string; references_columns: string[] }>();
    for (const [n, col, rs, rt, rc] of fkRows!) {
      const fk = fks.get(n!) ?? { name: n!, columns: [], references_table: `${rs}.${rt}`, references_columns: [] };
      fk.columns.push(col!);
      fk.references_columns.push(rc!);
      fks.set(n!, fk);
    }
    const primary = [...indexes.values()].find((i) => i.primary)?.columns ?? [];
    return {
      schema, name: table, kind: KINDS[kind] ?? kind.toLowerCase(),
      columns: columns!.map(([n, type, nullable, d]) => ({ name: n!, type: type!, nullable: nullable === 'YES', default: d ?? null, primary_key: primary.includes(n!) })),
      primary_key: primary, indexes: [...indexes.values()], foreign_keys: [...fks.values()],
    };
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    const { schema, table } = splitSqlName(name, 'PUBLIC');
    return this.description(schema, table, name, await h2Shell(ep, this.describeQueries(schema, table)));
  }

  async sample(ep: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample> {
    const table = await this.describe(ep, name);
    const order = orderColumn(table.columns, options);
    // Per column: its value cut inside H2 (binary as hex), and its full length.
    const exprs = table.columns.flatMap((c) => {
      const col = dq(c.name);
      return BINARY.has(c.type)
        ? [`RAWTOHEX(SUBSTRING(${col} FROM 1 FOR ${BINARY_LIMIT}))`, `OCTET_LENGTH(${col})`]
        : [`LEFT(CAST(${col} AS VARCHAR), ${CELL_LIMIT})`, `CHAR_LENGTH(CAST(${col} AS VARCHAR))`];
    });
    const [rows] = await h2Shell(ep, [select(exprs, `FROM ${dq(table.schema!)}.${dq(table.name)}`
      + `${order ? ` ORDER BY ${dq(order.column)} ${order.descending ? 'DESC' : 'ASC'}` : ''} LIMIT ${rowLimit(options)} OFFSET ${options.offset}`)]);
    const out = new SampleBuilder(table.columns.map((c) => ({ name: c.name, type: c.type })));
    for (const row of rows!) {
      table.columns.forEach((c, i) => h2Cell(out, c.type, row[2 * i]!, Number(row[2 * i + 1])));
      out.endRow();
    }
    return out.build(options, orderLabel(order));
  }
}

function h2Cell(out: SampleBuilder, type: string, v: string | null, length: number): void {
  if (v === null) return out.value(null);
  if (BINARY.has(type)) return length > BINARY_LIMIT ? out.binaryCut(Buffer.from(v, 'hex'), length) : out.binary(Buffer.from(v, 'hex'));
  if (length > CELL_LIMIT) return out.cut(Buffer.from(v, 'utf8'), length);
  if (type === 'BOOLEAN') return out.value(v === 'TRUE');
  if (NUMBERS.has(type)) return out.number(Number(v));
  if (type.startsWith('TIMESTAMP')) return out.text(isoTimestamp(v));
  // BIGINT, NUMERIC, DECFLOAT and everything else: H2's own text.
  out.text(v);
}
