import { Type, type Static } from 'typebox';
import { InstanceId, Nullable } from './common.js';

/**
 * A table, measurement or key name: a letter or _, then letters, digits, _, $, the schema dot, and
 * the : and - of key names; nothing a shell or SQL gives meaning to (no quote, space, slash,
 * semicolon). Each engine checks again (SQL engines: one dot, identifier parts) and looks the
 * name up among its own objects before it is used, quoted.
 */
export const TABLE_NAME = '^[A-Za-z_][A-Za-z0-9_$.:-]{0,127}$';

export const TableParams = Type.Object(
  { id: InstanceId, name: Type.String({ pattern: TABLE_NAME, description: 'table name' }) },
  { additionalProperties: false },
);

export const SampleQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'rows, at most 1000' })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
  order: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_$]{0,62}(:(asc|desc))?$', description: 'a column, optionally :asc or :desc; default: the primary key' })),
}, { additionalProperties: false });

/** How a client connects; `password` only for a token with the write permission, `path` for a file engine. */
export const ConnectionView = Type.Object({
  engine: Type.String({ description: 'the engine id' }),
  host: Nullable(Type.String()),
  port: Nullable(Type.Integer()),
  database: Type.String(),
  username: Nullable(Type.String()),
  password: Type.Optional(Type.String({ description: 'only with the write permission' })),
  path: Type.Optional(Type.String({ description: 'the database file of an embedded engine' })),
  connection_string: Type.String(),
  ports: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'further ports a client may need, by name (e.g. ClickHouse\'s native port)' })),
  commands: Type.Optional(Type.Record(Type.String(), Type.Object({
    argv: Type.Array(Type.String()),
    env: Type.Optional(Type.Record(Type.String(), Type.String())),
  }), { description: 'stock command-line clients that take no URI: argv to run as is, with env set' })),
}, { description: 'host, port, database, user and a URI the engine\'s own client accepts' });

export * from './browse.js';
export type TableParams = Static<typeof TableParams>;
export type SampleQuery = Static<typeof SampleQuery>;
export type ConnectionView = Static<typeof ConnectionView>;
