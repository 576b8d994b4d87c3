import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { SecretBox } from './secret-box.js';
import type { TlsMaterial } from './tls-material.js';

// The library signs through WebCrypto; node's implementation, no openssl child process.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
/** Instance certificates: a year and a month (browsers' and most clients' ceiling is 398 days). */
export const INSTANCE_CERT_DAYS = 397;
const CA_FILE = 'ca.json';
const SEAL_CONTEXT = 'tls-ca-key';

/** Names an instance certificate answers to. */
export interface CertificateNames {
  commonName: string;
  /** IP addresses and DNS names; each goes into the subject alternative names by its kind. */
  names: readonly string[];
}

interface StoredCa {
  version: 1;
  certificate: string;
  /** PKCS#8 of the CA key, base64, sealed with the module key. */
  key: string;
}

interface LoadedCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
  pem: string;
}

/**
 * The module's own certificate authority: made once per installation (ECDSA P-256, ten years),
 * kept in `<dir>/ca.json` (0600) with its key sealed by the module key, so a copy of the file
 * without the key file is of no use. Issues instance certificates with SANs for the addresses a
 * client uses; GET /tls/ca hands out its certificate.
 */
export class ModuleCa {
  private loaded?: Promise<LoadedCa>;

  constructor(private readonly options: { dir: string; moduleKey: () => Promise<Buffer>; now?: () => number }) {}

  private now(): Date {
    return new Date(this.options.now?.() ?? Date.now());
  }

  /** The CA certificate, PEM. */
  async certificatePem(): Promise<string> {
    return (await this.ca()).pem;
  }

  /** A new key and a certificate for it, signed by the CA, valid for INSTANCE_CERT_DAYS. */
  async issue(names: CertificateNames, days = INSTANCE_CERT_DAYS): Promise<TlsMaterial> {
    const ca = await this.ca();
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as CryptoKeyPair;
    const notBefore = new Date(this.now().getTime() - 5 * 60_000); // a little slack for clocks behind ours
    const unique = [...new Set(names.names)];
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(), subject: `CN=${dnValue(names.commonName)}`, issuer: ca.cert.subject,
      notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS), signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey, signingKey: ca.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(unique.map((n) => ({ type: isIP(n) ? 'ip' as const : 'dns' as const, value: n }))),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    return { cert: `${cert.toString('pem')}\n`, key: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n` };
  }

  private ca(): Promise<LoadedCa> {
    this.loaded ??= this.loadOrCreate().catch((err) => {
      this.loaded = undefined; // a later call tries again (a key file restored meanwhile)
      throw err;
    });
    return this.loaded;
  }

  private async loadOrCreate(): Promise<LoadedCa> {
    const file = path.join(this.options.dir, CA_FILE);
    const box = new SecretBox(await this.options.moduleKey());
    const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (existing !== null) return this.open(JSON.parse(existing) as StoredCa, box);
    const made = await this.create(box);
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    // Written aside, then linked into place: never seen half-written, and of two starters the
    // first link wins; the other reads the winner's CA.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(made.stored)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    try {
      await link(tmp, file);
      return made.loaded;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return this.open(JSON.parse(await readFile(file, 'utf8')) as StoredCa, box);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async open(stored: StoredCa, box: SecretBox): Promise<LoadedCa> {
    if (stored.version !== 1) throw new Error(`the module CA file has an unknown version ${String(stored.version)}`);
    const der = Buffer.from(box.decrypt(stored.key, SEAL_CONTEXT), 'base64');
    const key = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
    return { cert: new x509.X509Certificate(stored.certificate), key, pem: stored.certificate };
  }

  private async create(box: SecretBox): Promise<{ stored: StoredCa; loaded: LoadedCa }> {
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as CryptoKeyPair;
    const notBefore = new Date(this.now().getTime() - 5 * 60_000);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(), name: `CN=Flux Databases CA ${randomBytes(4).toString('hex')}, O=Flux Databases`,
      notBefore, notAfter: new Date(notBefore.getTime() + CA_DAYS * DAY_MS), signingAlgorithm: ALGORITHM, keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
    const pem = `${cert.toString('pem')}\n`;
    return {
      stored: { version: 1, certificate: pem, key: box.encrypt(pkcs8, SEAL_CONTEXT) },
      loaded: { cert, key: keys.privateKey, pem },
    };
  }
}

/** A positive 128-bit serial (the high bit clear keeps DER from reading it as negative). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

/** An RDN value with the characters RFC 4514 escapes. */
const dnValue = (s: string) => s.replace(/([,+"\\<>;=])/g, '\\$1');
