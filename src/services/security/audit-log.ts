import type { Kysely } from 'kysely';
import * as repo from '../../db/repositories/audit.js';
import type { Database } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import type { ModuleLogger } from '../../module-contract.js';
import type { Clock } from '../scheduler/clock.js';
import { redactParams } from './audit-redact.js';

/** The module's own actor: scheduler jobs, the reconciler, alerts, grace periods. */
export const SYSTEM_ACTOR = 'system';

export type AuditOutcome = { ok: true; status?: number } | { ok: false; code: string; status: number };

/** One write action to record. Parameters are redacted here: callers may pass what they were given. */
export interface AuditEntry {
  action: string;
  instanceId?: number | null;
  params?: unknown;
  /** The host's name for the token or session of a route; default `system`. */
  actor?: string;
  /** Default: `api` when an actor other than system is named, else `system`. */
  source?: 'api' | 'system';
  outcome: AuditOutcome;
  address?: string;
  method?: string;
  route?: string;
  requestId?: string;
}

/** Where write actions are recorded (services.audit); a failing store never fails the action. */
export interface AuditRecorder {
  record(entry: AuditEntry): Promise<void>;
}

/** The outcome of a failed action: its catalogue code and status, INTERNAL/500 for anything else. */
export function failureOf(err: unknown): AuditOutcome {
  return err instanceof ModuleError ? { ok: false, code: err.code, status: err.statusCode } : { ok: false, code: 'INTERNAL', status: 500 };
}

export interface AuditLogDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: ModuleLogger;
  /** FLUX_DATABASES_AUDIT_RETENTION_DAYS. */
  retentionDays: number;
}

const PRUNE_BATCH = 1000;

/**
 * The audit trail: each write action with who (the route's token or session as the host names
 * it, or `system`), what (action, instance, parameters without secrets), when, the outcome and
 * the caller's address. Routes are recorded by one hook (http/audit-hook.ts); the module's own
 * actions call record() or run().
 */
export class AuditLog implements AuditRecorder {
  constructor(private readonly d: AuditLogDeps) {}

  async record(e: AuditEntry): Promise<void> {
    const actor = e.actor ?? SYSTEM_ACTOR;
    try {
      await repo.insertAudit(this.d.db, {
        at: new Date(this.d.clock.now()), actor, source: e.source ?? (actor === SYSTEM_ACTOR ? 'system' : 'api'),
        action: e.action.slice(0, 128), instance_id: e.instanceId ?? null,
        params: JSON.stringify(redactParams(e.params ?? {})),
        outcome: e.outcome.ok ? 'succeeded' : 'failed', status: e.outcome.status ?? null, error_code: e.outcome.ok ? null : e.outcome.code,
        address: e.address ?? null, method: e.method ?? null, route: e.route ?? null, request_id: e.requestId ?? null,
      });
    } catch (err) {
      // Never the parameters: the record failed, the log says which action.
      this.d.logger.warn({ action: e.action, instanceId: e.instanceId, err: (err as Error).message }, 'audit record not written');
    }
  }

  /** Runs one of the module's own actions and records it with its outcome, success or failure. */
  async run<T>(entry: Omit<AuditEntry, 'outcome'>, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      await this.record({ ...entry, outcome: { ok: true } });
      return result;
    } catch (err) {
      await this.record({ ...entry, outcome: failureOf(err) });
      throw err;
    }
  }

  list(filter: repo.AuditFilter): Promise<repo.AuditRow[]> {
    return repo.listAudit(this.d.db, filter);
  }

  /** Deletes records older than the retention, a batch at a time; returns how many went. */
  async prune(signal?: AbortSignal): Promise<number> {
    const before = new Date(this.d.clock.now() - this.d.retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      const n = await repo.pruneAudit(this.d.db, before, PRUNE_BATCH);
      total += n;
      if (n < PRUNE_BATCH || signal?.aborted) break;
    }
    if (total > 0) await this.record({ action: 'audit.retention', params: { deleted: total, before: before.toISOString() }, outcome: { ok: true } });
    return total;
  }
}
