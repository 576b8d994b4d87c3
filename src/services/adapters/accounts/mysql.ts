import type { AccountRole, NewUser } from '../roles/accounts.js';
import { bq, databaseName, grantTargets, noKeys, secret, userName, type AccountStatements, type EngineCall } from './statements.js';

/** ? placeholders filled by the client library's escaping (mysql2 format), never by concatenation. */
const sql = (text: string, ...params: string[]): EngineCall => ({ via: 'sql', text, params });

const PRIVILEGES: Record<AccountRole, string> = {
  admin: 'ALL PRIVILEGES',
  readwrite: 'SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, TRIGGER',
  readonly: 'SELECT, SHOW VIEW',
};

/** Schemas the server keeps for itself. */
export const MYSQL_SYSTEM_DATABASES = new Set(['information_schema', 'mysql', 'performance_schema', 'sys']);

/**
 * In GRANT … ON `db`.*, _ and % are wildcards: escaped, so a grant on app_db never covers appXdb.
 * Checked names hold no backslash or backtick.
 */
const grantDb = (db: string): string => bq(databaseName(db).replace(/_/g, '\\_'));

/**
 * MySQL and MariaDB (CONTRACTS §2, §4): users are user@host; the module's are `'u'@'%'`. MySQL
 * 8.0.14+ can hold two passwords (RETAIN CURRENT PASSWORD, then DISCARD OLD PASSWORD); MariaDB
 * cannot, which `keepCurrent` callers check first (MysqlAccounts.twoPasswords).
 */
export class MysqlStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §2/§4 (CREATE USER … IDENTIFIED BY, GRANT … ON db.*, ALTER USER … IDENTIFIED BY; MySQL 8 RETAIN CURRENT PASSWORD)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    return this.setPasswordAt(username, '%', password, options);
  }

  /** One account (user@host): the instance's admin is root@'%', root@localhost and its user. */
  setPasswordAt(username: string, host: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    const retain = options.keepCurrent ? ' RETAIN CURRENT PASSWORD' : '';
    return [sql(`ALTER USER ?@? IDENTIFIED BY ?${retain}`, userName(username), host, secret(password))];
  }

  dropOtherPasswords(username: string, _current: string): EngineCall[] {
    return this.discardAt(username, '%');
  }

  discardAt(username: string, host: string): EngineCall[] {
    return [sql('ALTER USER ?@? DISCARD OLD PASSWORD', userName(username), host)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'MySQL');
    const name = userName(user.username);
    const calls = [sql("CREATE USER ?@'%' IDENTIFIED BY ?", name, secret(user.password))];
    const targets = grantTargets(user);
    if (user.role === 'admin' && targets.length === 0) calls.push(sql("GRANT ALL PRIVILEGES ON *.* TO ?@'%' WITH GRANT OPTION", name));
    for (const db of targets) {
      calls.push(sql(`GRANT ${PRIVILEGES[user.role]} ON ${grantDb(db)}.* TO ?@'%'${user.role === 'admin' ? ' WITH GRANT OPTION' : ''}`, name));
    }
    return calls;
  }

  dropUser(username: string): EngineCall[] {
    return [sql("DROP USER ?@'%'", userName(username))];
  }

  listUsers(): EngineCall {
    return sql('SELECT DISTINCT User AS name FROM mysql.user ORDER BY 1');
  }

  createDatabase(name: string): EngineCall[] {
    return [sql(`CREATE DATABASE ${bq(databaseName(name))} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)];
  }

  dropDatabase(name: string): EngineCall[] {
    return [sql(`DROP DATABASE ${bq(databaseName(name))}`)];
  }

  listDatabases(): EngineCall {
    return sql('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY 1');
  }
}
