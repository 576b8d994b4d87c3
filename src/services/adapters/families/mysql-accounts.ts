import mysql from 'mysql2/promise';
import { MYSQL_SYSTEM_DATABASES, MysqlStatements } from '../accounts/mysql.js';
import type { EngineCall } from '../accounts/statements.js';
import type { AccountsRole, AccountsSession, EngineDatabase, EngineUser, NewUser, PasswordChange } from '../roles/accounts.js';
import { classify, EngineRefusal } from './account-errors.js';
import { UNVERIFIED_TLS, type EngineEndpoint } from './endpoint.js';

const CODES = {
  conflict: [1007, 'ER_DB_CREATE_EXISTS'],
  missing: [1008, 'ER_DB_DROP_EXISTS', 1049, 'ER_BAD_DB_ERROR'],
  refused: [1044, 1045, 1064, 1142, 1227, 1396, 1819, 'ER_NOT_VALID_PASSWORD', 'ER_PARSE_ERROR', 'ER_CANNOT_USER', 'ER_SPECIFIC_ACCESS_DENIED_ERROR'],
};
/** Accounts of the image's own: never created or dropped through the API. */
const RESERVED = new Set(['root', 'mysql.sys', 'mysql.session', 'mysql.infoschema', 'mariadb.sys', 'healthcheck', 'PUBLIC', '']);
const PORT = 3306;

function connect(e: EngineEndpoint, user: string, password: string, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: e.host, port: e.port(PORT), user, password, ...(database ? { database } : {}), connectTimeout: 10_000,
    ...(e.tls ? { ssl: UNVERIFIED_TLS } : {}), supportBigNumbers: true, bigNumberStrings: true,
  }).then((c) => {
    c.on('error', () => undefined);
    return c;
  });
}

/** The accounts that share the instance's admin password: root (any host the image made) and the instance's user. */
async function adminAccounts(c: mysql.Connection, instanceUser: string): Promise<{ user: string; host: string }[]> {
  const [rows] = await c.query('SELECT User AS user, Host AS host FROM mysql.user WHERE User IN (?, ?) ORDER BY User, Host', ['root', instanceUser]);
  return (rows as { user: string; host: string }[]).filter((r) => r.user === instanceUser || r.host === '%' || r.host === 'localhost');
}

/** A root connection to the instance; ALTER USER changes a password without ending it. */
class MysqlSession implements AccountsSession {
  constructor(private readonly c: mysql.Connection, private readonly e: EngineEndpoint, private readonly statements: MysqlStatements) {}

  private async run(calls: EngineCall[]): Promise<unknown[]> {
    let rows: unknown[] = [];
    for (const call of calls) {
      if (call.via !== 'sql') throw new Error(`MySQL runs SQL, not ${call.via}`);
      try {
        [rows] = (await this.c.query(call.text, [...(call.params ?? [])])) as [unknown[], unknown];
      } catch (err) {
        throw classify(err, CODES);
      }
    }
    return rows;
  }

  async setPassword(change: PasswordChange): Promise<void> {
    const targets = change.admin ? await adminAccounts(this.c, this.e.username) : [{ user: change.username, host: '%' }];
    for (const t of targets) await this.run(this.statements.setPasswordAt(t.user, t.host, change.password, { keepCurrent: change.keepCurrent }));
  }

  async dropOtherPasswords(username: string, admin: boolean): Promise<void> {
    const targets = admin ? await adminAccounts(this.c, this.e.username) : [{ user: username, host: '%' }];
    for (const t of targets) await this.run(this.statements.discardAt(t.user, t.host));
  }

  async listUsers(): Promise<EngineUser[]> {
    const rows = (await this.run([this.statements.listUsers()])) as { name: string }[];
    return rows.map((r) => ({ username: r.name, reserved: RESERVED.has(r.name) || r.name === this.e.username }));
  }

  private async exists(username: string): Promise<boolean> {
    return (await this.listUsers()).some((u) => u.username === username);
  }

  async createUser(user: NewUser): Promise<void> {
    if (await this.exists(user.username)) throw new EngineRefusal('conflict', `user '${user.username}' already exists`);
    await this.run(this.statements.createUser(user));
  }

  async dropUser(username: string): Promise<void> {
    if (!(await this.exists(username))) throw new EngineRefusal('missing', `user '${username}' does not exist`);
    await this.run(this.statements.dropUser(username));
  }

  async listDatabases(): Promise<EngineDatabase[]> {
    const rows = (await this.run([this.statements.listDatabases()])) as { name: string }[];
    return rows.map((r) => ({ name: r.name, system: MYSQL_SYSTEM_DATABASES.has(r.name) }));
  }

  async createDatabase(name: string): Promise<void> {
    await this.run(this.statements.createDatabase(name));
  }

  async dropDatabase(name: string): Promise<void> {
    await this.run(this.statements.dropDatabase(name));
  }

  async close(): Promise<void> {
    this.c.destroy();
  }
}

/**
 * MySQL and MariaDB accounts through mysql2 from the host, as root (the image gives root the
 * instance's password; the instance's own user only has its database). Two passwords at once
 * where the server is MySQL 8.0.14+; MariaDB has no such thing.
 */
export class MysqlAccounts implements AccountsRole {
  readonly rotates = true;
  readonly users = true;
  readonly databases = true;
  readonly lacks = {};
  readonly usersLiveInFiles = false;
  readonly statements = new MysqlStatements();

  async twoPasswords(e: EngineEndpoint): Promise<{ ok: true } | { ok: false; reason: string }> {
    const c = await connect(e, 'root', e.password);
    try {
      const [rows] = await c.query('SELECT VERSION() AS v');
      const version = String((rows as { v: string }[])[0]?.v ?? '');
      if (/mariadb/i.test(version)) return { ok: false, reason: `MariaDB (${version}) holds one password per account; MySQL 8.0.14+ would keep both (RETAIN CURRENT PASSWORD)` };
      const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
      const retains = major > 8 || (major === 8 && (minor > 0 || patch >= 14));
      return retains ? { ok: true } : { ok: false, reason: `MySQL ${version} has no RETAIN CURRENT PASSWORD (8.0.14+)` };
    } finally {
      c.destroy();
    }
  }

  /** root@'%' shares the instance's password (the image gives root the same one). */
  adminLogins(e: EngineEndpoint): string[] {
    return [...new Set([e.username, 'root'])];
  }

  async accepts(e: EngineEndpoint, username: string, password: string): Promise<boolean> {
    try {
      const c = await connect(e, username, password);
      try {
        await c.query('SELECT 1');
      } finally {
        c.destroy();
      }
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'ER_ACCESS_DENIED_ERROR') return false;
      throw err;
    }
  }

  async open(e: EngineEndpoint): Promise<AccountsSession> {
    return new MysqlSession(await connect(e, 'root', e.password), e, this.statements);
  }
}
