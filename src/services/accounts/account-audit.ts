import { ModuleError } from '../../errors.js';

/** Who asked: a route's caller (the audit trail fills in the token's identity) or the module itself. */
export interface Caller {
  actor: string;
  address?: string;
}

export const SYSTEM: Caller = { actor: 'system' };

/** One write action on an instance's accounts, as the audit trail will record it: never a secret. */
export interface AccountAction {
  action: 'credentials.rotate' | 'credentials.grace_end' | 'users.create' | 'users.delete' | 'databases.create' | 'databases.delete';
  instanceId: number;
  caller: Caller;
  /** Names, roles, flags: what was asked, without passwords. */
  params: Readonly<Record<string, string | number | boolean | readonly string[] | null>>;
  outcome: { ok: true } | { ok: false; code: string; status: number };
}

/** Where account actions are recorded; the audit trail plugs in here. */
export interface AccountAudit {
  record(action: AccountAction): Promise<void> | void;
}

export const NO_AUDIT: AccountAudit = { record: () => undefined };

/**
 * Runs one write action and records it with its outcome, success or failure: the single place
 * each account action is recorded. A failing recorder never changes the action's answer.
 */
export async function audited<T>(audit: AccountAudit, entry: Omit<AccountAction, 'outcome'>, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    await Promise.resolve(audit.record({ ...entry, outcome: { ok: true } })).catch(() => undefined);
    return result;
  } catch (err) {
    const outcome = err instanceof ModuleError ? { ok: false as const, code: err.code, status: err.statusCode } : { ok: false as const, code: 'INTERNAL', status: 500 };
    await Promise.resolve(audit.record({ ...entry, outcome })).catch(() => undefined);
    throw err;
  }
}
