import { AdapterInputError } from '../../../errors.js';
import type { NewUser } from '../roles/accounts.js';
import {
  backslashString, databaseName, dq, grantTargets, noKeys, secret, userName, type AccountStatements, type EngineCall,
} from './statements.js';

/** InfluxQL text, sent as the `q` form field of POST /query (the HTTP API takes no bound DDL values). */
const iql = (text: string): EngineCall => ({ via: 'sql', text });

/**
 * InfluxDB 1.x (CONTRACTS §16, 1.x notes): InfluxQL users with ALL PRIVILEGES (admin) or
 * per-database READ / ALL grants (InfluxQL's WRITE alone cannot read back). Passwords are
 * InfluxQL string literals (backslash escapes).
 */
export class InfluxqlStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §16 1.x (CREATE USER u WITH PASSWORD, SET PASSWORD FOR u, CREATE DATABASE, SHOW DATABASES)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    if (options.keepCurrent) throw new AdapterInputError('InfluxDB holds one password per user');
    return [iql(`SET PASSWORD FOR ${dq(userName(username))} = ${backslashString(secret(password))}`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'InfluxDB');
    const u = dq(userName(user.username));
    const targets = grantTargets(user);
    const all = user.role === 'admin' && targets.length === 0 ? ' WITH ALL PRIVILEGES' : '';
    const calls = [iql(`CREATE USER ${u} WITH PASSWORD ${backslashString(secret(user.password))}${all}`)];
    for (const db of targets) calls.push(iql(`GRANT ${user.role === 'readonly' ? 'READ' : 'ALL'} ON ${dq(db)} TO ${u}`));
    return calls;
  }

  dropUser(username: string): EngineCall[] {
    return [iql(`DROP USER ${dq(userName(username))}`)];
  }

  listUsers(): EngineCall {
    return iql('SHOW USERS');
  }

  createDatabase(name: string): EngineCall[] {
    return [iql(`CREATE DATABASE ${dq(databaseName(name))}`)];
  }

  dropDatabase(name: string): EngineCall[] {
    return [iql(`DROP DATABASE ${dq(databaseName(name))}`)];
  }

  listDatabases(): EngineCall {
    return iql('SHOW DATABASES');
  }
}

/**
 * InfluxDB 2.x (CONTRACTS §16), declared: the v2 HTTP API with the admin token. Buckets stand for
 * databases (org `flux`); `{id}`, `{orgID}` and `{userID}` are what the listing before it answers.
 * Not run here: the only InfluxDB on this machine is 1.6. The admin's token is the instance
 * password, which 2.x cannot change (it issues new tokens itself), so only users' passwords rotate.
 */
export class Influx2Statements implements AccountStatements {
  readonly source = 'CONTRACTS.md §16 (influx user create/password, bucket create/delete/list; the /api/v2 routes behind them)';
  readonly lacks = { rotation: 'InfluxDB 2.x authenticates the module with the admin token, which the server issues and cannot change' };

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    if (options.keepCurrent) throw new AdapterInputError('InfluxDB holds one password per user');
    return [
      { via: 'http', method: 'GET', path: `/api/v2/users?name=${userName(username)}` },
      { via: 'http', method: 'POST', path: '/api/v2/users/{id}/password', body: { password: secret(password) } },
    ];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'InfluxDB');
    const access = user.role === 'readonly' ? ['read'] : ['read', 'write'];
    return [
      { via: 'http', method: 'POST', path: '/api/v2/users', body: { name: userName(user.username), status: 'active' } },
      { via: 'http', method: 'POST', path: '/api/v2/users/{id}/password', body: { password: secret(user.password) } },
      { via: 'http', method: 'POST', path: '/api/v2/orgs/{orgID}/members', body: { id: '{id}' } },
      ...grantTargets(user).map((db) => ({
        via: 'http' as const, method: 'POST' as const, path: '/api/v2/authorizations',
        body: { orgID: '{orgID}', userID: '{id}', permissions: access.map((a) => ({ action: a, resource: { type: 'buckets', name: db, orgID: '{orgID}' } })) },
      })),
    ];
  }

  dropUser(username: string): EngineCall[] {
    return [{ via: 'http', method: 'GET', path: `/api/v2/users?name=${userName(username)}` }, { via: 'http', method: 'DELETE', path: '/api/v2/users/{id}' }];
  }

  listUsers(): EngineCall {
    return { via: 'http', method: 'GET', path: '/api/v2/users' };
  }

  createDatabase(name: string): EngineCall[] {
    return [{ via: 'http', method: 'POST', path: '/api/v2/buckets', body: { orgID: '{orgID}', name: databaseName(name), retentionRules: [] } }];
  }

  dropDatabase(name: string): EngineCall[] {
    return [{ via: 'http', method: 'GET', path: `/api/v2/buckets?org=flux&name=${databaseName(name)}` }, { via: 'http', method: 'DELETE', path: '/api/v2/buckets/{id}' }];
  }

  listDatabases(): EngineCall {
    return { via: 'http', method: 'GET', path: '/api/v2/buckets?org=flux' };
  }
}
