import { CLICKHOUSE_SYSTEM_DATABASES, ClickhouseStatements } from '../accounts/clickhouse.js';
import type { EngineCall } from '../accounts/statements.js';
import type { AccountsRole, AccountsSession, EngineDatabase, EngineUser } from '../roles/accounts.js';
import { EngineRefusal } from './account-errors.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth, httpCall } from './http-client.js';

const PORT = 8123;

/** One statement over HTTP, in the body (works on 18.x); the answer's text, or the server's exception. */
async function query(e: EngineEndpoint, user: string, password: string, text: string): Promise<{ status: number; text: string }> {
  const res = await httpCall({
    scheme: e.tls ? 'https' : 'http', host: e.host, port: e.port(PORT), path: '/', method: 'POST',
    headers: { Authorization: basicAuth(user, password) }, body: text,
  });
  return { status: res.status, text: res.body.toString('utf8') };
}

/** ClickHouse's error codes: 82 DATABASE_ALREADY_EXISTS, 81 UNKNOWN_DATABASE. */
function refusal(text: string): EngineRefusal {
  const reason = text.split('\n')[0]!.slice(0, 300);
  const code = Number(/Code:\s*(\d+)/.exec(text)?.[1]);
  return new EngineRefusal(code === 82 ? 'conflict' : code === 81 ? 'missing' : 'refused', reason);
}

class ClickhouseSession implements AccountsSession {
  constructor(private readonly e: EngineEndpoint, private readonly statements: ClickhouseStatements) {}

  private async run(calls: EngineCall[]): Promise<string> {
    let out = '';
    for (const call of calls) {
      if (call.via !== 'sql') throw new Error(`ClickHouse runs SQL, not ${call.via}`);
      const r = await query(this.e, this.e.username, this.e.password, call.text);
      if (r.status !== 200) throw refusal(r.text);
      out = r.text;
    }
    return out;
  }

  private lacking(): never {
    throw new EngineRefusal('unsupported', this.statements.lacks.users);
  }

  async setPassword(): Promise<void> {
    this.lacking();
  }

  async dropOtherPasswords(): Promise<void> {
    this.lacking();
  }

  async listUsers(): Promise<EngineUser[]> {
    this.lacking();
  }

  async createUser(): Promise<void> {
    this.lacking();
  }

  async dropUser(): Promise<void> {
    this.lacking();
  }

  async listDatabases(): Promise<EngineDatabase[]> {
    const names = (await this.run([this.statements.listDatabases()])).split('\n').filter(Boolean);
    return names.map((name) => ({ name, system: CLICKHOUSE_SYSTEM_DATABASES.has(name) }));
  }

  async createDatabase(name: string): Promise<void> {
    await this.run(this.statements.createDatabase(name));
  }

  async dropDatabase(name: string): Promise<void> {
    await this.run(this.statements.dropDatabase(name));
  }

  async close(): Promise<void> {}
}

/**
 * ClickHouse: inner databases over the HTTP interface, in every version. No SQL user management
 * before 20.x (the stand-in is 18.16): the admin's password is the SHA-256 in users.d, so
 * rotation and users are declared only (ClickhouseStatements) and their flags stay off.
 */
export class ClickhouseAccounts implements AccountsRole {
  readonly rotates = false;
  readonly users = false;
  readonly databases = true;
  readonly statements = new ClickhouseStatements();
  readonly lacks = this.statements.lacks;
  readonly usersLiveInFiles = false;

  async twoPasswords() {
    return { ok: false as const, reason: 'ClickHouse holds one password per user' };
  }

  adminLogins(e: EngineEndpoint): string[] {
    return [e.username];
  }

  async accepts(e: EngineEndpoint, username: string, password: string): Promise<boolean> {
    const r = await query(e, username, password, 'SELECT 1');
    if (r.status === 200) return true;
    // 516 AUTHENTICATION_FAILED (21+), 193 WRONG_PASSWORD and 192 UNKNOWN_USER (18.x).
    if ([192, 193, 516].includes(Number(/Code:\s*(\d+)/.exec(r.text)?.[1]))) return false;
    throw refusal(r.text);
  }

  async open(e: EngineEndpoint): Promise<AccountsSession> {
    return new ClickhouseSession(e, this.statements);
  }
}
