import type pg from 'pg';
import { H2Statements } from '../accounts/h2.js';
import type { EngineCall } from '../accounts/statements.js';
import type { AccountsRole, AccountsSession, EngineDatabase, EngineUser, NewUser, PasswordChange } from '../roles/accounts.js';
import { classify, EngineRefusal } from './account-errors.js';
import type { EngineEndpoint } from './endpoint.js';
import { connectPg, pgAccepts, type PgLogin } from './postgres-accounts.js';

/** H2's PostgreSQL-protocol server (published: no password ever goes through an exec's argv). */
const PG_PORT = 5435;
/** H2's own error codes, which its PG server sends as SQLSTATE: 90033 user exists, 90032 no such user. */
const CODES = { conflict: ['90033'], missing: ['90032'], refused: ['42000', '42001', '90026', '90040', '90045'] };

const login = (e: EngineEndpoint, user: string, password: string): PgLogin =>
  ({ host: e.host, port: e.port(PG_PORT), user, password, database: e.database, tls: false });

class H2Session implements AccountsSession {
  constructor(private readonly c: pg.Client, private readonly e: EngineEndpoint, private readonly statements: H2Statements) {}

  private async run(calls: EngineCall[]): Promise<pg.QueryResult | undefined> {
    let result: pg.QueryResult | undefined;
    for (const call of calls) {
      if (call.via !== 'sql') throw new Error(`H2 runs SQL, not ${call.via}`);
      try {
        result = await this.c.query(call.text);
      } catch (err) {
        throw classify(err, CODES);
      }
    }
    return result;
  }

  async setPassword(change: PasswordChange): Promise<void> {
    await this.run(this.statements.setPassword(change.username, change.password, { keepCurrent: change.keepCurrent }));
  }

  async dropOtherPasswords(): Promise<void> {
    // One password per user.
  }

  async listUsers(): Promise<EngineUser[]> {
    const r = await this.run([this.statements.listUsers()]);
    return (r?.rows ?? []).map((row: { name: string }) => ({ username: row.name, reserved: row.name === this.e.username }));
  }

  async createUser(user: NewUser): Promise<void> {
    await this.run(this.statements.createUser(user, this.e.database));
  }

  async dropUser(username: string): Promise<void> {
    await this.run(this.statements.dropUser(username));
  }

  async listDatabases(): Promise<EngineDatabase[]> {
    throw new EngineRefusal('unsupported', this.statements.lacks.databases);
  }

  createDatabase(): Promise<void> {
    return this.listDatabases().then(() => undefined);
  }

  dropDatabase(): Promise<void> {
    return this.listDatabases().then(() => undefined);
  }

  async close(): Promise<void> {
    await this.c.end().catch(() => undefined);
  }
}

/**
 * H2 accounts over its PostgreSQL-protocol port, from the host with the pg client: users of the
 * instance's database file and their grants. No inner databases (see H2Statements).
 */
export class H2Accounts implements AccountsRole {
  readonly rotates = true;
  readonly users = true;
  readonly databases = false;
  readonly statements = new H2Statements();
  readonly lacks = this.statements.lacks;
  readonly usersLiveInFiles = false;

  async twoPasswords() {
    return { ok: false as const, reason: 'H2 holds one password per user' };
  }

  adminLogins(e: EngineEndpoint): string[] {
    return [e.username];
  }

  /**
   * H2's PG server answers wrong credentials by closing the connection after the password
   * message (no ErrorResponse, psql says the same): a close during the sign-in is a refusal;
   * an unreachable server stays an error (ECONNREFUSED, a timeout).
   */
  async accepts(e: EngineEndpoint, username: string, password: string): Promise<boolean> {
    try {
      return await pgAccepts(login(e, username, password));
    } catch (err) {
      if (/Connection terminated unexpectedly/.test((err as Error).message)) return false;
      throw err;
    }
  }

  async open(e: EngineEndpoint): Promise<AccountsSession> {
    return new H2Session(await connectPg(login(e, e.username, e.password)), e, this.statements);
  }
}
