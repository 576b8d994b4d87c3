import { Redis } from 'ioredis';
import { RedisStatements } from '../accounts/redis.js';
import type { EngineCall } from '../accounts/statements.js';
import type { AccountsRole, AccountsSession, EngineDatabase, EngineUser, NewUser, PasswordChange } from '../roles/accounts.js';
import { EngineRefusal } from './account-errors.js';
import { UNVERIFIED_TLS, type EngineEndpoint } from './endpoint.js';

const PORT = 6379;
/** The admin: requirepass is the password of the ACL user `default`. */
const ADMIN = 'default';

async function connect(e: EngineEndpoint, username: string, password: string): Promise<Redis> {
  const client = new Redis({
    host: e.host, port: e.port(PORT), ...(password ? { username, password } : {}), ...(e.tls ? { tls: UNVERIFIED_TLS } : {}),
    lazyConnect: true, connectTimeout: 10_000, commandTimeout: 10_000,
    maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, enableReadyCheck: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.disconnect();
    throw err;
  }
}

const isAuthFailure = (err: unknown) => /WRONGPASS|NOAUTH|invalid username-password|invalid password/i.test(String((err as Error)?.message ?? err));

/** One connection as `default`; ACL changes never end an authenticated connection. */
class RedisSession implements AccountsSession {
  constructor(private readonly c: Redis, private readonly statements: RedisStatements) {}

  private async run(calls: EngineCall[]): Promise<unknown> {
    let answer: unknown;
    for (const call of calls) {
      if (call.via !== 'redis') throw new Error(`the Redis family runs commands, not ${call.via}`);
      const [command, ...args] = call.args;
      try {
        answer = await this.c.call(command!, ...args);
      } catch (err) {
        throw new EngineRefusal('refused', String((err as Error).message).split('\n')[0]!.replace(/>\S+/g, '>********'));
      }
    }
    return answer;
  }

  async setPassword(change: PasswordChange): Promise<void> {
    await this.run(this.statements.setPassword(change.admin ? ADMIN : change.username, change.password, { keepCurrent: change.keepCurrent }));
  }

  async dropOtherPasswords(username: string, admin: boolean, current: string): Promise<void> {
    await this.run(this.statements.dropOtherPasswords(admin ? ADMIN : username, current));
  }

  async listUsers(): Promise<EngineUser[]> {
    const names = (await this.run([this.statements.listUsers()])) as string[];
    return names.map((n) => ({ username: n, reserved: n === ADMIN }));
  }

  async createUser(user: NewUser): Promise<void> {
    // ACL SETUSER on an existing name would quietly redefine that user.
    if ((await this.listUsers()).some((u) => u.username === user.username)) throw new EngineRefusal('conflict', `user '${user.username}' already exists`);
    await this.run(this.statements.createUser(user));
  }

  async dropUser(username: string): Promise<void> {
    const removed = await this.run(this.statements.dropUser(username));
    if (Number(removed) === 0) throw new EngineRefusal('missing', `user '${username}' does not exist`);
  }

  async listDatabases(): Promise<EngineDatabase[]> {
    throw new EngineRefusal('refused', this.statements.lacks.databases);
  }

  createDatabase(): Promise<void> {
    return this.listDatabases().then(() => undefined);
  }

  dropDatabase(): Promise<void> {
    return this.listDatabases().then(() => undefined);
  }

  async close(): Promise<void> {
    this.c.disconnect();
  }
}

/**
 * Redis, Valkey and KeyDB accounts through ioredis from the host (the ACL, Redis 6+). A user can
 * hold two passwords at once, so rotation offers a grace period. ACL users live in memory: the
 * module renders them into the instance's config (usersLiveInFiles), so a restart keeps them.
 */
export class RedisAccounts implements AccountsRole {
  readonly rotates = true;
  readonly users = true;
  readonly databases = false;
  readonly statements = new RedisStatements();
  readonly lacks = this.statements.lacks;
  readonly usersLiveInFiles = true;

  async twoPasswords() {
    return { ok: true as const };
  }

  adminLogins(): string[] {
    return [ADMIN];
  }

  /** AUTH sent by hand on an unauthenticated connection: its answer is the engine's verdict, not a closed stream. */
  async accepts(e: EngineEndpoint, username: string, password: string): Promise<boolean> {
    const c = await connect(e, '', '');
    try {
      await c.call('AUTH', username, password);
      return (await c.ping()) === 'PONG';
    } catch (err) {
      if (isAuthFailure(err)) return false;
      throw err;
    } finally {
      c.disconnect();
    }
  }

  async open(e: EngineEndpoint): Promise<AccountsSession> {
    return new RedisSession(await connect(e, ADMIN, e.password), this.statements);
  }
}
