import type { AuditRow } from '../../db/repositories/audit.js';
import type { InstanceTls } from '../../services/security/tls-service.js';
import type { AuditRecordView } from '../schemas/audit.js';
import type { InstanceTlsView } from '../schemas/tls.js';

/** An instance's certificate as GET/PUT /databases/{id}/tls answer it; `null`: the instance has no TLS. */
export function tlsView(tls: InstanceTls | null): InstanceTlsView {
  if (!tls) {
    return { enabled: false, origin: null, subject: null, issuer: null, sans: [], not_before: null, not_after: null, fingerprint_sha256: null, serial: null, certificate: null };
  }
  return {
    enabled: true, origin: tls.origin, subject: tls.subject, issuer: tls.issuer, sans: tls.sans,
    not_before: tls.notBefore.toISOString(), not_after: tls.notAfter.toISOString(),
    fingerprint_sha256: tls.fingerprint256, serial: tls.serial, certificate: tls.certificate,
  };
}

export function auditView(r: AuditRow): AuditRecordView {
  return {
    id: Number(r.id), at: new Date(r.at).toISOString(), actor: r.actor, source: r.source, action: r.action, instance_id: r.instance_id,
    params: r.params, outcome: r.outcome, status: r.status, error_code: r.error_code, address: r.address, method: r.method,
    route: r.route, request_id: r.request_id,
  };
}
