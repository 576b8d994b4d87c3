import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AdapterInputError } from '../../src/errors.js';
import { scramVerifier } from '../../src/services/adapters/accounts/scram.js';
import { hasStatementsFor, type AccountStatements, type EngineCall } from '../../src/services/adapters/accounts/statements.js';
import { listAdapters } from '../../src/services/adapters/registry.js';
import type { AccountOperation, NewUser } from '../../src/services/adapters/roles/accounts.js';
import type { EngineAdapter } from '../../src/services/adapters/types.js';

// The conformance suite of account statements: every engine either runs its operations (a role
// whose flags the capabilities derive from), declares their statements (engines that cannot run
// here), or says why it has none; every statement takes only checked names, quoted, and carries
// passwords as parameters or in the engine's own literal form.

const OPS: AccountOperation[] = ['rotation', 'users', 'databases'];
const FLAG = { rotation: 'supportsRotation', users: 'supportsUsers', databases: 'supportsDatabases' } as const;
const statementsOf = (a: EngineAdapter): AccountStatements | undefined => a.roles.accounts?.statements ?? a.declaredAccounts;

/** Allowed by the routes, and still full of shell and SQL meaning: never spliced raw anywhere. */
const PASSWORD = 'Pa$$w0rd;|&(x)%#@!Zz9';
const HOSTILE = ['a;b', "x'--", 'x"y', 'a b', '../etc', 'a/b', '$(id)', '`id`', 'Admin', '1abc', 'a'.repeat(64), 'x\ny', 'é'];
const BAD_PASSWORDS = ["it's-a-long-one", 'say"hello"-12345', 'back\\slash-12345', 'tick`tock-123456', 'has space-123456', ''];

const user = (over: Partial<NewUser> = {}): NewUser => ({ username: 'app_user', password: PASSWORD, role: 'readonly', databases: ['app_db'], keys: [], ...over });
const textOf = (calls: EngineCall[]) => JSON.stringify(calls);

/** How each engine's statements must carry PASSWORD: the engine's literal form, or nowhere in the text at all. */
const PASSWORD_FORM: Record<string, (calls: EngineCall[]) => void> = {
  postgresql: (c) => { expect(textOf(c)).not.toContain(PASSWORD); expect(textOf(c)).toContain("PASSWORD 'SCRAM-SHA-256$4096:"); },
  timescaledb: (c) => PASSWORD_FORM.postgresql!(c),
  mysql: (c) => { expect(c.every((x) => x.via === 'sql' && !x.text.includes(PASSWORD))).toBe(true); expect(c.some((x) => x.via === 'sql' && x.params?.includes(PASSWORD))).toBe(true); },
  mariadb: (c) => PASSWORD_FORM.mysql!(c),
  redis: (c) => expect(c.some((x) => x.via === 'redis' && x.args.includes(`>${PASSWORD}`))).toBe(true),
  keydb: (c) => PASSWORD_FORM.redis!(c),
  valkey: (c) => PASSWORD_FORM.redis!(c),
  influxdb: (c) => expect(textOf(c)).toContain(JSON.stringify(`'${PASSWORD}'`).slice(1, -1)),
  clickhouse: (c) => expect(textOf(c)).toContain(`BY '${PASSWORD}'`),
  h2: (c) => expect(textOf(c)).toContain(`PASSWORD '${PASSWORD}'`),
  mssql: (c) => expect(textOf(c)).toContain(`PASSWORD = N'${PASSWORD}'`),
  oracle: (c) => expect(textOf(c)).toContain(`IDENTIFIED BY \\"${PASSWORD}\\"`),
  cockroachdb: (c) => expect(textOf(c)).toContain(`PASSWORD '${PASSWORD}'`),
  mongodb: (c) => expect(textOf(c)).toContain(JSON.stringify(JSON.stringify(PASSWORD)).slice(1, -1)),
  couchdb: (c) => expect(c.some((x) => x.via === 'http' && JSON.stringify(x.body).includes(PASSWORD))).toBe(true),
  arangodb: (c) => PASSWORD_FORM.couchdb!(c),
  elasticsearch: (c) => PASSWORD_FORM.couchdb!(c),
  cassandra: (c) => expect(textOf(c)).toContain(`PASSWORD = '${PASSWORD}'`),
  scylladb: (c) => PASSWORD_FORM.cassandra!(c),
  neo4j: (c) => expect(textOf(c)).toContain(`SET PASSWORD '${PASSWORD}'`),
};

/** The forms CONTRACTS.md gives, per engine: the first statement of a rotation, a user, a database. */
const FORMS: Record<string, Partial<Record<'rotate' | 'user' | 'database', RegExp>>> = {
  postgresql: { rotate: /^ALTER ROLE "app_user" PASSWORD 'SCRAM-SHA-256\$/, user: /^CREATE ROLE "app_user" LOGIN( CREATEDB CREATEROLE)? PASSWORD/, database: /^CREATE DATABASE "app_db"$/ },
  mysql: { rotate: /^ALTER USER \?@\? IDENTIFIED BY \?$/, user: /^CREATE USER \?@'%' IDENTIFIED BY \?$/, database: /^CREATE DATABASE `app_db` CHARACTER SET utf8mb4/ },
  redis: { rotate: /^ACL SETUSER app_user resetpass >/, user: /^ACL SETUSER app_user reset on >/ },
  influxdb: { rotate: /^SET PASSWORD FOR "app_user" = '/, user: /^CREATE USER "app_user" WITH PASSWORD '/, database: /^CREATE DATABASE "app_db"$/ },
  clickhouse: { rotate: /^ALTER USER `app_user` IDENTIFIED WITH sha256_password BY '/, user: /^CREATE USER `app_user` IDENTIFIED WITH sha256_password BY/, database: /^CREATE DATABASE `app_db`$/ },
  h2: { rotate: /^ALTER USER "APP_USER" SET PASSWORD '/, user: /^CREATE USER "APP_USER" PASSWORD '/ },
  mssql: { rotate: /^ALTER LOGIN \[app_user\] WITH PASSWORD = N'/, user: /^CREATE LOGIN \[app_user\] WITH PASSWORD = N'/, database: /^CREATE DATABASE \[app_db\]$/ },
  oracle: { rotate: /^ALTER USER "APP_USER" IDENTIFIED BY "/, user: /^CREATE USER "APP_USER" IDENTIFIED BY "/ },
  cockroachdb: { rotate: /^ALTER USER "app_user" WITH PASSWORD '/, user: /^CREATE USER "app_user" WITH PASSWORD '/, database: /^CREATE DATABASE "app_db"$/ },
  mongodb: { rotate: /^db\.getSiblingDB\('admin'\)\.changeUserPassword\("app_user", /, user: /^db\.getSiblingDB\('admin'\)\.createUser\(\{"user":"app_user"/, database: /^db\.getSiblingDB\("app_db"\)\.createCollection/ },
  couchdb: { rotate: /^PUT \/_node\/_local\/_config\/admins\/app_user$/, user: /^PUT \/_users\/org\.couchdb\.user:app_user$/, database: /^PUT \/app_db$/ },
  arangodb: { rotate: /^PATCH \/_api\/user\/app_user$/, user: /^POST \/_api\/user$/, database: /^POST \/_api\/database$/ },
  cassandra: { rotate: /^ALTER ROLE "app_user" WITH PASSWORD = '/, user: /^CREATE ROLE "app_user" WITH PASSWORD = '.*' AND LOGIN = true$/, database: /^CREATE KEYSPACE "app_db" WITH replication/ },
  elasticsearch: { rotate: /^POST \/_security\/user\/app_user\/_password$/, user: /^(PUT \/_security\/role\/flux_app_user|POST \/_security\/user\/app_user)$/ },
  neo4j: { rotate: /^ALTER USER `app_user` SET PASSWORD '.*' CHANGE NOT REQUIRED$/, user: /^CREATE USER `app_user` SET PASSWORD/ },
};
const first = (calls: EngineCall[]): string => {
  const c = calls[0]!;
  return c.via === 'sql' || c.via === 'script' ? c.text : c.via === 'redis' ? c.args.join(' ') : `${c.method} ${c.path}`;
};
const redisUser = (a: EngineAdapter) => ['redis', 'keydb', 'valkey'].includes(a.engine);

describe.each(listAdapters().map((a) => [a.engine, a] as const))('%s accounts', (engine, a) => {
  const s = statementsOf(a);

  it('runs, declares or explains each operation, and advertises exactly what its role runs', () => {
    for (const op of OPS) {
      const runs = a.roles.accounts ? { rotation: a.roles.accounts.rotates, users: a.roles.accounts.users, databases: a.roles.accounts.databases }[op] : false;
      expect(a.capabilities[FLAG[op]], `${op} flag`).toBe(runs);
      if (runs) expect(hasStatementsFor(s, op), `${op}: a role that runs it has its statements`).toBe(true);
      const why = a.roles.accounts?.lacks[op] ?? s?.lacks?.[op] ?? a.unsupported[op] ?? (op === 'rotation' ? a.unsupported.authentication : undefined);
      if (!runs && !hasStatementsFor(s, op)) expect(why, `${op}: neither run nor declared, so the adapter says why`).toMatch(/\w.{12,}/);
    }
    expect(s?.source ?? 'no statements', 'statements name where their forms come from').toMatch(/CONTRACTS\.md §\d+|no statements/);
  });
});

const WITH_STATEMENTS = listAdapters().filter((a) => statementsOf(a) !== undefined);

describe.each(WITH_STATEMENTS.map((a) => [a.engine, a] as const))('%s account statements', (engine, a) => {
  it('take only checked names, quoted, and passwords in the engine\'s own form', () => {
    const ops = statementsOf(a)!;
    for (const name of HOSTILE) {
      for (const call of [
        () => ops.setPassword?.(name, PASSWORD, { keepCurrent: false }), () => ops.dropUser?.(name), () => ops.createDatabase?.(name),
        () => ops.dropDatabase?.(name), () => ops.createUser?.(user({ username: name })), () => ops.createUser?.(user({ databases: [name] })),
      ]) {
        expect(call, `${JSON.stringify(name)} refused`).toSatisfy((fn: () => unknown) => {
          try { return fn() === undefined; } catch (err) { return err instanceof AdapterInputError; }
        });
      }
    }
    for (const bad of BAD_PASSWORDS) {
      if (ops.setPassword) expect(() => ops.setPassword!('app_user', bad, { keepCurrent: false })).toThrow(AdapterInputError);
      if (ops.createUser) expect(() => ops.createUser!(user({ password: bad, databases: redisUser(a) ? [] : ['app_db'] }))).toThrow(AdapterInputError);
    }
    const forms = FORMS[engine] ?? FORMS[engine === 'timescaledb' ? 'postgresql' : engine === 'mariadb' ? 'mysql' : engine === 'scylladb' ? 'cassandra' : ['keydb', 'valkey'].includes(engine) ? 'redis' : 'none'] ?? {};
    if (ops.setPassword) {
      const calls = ops.setPassword('app_user', PASSWORD, { keepCurrent: false });
      PASSWORD_FORM[engine]!(calls);
      if (forms.rotate) expect(first(calls)).toMatch(forms.rotate);
    }
    if (ops.createUser) {
      for (const role of ['admin', 'readwrite', 'readonly'] as const) {
        const calls = ops.createUser(user({ role, databases: redisUser(a) ? [] : ['app_db'] }));
        PASSWORD_FORM[engine]!(calls);
        if (forms.user) expect(first(calls)).toMatch(forms.user);
      }
    }
    if (ops.createDatabase && forms.database) expect(first(ops.createDatabase('app_db'))).toMatch(forms.database);
  });
});

describe('grace periods', () => {
  it('MySQL 8 keeps the current password with RETAIN CURRENT PASSWORD and drops it with DISCARD OLD PASSWORD (declared: the stand-in is MariaDB)', () => {
    const s = listAdapters().find((a) => a.engine === 'mysql')!.roles.accounts!.statements;
    expect(first(s.setPassword!('app_user', PASSWORD, { keepCurrent: true }))).toBe('ALTER USER ?@? IDENTIFIED BY ? RETAIN CURRENT PASSWORD');
    expect(first(s.dropOtherPasswords!('app_user', PASSWORD))).toBe('ALTER USER ?@? DISCARD OLD PASSWORD');
  });

  it('the Redis family adds a second password, then resets to the current one', () => {
    const s = listAdapters().find((a) => a.engine === 'redis')!.roles.accounts!.statements;
    expect(first(s.setPassword!('default', PASSWORD, { keepCurrent: true }))).toBe(`ACL SETUSER default >${PASSWORD}`);
    expect(first(s.dropOtherPasswords!('default', PASSWORD))).toBe(`ACL SETUSER default resetpass >${PASSWORD}`);
  });

  it('engines with one password per user refuse to keep two', () => {
    for (const engine of ['postgresql', 'influxdb', 'h2', 'mssql', 'oracle', 'mongodb', 'cassandra', 'neo4j']) {
      const s = statementsOf(listAdapters().find((a) => a.engine === engine)!)!;
      expect(() => s.setPassword!('app_user', PASSWORD, { keepCurrent: true }), engine).toThrow(AdapterInputError);
    }
  });
});

describe('PostgreSQL SCRAM verifiers', () => {
  // pg's own SCRAM client signs in against the verifier: its proof must check out with the
  // stored key, and the server signature made from the server key must be the one it expects.
  const sasl = createRequire(import.meta.url)('pg/lib/crypto/sasl.js') as {
    startSession(m: string[]): { clientNonce: string; response: string; serverSignature?: string };
    continueSession(s: object, password: string, serverData: string): Promise<void>;
    finalizeSession(s: object, serverData: string): void;
  };

  it('lets the pg client authenticate with the password, and not with another', async () => {
    const verifier = scramVerifier(PASSWORD);
    const m = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier)!;
    const [salt, storedKey, serverKey] = [m[1]!, Buffer.from(m[2]!, 'base64'), Buffer.from(m[3]!, 'base64')];
    const proofOk = async (password: string) => {
      const session = sasl.startSession(['SCRAM-SHA-256']);
      const serverFirst = `r=${session.clientNonce}server,s=${salt},i=4096`;
      await sasl.continueSession(session, password, serverFirst);
      const [withoutProof, proof] = session.response.split(',p=') as [string, string];
      const authMessage = `n=*,r=${session.clientNonce},${serverFirst},${withoutProof}`;
      const signature = createHmac('sha256', storedKey).update(authMessage).digest();
      const clientKey = Buffer.from(proof, 'base64').map((b, i) => b ^ signature[i]!);
      const matches = createHash('sha256').update(clientKey).digest().equals(storedKey);
      if (matches) sasl.finalizeSession(session, `v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}`);
      return matches;
    };
    expect(await proofOk(PASSWORD)).toBe(true);
    expect(await proofOk(`${PASSWORD}x`)).toBe(false);
    expect(scramVerifier(PASSWORD)).not.toBe(verifier);
  });
});
