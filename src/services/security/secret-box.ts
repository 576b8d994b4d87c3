import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const KEY_BYTES = 32;

/**
 * AES-256-GCM under the module key. Stored form: `v2:<keyId>:<base64(iv|tag|ciphertext)>`, the
 * ciphertext bound to its context (associated data, e.g. the credential's instance, kind and
 * user): a ciphertext copied to another row fails to decrypt there. `v1:` is the earlier form
 * without associated data; it still decrypts, and callers re-seal it as v2.
 */
export class SecretBox {
  readonly keyId: string;
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`module key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v2:${this.keyId}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  /** Throws when the ciphertext was sealed for another context, with another key, or was altered. */
  decrypt(stored: string, context: string): string {
    const [version, keyId, payload] = stored.split(':');
    if ((version !== 'v1' && version !== 'v2') || !payload) throw new Error('unknown credential format');
    if (keyId !== this.keyId) throw new Error(`credential was sealed with key ${keyId}, not the current key ${this.keyId}`);
    const raw = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    if (version === 'v2') decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new Error('credential does not decrypt for this row (sealed for another one, or altered)', { cause: err });
    }
  }

  /** Whether `stored` is in the earlier form, not bound to its row. */
  static isLegacy(stored: string): boolean {
    return stored.startsWith('v1:');
  }
}

/** A base64 key of exactly 32 bytes, or an error naming where it came from. */
function parseKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new Error(`${source} does not hold a ${KEY_BYTES}-byte base64 key (found ${key.length} bytes); restore the right key, credentials sealed with another one cannot be read`);
  }
  return key;
}

/**
 * The configured key, or the key file `secrets/module.key` (0600), made on first start. It is
 * written to a temporary file and linked into place, so a reader never sees a partial key and
 * two modules starting together agree on one key (link fails for the second; it reads the first's).
 */
export async function loadModuleKey(dataDir: string, configured?: string): Promise<Buffer> {
  if (configured) return parseKey(configured, 'FLUX_DATABASES_MASTER_KEY');
  const file = path.join(dataDir, 'secrets', 'module.key');
  const existing = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (existing !== null) return parseKey(existing, file);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(randomBytes(KEY_BYTES).toString('base64') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.unlink(tmp).catch(() => undefined);
  }
  return parseKey(await fs.readFile(file, 'utf8'), file);
}
