import { InfluxqlStatements } from '../accounts/influxdb.js';
import type { EngineCall } from '../accounts/statements.js';
import type { AccountsRole, AccountsSession, EngineDatabase, EngineUser, NewUser, PasswordChange } from '../roles/accounts.js';
import { EngineRefusal } from './account-errors.js';
import type { EngineEndpoint } from './endpoint.js';
import { basicAuth, httpCall } from './http-client.js';

const PORT = 8086;
const is1x = (version: string) => version.startsWith('1.');

interface Series { columns: string[]; values?: unknown[][] }
interface QueryAnswer { results?: { error?: string; series?: Series[] }[]; error?: string }

/** InfluxQL over POST /query, the statement in the form body (never in the URL, which logs keep), basic auth. */
async function influxql(e: EngineEndpoint, user: string, password: string, text: string): Promise<{ status: number; answer: QueryAnswer }> {
  const res = await httpCall({
    scheme: e.tls ? 'https' : 'http', host: e.host, port: e.port(PORT), path: '/query', method: 'POST',
    headers: { Authorization: basicAuth(user, password), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ q: text }).toString(),
  });
  let answer: QueryAnswer = {};
  try {
    answer = JSON.parse(res.body.toString('utf8')) as QueryAnswer;
  } catch {
    // A non-JSON answer (a proxy, an old server) keeps only its status.
  }
  return { status: res.status, answer };
}

const rows = (a: QueryAnswer): unknown[][] => a.results?.[0]?.series?.[0]?.values ?? [];

/** Stateless HTTP: the session holds the admin's credentials, and follows its own password changes. */
class InfluxSession implements AccountsSession {
  private password: string;

  constructor(private readonly e: EngineEndpoint, private readonly statements: InfluxqlStatements) {
    this.password = e.password;
  }

  private async run(calls: EngineCall[]): Promise<QueryAnswer> {
    let answer: QueryAnswer = {};
    for (const call of calls) {
      if (call.via !== 'sql') throw new Error(`InfluxDB runs InfluxQL, not ${call.via}`);
      const r = await influxql(this.e, this.e.username, this.password, call.text);
      answer = r.answer;
      const error = r.answer.error ?? r.answer.results?.[0]?.error;
      if (r.status === 200 && !error) continue;
      const reason = (error ?? `HTTP ${r.status}`).split('\n')[0]!;
      if (/already exists/i.test(reason)) throw new EngineRefusal('conflict', reason);
      if (/not found|does not exist/i.test(reason)) throw new EngineRefusal('missing', reason);
      throw new EngineRefusal('refused', reason);
    }
    return answer;
  }

  async setPassword(change: PasswordChange): Promise<void> {
    await this.run(this.statements.setPassword(change.username, change.password, { keepCurrent: change.keepCurrent }));
    if (change.admin) this.password = change.password;
  }

  async dropOtherPasswords(): Promise<void> {
    // One password per user.
  }

  async listUsers(): Promise<EngineUser[]> {
    return rows(await this.run([this.statements.listUsers()])).map((r) => ({ username: String(r[0]), reserved: r[0] === this.e.username }));
  }

  async createUser(user: NewUser): Promise<void> {
    await this.run(this.statements.createUser(user));
  }

  async dropUser(username: string): Promise<void> {
    if (!(await this.listUsers()).some((u) => u.username === username)) throw new EngineRefusal('missing', `user ${username} not found`);
    await this.run(this.statements.dropUser(username));
  }

  async listDatabases(): Promise<EngineDatabase[]> {
    return rows(await this.run([this.statements.listDatabases()])).map((r) => ({ name: String(r[0]), system: r[0] === '_internal' }));
  }

  /** CREATE and DROP DATABASE succeed quietly when there is nothing to do: the list says whether there was. */
  async createDatabase(name: string): Promise<void> {
    if ((await this.listDatabases()).some((d) => d.name === name)) throw new EngineRefusal('conflict', `database ${name} already exists`);
    await this.run(this.statements.createDatabase(name));
  }

  async dropDatabase(name: string): Promise<void> {
    if (!(await this.listDatabases()).some((d) => d.name === name)) throw new EngineRefusal('missing', `database ${name} not found`);
    await this.run(this.statements.dropDatabase(name));
  }

  async close(): Promise<void> {}
}

/**
 * InfluxDB accounts. 1.x: InfluxQL users, grants and databases over the HTTP API (the local
 * stand-in is 1.6). 2.x: the v2 API calls are declared (Influx2Statements) but not run, as no
 * 2.x server runs here; a 2.x instance's account requests are refused with that reason.
 */
export class InfluxAccounts implements AccountsRole {
  readonly rotates = true;
  readonly users = true;
  readonly databases = true;
  readonly lacks = {};
  readonly usersLiveInFiles = false;
  readonly statements = new InfluxqlStatements();

  async twoPasswords() {
    return { ok: false as const, reason: 'InfluxDB holds one password per user' };
  }

  adminLogins(e: EngineEndpoint): string[] {
    return [e.username];
  }

  private only1x(e: EngineEndpoint): void {
    if (!is1x(e.version)) {
      throw new EngineRefusal('unsupported', `InfluxDB ${e.version}: the module manages accounts of InfluxDB 1.x (InfluxQL); `
        + 'the 2.x API calls (users, buckets, passwords) are declared but not run, as no InfluxDB 2 runs where the module was verified');
    }
  }

  async accepts(e: EngineEndpoint, username: string, password: string): Promise<boolean> {
    this.only1x(e);
    const r = await influxql(e, username, password, 'SHOW DATABASES');
    if (r.status === 401 || r.status === 403) return false;
    if (r.status !== 200) throw new Error(`InfluxDB answered HTTP ${r.status}`);
    return true;
  }

  async open(e: EngineEndpoint): Promise<AccountsSession> {
    this.only1x(e);
    return new InfluxSession(e, this.statements);
  }
}
