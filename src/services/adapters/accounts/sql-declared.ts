import { AdapterInputError } from '../../../errors.js';
import type { AccountRole, NewUser } from '../roles/accounts.js';
import {
  br, databaseName, dq, grantTargets, noKeys, secret, sqlString, userName, type AccountStatements, type EngineCall,
} from './statements.js';

const sql = (text: string, database?: string): EngineCall => ({ via: 'sql', text, ...(database ? { database } : {}) });
const one = (engine: string, keep: boolean) => {
  if (keep) throw new AdapterInputError(`${engine} holds one password per login`);
};

const MSSQL_ROLES: Record<AccountRole, string[]> = { admin: ['db_owner'], readwrite: ['db_datareader', 'db_datawriter', 'db_ddladmin'], readonly: ['db_datareader'] };

/**
 * SQL Server (CONTRACTS §5), declared: logins are server-wide, users per database, roles the
 * fixed database roles; the admin is `sa`. N'…' literals (quotes doubled): the DDL takes no
 * parameters. Not run here: no SQL Server image on this machine.
 */
export class MssqlStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §5 (CREATE LOGIN … WITH PASSWORD, CREATE USER … FOR LOGIN, ALTER ROLE … ADD MEMBER, ALTER LOGIN … WITH PASSWORD)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('SQL Server', options.keepCurrent);
    return [sql(`ALTER LOGIN ${br(userName(username))} WITH PASSWORD = N${sqlString(secret(password))}`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'SQL Server');
    const u = br(userName(user.username));
    const calls = [sql(`CREATE LOGIN ${u} WITH PASSWORD = N${sqlString(secret(user.password))}`)];
    const targets = grantTargets(user);
    if (user.role === 'admin' && targets.length === 0) calls.push(sql(`ALTER SERVER ROLE sysadmin ADD MEMBER ${u}`));
    for (const db of targets) {
      calls.push(sql(`CREATE USER ${u} FOR LOGIN ${u}`, db));
      for (const role of MSSQL_ROLES[user.role]) calls.push(sql(`ALTER ROLE ${role} ADD MEMBER ${u}`, db));
    }
    return calls;
  }

  dropUser(username: string): EngineCall[] {
    const u = br(userName(username));
    return [sql(`DROP USER IF EXISTS ${u}`, '*'), sql(`DROP LOGIN ${u}`)];
  }

  listUsers(): EngineCall {
    return sql("SELECT name FROM sys.sql_logins WHERE name NOT LIKE '##%' ORDER BY name");
  }

  createDatabase(name: string): EngineCall[] {
    return [sql(`CREATE DATABASE ${br(databaseName(name))}`)];
  }

  /** SINGLE_USER first: DROP DATABASE fails while any session uses it. */
  dropDatabase(name: string): EngineCall[] {
    const d = br(databaseName(name));
    return [sql(`ALTER DATABASE ${d} SET SINGLE_USER WITH ROLLBACK IMMEDIATE`), sql(`DROP DATABASE ${d}`)];
  }

  listDatabases(): EngineCall {
    return sql('SELECT name FROM sys.databases WHERE database_id > 4 ORDER BY name');
  }
}

/** Oracle's quoted password: the whole value in double quotes (checked passwords hold none). */
const oraclePassword = (password: string): string => dq(secret(password));
const ORACLE_GRANTS: Record<AccountRole, string> = {
  admin: 'DBA',
  readwrite: 'CONNECT, RESOURCE, SELECT ANY TABLE, INSERT ANY TABLE, UPDATE ANY TABLE, DELETE ANY TABLE',
  readonly: 'CREATE SESSION, SELECT ANY TABLE',
};

/**
 * Oracle Database Free (CONTRACTS §6), declared: users are schemas of the pluggable database
 * (FREEPDB1 or ORACLE_DATABASE), names upper case, passwords double-quoted.
 */
export class OracleStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §6 (CREATE USER u IDENTIFIED BY pw, GRANT CONNECT, RESOURCE, ALTER USER u IDENTIFIED BY new, all_users)';
  readonly lacks = { databases: 'a database is a pluggable database made from the seed at the first start (FREEPDB1 or ORACLE_DATABASE); Free allows few and the image makes them, not SQL here' };

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('Oracle', options.keepCurrent);
    return [sql(`ALTER USER ${dq(userName(username).toUpperCase())} IDENTIFIED BY ${oraclePassword(password)}`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'Oracle');
    // Schemas of one pluggable database: the grants are database-wide, the names only checked.
    grantTargets(user);
    const u = dq(userName(user.username).toUpperCase());
    return [
      sql(`CREATE USER ${u} IDENTIFIED BY ${oraclePassword(user.password)} QUOTA UNLIMITED ON USERS`),
      sql(`GRANT ${ORACLE_GRANTS[user.role]} TO ${u}`),
    ];
  }

  dropUser(username: string): EngineCall[] {
    return [sql(`DROP USER ${dq(userName(username).toUpperCase())} CASCADE`)];
  }

  listUsers(): EngineCall {
    return sql("SELECT LOWER(username) AS name FROM all_users WHERE oracle_maintained = 'N' ORDER BY 1");
  }
}
