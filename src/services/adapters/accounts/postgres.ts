import { AdapterInputError } from '../../../errors.js';
import type { AccountRole, NewUser } from '../roles/accounts.js';
import { scramVerifier } from './scram.js';
import {
  databaseName, dq, grantTargets, noKeys, secret, sqlString, userName, type AccountStatements, type EngineCall,
} from './statements.js';

const sql = (text: string, database?: string): EngineCall => ({ via: 'sql', text, ...(database ? { database } : {}) });

const TABLE_GRANTS: Record<AccountRole, string> = {
  admin: 'ALL PRIVILEGES',
  readwrite: 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER',
  readonly: 'SELECT',
};
const SEQUENCE_GRANTS: Record<AccountRole, string> = { admin: 'ALL PRIVILEGES', readwrite: 'USAGE, SELECT, UPDATE', readonly: 'SELECT' };
const SCHEMA_GRANTS: Record<AccountRole, string> = { admin: 'USAGE, CREATE', readwrite: 'USAGE, CREATE', readonly: 'USAGE' };

/**
 * PostgreSQL and TimescaleDB (CONTRACTS §3, §17). Passwords go as SCRAM verifiers (the server
 * never sees the plaintext: ALTER ROLE takes no parameter, and a statement's text can reach the
 * server log). A role is cluster-wide; its grants are made in each of its databases, on the
 * public schema, for the tables there now and (default privileges) the admin's future ones.
 */
export class PostgresStatements implements AccountStatements {
  readonly source: string = 'CONTRACTS.md §3 (CREATE ROLE … LOGIN PASSWORD, ALTER ROLE … PASSWORD, CREATE DATABASE, pg_database)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    if (options.keepCurrent) throw new AdapterInputError('PostgreSQL holds one password per role');
    return [sql(`ALTER ROLE ${dq(userName(username))} PASSWORD ${sqlString(scramVerifier(secret(password)))}`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'PostgreSQL');
    const role = dq(userName(user.username));
    const extra = user.role === 'admin' ? ' CREATEDB CREATEROLE' : '';
    const calls = [sql(`CREATE ROLE ${role} LOGIN${extra} PASSWORD ${sqlString(scramVerifier(secret(user.password)))}`)];
    for (const db of grantTargets(user)) {
      calls.push(sql(`GRANT ${user.role === 'admin' ? 'ALL PRIVILEGES' : 'CONNECT, TEMPORARY'} ON DATABASE ${dq(db)} TO ${role}`));
      calls.push(sql(`GRANT ${SCHEMA_GRANTS[user.role]} ON SCHEMA public TO ${role}`, db));
      calls.push(sql(`GRANT ${TABLE_GRANTS[user.role]} ON ALL TABLES IN SCHEMA public TO ${role}`, db));
      calls.push(sql(`GRANT ${SEQUENCE_GRANTS[user.role]} ON ALL SEQUENCES IN SCHEMA public TO ${role}`, db));
      calls.push(sql(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${TABLE_GRANTS[user.role]} ON TABLES TO ${role}`, db));
      calls.push(sql(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${SEQUENCE_GRANTS[user.role]} ON SEQUENCES TO ${role}`, db));
    }
    return calls;
  }

  /** Objects and privileges are per database: moved to the admin and revoked in each, then the role goes. */
  dropUser(username: string): EngineCall[] {
    const role = dq(userName(username));
    return [sql(`REASSIGN OWNED BY ${role} TO CURRENT_USER`, '*'), sql(`DROP OWNED BY ${role}`, '*'), sql(`DROP ROLE ${role}`)];
  }

  listUsers(): EngineCall {
    return sql('SELECT rolname AS name FROM pg_roles ORDER BY 1');
  }

  createDatabase(name: string): EngineCall[] {
    return [sql(`CREATE DATABASE ${dq(databaseName(name))}`)];
  }

  /** WITH (FORCE) (13+): sessions still connected to it are ended rather than blocking the drop. */
  dropDatabase(name: string): EngineCall[] {
    return [sql(`DROP DATABASE ${dq(databaseName(name))} WITH (FORCE)`)];
  }

  listDatabases(): EngineCall {
    return sql('SELECT datname AS name FROM pg_database WHERE NOT datistemplate ORDER BY 1');
  }
}

/**
 * CockroachDB (CONTRACTS §7), declared: it speaks PostgreSQL's protocol but has its own DDL
 * (CREATE USER … WITH PASSWORD, grants on databases, DROP DATABASE … CASCADE, SHOW USERS).
 */
export class CockroachStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §7 (CREATE USER … WITH PASSWORD, GRANT ALL ON DATABASE, ALTER USER … WITH PASSWORD, SHOW DATABASES)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    if (options.keepCurrent) throw new AdapterInputError('CockroachDB holds one password per user');
    return [sql(`ALTER USER ${dq(userName(username))} WITH PASSWORD ${sqlString(secret(password))}`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'CockroachDB');
    const u = dq(userName(user.username));
    const calls = [sql(`CREATE USER ${u} WITH PASSWORD ${sqlString(secret(user.password))}`)];
    if (user.role === 'admin' && user.databases.length === 0) calls.push(sql(`GRANT admin TO ${u}`));
    const privileges = { admin: 'ALL', readwrite: 'SELECT, INSERT, UPDATE, DELETE', readonly: 'SELECT' }[user.role];
    for (const db of grantTargets(user)) {
      calls.push(sql(`GRANT ${user.role === 'admin' ? 'ALL' : 'CONNECT'} ON DATABASE ${dq(db)} TO ${u}`));
      calls.push(sql(`GRANT ${privileges} ON TABLE ${dq(db)}.public.* TO ${u}`));
    }
    return calls;
  }

  dropUser(username: string): EngineCall[] {
    return [sql(`DROP OWNED BY ${dq(userName(username))}`, '*'), sql(`DROP USER ${dq(userName(username))}`)];
  }

  listUsers(): EngineCall {
    return sql('SHOW USERS');
  }

  createDatabase(name: string): EngineCall[] {
    return [sql(`CREATE DATABASE ${dq(databaseName(name))}`)];
  }

  dropDatabase(name: string): EngineCall[] {
    return [sql(`DROP DATABASE ${dq(databaseName(name))} CASCADE`)];
  }

  listDatabases(): EngineCall {
    return sql('SHOW DATABASES');
  }
}
