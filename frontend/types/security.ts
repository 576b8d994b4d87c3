/** The audit trail's and TLS routes' answers, from the API's own schemas (kept apart: they land with the security feature). */
export type { AuditRecordView } from '../../src/http/schemas/audit.js';
export type { InstanceTlsView, TlsBody, TlsReplacedView } from '../../src/http/schemas/tls.js';
