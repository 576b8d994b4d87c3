import type { EngineEndpoint } from '../families/endpoint.js';

/** One table, view, measurement or key as GET /databases/{id}/tables lists it. */
export interface BrowsedObject {
  /** The schema, database or keyspace it lives in; null where the engine has none (Redis, InfluxDB). */
  schema: string | null;
  name: string;
  /** table, view, hypertable, materialized_view, measurement, key ... */
  kind: string;
  /** The engine's own estimate (statistics, element count of a key); null when it keeps none. */
  rows_estimate: number | null;
  size_bytes: number | null;
  /** The {name} to pass to the schema and data routes; null when the name cannot travel as one (see TABLE_NAME). */
  ref: string | null;
  /** The Redis family: the key's type and its time to live in ms (-1: none). */
  key_type?: string;
  ttl_ms?: number;
}

export interface BrowseListing {
  objects: BrowsedObject[];
  /** Key scans: the cursor to pass for the next page; null once the scan is complete. */
  next_cursor: string | null;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean | null;
  default: string | null;
  primary_key: boolean;
}

export interface IndexInfo { name: string; columns: string[]; unique: boolean; primary: boolean }
export interface ForeignKeyInfo { name: string; columns: string[]; references_table: string; references_columns: string[] }

export interface TableDescription {
  schema: string | null;
  name: string;
  kind: string;
  columns: ColumnInfo[];
  primary_key: string[];
  indexes: IndexInfo[];
  foreign_keys: ForeignKeyInfo[];
  /** The Redis family: what the key is, beside the columns its value is shown in. */
  key?: KeyFacts;
}

export interface KeyFacts {
  type: string;
  encoding: string | null;
  /** Time to live in ms; -1: no expiry. */
  ttl_ms: number;
  size_bytes: number | null;
  /** Elements (bytes for a string). */
  length: number | null;
}

/** A cell as JSON carries it: big integers and decimals as strings, binary as base64, times as ISO 8601. */
export type Cell = string | number | boolean | null;

export interface TruncatedCell {
  row: number;
  column: string;
  /** The cell's full length in characters (bytes for binary). */
  length: number;
}

export interface RowSample {
  columns: { name: string; type: string }[];
  rows: Cell[][];
  /** Every cell that was cut to CELL_LIMIT, by row index and column. */
  truncated: TruncatedCell[];
  limit: number;
  offset: number;
  order: string | null;
}

export interface ListOptions {
  /** Key scans: a glob (SCAN MATCH), the cursor of the previous page and the COUNT hint. */
  pattern?: string;
  cursor?: string;
  count?: number;
}

export interface SampleOptions {
  limit: number;
  offset: number;
  order?: { column: string; descending: boolean };
}

/**
 * The data browser, read-only: what an engine holds (listing), a table's shape (describe) and
 * sample rows (sample). Names reach the engine only as parameters or quoted identifiers, and
 * only after `describe`/`sample` found them among the engine's own objects; every query runs in
 * a read-only session with a statement timeout. A name the engine cannot have is an
 * AdapterInputError (400); an object the engine does not list is a BrowseNotFound (404).
 */
export interface BrowserRole {
  /** What the engine calls its tables (tables, measurements, keys ...), for the UI. */
  readonly objectNoun: string;
  /** Only key-value engines take a key pattern and a cursor. */
  readonly scansKeys: boolean;
  /** Refuses (AdapterInputError) a name this engine cannot have, before anything is sent to it. */
  checkName(name: string): void;
  list(endpoint: EngineEndpoint, options: ListOptions): Promise<BrowseListing>;
  describe(endpoint: EngineEndpoint, name: string): Promise<TableDescription>;
  sample(endpoint: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample>;
}

/** The engine does not list an object of that name. */
export class BrowseNotFound extends Error {
  constructor(what: string) {
    super(`no ${what}`);
    this.name = 'BrowseNotFound';
  }
}
