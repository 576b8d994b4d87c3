import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateFacts, checkMaterial, decodeBase64Pem, operatorMaterial, parseCertificates } from '../../src/services/security/tls-material.js';
import { tempDir } from '../helpers/host.js';
import { b64, operatorCa } from '../helpers/tls-fixtures.js';

const bad = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(message);
  try { fn(); } catch (err) { expect((err as { code?: string }).code).toBe('BAD_REQUEST'); }
};

describe('an operator\'s certificate and key', () => {
  it('accepts a matching pair with its chain, from openssl as an operator makes one (RSA, CA:TRUE self-signed)', async () => {
    const dir = await tempDir();
    try {
      const [cert, key] = [path.join(dir.path, 'c.pem'), path.join(dir.path, 'k.pem')];
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=db.example', '-addext', 'subjectAltName=DNS:db.example,IP:127.0.0.1'], { stdio: 'ignore' });
      const m = checkMaterial(readFileSync(cert, 'utf8'), readFileSync(key, 'utf8'));
      expect(certificateFacts(m.cert)).toMatchObject({ subject: 'CN=db.example', sans: ['DNS:db.example', 'IP Address:127.0.0.1'] });
    } finally {
      await dir.remove();
    }
    const ca = await operatorCa();
    const leaf = await ca.issue(['localhost']);
    expect(parseCertificates(checkMaterial(`${leaf.cert}\n${ca.cert}`, leaf.key).cert)).toHaveLength(2);
  });

  it('refuses what is not PEM, a key of another certificate, an expired or future certificate, an encrypted key', async () => {
    const ca = await operatorCa();
    const a = await ca.issue(['localhost']);
    const b = await ca.issue(['localhost']);
    bad(() => checkMaterial('hello', a.key), /not a PEM certificate/);
    bad(() => checkMaterial(`${a.cert}\ntrailing junk`, a.key), /not a PEM certificate/);
    bad(() => checkMaterial(a.cert, a.cert), /not one PEM private key block/);
    bad(() => checkMaterial(a.cert, b.key), /does not belong to tls_cert/);
    bad(() => checkMaterial(a.cert, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), /does not parse as a private key/);
    bad(() => checkMaterial(a.cert, '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n'), /encrypted/);
    const day = 86_400_000;
    const old = await ca.issue(['localhost'], { from: new Date(Date.now() - 3 * day), to: new Date(Date.now() - day) });
    bad(() => checkMaterial(old.cert, old.key), /expired on/);
    const later = await ca.issue(['localhost'], { from: new Date(Date.now() + day), to: new Date(Date.now() + 3 * day) });
    bad(() => checkMaterial(later.cert, later.key), /not valid before/);
    // An expired intermediate in the chain is refused too.
    expect(() => checkMaterial(`${a.cert}\n${old.cert}`, a.key)).toThrow(/intermediate 1 expired/);
  });

  it('reads base64 PEM strictly, both fields or neither, and never quotes the material', async () => {
    const a = await (await operatorCa()).issue(['localhost']);
    expect(operatorMaterial({})).toBeNull();
    bad(() => operatorMaterial({ tls_cert: b64(a.cert) }), /go together/);
    bad(() => decodeBase64Pem('a b', 'tls_cert'), /base64/);
    bad(() => decodeBase64Pem('QUJD=', 'tls_cert'), /base64/);
    bad(() => decodeBase64Pem(Buffer.alloc(17 * 1024).toString('base64'), 'tls_key'), /at most 16384 bytes/);
    try {
      operatorMaterial({ tls_cert: b64(a.cert), tls_key: b64(a.cert) });
    } catch (err) {
      expect((err as Error).message).not.toContain(a.cert.split('\n')[1]);
    }
  });
});
