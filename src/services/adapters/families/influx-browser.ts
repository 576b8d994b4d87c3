import { AdapterInputError } from '../../../errors.js';
import type { BrowseListing, BrowserRole, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import { assertFound, dq, rowLimit, SampleBuilder, STATEMENT_TIMEOUT_MS } from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth, httpCall } from './http-client.js';

const MEASUREMENT = /^[A-Za-z_][A-Za-z0-9_$.:-]{0,127}$/;

interface Series { name?: string; columns: string[]; values?: unknown[][] }
interface InfluxAnswer { results: { series?: Series[]; error?: string }[]; error?: string }

/** JSON with integers beyond 2^53 kept exact: each such literal becomes a string before parsing. */
export function parseLossless(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))!;
      const literal = m[0];
      out += !m[1] && !m[2] && !Number.isSafeInteger(Number(literal)) ? `"${literal}"` : literal;
      i += literal.length;
    } else {
      out += c;
      i += 1;
    }
  }
  return JSON.parse(out);
}

/**
 * Refuses anything but one SELECT or SHOW without INTO. InfluxDB takes only SELECT and SHOW over
 * GET, but 1.x runs SELECT … INTO (a write) over GET too: this check is what keeps it out.
 * Quoted identifiers and strings are blanked first, so a name cannot hide or fake a keyword.
 */
export function assertReadOnly(statement: string): void {
  const bare = statement.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  if (!/^\s*(SELECT|SHOW)\s/i.test(bare) || /\bINTO\b/i.test(bare) || bare.includes(';')) {
    throw new Error(`read-only: the data browser sends one SELECT or SHOW without INTO, not ${JSON.stringify(statement.slice(0, 80))}`);
  }
}

/**
 * One InfluxQL statement over GET /query, after assertReadOnly. 1.x signs in with basic auth;
 * 2.x's v1-compatible endpoint takes the token (the instance password) and the bucket as db.
 */
export async function influxQuery(ep: EngineEndpoint, statement: string): Promise<Series[]> {
  assertReadOnly(statement);
  const params = new URLSearchParams({ db: ep.database, q: statement });
  const auth = ep.version.startsWith('1.') ? basicAuth(ep.username, ep.password) : `Token ${ep.password}`;
  const answer = await httpCall({
    scheme: ep.tls ? 'https' : 'http', host: ep.host, port: ep.port(8086), method: 'GET', path: `/query?${params}`,
    headers: { Authorization: auth }, timeoutMs: STATEMENT_TIMEOUT_MS,
  });
  const body = answer.body.toString('utf8');
  if (answer.status !== 200) throw new Error(`InfluxDB answered ${answer.status}: ${body.trim().slice(0, 500)}`);
  const parsed = parseLossless(body) as InfluxAnswer;
  const error = parsed.error ?? parsed.results?.[0]?.error;
  if (error) throw new Error(`InfluxDB: ${error}`);
  return parsed.results?.[0]?.series ?? [];
}

const column = (series: Series[], name: string): string[] => {
  const s = series[0];
  const i = s?.columns.indexOf(name) ?? -1;
  return i < 0 ? [] : (s!.values ?? []).map((v) => String(v[i]));
};

/** InfluxDB (InfluxQL): measurements of the instance's database; time, tags and fields as columns. */
export class InfluxBrowser implements BrowserRole {
  readonly objectNoun = 'measurements';
  readonly scansKeys = false;

  checkName(name: string): void {
    if (!MEASUREMENT.test(name) || name.includes('..')) throw new AdapterInputError(`invalid measurement ${JSON.stringify(name)}: must match ${MEASUREMENT}, without ..`);
  }

  async list(ep: EngineEndpoint, _options: ListOptions): Promise<BrowseListing> {
    const names = column(await influxQuery(ep, 'SHOW MEASUREMENTS LIMIT 10000'), 'name');
    // InfluxDB keeps no per-measurement row statistics or sizes.
    return {
      next_cursor: null,
      objects: names.map((n) => ({ schema: null, name: n, kind: 'measurement', rows_estimate: null, size_bytes: null, ref: MEASUREMENT.test(n) && !n.includes('..') ? n : null })),
    };
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    this.checkName(name);
    const known = column(await influxQuery(ep, 'SHOW MEASUREMENTS LIMIT 10000'), 'name');
    assertFound(known.find((m) => m === name), `measurement ${name}`);
    const tags = column(await influxQuery(ep, `SHOW TAG KEYS FROM ${dq(name)}`), 'tagKey');
    const fieldSeries = await influxQuery(ep, `SHOW FIELD KEYS FROM ${dq(name)}`);
    const fields = column(fieldSeries, 'fieldKey');
    const types = column(fieldSeries, 'fieldType');
    return {
      schema: null, name, kind: 'measurement', primary_key: ['time'], indexes: [], foreign_keys: [],
      columns: [
        { name: 'time', type: 'timestamp', nullable: false, default: null, primary_key: true },
        ...tags.map((t) => ({ name: t, type: 'tag', nullable: true, default: null, primary_key: false })),
        ...fields.map((f, i) => ({ name: f, type: types[i] ?? 'field', nullable: true, default: null, primary_key: false })),
      ],
    };
  }

  async sample(ep: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample> {
    const table = await this.describe(ep, name);
    if (options.order && options.order.column !== 'time') throw new AdapterInputError('order: InfluxDB sorts by time only');
    const descending = options.order?.descending ?? false;
    const series = await influxQuery(ep, `SELECT * FROM ${dq(name)} ORDER BY time ${descending ? 'DESC' : 'ASC'} LIMIT ${rowLimit(options)} OFFSET ${options.offset}`);
    const s = series[0];
    const columns = s?.columns ?? table.columns.map((c) => c.name);
    const typeOf = (c: string) => table.columns.find((x) => x.name === c)?.type ?? 'field';
    const out = new SampleBuilder(columns.map((c) => ({ name: c, type: typeOf(c) })));
    for (const row of s?.values ?? []) {
      row.forEach((v, i) => {
        if (v === null) return out.value(null);
        // int64 fields always as strings, like every engine's 64-bit integers.
        if (typeOf(columns[i]!) === 'integer') return out.text(String(v));
        if (typeof v === 'number') return out.number(v);
        if (typeof v === 'boolean') return out.value(v);
        return out.text(String(v));
      });
      out.endRow();
    }
    return out.build(options, `time:${descending ? 'desc' : 'asc'}`);
  }
}
