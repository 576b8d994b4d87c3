import { cancelGrace, findUser, forgetUser, listUsers, recordUser } from '../../db/repositories/accounts.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { AccountRole, AccountsSession, EngineUser } from '../adapters/roles/accounts.js';
import { generatePassword } from '../security/passwords.js';
import { engineFailure, locked, redact, runningTarget, type AccountsDeps, type AccountTarget } from './account-context.js';
import { audited, type Caller } from './account-audit.js';
import { fileAccounts, writeInstanceFiles } from './instance-files.js';

export interface CreateUserRequest {
  username: string;
  password?: string;
  role: AccountRole;
  databases?: string[];
  keys?: string[];
}

export interface UserEntry {
  username: string;
  role: AccountRole | null;
  databases: string[];
  keys: string[];
  /** The instance's admin (the connection string's user): never deleted. */
  instance_admin: boolean;
  /** One of the engine's own accounts (system roles, root): never created or deleted here. */
  reserved: boolean;
  in_engine: boolean;
  in_module: boolean;
  created_at: string | null;
}

export interface UsersView {
  users: UserEntry[];
  /** Users only the engine has (made outside the module) and users the module recorded but the engine lost. */
  drift: { engine_only: string[]; module_only: string[] };
}

export interface CreatedUser {
  username: string;
  role: AccountRole;
  databases: string[];
  keys: string[];
  /** Only when the module generated it: shown this once, stored encrypted. */
  password?: string;
}

async function withSession<T>(t: AccountTarget, secrets: string[], doing: string, fn: (s: AccountsSession) => Promise<T>): Promise<T> {
  const session = await t.role.open(t.endpoint).catch((err) => { throw engineFailure(err, secrets, `${doing}: the module could not sign in as the admin`); });
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** Users inside an instance's engine, beside the module's record of the ones it created. */
export class Users {
  constructor(private readonly deps: AccountsDeps) {}

  async list(id: number): Promise<UsersView> {
    const t = await runningTarget(this.deps, id, 'users');
    const engine = await withSession(t, [t.endpoint.password], 'Listing users failed', (s) =>
      s.listUsers().catch((err) => { throw engineFailure(err, [t.endpoint.password], 'Listing users failed'); }));
    const recorded = await listUsers(this.deps.db, id);
    const inEngine = new Map(engine.map((u) => [u.username, u]));
    const logins = new Set([t.row.username, ...t.role.adminLogins(t.endpoint)]);
    const users: UserEntry[] = [{
      username: t.row.username, role: 'admin', databases: [], keys: [], instance_admin: true, reserved: true,
      in_engine: [...logins].some((l) => inEngine.has(l)), in_module: true, created_at: t.row.created_at.toISOString(),
    }];
    for (const r of recorded) {
      users.push({
        username: r.username, role: r.role, databases: r.databases, keys: r.keys, instance_admin: false, reserved: false,
        in_engine: inEngine.has(r.username), in_module: true, created_at: r.createdAt.toISOString(),
      });
    }
    const known = new Set([...logins, ...recorded.map((r) => r.username)]);
    const others = engine.filter((u: EngineUser) => !known.has(u.username));
    for (const u of others) {
      users.push({ username: u.username, role: null, databases: [], keys: [], instance_admin: false, reserved: u.reserved, in_engine: true, in_module: false, created_at: null });
    }
    return {
      users,
      drift: {
        engine_only: others.filter((u) => !u.reserved).map((u) => u.username),
        module_only: recorded.filter((r) => !inEngine.has(r.username)).map((r) => r.username),
      },
    };
  }

  create(id: number, req: CreateUserRequest, caller: Caller): Promise<CreatedUser> {
    const params = { username: req.username, role: req.role, databases: req.databases ?? null, keys: req.keys ?? null, generated: req.password === undefined };
    return audited(this.deps.audit, { action: 'users.create', instanceId: id, caller, params }, () =>
      locked(this.deps, id, 'users', (t) => this.createLocked(t, req)));
  }

  private async createLocked(t: AccountTarget, req: CreateUserRequest): Promise<CreatedUser> {
    const { row } = t;
    if (req.username === row.username || t.role.adminLogins(t.endpoint).includes(req.username)) {
      throw conflict(`${req.username} is the instance's admin; choose another name`);
    }
    if (await findUser(this.deps.db, row.id, req.username)) throw conflict(`User ${req.username} already exists on this instance`);
    // Default: the instance's own database, or the whole instance for an admin and for engines without databases.
    const databases = req.databases?.length ? [...new Set(req.databases)] : req.role === 'admin' || !t.role.databases ? [] : [row.database_name];
    const keys = [...new Set(req.keys ?? [])];
    const password = req.password ?? generatePassword();
    const secrets = [password, t.endpoint.password];
    const user = { username: req.username, password, role: req.role, databases, keys };
    await withSession(t, secrets, 'The user was not created', async (session) => {
      await session.createUser(user).catch((err) => { throw engineFailure(err, secrets, 'The user was not created'); });
      try {
        if (!(await t.role.accepts(t.endpoint, req.username, password))) throw new Error('the engine refuses the new user\'s password when checked');
        const credentialId = await this.deps.credentials.store(row.id, 'user', req.username, password);
        await recordUser(this.deps.db, row.id, { username: req.username, role: req.role, databases, keys }, credentialId);
        if (t.role.usersLiveInFiles) await writeInstanceFiles(this.deps, row, t.endpoint.password, await fileAccounts(this.deps, row));
      } catch (err) {
        const undone = await session.dropUser(req.username).then(() => 'it was dropped again', (e: Error) => `dropping it again failed too (${e.message})`);
        await forgetUser(this.deps.db, row.id, req.username).catch(() => undefined);
        await this.deps.credentials.remove(row.id, 'user', req.username).catch(() => undefined);
        throw engineFailure(new Error(redact(`${(err as Error).message}; ${undone}`, secrets)), secrets, 'The user was created in the engine but not completed');
      }
    });
    this.deps.logger.info({ instanceId: row.id, username: req.username, role: req.role }, 'user created');
    return { username: req.username, role: req.role, databases, keys, ...(req.password === undefined ? { password } : {}) };
  }

  remove(id: number, username: string, caller: Caller): Promise<{ username: string; dropped_in_engine: boolean }> {
    return audited(this.deps.audit, { action: 'users.delete', instanceId: id, caller, params: { username } }, () =>
      locked(this.deps, id, 'users', (t) => this.removeLocked(t, username)));
  }

  private async removeLocked(t: AccountTarget, username: string): Promise<{ username: string; dropped_in_engine: boolean }> {
    const { row } = t;
    if (username === row.username || t.role.adminLogins(t.endpoint).includes(username)) {
      throw badRequest(`${username} is the instance's admin and cannot be deleted; nothing changed`);
    }
    const secrets = [t.endpoint.password];
    const recorded = await findUser(this.deps.db, row.id, username);
    const dropped = await withSession(t, secrets, 'The user was not deleted', async (session) => {
      const found = (await session.listUsers().catch((err) => { throw engineFailure(err, secrets, 'The user was not deleted'); }))
        .find((u) => u.username === username);
      if (found?.reserved) throw badRequest(`${username} is one of ${t.adapter.displayName}'s own accounts and cannot be deleted; nothing changed`);
      if (!found && !recorded) throw notFound(`No user ${username} on this instance`);
      if (found) await session.dropUser(username).catch((err) => { throw engineFailure(err, secrets, 'The user was not deleted'); });
      return Boolean(found);
    });
    await forgetUser(this.deps.db, row.id, username);
    await this.deps.credentials.remove(row.id, 'user', username);
    await cancelGrace(this.deps.db, row.id, username);
    if (t.role.usersLiveInFiles) await writeInstanceFiles(this.deps, row, t.endpoint.password, await fileAccounts(this.deps, row));
    this.deps.logger.info({ instanceId: row.id, username }, 'user deleted');
    return { username, dropped_in_engine: dropped };
  }
}
