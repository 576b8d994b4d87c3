import { dueGraces, graceDone, graceFailed, type GraceRow } from '../../db/repositories/accounts.js';
import { findInstance } from '../../db/repositories/instances.js';
import { getAdapter } from '../adapters/registry.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import { sleep } from '../scheduler/clock.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { redact, roleFor, type AccountsDeps } from './account-context.js';
import { audited, SYSTEM } from './account-audit.js';

/** How often due grace periods are looked for (each also gets a timer of its own when it starts). */
export const GRACE_SWEEP_MS = 60_000;

/**
 * Ends rotations' grace periods: at drop_at the engine forgets every password of the user but
 * the stored one. The periods live in the store, so a sweep at start (and every minute) finds
 * the ones a module restart interrupted; an instance that is not running is tried again later.
 */
export class GracePeriods {
  constructor(private readonly deps: AccountsDeps, private readonly scheduler: Pick<Scheduler, 'spawn'>) {}

  /** A timer for one period, so it ends on time rather than at the next sweep. */
  arm(at: Date): void {
    this.scheduler.spawn(async (signal) => {
      await sleep(this.deps.clock, Math.max(0, at.getTime() - this.deps.clock.now()) + 100, signal).catch(() => undefined);
      if (!signal.aborted) await this.sweep();
    });
  }

  async sweep(): Promise<void> {
    for (const g of await dueGraces(this.deps.db, new Date(this.deps.clock.now()))) {
      await this.end(g).catch(async (err: Error) => {
        const reason = redact(err.message, []).slice(0, 500);
        this.deps.logger.warn({ instanceId: g.instance_id, username: g.username, attempts: g.attempts + 1, reason }, 'grace period not ended yet; retried');
        await graceFailed(this.deps.db, g.id, reason).catch(() => undefined);
      });
    }
  }

  private end(g: GraceRow): Promise<void> {
    const entry = { action: 'credentials.grace_end' as const, instanceId: g.instance_id, caller: SYSTEM, params: { username: g.username } };
    return audited(this.deps.audit, entry, () => this.deps.support.lock.run(g.instance_id, async () => {
      const row = await findInstance(this.deps.db, g.instance_id);
      if (!row) return graceDone(this.deps.db, g.id);
      if (!MEANT_TO_RUN.has(row.status)) throw new Error(`the instance is ${row.status}`);
      const role = roleFor(getAdapter(row.engine), 'rotation');
      const endpoint = await this.deps.support.driverOf(row).endpoint(row);
      const current = g.admin ? endpoint.password : (await this.deps.credentials.read(row.id, 'user', g.username))?.secret;
      if (!current) return graceDone(this.deps.db, g.id);
      const session = await role.open(endpoint);
      try {
        await session.dropOtherPasswords(g.username, g.admin, current);
      } finally {
        await session.close();
      }
      for (const login of g.admin ? role.adminLogins(endpoint) : [g.username]) {
        if (!(await role.accepts(endpoint, login, current))) throw new Error(`the engine refuses the stored password for ${login} after the old one was dropped`);
      }
      await graceDone(this.deps.db, g.id);
      this.deps.logger.info({ instanceId: row.id, username: g.username }, 'grace period ended: the old password was dropped');
    }));
  }
}
