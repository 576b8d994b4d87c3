import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface Pem { cert: string; key: string }

/**
 * An operator's own CA and a server certificate it signed, as an operator would bring them (made
 * here in-process; the podman tier verifies them with the engines' own clients).
 */
export async function operatorCa(name = 'Operator Test CA'): Promise<Pem & { issue(names: string[], validity?: { from?: Date; to?: Date }): Promise<Pem> }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`, keys, signingAlgorithm: ALG, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return {
    cert: ca.toString('pem'), key: await pkcs8(keys.privateKey),
    async issue(names, validity = {}) {
      const leafKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
      const leaf = await x509.X509CertificateGenerator.create({
        subject: `CN=${names[0]}`, issuer: ca.subject, publicKey: leafKeys.publicKey, signingKey: keys.privateKey, signingAlgorithm: ALG,
        notBefore: validity.from ?? new Date(Date.now() - DAY), notAfter: validity.to ?? new Date(Date.now() + 20 * DAY),
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: /^[\d.:]+$/.test(n) ? 'ip' as const : 'dns' as const, value: n }))),
        ],
      });
      return { cert: leaf.toString('pem'), key: await pkcs8(leafKeys.privateKey) };
    },
  };
}

async function pkcs8(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
