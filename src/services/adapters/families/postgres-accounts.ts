import pg from 'pg';
import { PostgresStatements } from '../accounts/postgres.js';
import type { EngineCall } from '../accounts/statements.js';
import type { AccountsRole, AccountsSession, EngineDatabase, EngineUser, NewUser, PasswordChange } from '../roles/accounts.js';
import { classify, EngineRefusal } from './account-errors.js';
import { UNVERIFIED_TLS, type EngineEndpoint } from './endpoint.js';

/** SQLSTATEs: the name exists / there is no such thing / refused. */
const CODES = {
  conflict: ['42710', '42P04'],
  missing: ['3D000', '42704'],
  refused: ['42501', '2BP01', '55006', '0A000', '42601', '22023'],
};
/** Wrong password, or no such role (both are 28P01 or 28000 depending on pg_hba). */
const AUTH_FAILED = new Set(['28P01', '28000']);

export interface PgLogin {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  tls: boolean;
}

/** One connection, its error handler set before it connects; rejected with the server's error. */
export async function connectPg(l: PgLogin): Promise<pg.Client> {
  const client = new pg.Client({
    host: l.host, port: l.port, user: l.user, password: l.password, database: l.database,
    ssl: l.tls ? UNVERIFIED_TLS : false, connectionTimeoutMillis: 10_000, query_timeout: 60_000, application_name: 'flux-databases',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.end().catch(() => undefined);
    throw err;
  }
}

/** Whether a fresh connection gets in with these credentials; other failures (refused, timeouts) throw. */
export async function pgAccepts(l: PgLogin): Promise<boolean> {
  try {
    const c = await connectPg(l);
    await c.query('SELECT 1').finally(() => c.end().catch(() => undefined));
    return true;
  } catch (err) {
    if (AUTH_FAILED.has((err as { code?: string }).code ?? '')) return false;
    throw err;
  }
}

/**
 * The admin's connections to an instance, one per database a statement names, all logged in
 * with the admin's password at the time they were opened (a changed password keeps them).
 */
class PostgresSession implements AccountsSession {
  private readonly clients = new Map<string, Promise<pg.Client>>();
  private password: string;

  constructor(private readonly e: EngineEndpoint, private readonly port: number, private readonly statements: PostgresStatements) {
    this.password = e.password;
  }

  private client(database: string): Promise<pg.Client> {
    let c = this.clients.get(database);
    if (!c) {
      c = connectPg({ host: this.e.host, port: this.e.port(this.port), user: this.e.username, password: this.password, database, tls: this.e.tls });
      c.catch(() => this.clients.delete(database));
      this.clients.set(database, c);
    }
    return c;
  }

  async ready(): Promise<this> {
    await this.client(this.e.database);
    return this;
  }

  private async query(call: EngineCall, database = this.e.database): Promise<pg.QueryResult> {
    if (call.via !== 'sql') throw new Error(`PostgreSQL runs SQL, not ${call.via}`);
    try {
      return await (await this.client(database)).query(call.text);
    } catch (err) {
      throw classify(err, CODES);
    }
  }

  private async run(calls: EngineCall[]): Promise<void> {
    for (const call of calls) {
      if (call.via === 'sql' && call.database === '*') {
        for (const db of await this.connectable()) await this.query(call, db);
      } else {
        await this.query(call, call.via === 'sql' ? call.database : undefined);
      }
    }
  }

  private async connectable(): Promise<string[]> {
    const r = await this.query({ via: 'sql', text: 'SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1' });
    return r.rows.map((row: { datname: string }) => row.datname);
  }

  async setPassword(change: PasswordChange): Promise<void> {
    await this.run(this.statements.setPassword(change.username, change.password, { keepCurrent: change.keepCurrent }));
    if (change.admin) this.password = change.password;
  }

  async dropOtherPasswords(): Promise<void> {
    // One password per role: nothing is left to drop.
  }

  async listUsers(): Promise<EngineUser[]> {
    const r = await this.query(this.statements.listUsers());
    return r.rows.map((row: { name: string }) => ({ username: row.name, reserved: row.name.startsWith('pg_') || row.name === this.e.username }));
  }

  async createUser(user: NewUser): Promise<void> {
    await this.run(this.statements.createUser(user));
  }

  async dropUser(username: string): Promise<void> {
    const exists = (await this.listUsers()).some((u) => u.username === username);
    if (!exists) throw new EngineRefusal('missing', `role "${username}" does not exist`);
    await this.run(this.statements.dropUser(username));
  }

  async listDatabases(): Promise<EngineDatabase[]> {
    const r = await this.query(this.statements.listDatabases());
    return r.rows.map((row: { name: string }) => ({ name: row.name, system: row.name === 'postgres' }));
  }

  async createDatabase(name: string): Promise<void> {
    await this.run(this.statements.createDatabase(name));
  }

  async dropDatabase(name: string): Promise<void> {
    const own = this.clients.get(name);
    this.clients.delete(name);
    if (own) await own.then((c) => c.end()).catch(() => undefined);
    await this.run(this.statements.dropDatabase(name));
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((c) => c.then((x) => x.end()).catch(() => undefined)));
  }
}

/**
 * PostgreSQL and TimescaleDB accounts, through the pg client from the host: the admin is the
 * instance's superuser (POSTGRES_USER). Grants and drops that are per database connect to each.
 */
export class PostgresAccounts implements AccountsRole {
  readonly rotates = true;
  readonly users = true;
  readonly databases = true;
  readonly lacks = {};
  readonly usersLiveInFiles = false;

  constructor(readonly statements = new PostgresStatements(), private readonly port = 5432) {}

  async twoPasswords() {
    return { ok: false as const, reason: 'PostgreSQL holds one password per role' };
  }

  adminLogins(e: EngineEndpoint): string[] {
    return [e.username];
  }

  accepts(e: EngineEndpoint, username: string, password: string): Promise<boolean> {
    return pgAccepts({ host: e.host, port: e.port(this.port), user: username, password, database: e.database, tls: e.tls });
  }

  open(e: EngineEndpoint): Promise<AccountsSession> {
    return new PostgresSession(e, this.port, this.statements).ready();
  }
}
