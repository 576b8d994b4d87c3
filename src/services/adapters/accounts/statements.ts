import { AdapterInputError } from '../../../errors.js';
import { assertIdentifier } from '../base.js';
import type { AccountOperation, NewUser } from '../roles/accounts.js';

/**
 * One request to an engine, as data: what an account operation sends, so the live roles and the
 * declared ones (engines that cannot run here) are written once and checked by the conformance
 * suite. Secrets are parameters (`params`, a JSON `body`, Redis arguments) or, where the engine's
 * statement takes no parameter (ALTER USER ... PASSWORD), the engine's own literal quoting.
 */
export type EngineCall =
  /** `database`: run connected to that database; '*' in every database that takes connections. */
  | { via: 'sql'; text: string; params?: readonly string[]; database?: string }
  | { via: 'http'; method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; body?: unknown }
  /** A Redis-protocol command: each argument travels as its own bulk string. */
  | { via: 'redis'; args: readonly string[] }
  /** A statement for the engine's own shell (mongosh, cypher-shell, cqlsh), values as its literals. */
  | { via: 'script'; language: 'mongosh' | 'cypher' | 'cql'; text: string };

/**
 * How one engine spells each account operation: pure functions of checked names, no I/O. An
 * operation the engine has no statement for is absent; `lacks` then says why.
 */
export interface AccountStatements {
  /** Where the forms were read (CONTRACTS.md section, vendor documentation). */
  readonly source: string;
  readonly lacks?: Readonly<Partial<Record<AccountOperation, string>>>;
  setPassword?(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[];
  /** Ends a grace period: the engine forgets every password of the user but `current`. */
  dropOtherPasswords?(username: string, current: string): EngineCall[];
  createUser?(user: NewUser): EngineCall[];
  dropUser?(username: string): EngineCall[];
  listUsers?(): EngineCall;
  createDatabase?(name: string): EngineCall[];
  dropDatabase?(name: string): EngineCall[];
  listDatabases?(): EngineCall;
}

/** The statement family for an operation: which methods must exist for the flag to be on. */
export const OPERATION_METHODS: Record<AccountOperation, (keyof AccountStatements)[]> = {
  rotation: ['setPassword'],
  users: ['createUser', 'dropUser', 'listUsers'],
  databases: ['createDatabase', 'dropDatabase', 'listDatabases'],
};

export const hasStatementsFor = (s: AccountStatements | undefined, op: AccountOperation): boolean =>
  s !== undefined && OPERATION_METHODS[op].every((m) => typeof s[m] === 'function');

/** Names as every statement takes them: checked again here, whoever called. */
export const userName = (name: string): string => assertIdentifier('username', name);
export const databaseName = (name: string): string => assertIdentifier('database name', name);

/**
 * A password as statements take it: 1-128 printable characters, no quote, backslash or backtick
 * (checked at the route too), so no literal form of any engine can be broken out of.
 */
export function secret(password: string): string {
  if (typeof password !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(password) || /['"\\`]/.test(password)) {
    throw new AdapterInputError('a password must be 1-128 printable ASCII characters without spaces, quotes, backslashes or backticks');
  }
  return password;
}

/** "name": PostgreSQL, H2, InfluxQL, CQL, Oracle identifiers (checked names hold no quote; doubled anyway). */
export const dq = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** `name`: MySQL, MariaDB, ClickHouse, Cypher. */
export const bq = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
/** [name]: SQL Server. */
export const br = (name: string): string => `[${name.replace(/]/g, ']]')}]`;
/** 'text' with quotes doubled: standard SQL, H2, SQL Server (as N'...'), CQL. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** 'text' with backslash escapes: InfluxQL, ClickHouse, Cypher. */
export const backslashString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The databases grants name, or none for an instance-wide admin. */
export function grantTargets(user: NewUser): string[] {
  return user.databases.map(databaseName);
}

/** Refuses key patterns on engines that have no keys. */
export function noKeys(user: NewUser, engine: string): void {
  if (user.keys.length > 0) throw new AdapterInputError(`${engine} has no key patterns; 'keys' is for the Redis family`);
}
