import { Type, type Static } from 'typebox';
import { literals, Nullable } from './common.js';

const Iso = Type.String({ format: 'date-time' });
const Base64Pem = (what: string) => Type.String({ minLength: 1, maxLength: 32_768, description: `${what}, PEM, base64-encoded` });

/** PUT /databases/{id}/tls: the operator's certificate and key, or neither (the module's CA issues one). */
export const TlsBody = Type.Object({
  tls_cert: Type.Optional(Base64Pem('the server certificate (then any intermediates)')),
  tls_key: Type.Optional(Base64Pem('its private key, unencrypted')),
}, { additionalProperties: false, description: 'both fields, or neither to have the module\'s CA issue a new certificate' });
export type TlsBody = Static<typeof TlsBody>;

/** An instance's certificate: public facts and the certificate itself, never its key. */
export const InstanceTlsView = Type.Object({
  enabled: Type.Boolean(),
  origin: Nullable(literals(['module', 'operator'], { description: 'module: issued by the module\'s CA (GET /tls/ca); operator: supplied' })),
  subject: Nullable(Type.String()),
  issuer: Nullable(Type.String()),
  sans: Type.Array(Type.String(), { description: 'subject alternative names, as DNS:… and IP Address:…' }),
  not_before: Nullable(Iso),
  not_after: Nullable(Iso),
  fingerprint_sha256: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  certificate: Nullable(Type.String({ description: 'the PEM the engine serves (public)' })),
});
export type InstanceTlsView = Static<typeof InstanceTlsView>;

export const TlsReplacedView = Type.Object({
  tls: InstanceTlsView,
  applied: literals(['reloaded', 'restarted', 'at_next_start'], {
    description: 'reloaded: the engine re-read its files; restarted: the engine reads them only at start; at_next_start: the instance is stopped',
  }),
});
export type TlsReplacedView = Static<typeof TlsReplacedView>;

/** GET /tls/ca answers the PEM itself (curl -o ca.pem), not JSON. */
export const CaCertificatePem = {
  description: 'the module CA\'s certificate, PEM: what clients verify module-issued instance certificates with',
  content: { 'application/x-pem-file': { schema: Type.String() } },
};
