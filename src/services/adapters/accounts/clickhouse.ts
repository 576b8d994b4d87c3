import { AdapterInputError } from '../../../errors.js';
import type { AccountRole, NewUser } from '../roles/accounts.js';
import {
  backslashString, bq, databaseName, grantTargets, noKeys, secret, userName, type AccountStatements, type EngineCall,
} from './statements.js';

const sql = (text: string): EngineCall => ({ via: 'sql', text });

const PRIVILEGES: Record<AccountRole, string> = {
  admin: 'ALL',
  readwrite: 'SELECT, INSERT, ALTER, CREATE TABLE, CREATE VIEW, DROP TABLE, TRUNCATE, OPTIMIZE',
  readonly: 'SELECT, SHOW',
};

/** Databases ClickHouse keeps for itself. */
export const CLICKHOUSE_SYSTEM_DATABASES = new Set(['system', 'information_schema', 'INFORMATION_SCHEMA']);

/**
 * ClickHouse (CONTRACTS §24). Databases are SQL in every version, 18.16 included. Users are SQL
 * only from 20.x on (access_management, rendered on for 21+): those statements are declared, as
 * the only ClickHouse here is 18.16, whose users exist solely in users.xml / users.d files.
 */
export class ClickhouseStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §24 (CREATE DATABASE, SHOW DATABASES; CREATE/ALTER USER … IDENTIFIED WITH sha256_password BY, GRANT … ON db.*)';
  readonly lacks = {
    rotation: 'ClickHouse 18.16 has no SQL user management: its users live in users.d/flux-users.xml (SQL users, 20.x+, are declared only)',
    users: 'ClickHouse 18.16 has no SQL user management: its users live in users.d/flux-users.xml (SQL users, 20.x+, are declared only)',
  };

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    if (options.keepCurrent) throw new AdapterInputError('ClickHouse holds one password per user');
    return [sql(`ALTER USER ${bq(userName(username))} IDENTIFIED WITH sha256_password BY ${backslashString(secret(password))}`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'ClickHouse');
    const u = bq(userName(user.username));
    const calls = [sql(`CREATE USER ${u} IDENTIFIED WITH sha256_password BY ${backslashString(secret(user.password))}`)];
    const targets = grantTargets(user);
    if (user.role === 'admin' && targets.length === 0) calls.push(sql(`GRANT ALL ON *.* TO ${u} WITH GRANT OPTION`));
    for (const db of targets) calls.push(sql(`GRANT ${PRIVILEGES[user.role]} ON ${bq(db)}.* TO ${u}`));
    return calls;
  }

  dropUser(username: string): EngineCall[] {
    return [sql(`DROP USER ${bq(userName(username))}`)];
  }

  listUsers(): EngineCall {
    return sql('SHOW USERS');
  }

  createDatabase(name: string): EngineCall[] {
    return [sql(`CREATE DATABASE ${bq(databaseName(name))}`)];
  }

  dropDatabase(name: string): EngineCall[] {
    return [sql(`DROP DATABASE ${bq(databaseName(name))}`)];
  }

  listDatabases(): EngineCall {
    return sql('SHOW DATABASES');
  }
}
