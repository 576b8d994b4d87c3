import { Type } from 'typebox';

/** Instance and snapshot ids: positive integers of at most 10 digits, as strings in the path. */
const ID = '^[1-9][0-9]{0,9}$';
/** A table name as engines spell them: letters, digits, _, $ and a schema dot. */
const TABLE_NAME = '^[A-Za-z_][A-Za-z0-9_$.]{0,127}$';

export const IdParams = Type.Object({ id: Type.String({ pattern: ID }) }, { additionalProperties: false });
export const SnapshotParams = Type.Object(
  { id: Type.String({ pattern: ID }), sid: Type.String({ pattern: ID }) },
  { additionalProperties: false },
);
export const TableParams = Type.Object(
  { id: Type.String({ pattern: ID }), name: Type.String({ pattern: TABLE_NAME }) },
  { additionalProperties: false },
);

export const LogsQuery = Type.Object({
  lines: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 200 })),
  level: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('error'), Type.Literal('warning'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('')])),
  /** Unix seconds: only lines logged at or after it. */
  since: Type.Optional(Type.Integer({ minimum: 0, maximum: 32_503_680_000 })),
});
export const MetricsQuery = Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 })) });
export const SampleQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
});
