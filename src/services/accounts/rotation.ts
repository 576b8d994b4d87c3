import { cancelGrace, findUser, scheduleGrace } from '../../db/repositories/accounts.js';
import { badRequest, ModuleError, notFound } from '../../errors.js';
import type { AccountsSession } from '../adapters/roles/accounts.js';
import { generatePassword } from '../security/passwords.js';
import { engineFailure, locked, redact, type AccountsDeps, type AccountTarget } from './account-context.js';
import { audited, type Caller } from './account-audit.js';
import { fileAccounts, writeInstanceFiles } from './instance-files.js';

export interface RotateRequest {
  /** A user the module created; absent: the instance's admin. */
  username?: string;
  /** The new password; absent: one is generated. */
  password?: string;
  /** Keep the old password working this long too (engines that hold two passwords). */
  graceSeconds?: number;
}

export interface RotationOutcome {
  username: string;
  admin: boolean;
  password: string;
  rotatedAt: Date;
  graceUntil: Date | null;
}

/** What one rotation changes, for its checks and its undo. */
interface Change {
  t: AccountTarget;
  admin: boolean;
  /** The user as the module names it (its row's username for the admin). */
  username: string;
  /** The logins the check signs in as (MySQL's admin: the instance's user and root). */
  logins: string[];
  current: string;
  next: string;
  keep: boolean;
}

/**
 * Changes a password inside the engine, checks it with the engine's client (the new one is
 * accepted, the old one refused, or still accepted during a grace period), then writes it to
 * the instance's files and the encrypted store. Any step that fails undoes the ones before it
 * over the same admin session, and the answer says what holds now: never a success for a
 * rotation that did not finish.
 */
export class Rotation {
  constructor(private readonly deps: AccountsDeps) {}

  rotate(id: number, req: RotateRequest, caller: Caller): Promise<RotationOutcome> {
    const params = { username: req.username ?? null, generated: req.password === undefined, grace_seconds: req.graceSeconds ?? 0 };
    return audited(this.deps.audit, { action: 'credentials.rotate', instanceId: id, caller, params }, () =>
      locked(this.deps, id, 'rotation', (t) => this.rotateLocked(t, req)));
  }

  private async rotateLocked(t: AccountTarget, req: RotateRequest): Promise<RotationOutcome> {
    const change = await this.plan(t, req);
    const secrets = [change.current, change.next];
    const session = await t.role.open(t.endpoint).catch((err) => {
      throw engineFailure(err, secrets, 'Rotation did not start: the module could not sign in as the admin; nothing changed');
    });
    try {
      try {
        await session.setPassword({ username: change.username, admin: change.admin, password: change.next, keepCurrent: change.keep });
      } catch (err) {
        throw engineFailure(err, secrets, 'Rotation failed: the engine refused the new password; nothing changed, the old password still works');
      }
      const problem = await this.check(change);
      if (problem) throw await this.undo(session, change, `the check after the change failed (${problem})`);
      await this.persist(session, change);
    } finally {
      await session.close();
    }
    const graceUntil = change.keep ? new Date(this.deps.clock.now() + req.graceSeconds! * 1000) : null;
    if (graceUntil) await scheduleGrace(this.deps.db, t.row.id, change.username, change.admin, graceUntil);
    else await cancelGrace(this.deps.db, t.row.id, change.username);
    this.deps.logger.info({ instanceId: t.row.id, username: change.username, grace: Boolean(graceUntil) }, 'password rotated');
    return { username: change.username, admin: change.admin, password: change.next, rotatedAt: new Date(this.deps.clock.now()), graceUntil };
  }

  private async plan(t: AccountTarget, req: RotateRequest): Promise<Change> {
    const admin = req.username === undefined || req.username === t.row.username || t.role.adminLogins(t.endpoint).includes(req.username);
    let username = t.row.username;
    let current = t.endpoint.password;
    if (!admin) {
      username = req.username!;
      if (!(await findUser(this.deps.db, t.row.id, username))) {
        throw notFound(`User ${username} is not one the module created on this instance; only those (and the admin) are rotated here`);
      }
      const stored = await this.deps.credentials.read(t.row.id, 'user', username);
      if (!stored) throw new ModuleError('CREDENTIALS_MISSING', `No stored password for user ${username}`);
      current = stored.secret;
    }
    const next = req.password ?? generatePassword();
    if (next === current) throw badRequest('The new password is the current one; nothing changed');
    const keep = (req.graceSeconds ?? 0) > 0;
    if (keep) {
      const two = await t.role.twoPasswords(t.endpoint).catch((err) => { throw engineFailure(err, [current, next], 'Rotation did not start'); });
      if (!two.ok) throw badRequest(`${t.adapter.displayName} cannot keep the old password for a grace period: ${two.reason}; nothing changed`);
    }
    const logins = admin ? t.role.adminLogins(t.endpoint) : [username];
    return { t, admin, username, logins, current, next, keep };
  }

  /** The reason the engine does not behave as the change says, or null. Asked through new connections. */
  private async check(c: Change): Promise<string | null> {
    const { role, endpoint } = c.t;
    try {
      for (const login of c.logins) {
        if (!(await role.accepts(endpoint, login, c.next))) return `the engine refuses the new password for ${login}`;
        const old = await role.accepts(endpoint, login, c.current);
        if (old && !c.keep) return `the engine still accepts the old password for ${login}`;
        if (!old && c.keep) return `the old password stopped working for ${login} although a grace period was asked for`;
      }
      return null;
    } catch (err) {
      return `the engine could not be asked: ${redact(String((err as Error).message), [c.current, c.next])}`;
    }
  }

  /** Files, then the store; a failure of either puts the old password back everywhere it went. */
  private async persist(session: AccountsSession, c: Change): Promise<void> {
    const { row } = c.t;
    const adminPassword = c.admin ? c.next : c.t.endpoint.password;
    const pending = c.admin ? undefined : { username: c.username, password: c.next };
    try {
      await writeInstanceFiles(this.deps, row, adminPassword, await fileAccounts(this.deps, row, pending));
    } catch (err) {
      throw await this.undo(session, c, `the instance's files could not be written (${(err as Error).message})`);
    }
    try {
      await this.deps.credentials.store(row.id, c.admin ? 'admin' : 'user', c.username, c.next);
    } catch (err) {
      throw await this.undo(session, c, `the new password could not be stored (${(err as Error).message})`);
    }
  }

  /** Puts the old password back (engine, then files) and says what holds now. */
  private async undo(session: AccountsSession, c: Change, why: string): Promise<ModuleError> {
    const secrets = [c.current, c.next];
    const notes: string[] = [];
    try {
      await session.setPassword({ username: c.username, admin: c.admin, password: c.current, keepCurrent: false });
      const works = await c.t.role.accepts(c.t.endpoint, c.logins[0]!, c.current).catch(() => false);
      notes.push(works ? 'the old password was restored in the engine and still works' : 'the engine took the old password back, but refuses it when checked');
    } catch (err) {
      notes.push(`putting the old password back failed too (${redact(String((err as Error).message), secrets)}): the engine may now hold the new password, which is not stored`);
    }
    try {
      const adminPassword = c.admin ? c.current : c.t.endpoint.password;
      await writeInstanceFiles(this.deps, c.t.row, adminPassword, await fileAccounts(this.deps, c.t.row));
    } catch (err) {
      notes.push(`the instance's files could not be rewritten with the old password (${redact(String((err as Error).message), secrets)})`);
    }
    this.deps.logger.warn({ instanceId: c.t.row.id, username: c.username, reason: redact(why, secrets) }, 'rotation undone');
    return new ModuleError('ENGINE_REFUSED', redact(`Rotation did not complete: ${why}; ${notes.join('; ')}. The stored password is still the old one`, secrets));
  }
}
