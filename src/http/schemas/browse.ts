import { Type, type Static } from 'typebox';
import { Nullable } from './common.js';

/** The data browser's answers (GET /databases/{id}/tables, …/{name}/schema, …/{name}/data); see roles/browser.ts. */

const Browsed = { engine: Type.String({ description: 'the engine id' }), object_noun: Type.String({ description: 'what the engine calls its tables: tables, measurements, keys' }) };

export const TablesQuery = Type.Object({
  pattern: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$', description: 'key-value engines: a SCAN MATCH glob (default *)' })),
  cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$', description: 'key-value engines: next_cursor of the previous page' })),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'key-value engines: the SCAN COUNT hint (default 100)' })),
}, { additionalProperties: false });

export const BrowsedObject = Type.Object({
  schema: Nullable(Type.String({ description: 'schema, database or keyspace; null where the engine has none' })),
  name: Type.String(),
  kind: Type.String({ description: 'table, view, materialized_view, hypertable, measurement, key …' }),
  rows_estimate: Nullable(Type.Number({ description: 'the engine\'s own estimate (statistics; elements of a key)' })),
  size_bytes: Nullable(Type.Number()),
  ref: Nullable(Type.String({ description: 'the {name} of the schema and data routes; null when the name cannot pass their pattern' })),
  key_type: Type.Optional(Type.String({ description: 'key-value engines: string, hash, list, set, zset, stream' })),
  ttl_ms: Type.Optional(Type.Integer({ description: 'key-value engines: time to live in ms, -1 without expiry' })),
});

export const TablesView = Type.Object({
  ...Browsed,
  objects: Type.Array(BrowsedObject),
  next_cursor: Nullable(Type.String({ description: 'key scans: pass as cursor for the next page; null once the scan is complete' })),
});

export const TableSchemaView = Type.Object({
  ...Browsed,
  schema: Nullable(Type.String()),
  name: Type.String(),
  kind: Type.String(),
  columns: Type.Array(Type.Object({
    name: Type.String(), type: Type.String(), nullable: Nullable(Type.Boolean()), default: Nullable(Type.String()), primary_key: Type.Boolean(),
  })),
  primary_key: Type.Array(Type.String()),
  indexes: Type.Array(Type.Object({ name: Type.String(), columns: Type.Array(Type.String()), unique: Type.Boolean(), primary: Type.Boolean() })),
  foreign_keys: Type.Array(Type.Object({
    name: Type.String(), columns: Type.Array(Type.String()), references_table: Type.String(), references_columns: Type.Array(Type.String()),
  })),
  key: Type.Optional(Type.Object({
    type: Type.String(), encoding: Nullable(Type.String()), ttl_ms: Type.Integer(), size_bytes: Nullable(Type.Number()), length: Nullable(Type.Number()),
  }, { description: 'key-value engines: the key itself' })),
});

export const Cell = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], {
  description: 'big integers and decimals as strings, binary as base64, times as ISO 8601 strings',
});

export const TableDataView = Type.Object({
  ...Browsed,
  columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })),
  rows: Type.Array(Type.Array(Cell)),
  truncated: Type.Array(Type.Object({
    row: Type.Integer(), column: Type.String(), length: Type.Integer({ description: 'the full length: characters, or bytes for binary' }),
  }), { description: 'every cell cut to 1024 characters (binary: 768 bytes before base64)' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  order: Nullable(Type.String({ description: 'column:asc|desc the rows are sorted by; null: the engine\'s own order' })),
});

export type TablesQuery = Static<typeof TablesQuery>;
export type TablesView = Static<typeof TablesView>;
export type TableSchemaView = Static<typeof TableSchemaView>;
export type TableDataView = Static<typeof TableDataView>;
