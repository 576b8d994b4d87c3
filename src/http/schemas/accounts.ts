import { Type, type Static } from 'typebox';
import { IDENTIFIER_PATTERN } from '../../services/adapters/base.js';
import { ACCOUNT_ROLES } from '../../services/adapters/roles/accounts.js';
import { InstanceId, literals, Nullable } from './common.js';
import { ConnectionView } from './data.js';

/** User and database names: a lower-case letter, then letters, digits and _, at most 63: no shell or SQL character passes. */
const Identifier = (description: string) => Type.String({ pattern: IDENTIFIER_PATTERN.source, description });
/**
 * A password a caller chooses: 12-128 printable ASCII characters without space, quotes, backslash
 * or backtick, so it fits every engine's literal form unchanged. Omitted: the module generates one.
 */
const Password = Type.String({ pattern: '^[\\x21\\x23-\\x26\\x28-\\x5b\\x5d-\\x5f\\x61-\\x7e]{12,128}$', description: '12-128 printable ASCII characters, no space, quote, backslash or backtick' });
/** A Redis key glob: no space, quote, slash or control character, and no `..`. */
const KeyPattern = Type.String({ pattern: '^(?!.*\\.\\.)[A-Za-z0-9_:.\\-*?\\[\\]{}]{1,128}$', description: 'a Redis key glob' });
const Role = literals(ACCOUNT_ROLES, { description: 'admin: the instance; readwrite: read and write the named databases; readonly: read them' });
const Timestamp = Type.String({ format: 'date-time' });

export const UserParams = Type.Object({ id: InstanceId, name: Identifier('user name') }, { additionalProperties: false });
export const DatabaseParams = Type.Object({ id: InstanceId, name: Identifier('database name') }, { additionalProperties: false });
export const DropDatabaseQuery = Type.Object({ confirm: Type.Optional(Identifier('the database name again')) }, { additionalProperties: false });

export const RotateBody = Type.Object({
  username: Type.Optional(Identifier('a user the module created; omitted: the instance\'s admin')),
  password: Type.Optional(Password),
  grace_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86400, description: 'keep the old password working this long too (Redis family; MySQL 8.0.14+)' })),
}, { additionalProperties: false });

export const RotationView = Type.Object({
  username: Type.String(),
  instance_admin: Type.Boolean(),
  password: Type.String({ description: 'the new password, returned this once' }),
  rotated_at: Timestamp,
  grace_until: Nullable(Timestamp),
  connection: Type.Optional(ConnectionView),
}, { description: 'the rotation, checked inside the engine: the new password works and the old one does not (or, during a grace period, still does)' });

export const CreateUserBody = Type.Object({
  username: Identifier('user name'),
  password: Type.Optional(Password),
  role: Role,
  databases: Type.Optional(Type.Array(Identifier('database name'), { maxItems: 32, description: 'default: the instance\'s database (admin: the whole instance)' })),
  keys: Type.Optional(Type.Array(KeyPattern, { maxItems: 32, description: 'Redis family: key patterns (default *)' })),
}, { additionalProperties: false });

export const CreatedUserView = Type.Object({
  username: Type.String(),
  role: Role,
  databases: Type.Array(Type.String()),
  keys: Type.Array(Type.String()),
  password: Type.Optional(Type.String({ description: 'only when the module generated it: shown this once' })),
});

export const UserEntry = Type.Object({
  username: Type.String(),
  role: Nullable(Role),
  databases: Type.Array(Type.String()),
  keys: Type.Array(Type.String()),
  instance_admin: Type.Boolean(),
  reserved: Type.Boolean({ description: 'the engine\'s own account or the instance\'s admin: never deleted here' }),
  in_engine: Type.Boolean(),
  in_module: Type.Boolean(),
  created_at: Nullable(Timestamp),
});

const Drift = Type.Object({
  engine_only: Type.Array(Type.String(), { description: 'in the engine, not created through the module' }),
  module_only: Type.Array(Type.String(), { description: 'recorded by the module, gone from the engine' }),
});

export const UsersView = Type.Object({ users: Type.Array(UserEntry), drift: Drift });
export const DeletedUserView = Type.Object({ username: Type.String(), dropped_in_engine: Type.Boolean() });

export const CreateDatabaseBody = Type.Object({ name: Identifier('database name') }, { additionalProperties: false });
export const DatabaseEntry = Type.Object({
  name: Type.String(),
  instance_database: Type.Boolean(),
  system: Type.Boolean(),
  in_engine: Type.Boolean(),
  in_module: Type.Boolean(),
  created_at: Nullable(Timestamp),
});
export const DatabasesView = Type.Object({ databases: Type.Array(DatabaseEntry), drift: Drift });
export const DroppedDatabaseView = Type.Object({ name: Type.String(), dropped: Type.Boolean() });

export type RotateBody = Static<typeof RotateBody>;
export type RotationView = Static<typeof RotationView>;
export type CreateUserBody = Static<typeof CreateUserBody>;
export type CreatedUserView = Static<typeof CreatedUserView>;
export type UserEntry = Static<typeof UserEntry>;
export type UsersView = Static<typeof UsersView>;
export type DeletedUserView = Static<typeof DeletedUserView>;
export type CreateDatabaseBody = Static<typeof CreateDatabaseBody>;
export type DatabaseEntry = Static<typeof DatabaseEntry>;
export type DatabasesView = Static<typeof DatabasesView>;
export type DroppedDatabaseView = Static<typeof DroppedDatabaseView>;
