import type { BrowseListing, BrowserRole, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import { assertFound, bq, isoTimestamp, orderColumn, orderLabel, rowLimit, SampleBuilder, splitSqlName, sqlRef, STATEMENT_TIMEOUT_MS } from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth, httpCall } from './http-client.js';

interface Compact { meta: { name: string; type: string }[]; data: unknown[][] }

/** ClickHouse string literal: backslash and quote escaped (18.x has no query parameters; names are checked before). */
const chString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const SYSTEM_DATABASES = "database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')";
const KINDS: Record<string, string> = { View: 'view', MaterializedView: 'materialized_view', Dictionary: 'dictionary' };
/** The type inside Nullable(...) and LowCardinality(...). */
const inner = (type: string): string => type.replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1').replace(/^(?:Nullable|LowCardinality)\((.*)\)$/, '$1');

/**
 * One query over ClickHouse's HTTP interface with readonly=1 (the server refuses any write and
 * any setting change), a max_execution_time, and JSONCompact output (64-bit integers quoted).
 */
export async function clickhouseQuery(ep: EngineEndpoint, sql: string): Promise<Compact> {
  const params = new URLSearchParams({
    database: ep.database, readonly: '1', max_execution_time: String(STATEMENT_TIMEOUT_MS / 1000), output_format_json_quote_64bit_integers: '1',
  });
  const answer = await httpCall({
    scheme: ep.tls ? 'https' : 'http', host: ep.host, port: ep.port(8123), method: 'POST', path: `/?${params}`,
    headers: { Authorization: basicAuth(ep.username, ep.password), 'Content-Type': 'text/plain' },
    body: `${sql} FORMAT JSONCompact`, timeoutMs: STATEMENT_TIMEOUT_MS + 5000,
  });
  if (answer.status !== 200) throw new Error(`ClickHouse answered ${answer.status}: ${answer.body.toString('utf8').trim().slice(0, 500)}`);
  return JSON.parse(answer.body.toString('utf8')) as Compact;
}

/** ClickHouse over HTTP: system.tables, system.columns and system.parts. */
export class ClickhouseBrowser implements BrowserRole {
  readonly objectNoun = 'tables';
  readonly scansKeys = false;

  checkName(name: string): void {
    splitSqlName(name, '');
  }

  async list(ep: EngineEndpoint, _options: ListOptions): Promise<BrowseListing> {
    const tables = await clickhouseQuery(ep, `SELECT database, name, engine FROM system.tables WHERE ${SYSTEM_DATABASES} ORDER BY database, name LIMIT 10000`);
    const parts = await clickhouseQuery(ep, `SELECT database, table, sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active AND ${SYSTEM_DATABASES} GROUP BY database, table`);
    const sizes = new Map(parts.data.map((p) => [`${p[0]}.${p[1]}`, { rows: Number(p[2]), bytes: Number(p[3]) }]));
    return {
      next_cursor: null,
      objects: tables.data.map(([database, name, engine]) => {
        const [s, n, e] = [String(database), String(name), String(engine)];
        const size = sizes.get(`${s}.${n}`);
        return {
          schema: s, name: n, kind: KINDS[e] ?? 'table', rows_estimate: size?.rows ?? (e.endsWith('MergeTree') ? 0 : null),
          size_bytes: size?.bytes ?? (e.endsWith('MergeTree') ? 0 : null), ref: sqlRef(s, n, ep.database),
        };
      }),
    };
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    const { schema, table } = splitSqlName(name, ep.database);
    const where = `database = ${chString(schema)} AND name = ${chString(table)}`;
    const found = await clickhouseQuery(ep, `SELECT engine FROM system.tables WHERE ${SYSTEM_DATABASES} AND ${where}`);
    const engine = String(assertFound(found.data[0], `table ${name}`)[0]);
    const cols = await clickhouseQuery(ep, `SELECT name, type, default_kind, default_expression, is_in_primary_key FROM system.columns
      WHERE database = ${chString(schema)} AND table = ${chString(table)}`);
    const primary = cols.data.filter((c) => Number(c[4]) === 1).map((c) => String(c[0]));
    return {
      schema, name: table, kind: KINDS[engine] ?? 'table',
      columns: cols.data.map(([n, type, kind, expression]) => ({
        name: String(n), type: String(type), nullable: String(type).startsWith('Nullable('),
        default: kind ? `${kind} ${expression}` : null, primary_key: primary.includes(String(n)),
      })),
      primary_key: primary,
      indexes: primary.length ? [{ name: 'primary key', columns: primary, unique: false, primary: true }] : [],
      foreign_keys: [],
    };
  }

  async sample(ep: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample> {
    const table = await this.describe(ep, name);
    const order = orderColumn(table.columns, options);
    // Strings are byte strings: read as hex, shown as text when they are UTF-8, else base64. DateTimes in UTC.
    const select = table.columns.map((c) => {
      const t = inner(c.type);
      if (t === 'String' || t.startsWith('FixedString(')) return `hex(${bq(c.name)})`;
      if (t === 'DateTime' || t.startsWith('DateTime(')) return `toString(${bq(c.name)}, 'UTC')`;
      return bq(c.name);
    });
    const result = await clickhouseQuery(ep, `SELECT ${select.join(', ')} FROM ${bq(table.schema!)}.${bq(table.name)}`
      + `${order ? ` ORDER BY ${bq(order.column)} ${order.descending ? 'DESC' : 'ASC'}` : ''} LIMIT ${options.offset}, ${rowLimit(options)}`);
    const out = new SampleBuilder(table.columns.map((c) => ({ name: c.name, type: c.type })));
    for (const row of result.data) {
      row.forEach((v, i) => clickhouseCell(out, inner(table.columns[i]!.type), v));
      out.endRow();
    }
    return out.build(options, orderLabel(order));
  }
}

function clickhouseCell(out: SampleBuilder, type: string, v: unknown): void {
  if (v === null) return out.value(null);
  if (type === 'String' || type.startsWith('FixedString(')) {
    const bytes = Buffer.from(String(v), 'hex');
    // FixedString pads with zero bytes: text without the padding, binary as stored.
    const text = type.startsWith('FixedString(') ? bytes.subarray(0, bytes.indexOf(0) === -1 ? bytes.length : bytes.indexOf(0)) : bytes;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      decoder.decode(text);
      return out.text(text.toString('utf8'));
    } catch {
      return out.binary(bytes);
    }
  }
  if (type === 'DateTime' || type.startsWith('DateTime(')) return out.text(`${isoTimestamp(String(v))}Z`);
  if (typeof v === 'number') return out.number(v);
  if (typeof v === 'boolean') return out.value(v);
  if (typeof v === 'string') return out.text(v);
  out.text(JSON.stringify(v));
}
