import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/** The v1 credential form as the module wrote it before ciphertexts were bound to their rows. */
export function sealV1(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return `v1:${keyId}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
}
