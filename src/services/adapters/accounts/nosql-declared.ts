import { AdapterInputError } from '../../../errors.js';
import type { AccountRole, NewUser } from '../roles/accounts.js';
import {
  backslashString, bq, databaseName, dq, grantTargets, noKeys, secret, sqlString, userName, type AccountStatements, type EngineCall,
} from './statements.js';

const one = (engine: string, keep: boolean) => {
  if (keep) throw new AdapterInputError(`${engine} holds one password per user`);
};
/** A JavaScript string literal for mongosh: JSON's quoting is valid JavaScript. */
const js = (value: unknown): string => JSON.stringify(value);
const mongo = (text: string): EngineCall => ({ via: 'script', language: 'mongosh', text });

const MONGO_ROLES: Record<AccountRole, string> = { admin: 'dbOwner', readwrite: 'readWrite', readonly: 'read' };

/** MongoDB (CONTRACTS §8), declared: users in `admin`, roles per database; values as JSON literals. */
export class MongoStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §8 (createUser with roles, changeUserPassword, listDatabases, createCollection)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('MongoDB', options.keepCurrent);
    return [mongo(`db.getSiblingDB('admin').changeUserPassword(${js(userName(username))}, ${js(secret(password))})`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'MongoDB');
    const targets = grantTargets(user);
    const roles = user.role === 'admin' && targets.length === 0
      ? [{ role: 'root', db: 'admin' }]
      : targets.map((db) => ({ role: MONGO_ROLES[user.role], db }));
    return [mongo(`db.getSiblingDB('admin').createUser(${js({ user: userName(user.username), pwd: secret(user.password), roles })})`)];
  }

  dropUser(username: string): EngineCall[] {
    return [mongo(`db.getSiblingDB('admin').dropUser(${js(userName(username))})`)];
  }

  listUsers(): EngineCall {
    return mongo("db.getSiblingDB('admin').getUsers()");
  }

  /** A database exists once it holds a collection. */
  createDatabase(name: string): EngineCall[] {
    return [mongo(`db.getSiblingDB(${js(databaseName(name))}).createCollection('_flux_init')`)];
  }

  dropDatabase(name: string): EngineCall[] {
    return [mongo(`db.getSiblingDB(${js(databaseName(name))}).dropDatabase()`)];
  }

  listDatabases(): EngineCall {
    return mongo('db.adminCommand({ listDatabases: 1, nameOnly: true })');
  }
}

/**
 * CouchDB (CONTRACTS §9), declared: the admin is a server admin (the config API), users are
 * documents of `_users`, a database's members and admins its `_security` object. CouchDB has no
 * read-only member: readonly is a member whose writes a validate_doc_update function refuses.
 */
export class CouchStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §9 (PUT /_node/_local/_config/admins/u, PUT /_users/org.couchdb.user:u, PUT /db, GET /_all_dbs)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('CouchDB', options.keepCurrent);
    return [{ via: 'http', method: 'PUT', path: `/_node/_local/_config/admins/${userName(username)}`, body: secret(password) }];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'CouchDB');
    const name = userName(user.username);
    const calls: EngineCall[] = [{
      via: 'http', method: 'PUT', path: `/_users/org.couchdb.user:${name}`,
      body: { name, password: secret(user.password), roles: user.role === 'readonly' ? ['flux_readonly'] : [], type: 'user' },
    }];
    for (const db of grantTargets(user)) {
      const security = user.role === 'admin' ? { admins: { names: [name] }, members: { names: [name] } } : { members: { names: [name] } };
      calls.push({ via: 'http', method: 'PUT', path: `/${db}/_security`, body: security });
      if (user.role === 'readonly') {
        calls.push({
          via: 'http', method: 'PUT', path: `/${db}/_design/flux_readonly`,
          body: { validate_doc_update: "function(n, o, u) { if (u.roles.indexOf('flux_readonly') !== -1) throw({ forbidden: 'read-only user' }); }" },
        });
      }
    }
    return calls;
  }

  dropUser(username: string): EngineCall[] {
    const name = userName(username);
    return [{ via: 'http', method: 'GET', path: `/_users/org.couchdb.user:${name}` }, { via: 'http', method: 'DELETE', path: `/_users/org.couchdb.user:${name}?rev={_rev}` }];
  }

  listUsers(): EngineCall {
    return { via: 'http', method: 'GET', path: '/_users/_all_docs' };
  }

  createDatabase(name: string): EngineCall[] {
    return [{ via: 'http', method: 'PUT', path: `/${databaseName(name)}` }];
  }

  dropDatabase(name: string): EngineCall[] {
    return [{ via: 'http', method: 'DELETE', path: `/${databaseName(name)}` }];
  }

  listDatabases(): EngineCall {
    return { via: 'http', method: 'GET', path: '/_all_dbs' };
  }
}

/** ArangoDB (CONTRACTS §10), declared: the user API with per-database access levels rw / ro. */
export class ArangoStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §10 (/_api/user, /_api/user/u/database/db, /_api/database)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('ArangoDB', options.keepCurrent);
    return [{ via: 'http', method: 'PATCH', path: `/_api/user/${userName(username)}`, body: { passwd: secret(password) } }];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'ArangoDB');
    const name = userName(user.username);
    const targets = grantTargets(user);
    const grant = user.role === 'readonly' ? 'ro' : 'rw';
    return [
      { via: 'http', method: 'POST', path: '/_api/user', body: { user: name, passwd: secret(user.password), active: true } },
      ...(targets.length === 0 ? ['*'] : targets).map((db) => ({ via: 'http' as const, method: 'PUT' as const, path: `/_api/user/${name}/database/${db}`, body: { grant } })),
    ];
  }

  dropUser(username: string): EngineCall[] {
    return [{ via: 'http', method: 'DELETE', path: `/_api/user/${userName(username)}` }];
  }

  listUsers(): EngineCall {
    return { via: 'http', method: 'GET', path: '/_api/user' };
  }

  createDatabase(name: string): EngineCall[] {
    return [{ via: 'http', method: 'POST', path: '/_api/database', body: { name: databaseName(name) } }];
  }

  dropDatabase(name: string): EngineCall[] {
    return [{ via: 'http', method: 'DELETE', path: `/_api/database/${databaseName(name)}` }];
  }

  listDatabases(): EngineCall {
    return { via: 'http', method: 'GET', path: '/_api/database' };
  }
}

const cql = (text: string): EngineCall => ({ via: 'script', language: 'cql', text });
const CQL_PERMISSIONS: Record<AccountRole, string[]> = { admin: ['ALL PERMISSIONS'], readwrite: ['SELECT', 'MODIFY'], readonly: ['SELECT'] };

/** Cassandra and ScyllaDB (CONTRACTS §14, §15), declared: roles with LOGIN, grants per keyspace. */
export class CqlStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §14 (CREATE ROLE … WITH PASSWORD … AND LOGIN, ALTER ROLE … WITH PASSWORD, CREATE KEYSPACE)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('Cassandra', options.keepCurrent);
    return [cql(`ALTER ROLE ${dq(userName(username))} WITH PASSWORD = ${sqlString(secret(password))}`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'Cassandra');
    const u = dq(userName(user.username));
    const targets = grantTargets(user);
    const superuser = user.role === 'admin' && targets.length === 0 ? ' AND SUPERUSER = true' : '';
    const calls = [cql(`CREATE ROLE ${u} WITH PASSWORD = ${sqlString(secret(user.password))} AND LOGIN = true${superuser}`)];
    for (const ks of targets) for (const p of CQL_PERMISSIONS[user.role]) calls.push(cql(`GRANT ${p} ON KEYSPACE ${dq(ks)} TO ${u}`));
    return calls;
  }

  dropUser(username: string): EngineCall[] {
    return [cql(`DROP ROLE ${dq(userName(username))}`)];
  }

  listUsers(): EngineCall {
    return cql('LIST ROLES');
  }

  createDatabase(name: string): EngineCall[] {
    return [cql(`CREATE KEYSPACE ${dq(databaseName(name))} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)];
  }

  dropDatabase(name: string): EngineCall[] {
    return [cql(`DROP KEYSPACE ${dq(databaseName(name))}`)];
  }

  listDatabases(): EngineCall {
    return cql('SELECT keyspace_name FROM system_schema.keyspaces');
  }
}

const cypher = (text: string): EngineCall => ({ via: 'script', language: 'cypher', text });
const NEO4J_ROLES: Record<AccountRole, string> = { admin: 'admin', readwrite: 'editor', readonly: 'reader' };

/**
 * Neo4j (CONTRACTS §22), declared: users in the system database. Community Edition has no role
 * management (GRANT ROLE is Enterprise), so there every user is an admin; one database only.
 */
export class Neo4jStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §22 (CREATE USER … SET PASSWORD … CHANGE NOT REQUIRED, ALTER USER … SET PASSWORD, SHOW USERS)';
  readonly lacks = { databases: 'CREATE DATABASE is Enterprise only; Community serves the single database neo4j' };

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('Neo4j', options.keepCurrent);
    return [cypher(`ALTER USER ${bq(userName(username))} SET PASSWORD ${backslashString(secret(password))} CHANGE NOT REQUIRED`)];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'Neo4j');
    // Community serves one database: the roles apply to it, the names are only checked.
    grantTargets(user);
    const u = bq(userName(user.username));
    return [
      cypher(`CREATE USER ${u} SET PASSWORD ${backslashString(secret(user.password))} CHANGE NOT REQUIRED`),
      cypher(`GRANT ROLE ${NEO4J_ROLES[user.role]} TO ${u}`),
    ];
  }

  dropUser(username: string): EngineCall[] {
    return [cypher(`DROP USER ${bq(userName(username))}`)];
  }

  listUsers(): EngineCall {
    return cypher('SHOW USERS YIELD user');
  }
}

/**
 * Elasticsearch (CONTRACTS §19), declared: native realm users; readwrite and readonly get a role
 * of their own over the named indices (`databases`), admin the built-in superuser role.
 */
export class ElasticsearchStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §19 (POST /_security/user/u, POST /_security/user/u/_password)';

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    one('Elasticsearch', options.keepCurrent);
    return [{ via: 'http', method: 'POST', path: `/_security/user/${userName(username)}/_password`, body: { password: secret(password) } }];
  }

  createUser(user: NewUser): EngineCall[] {
    noKeys(user, 'Elasticsearch');
    const name = userName(user.username);
    if (user.role === 'admin') return [{ via: 'http', method: 'POST', path: `/_security/user/${name}`, body: { password: secret(user.password), roles: ['superuser'] } }];
    const privileges = user.role === 'readonly' ? ['read', 'view_index_metadata'] : ['read', 'write', 'create_index', 'view_index_metadata'];
    const names = grantTargets(user).map((d) => `${d}*`);
    return [
      { via: 'http', method: 'PUT', path: `/_security/role/flux_${name}`, body: { indices: [{ names, privileges }] } },
      { via: 'http', method: 'POST', path: `/_security/user/${name}`, body: { password: secret(user.password), roles: [`flux_${name}`] } },
    ];
  }

  dropUser(username: string): EngineCall[] {
    const name = userName(username);
    return [{ via: 'http', method: 'DELETE', path: `/_security/user/${name}` }, { via: 'http', method: 'DELETE', path: `/_security/role/flux_${name}` }];
  }

  listUsers(): EngineCall {
    return { via: 'http', method: 'GET', path: '/_security/user' };
  }
}
