import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { badRequest } from '../../errors.js';

/** A server's certificate (the leaf first, then any intermediates) and its private key, both PEM. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/** What the module shows of a certificate: never the key. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** Subject alternative names as `DNS:name` / `IP Address:addr`. */
  sans: string[];
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER, upper-case hex pairs joined by ':' (as openssl and node print it). */
  fingerprint256: string;
  serial: string;
}

const MAX_PEM_BYTES = 16 * 1024;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /^-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END \1-----\s*$/;

/** Strict base64 of at most 16 KiB, as the create and PUT /tls bodies carry PEM. */
export function decodeBase64Pem(value: string, field: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) throw badRequest(`${field} must be base64 (of a PEM block)`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length > MAX_PEM_BYTES) throw badRequest(`${field} must be at most ${MAX_PEM_BYTES} bytes of PEM`);
  return bytes.toString('utf8');
}

/** The certificates of a PEM bundle, leaf first; 400 unless the text is PEM certificates and nothing else. */
export function parseCertificates(pem: string, field = 'tls_cert'): X509Certificate[] {
  const blocks = pem.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0 || pem.replace(CERT_BLOCK, '').trim() !== '') {
    throw badRequest(`${field} is not a PEM certificate (-----BEGIN CERTIFICATE----- blocks and nothing else)`);
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw badRequest(`${field}: certificate ${i + 1} of the PEM does not parse as X.509`);
    }
  });
}

function parseKey(pem: string, field: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem)) throw badRequest(`${field} is encrypted; give the key without a passphrase (the engine reads it unattended)`);
  if (!KEY_BLOCK.test(pem)) throw badRequest(`${field} is not one PEM private key block (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)`);
  try {
    return createPrivateKey(pem);
  } catch {
    throw badRequest(`${field} does not parse as a private key`);
  }
}

/**
 * Checks an operator's certificate and key before anything is written: PEM, the key belongs to
 * the leaf certificate, the leaf is valid now (not expired, not yet to come). 400 naming the
 * problem otherwise. Messages never quote the material.
 */
export function checkMaterial(cert: string, key: string, now = new Date()): TlsMaterial {
  const [leaf, ...chain] = parseCertificates(cert);
  const privateKey = parseKey(key, 'tls_key');
  if (!leaf!.checkPrivateKey(privateKey)) throw badRequest('tls_key does not belong to tls_cert (the key does not match the certificate\'s public key)');
  for (const [what, c] of [['tls_cert', leaf!], ...chain.map((c, i) => [`tls_cert intermediate ${i + 1}`, c] as const)] as const) {
    if (new Date(c.validTo) <= now) throw badRequest(`${what} expired on ${new Date(c.validTo).toISOString()}`);
    if (new Date(c.validFrom) > now) throw badRequest(`${what} is not valid before ${new Date(c.validFrom).toISOString()}`);
  }
  return { cert: normalise(cert), key: normalise(key) };
}

const normalise = (pem: string) => `${pem.replace(/\r\n/g, '\n').trim()}\n`;

/** Subject, issuer, names, validity and fingerprint of a PEM bundle's leaf. */
export function certificateFacts(pem: string): CertificateFacts {
  const leaf = parseCertificates(pem)[0]!;
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    sans: leaf.subjectAltName ? leaf.subjectAltName.split(', ') : [],
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    fingerprint256: leaf.fingerprint256,
    serial: leaf.serialNumber,
  };
}

/** Whether `pem`'s leaf was signed by the CA certificate `caPem`. */
export function issuedBy(pem: string, caPem: string): boolean {
  const leaf = parseCertificates(pem)[0]!;
  const ca = new X509Certificate(caPem);
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

/** Base64 PEM as the create and PUT /tls bodies carry it: both or neither. */
export function operatorMaterial(body: { tls_cert?: string; tls_key?: string }): TlsMaterial | null {
  if (body.tls_cert === undefined && body.tls_key === undefined) return null;
  if (body.tls_cert === undefined || body.tls_key === undefined) {
    throw badRequest('tls_cert and tls_key go together (base64 PEM); leave both out to have the module\'s CA issue one');
  }
  return checkMaterial(decodeBase64Pem(body.tls_cert, 'tls_cert'), decodeBase64Pem(body.tls_key, 'tls_key'));
}
