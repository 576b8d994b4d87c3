import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { CredentialRow, Database } from '../db/schema.js';
import { TABLES } from '../constants.js';

const ADJECTIVES = ['quick', 'lazy', 'happy', 'clever', 'brave', 'calm', 'wise', 'bold', 'bright', 'cool', 'fair', 'fine',
  'free', 'kind', 'neat', 'pure', 'rare', 'real', 'rich', 'safe', 'soft', 'tall', 'warm', 'wild', 'blue', 'dark', 'deep',
  'easy', 'even', 'fast', 'good', 'high'];
const NOUNS = ['fox', 'cat', 'dog', 'owl', 'lion', 'bear', 'wolf', 'tiger', 'eagle', 'hawk', 'raven', 'crane', 'swan', 'dove',
  'crow', 'lark', 'river', 'mountain', 'ocean', 'forest', 'meadow', 'valley', 'peak', 'lake', 'star', 'moon', 'sun', 'cloud',
  'wind', 'rain', 'snow', 'storm'];

// Letters and digits only: safe in every engine's config syntax, shell-free env, JDBC and URIs,
// and still 190 bits for 32 characters. MSSQL's complexity rule (3 of 4 classes) is met by the
// guaranteed upper, lower and digit; a leading letter keeps Oracle's unquoted-password rule.
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALPHABET = LOWER + UPPER + DIGITS;

const pick = (chars: string) => chars[randomInt(chars.length)]!;

const pickWord = (list: string[]) => list[randomInt(list.length)]!;

/** `<adjective>_<noun>_<0..999>`, drawn with a CSPRNG; a valid identifier in every engine. */
export function generateUsername(): string {
  return `${pickWord(ADJECTIVES)}_${pickWord(NOUNS)}_${randomInt(1000)}`;
}

export function generatePassword(length = 32): string {
  if (length < 12) throw new Error('password length must be at least 12');
  for (;;) {
    const chars = [pick(LOWER + UPPER), ...Array.from({ length: length - 1 }, () => pick(ALPHABET))];
    const s = chars.join('');
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
  }
}

/** AES-256-GCM under the module key. Stored form: `v1:<keyId>:<base64(iv|tag|ciphertext)>`. */
export class SecretBox {
  readonly keyId: string;
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('module key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${this.keyId}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    const [version, keyId, payload] = stored.split(':');
    if (version !== 'v1' || !payload) throw new Error('unknown credential format');
    if (keyId !== this.keyId) throw new Error(`credential was sealed with key ${keyId}, not the current key ${this.keyId}`);
    const raw = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** The configured key, or a key file made with mode 0600 on first start and reused after. */
export async function loadModuleKey(dataDir: string, configured?: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.join(dataDir, 'secrets', 'module.key');
  try {
    const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
    if (key.length === 32) return key;
    throw new Error(`${file} does not hold a 32-byte base64 key`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' so two processes starting together never overwrite each other's key.
  await fs.writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).catch(async (err) => {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  });
  return Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
}

export type CredentialKind = CredentialRow['kind'];

/** Stores and reads instance credentials, always encrypted at rest. */
export class CredentialManager {
  private box?: Promise<SecretBox>;

  /** `key` is loaded on first use (the key file may not exist before the enable hook ran). */
  constructor(private readonly db: Kysely<Database>, private readonly key: () => Promise<Buffer>) {}

  private secretBox(): Promise<SecretBox> {
    return (this.box ??= this.key().then((k) => new SecretBox(k)));
  }

  async store(instanceId: number, kind: CredentialKind, username: string, secret: string): Promise<void> {
    const box = await this.secretBox();
    const sealed = box.encrypt(secret);
    await this.db
      .insertInto(TABLES.credentials)
      .values({ instance_id: instanceId, kind, username, secret_ciphertext: sealed, key_id: box.keyId })
      .onConflict((oc) => oc.columns(['instance_id', 'kind', 'username']).doUpdateSet({
        secret_ciphertext: sealed, key_id: box.keyId, rotated_at: new Date(),
      }))
      .execute();
  }

  async read(instanceId: number, kind: CredentialKind): Promise<{ username: string; secret: string } | null> {
    const row = await this.db.selectFrom(TABLES.credentials).selectAll()
      .where('instance_id', '=', instanceId).where('kind', '=', kind)
      .orderBy('id', 'desc').executeTakeFirst();
    return row ? { username: row.username, secret: (await this.secretBox()).decrypt(row.secret_ciphertext) } : null;
  }
}
