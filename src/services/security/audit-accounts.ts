import { SYSTEM, type AccountAudit } from '../accounts/account-audit.js';
import { SYSTEM_ACTOR, type AuditRecorder } from './audit-log.js';

/**
 * The accounts service's audit seam on the audit trail. Actions a route asked for are already
 * recorded by the route hook (with the token's identity, the parameters and the HTTP outcome), so
 * only the module's own account actions are written here: the end of a rotation's grace period.
 */
export function accountAudit(audit: AuditRecorder): AccountAudit {
  return {
    record: async (a) => {
      if (a.caller.actor !== SYSTEM.actor) return;
      await audit.record({
        actor: SYSTEM_ACTOR, action: a.action, instanceId: a.instanceId, params: a.params,
        outcome: a.outcome.ok ? { ok: true } : { ok: false, code: a.outcome.code, status: a.outcome.status },
      });
    },
  };
}
