import { AdapterInputError } from '../../../errors.js';
import type { NewUser } from '../roles/accounts.js';
import { dq, grantTargets, noKeys, secret, sqlString, userName, type AccountStatements, type EngineCall } from './statements.js';

const sql = (text: string): EngineCall => ({ via: 'sql', text });

/** H2 folds unquoted names to upper case; the module's users are quoted in that form, so they match what clients type. */
export const h2Name = (name: string): string => dq(userName(name).toUpperCase());

/**
 * H2 (CONTRACTS §26), over its PostgreSQL-protocol server. Users belong to the one database file
 * the instance is; the roles are grants on its PUBLIC schema. H2 has no databases inside a
 * database: a new one is a new file, which the server only makes remotely with -ifNotExists
 * (left off, so nobody can create databases over the network).
 */
export class H2Statements implements AccountStatements {
  readonly source = 'CONTRACTS.md §26 (CREATE USER u PASSWORD … ADMIN, ALTER USER u SET PASSWORD, INFORMATION_SCHEMA)';
  readonly lacks = { databases: 'one database per file, and the server refuses to create files remotely (no -ifNotExists)' };

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    if (options.keepCurrent) throw new AdapterInputError('H2 holds one password per user');
    return [sql(`ALTER USER ${h2Name(username)} SET PASSWORD ${sqlString(secret(password))}`)];
  }

  /** Grants apply to the one database the instance is: other names are refused. */
  createUser(user: NewUser, instanceDatabase?: string): EngineCall[] {
    noKeys(user, 'H2');
    const other = grantTargets(user).find((d) => d !== instanceDatabase);
    if (instanceDatabase !== undefined && other !== undefined) {
      throw new AdapterInputError(`H2 has no database ${JSON.stringify(other)} inside this instance: its users belong to ${instanceDatabase}`);
    }
    const u = h2Name(user.username);
    const pw = sqlString(secret(user.password));
    if (user.role === 'admin') return [sql(`CREATE USER ${u} PASSWORD ${pw} ADMIN`)];
    const grants = user.role === 'readwrite' ? 'SELECT, INSERT, UPDATE, DELETE' : 'SELECT';
    return [sql(`CREATE USER ${u} PASSWORD ${pw}`), sql(`GRANT ${grants} ON SCHEMA PUBLIC TO ${u}`)];
  }

  dropUser(username: string): EngineCall[] {
    return [sql(`DROP USER ${h2Name(username)}`)];
  }

  listUsers(): EngineCall {
    return sql('SELECT LOWER(USER_NAME) AS "name" FROM INFORMATION_SCHEMA.USERS ORDER BY 1');
  }
}
