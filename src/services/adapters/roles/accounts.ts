import type { EngineEndpoint } from '../families/endpoint.js';
import type { AccountStatements } from '../accounts/statements.js';

/** What a user may do, mapped to each engine's own grants by its role. */
export const ACCOUNT_ROLES = ['admin', 'readwrite', 'readonly'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** A user to create; names are checked identifiers, the password a checked secret. */
export interface NewUser {
  username: string;
  password: string;
  role: AccountRole;
  /** The databases the grants apply to (the instance's own database when the caller named none). */
  databases: string[];
  /** Key patterns (the Redis family only; other engines refuse them). */
  keys: string[];
}

/** A user as the engine itself lists it. */
export interface EngineUser {
  username: string;
  /** The engine's own system account or the instance's admin: never created or dropped through the API. */
  reserved: boolean;
}

export interface EngineDatabase {
  name: string;
  /** The engine's own (information_schema, mysql, system, _internal ...): never dropped. */
  system: boolean;
}

/** One password change of one user. */
export interface PasswordChange {
  username: string;
  /** The instance's admin (MySQL: root and the instance user share it). */
  admin: boolean;
  password: string;
  /** Keep the current password working beside the new one (a grace period). */
  keepCurrent: boolean;
}

/**
 * An authenticated admin connection to one instance's engine. Rotation changes and, when its
 * check fails, restores a password over the same session, which stays authenticated whatever
 * the engine now accepts. `close` never throws.
 */
export interface AccountsSession {
  setPassword(change: PasswordChange): Promise<void>;
  /** Ends a grace period: only `current` (the stored password) works afterwards. */
  dropOtherPasswords(username: string, admin: boolean, current: string): Promise<void>;
  listUsers(): Promise<EngineUser[]>;
  createUser(user: NewUser): Promise<void>;
  dropUser(username: string): Promise<void>;
  listDatabases(): Promise<EngineDatabase[]>;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Credentials, users and inner databases inside the engine itself. Present on an adapter only
 * when the module runs these operations for that engine; a flag that is off says the engine (or
 * the module, for it) has no such thing, and `lacks` says why. Every name reaching the engine
 * is a checked identifier, quoted; every password a parameter or the engine's own literal.
 */
export interface AccountsRole {
  /** The admin password can be changed inside the engine. */
  readonly rotates: boolean;
  /** Users other than the admin can be created, listed and deleted. */
  readonly users: boolean;
  /** Databases inside the instance can be created, listed and dropped. */
  readonly databases: boolean;
  /** What each operation sends to the engine (also what the conformance suite checks). */
  readonly statements: AccountStatements;
  /** Why an operation whose flag is off is not there, for the API's answer. */
  readonly lacks: Readonly<Partial<Record<AccountOperation, string>>>;
  /**
   * Accounts the engine forgets on a restart unless they are in the instance's files (the Redis
   * family's ACL users): the module renders them there (AdapterInput.accounts).
   */
  readonly usersLiveInFiles: boolean;
  /** Whether this instance's engine can hold two passwords for one user; the reason when not. */
  twoPasswords(endpoint: EngineEndpoint): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** The logins that carry the admin password (Redis: `default`; MySQL: the instance's user and root). */
  adminLogins(endpoint: EngineEndpoint): string[];
  /** Whether the engine lets `username` in with `password`, through a new connection of its client. */
  accepts(endpoint: EngineEndpoint, username: string, password: string): Promise<boolean>;
  open(endpoint: EngineEndpoint): Promise<AccountsSession>;
}

export type AccountOperation = 'rotation' | 'users' | 'databases';

/** A user of the instance as rendered into its files (see AccountsRole.usersLiveInFiles); no plaintext password. */
export interface FileAccount {
  username: string;
  role: AccountRole;
  keys: string[];
  /** SHA-256 (hex) of each password the user may log in with. */
  passwordSha256: string[];
}
