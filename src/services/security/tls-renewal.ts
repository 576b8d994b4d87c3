import type { Kysely } from 'kysely';
import { listInstances } from '../../db/repositories/instances.js';
import type { Database } from '../../db/schema.js';
import type { ModuleLogger } from '../../module-contract.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import { failureOf, type AuditRecorder } from './audit-log.js';
import { TLS_RELOADERS } from './tls-reload.js';
import type { TlsService } from './tls-service.js';

/** A module-issued certificate is replaced this long before it ends (they last 397 days). */
export const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface TlsRenewalDeps {
  db: Kysely<Database>;
  tls: Pick<TlsService, 'describe' | 'replace'>;
  audit: AuditRecorder;
  logger: ModuleLogger;
}

/**
 * Gives every instance whose certificate the module's CA issued, and that ends within
 * RENEW_BEFORE_DAYS of `now`, a new one (as PUT /databases/{id}/tls with no body would: reloaded,
 * restarted, or for a stopped instance at its next start). An operator's certificate is never
 * touched: only its owner can renew it. Each renewal is the module's own action in the audit
 * trail; one that fails leaves the previous certificate served and is recorded as failed.
 * Returns the ids renewed.
 */
export async function renewExpiring(d: TlsRenewalDeps, now = Date.now(), signal?: AbortSignal): Promise<number[]> {
  const renewed: number[] = [];
  for (const row of await listInstances(d.db)) {
    if (signal?.aborted) break;
    if (!row.tls_enabled || !TLS_RELOADERS[row.engine] || (!MEANT_TO_RUN.has(row.status) && row.status !== 'stopped')) continue;
    const current = await d.tls.describe(row).catch(() => null);
    if (current?.origin !== 'module' || current.notAfter.getTime() - now > RENEW_BEFORE_DAYS * DAY_MS) continue;
    const params = { ends: current.notAfter.toISOString(), fingerprint_sha256: current.fingerprint256 };
    try {
      const out = await d.tls.replace(row.id, {});
      renewed.push(row.id);
      await d.audit.record({ action: 'tls.renew', instanceId: row.id, params: { ...params, applied: out.applied, new_fingerprint_sha256: out.tls.fingerprint256 }, outcome: { ok: true } });
    } catch (err) {
      d.logger.warn({ instanceId: row.id, err: (err as Error).message }, 'renewing a module-issued certificate failed');
      await d.audit.record({ action: 'tls.renew', instanceId: row.id, params, outcome: failureOf(err) });
    }
  }
  return renewed;
}
