import { AdapterInputError } from '../../../errors.js';
import { BrowseNotFound, type Cell, type ColumnInfo, type RowSample, type SampleOptions, type TruncatedCell } from '../roles/browser.js';

/** At most this many rows per sample, whatever the caller asks. */
export const MAX_ROWS = 1000;
/** Characters of one cell in an answer; longer text is cut, binary is cut before it is base64-encoded. */
export const CELL_LIMIT = 1024;
/** Bytes of binary that fit CELL_LIMIT base64 characters. */
export const BINARY_LIMIT = (CELL_LIMIT / 4) * 3;
/** How long one browse statement may run inside the engine. */
export const STATEMENT_TIMEOUT_MS = 5000;

/** One SQL identifier as the routes let it through: a letter or _, then letters, digits, _ and $. */
const SQL_PART = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** `schema.table` or `table`: each part checked as an identifier, never more than one dot. */
export function splitSqlName(name: string, defaultSchema: string): { schema: string; table: string } {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => SQL_PART.test(p))) {
    throw new AdapterInputError(`invalid table name ${JSON.stringify(name)}: use table or schema.table, each part matching ${SQL_PART}`);
  }
  return parts.length === 2 ? { schema: parts[0]!, table: parts[1]! } : { schema: defaultSchema, table: parts[0]! };
}

/** The {name} a listed object is browsed by, or null when it cannot pass the route's pattern. */
export function sqlRef(schema: string, table: string, defaultSchema: string): string | null {
  if (!SQL_PART.test(table) || !SQL_PART.test(schema)) return null;
  return schema === defaultSchema ? table : `${schema}.${table}`;
}

/** Double-quoted identifier (PostgreSQL, H2, DuckDB, InfluxQL): quotes doubled. Parts are checked before they get here. */
export const dq = (id: string): string => `"${id.replace(/"/g, '""')}"`;
/** Back-quoted identifier (MySQL, MariaDB, ClickHouse). */
export const bq = (id: string): string => `\`${id.replace(/`/g, '``')}\``;

/**
 * The sort column, checked against the table's own columns (so only a listed name is ever quoted
 * into the statement), or the primary key for stable pages.
 */
export function orderColumn(columns: readonly ColumnInfo[], options: SampleOptions): { column: string; descending: boolean } | null {
  if (options.order) {
    if (!columns.some((c) => c.name === options.order!.column)) {
      throw new AdapterInputError(`order: the table has no column ${JSON.stringify(options.order.column)}`);
    }
    return options.order;
  }
  const pk = columns.find((c) => c.primary_key);
  return pk ? { column: pk.name, descending: false } : null;
}

export const orderLabel = (o: { column: string; descending: boolean } | null): string | null => (o ? `${o.column}:${o.descending ? 'desc' : 'asc'}` : null);

export function assertFound<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new BrowseNotFound(what);
  return value;
}

/**
 * "2024-01-02 03:04:05.123+00" (PostgreSQL, MySQL, ClickHouse, DuckDB, H2 text) as ISO 8601:
 * "2024-01-02T03:04:05.123Z"; a zone offset is kept as +HH:MM, no zone stays none. Anything
 * else (infinity, BC dates) is returned unchanged.
 */
export function isoTimestamp(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:\s*([+-]\d{2})(?::?(\d{2}))?(?::\d{2})?|\s*(Z|UTC))?$/.exec(text);
  if (!m) return text;
  const [, date, time, hours, minutes, z] = m;
  if (z) return `${date}T${time}Z`;
  if (hours === undefined) return `${date}T${time}`;
  const offset = `${hours}:${minutes ?? '00'}`;
  return `${date}T${time}${offset === '+00:00' || offset === '-00:00' ? 'Z' : offset}`;
}

/** Collects rows cell by cell, cutting long cells and noting each cut. */
export class SampleBuilder {
  readonly rows: Cell[][] = [];
  readonly truncated: TruncatedCell[] = [];
  private current: Cell[] = [];

  constructor(private readonly columns: { name: string; type: string }[]) {}

  /** Text (or a JSON text of a composite value), cut to CELL_LIMIT characters. */
  text(value: string): void {
    const chars = [...value];
    if (chars.length > CELL_LIMIT) {
      this.note(chars.length);
      this.current.push(chars.slice(0, CELL_LIMIT).join(''));
    } else this.current.push(value);
  }

  /** Binary as base64, cut to BINARY_LIMIT bytes first. */
  binary(bytes: Uint8Array): void {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length > BINARY_LIMIT) this.note(buf.length);
    this.current.push(buf.subarray(0, BINARY_LIMIT).toString('base64'));
  }

  /**
   * The first bytes of a value read only in part (its full length is `length` bytes): text when
   * they are UTF-8 up to a character boundary, else binary; always noted as cut.
   */
  cut(head: Buffer, length: number): void {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    this.note(length);
    for (let end = head.length; end > head.length - 4 && end > 0; end--) {
      try {
        this.current.push([...decoder.decode(head.subarray(0, end))].slice(0, CELL_LIMIT).join(''));
        return;
      } catch { /* a character split at the end: one byte less */ }
    }
    this.current.push(head.subarray(0, BINARY_LIMIT).toString('base64'));
  }

  /** Binary read only in part (its full length is `length` bytes), noted as cut. */
  binaryCut(head: Uint8Array, length: number): void {
    this.note(length);
    this.current.push(Buffer.from(head.buffer, head.byteOffset, head.byteLength).subarray(0, BINARY_LIMIT).toString('base64'));
  }

  value(value: number | boolean | null): void {
    this.current.push(value);
  }

  /** A number that JSON carries exactly, else its decimal text (bigint, NaN, Infinity). */
  number(value: number | bigint | string): void {
    if (typeof value === 'number' && Number.isFinite(value)) this.current.push(value);
    else this.text(String(value));
  }

  endRow(): void {
    this.rows.push(this.current);
    this.current = [];
  }

  build(options: SampleOptions, order: string | null): RowSample {
    return { columns: this.columns, rows: this.rows, truncated: this.truncated, limit: options.limit, offset: options.offset, order };
  }

  private note(length: number): void {
    this.truncated.push({ row: this.rows.length, column: this.columns[this.current.length]?.name ?? String(this.current.length), length });
  }
}

/** Valid UTF-8 bytes as text, anything else as binary: for engines whose strings are byte strings (ClickHouse, Redis). */
export function bytesCell(out: SampleBuilder, bytes: Buffer): void {
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    out.text(text.decode(bytes));
  } catch {
    out.binary(bytes);
  }
}

/** limit clamped to MAX_ROWS (the route already refuses more). */
export const rowLimit = (options: SampleOptions): number => Math.min(MAX_ROWS, Math.max(1, options.limit));
