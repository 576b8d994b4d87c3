import type { AccountsDeps } from './accounts/account-context.js';
import type { Caller } from './accounts/account-audit.js';
import { GracePeriods } from './accounts/grace-periods.js';
import { InnerDatabases } from './accounts/inner-databases.js';
import { Rotation, type RotateRequest, type RotationOutcome } from './accounts/rotation.js';
import { Users } from './accounts/users.js';
import type { Scheduler } from './scheduler/scheduler.js';

export type { AccountsDeps } from './accounts/account-context.js';
export { NO_AUDIT, type AccountAudit, type AccountAction, type Caller } from './accounts/account-audit.js';

/**
 * Operations inside an instance's engine: rotating passwords (with grace periods where the
 * engine holds two), users with roles, and inner databases. Each write runs under the
 * instance's lock, only while it runs, and is recorded through the AccountAudit seam.
 */
export class DatabaseOperations {
  readonly users: Users;
  readonly databases: InnerDatabases;
  readonly grace: GracePeriods;
  private readonly rotation: Rotation;

  constructor(deps: AccountsDeps, scheduler: Pick<Scheduler, 'spawn'>) {
    this.users = new Users(deps);
    this.databases = new InnerDatabases(deps);
    this.grace = new GracePeriods(deps, scheduler);
    this.rotation = new Rotation(deps);
  }

  async rotate(id: number, req: RotateRequest, caller: Caller): Promise<RotationOutcome> {
    const outcome = await this.rotation.rotate(id, req, caller);
    if (outcome.graceUntil) this.grace.arm(outcome.graceUntil);
    return outcome;
  }
}
