import { Type, type Static } from 'typebox';
import { ID_PATTERN, literals, Nullable } from './common.js';

export const AuditQuery = Type.Object({
  instance: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'an instance id' })),
  action: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,127}$', description: 'an action, e.g. databases.create, databases.tls.update, reconcile.change' })),
  since: Type.Optional(Type.Integer({ minimum: 0, maximum: 32_503_680_000, description: 'Unix seconds: records at or after it' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'the next page: records older than this id (the last id of the page before)' })),
}, { additionalProperties: false });
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditRecordView = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'the token or browser session as the host names it (token:admin, session:admin:…), or system' }),
  source: literals(['api', 'system']),
  action: Type.String(),
  instance_id: Nullable(Type.Integer()),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'what was asked; passwords, keys, certificates and tokens show as [redacted]' }),
  outcome: literals(['succeeded', 'failed']),
  status: Nullable(Type.Integer({ description: 'the HTTP status of a route\'s answer; the error\'s status for a failed action of the module' })),
  error_code: Nullable(Type.String()),
  address: Nullable(Type.String({ description: 'the caller\'s address' })),
  method: Nullable(Type.String()),
  route: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
});
export type AuditRecordView = Static<typeof AuditRecordView>;

export const AuditList = Type.Array(AuditRecordView, { description: 'audit records, newest first' });
