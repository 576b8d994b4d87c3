import type pg from 'pg';
import type { BrowseListing, BrowserRole, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import { assertFound, dq, orderColumn, orderLabel, rowLimit, SampleBuilder, splitSqlName, sqlRef, STATEMENT_TIMEOUT_MS } from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';
import { pgCell } from './postgres-browser.js';
import { withPostgres } from './postgres-client.js';

export const H2_PG_PORT = 5435;
const SYSTEM_SCHEMAS = "TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'PG_CATALOG')";
const KINDS: Record<string, string> = { 'BASE TABLE': 'table', VIEW: 'view', 'GLOBAL TEMPORARY': 'table', 'LOCAL TEMPORARY': 'table' };
const RAW = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/**
 * H2 through its PostgreSQL-protocol server (5435), INFORMATION_SCHEMA of H2 2.x. H2 enforces no
 * read-only transaction (it accepts BEGIN READ ONLY and writes anyway, and a view may hold an
 * INSERT in a data-change delta table): each call runs in one transaction that is always rolled
 * back, with H2's QUERY_TIMEOUT, so nothing a view does is kept.
 */
export class H2Browser implements BrowserRole {
  readonly objectNoun = 'tables';
  readonly scansKeys = false;

  checkName(name: string): void {
    splitSqlName(name, 'PUBLIC');
  }

  private session<T>(ep: EngineEndpoint, fn: (client: pg.Client) => Promise<T>): Promise<T> {
    return withPostgres({
      host: ep.host, port: ep.port(H2_PG_PORT), user: ep.username, password: ep.password, database: ep.database, tls: false,
      timeoutMs: STATEMENT_TIMEOUT_MS + 5000,
    }, async (client) => {
      await client.query('BEGIN');
      try {
        await client.query(`SET QUERY_TIMEOUT ${STATEMENT_TIMEOUT_MS}`);
        return await fn(client);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
      }
    });
  }

  async list(ep: EngineEndpoint, _options: ListOptions): Promise<BrowseListing> {
    return this.session(ep, async (client) => {
      const { rows } = await client.query<{ s: string; n: string; t: string; r: string | null }>(
        `SELECT TABLE_SCHEMA AS "s", TABLE_NAME AS "n", TABLE_TYPE AS "t", ROW_COUNT_ESTIMATE AS "r" FROM INFORMATION_SCHEMA.TABLES
         WHERE ${SYSTEM_SCHEMAS} ORDER BY 1, 2 LIMIT 10000`);
      return {
        next_cursor: null,
        objects: rows.map((r) => ({
          schema: r.s, name: r.n, kind: KINDS[r.t] ?? r.t.toLowerCase(), rows_estimate: r.r === null ? null : Number(r.r),
          // H2 keeps no size per table.
          size_bytes: null, ref: sqlRef(r.s, r.n, 'PUBLIC'),
        })),
      };
    });
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    return this.session(ep, (client) => this.describeWith(client, name));
  }

  private async describeWith(client: pg.Client, name: string): Promise<TableDescription> {
    const { schema, table } = splitSqlName(name, 'PUBLIC');
    const args = [schema, table];
    const found = await client.query<{ t: string }>(`SELECT TABLE_TYPE AS "t" FROM INFORMATION_SCHEMA.TABLES WHERE ${SYSTEM_SCHEMAS} AND TABLE_SCHEMA = $1 AND TABLE_NAME = $2`, args);
    const kind = assertFound(found.rows[0], `table ${name}`).t;
    const columns = await client.query<{ name: string; type: string; nullable: string; d: string | null }>(
      `SELECT COLUMN_NAME AS "name", DATA_TYPE AS "type", IS_NULLABLE AS "nullable", COLUMN_DEFAULT AS "d" FROM INFORMATION_SCHEMA.COLUMNS
       WHERE TABLE_SCHEMA = $1 AND TABLE_NAME = $2 ORDER BY ORDINAL_POSITION`, args);
    const indexRows = await client.query<{ name: string; kind: string; col: string }>(
      `SELECT i.INDEX_NAME AS "name", i.INDEX_TYPE_NAME AS "kind", c.COLUMN_NAME AS "col" FROM INFORMATION_SCHEMA.INDEXES i
       JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME
       WHERE i.TABLE_SCHEMA = $1 AND i.TABLE_NAME = $2 ORDER BY i.INDEX_NAME, c.ORDINAL_POSITION`, args);
    const fkRows = await client.query<{ name: string; col: string; rs: string; rt: string; rc: string }>(
      `SELECT rc.CONSTRAINT_NAME AS "name", k.COLUMN_NAME AS "col", u.TABLE_SCHEMA AS "rs", u.TABLE_NAME AS "rt", u.COLUMN_NAME AS "rc"
       FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc
       JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME
       JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE u ON u.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA AND u.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME
         AND u.ORDINAL_POSITION = k.POSITION_IN_UNIQUE_CONSTRAINT
       WHERE k.TABLE_SCHEMA = $1 AND k.TABLE_NAME = $2 ORDER BY 1, k.ORDINAL_POSITION`, args);
    const indexes = new Map<string, { name: string; columns: string[]; unique: boolean; primary: boolean }>();
    for (const r of indexRows.rows) {
      const index = indexes.get(r.name) ?? { name: r.name, columns: [], unique: r.kind !== 'INDEX', primary: r.kind === 'PRIMARY KEY' };
      index.columns.push(r.col);
      indexes.set(r.name, index);
    }
    const fks = new Map<string, { name: string; columns: string[]; references_table: string; references_columns: string[] }>();
    for (const r of fkRows.rows) {
      const fk = fks.get(r.name) ?? { name: r.name, columns: [], references_table: `${r.rs}.${r.rt}`, references_columns: [] };
      fk.columns.push(r.col);
      fk.references_columns.push(r.rc);
      fks.set(r.name, fk);
    }
    const primary = [...indexes.values()].find((i) => i.primary)?.columns ?? [];
    return {
      schema, name: table, kind: KINDS[kind] ?? kind.toLowerCase(),
      columns: columns.rows.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable === 'YES', default: c.d, primary_key: primary.includes(c.name) })),
      primary_key: primary, indexes: [...indexes.values()], foreign_keys: [...fks.values()],
    };
  }

  async sample(ep: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample> {
    return this.session(ep, async (client) => {
      const table = await this.describeWith(client, name);
      const order = orderColumn(table.columns, options);
      const result = await client.query({
        text: `SELECT * FROM ${dq(table.schema!)}.${dq(table.name)}${order ? ` ORDER BY ${dq(order.column)} ${order.descending ? 'DESC' : 'ASC'}` : ''} LIMIT $1 OFFSET $2`,
        values: [rowLimit(options), options.offset], types: RAW, rowMode: 'array',
      });
      const out = new SampleBuilder(result.fields.map((f) => ({ name: f.name, type: table.columns.find((c) => c.name === f.name)?.type ?? String(f.dataTypeID) })));
      for (const row of result.rows as (string | null)[][]) {
        row.forEach((cell, i) => pgCell(out, result.fields[i]!.dataTypeID, cell));
        out.endRow();
      }
      return out.build(options, orderLabel(order));
    });
  }
}
