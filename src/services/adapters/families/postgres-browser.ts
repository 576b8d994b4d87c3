import type pg from 'pg';
import type { BrowseListing, BrowsedObject, BrowserRole, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import {
  assertFound, dq, isoTimestamp, orderColumn, orderLabel, rowLimit, SampleBuilder, splitSqlName, sqlRef, STATEMENT_TIMEOUT_MS,
} from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';
import { withPostgres } from './postgres-client.js';

const KINDS: Record<string, string> = { r: 'table', p: 'table', v: 'view', m: 'materialized_view', f: 'foreign_table' };
const SYSTEM_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
  + " AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT LIKE 'timescaledb\\_%'";

/** Every value as the server's text: the conversions below decide what JSON gets. */
const RAW = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** Opens a read-only transaction with a statement timeout in UTC, runs fn, and always rolls back. */
export async function readOnly<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
    await client.query("SET LOCAL TimeZone = 'UTC'");
    await client.query("SET LOCAL DateStyle = 'ISO'");
    await client.query("SET LOCAL bytea_output = 'hex'");
    return await fn();
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** One cell of PostgreSQL's text output, by the column's type oid. */
export function pgCell(out: SampleBuilder, oid: number, text: string | null): void {
  if (text === null) return out.value(null);
  switch (oid) {
    case 16: return out.value(text === 't' || text === 'true');
    case 21: case 23: case 26: case 700: case 701: return out.number(Number(text));
    case 17: return out.binary(Buffer.from(text.startsWith('\\x') ? text.slice(2) : text, 'hex'));
    case 1114: case 1184: return out.text(isoTimestamp(text));
    // int8, numeric and everything else: the server's exact text.
    default: return out.text(text);
  }
}

/** PostgreSQL and TimescaleDB (hypertables marked): the catalog through pg, one read-only transaction per call. */
export class PostgresBrowser implements BrowserRole {
  readonly objectNoun = 'tables';
  readonly scansKeys = false;

  checkName(name: string): void {
    splitSqlName(name, 'public');
  }

  constructor(private readonly options: { hypertables?: boolean; defaultSchema?: string } = {}) {}

  private get defaultSchema(): string {
    return this.options.defaultSchema ?? 'public';
  }

  protected session<T>(ep: EngineEndpoint, fn: (client: pg.Client) => Promise<T>): Promise<T> {
    return withPostgres({
      host: ep.host, port: ep.port(5432), user: ep.username, password: ep.password, database: ep.database, tls: ep.tls,
      timeoutMs: STATEMENT_TIMEOUT_MS + 5000, applicationName: 'flux-databases-browser',
    }, (client) => readOnly(client, () => fn(client)));
  }

  async list(ep: EngineEndpoint, _options: ListOptions): Promise<BrowseListing> {
    return this.session(ep, async (client) => {
      const { rows } = await client.query<{ schema: string; name: string; relkind: string; rows_estimate: string | null; size_bytes: string }>(
        `SELECT n.nspname AS schema, c.relname AS name, c.relkind,
           CASE WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::bigint END AS rows_estimate, pg_total_relation_size(c.oid) AS size_bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${SYSTEM_SCHEMAS} ORDER BY 1, 2 LIMIT 10000`);
      const objects: BrowsedObject[] = rows.map((r) => ({
        schema: r.schema, name: r.name, kind: KINDS[r.relkind] ?? r.relkind,
        rows_estimate: r.rows_estimate === null ? null : Number(r.rows_estimate), size_bytes: Number(r.size_bytes),
        ref: sqlRef(r.schema, r.name, this.defaultSchema),
      }));
      if (this.options.hypertables) await this.markHypertables(client, objects);
      return { objects, next_cursor: null };
    });
  }

  /** Hypertables keep their rows in chunks: TimescaleDB's own estimate and size replace the parent's. */
  private async markHypertables(client: pg.Client, objects: BrowsedObject[]): Promise<void> {
    const { rows } = await client.query<{ schema: string; name: string; rows_estimate: string; size_bytes: string | null }>(
      `SELECT hypertable_schema AS schema, hypertable_name AS name,
         approximate_row_count(format('%I.%I', hypertable_schema, hypertable_name)::regclass) AS rows_estimate,
         hypertable_size(format('%I.%I', hypertable_schema, hypertable_name)::regclass) AS size_bytes
       FROM timescaledb_information.hypertables`);
    for (const h of rows) {
      const o = objects.find((x) => x.schema === h.schema && x.name === h.name);
      if (!o) continue;
      Object.assign(o, { kind: 'hypertable', rows_estimate: Number(h.rows_estimate), size_bytes: h.size_bytes === null ? null : Number(h.size_bytes) });
    }
  }

  /** The relation's oid, found by name as parameters: nothing of the name reaches the SQL text. */
  private async relation(client: pg.Client, name: string): Promise<{ oid: string; schema: string; table: string; kind: string }> {
    const { schema, table } = splitSqlName(name, this.defaultSchema);
    const { rows } = await client.query<{ oid: string; relkind: string }>(
      `SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${SYSTEM_SCHEMAS}`, [schema, table]);
    const row = assertFound(rows[0], `table ${name}`);
    return { oid: row.oid, schema, table, kind: KINDS[row.relkind] ?? row.relkind };
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    return this.session(ep, (client) => this.describeWith(client, name));
  }

  private async describeWith(client: pg.Client, name: string): Promise<TableDescription> {
    const rel = await this.relation(client, name);
    let kind = rel.kind;
    if (this.options.hypertables) {
      const h = await client.query('SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = $2', [rel.schema, rel.table]);
      if (h.rowCount) kind = 'hypertable';
    }
    const columns = await client.query<{ name: string; type: string; nullable: boolean; default: string | null }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, [rel.oid]);
    const indexes = await client.query<{ name: string; unique: boolean; primary: boolean; columns: string[] }>(
      `SELECT i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
         to_json(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord)) AS columns
       FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid WHERE ix.indrelid = $1 ORDER BY i.relname`, [rel.oid]);
    const fks = await client.query<{ name: string; columns: string[]; references_table: string; references_columns: string[] }>(
      `SELECT con.conname AS name,
         to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o)) AS columns,
         fn.nspname || '.' || fc.relname AS references_table,
         to_json(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o)) AS references_columns
       FROM pg_constraint con JOIN pg_class fc ON fc.oid = con.confrelid JOIN pg_namespace fn ON fn.oid = fc.relnamespace
       WHERE con.conrelid = $1 AND con.contype = 'f' ORDER BY con.conname`, [rel.oid]);
    const primary = indexes.rows.find((i) => i.primary)?.columns ?? [];
    return {
      schema: rel.schema, name: rel.table, kind,
      columns: columns.rows.map((c) => ({ ...c, primary_key: primary.includes(c.name) })),
      primary_key: primary, indexes: indexes.rows, foreign_keys: fks.rows,
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
      const fields = result.fields;
      const out = new SampleBuilder(fields.map((f) => ({ name: f.name, type: table.columns.find((c) => c.name === f.name)?.type ?? String(f.dataTypeID) })));
      for (const row of result.rows as (string | null)[][]) {
        row.forEach((cell, i) => pgCell(out, fields[i]!.dataTypeID, cell));
        out.endRow();
      }
      return out.build(options, orderLabel(order));
    });
  }
}
