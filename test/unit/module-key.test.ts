import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModuleKey, SecretBox } from '../../src/services/security/secret-box.js';
import { tempDir } from '../helpers/host.js';
import { sealV1 } from '../helpers/legacy-seal.js';

const dirs: { remove(): Promise<void> }[] = [];
afterEach(async () => { for (const d of dirs.splice(0)) await d.remove(); });
async function dataDir(): Promise<string> {
  const d = await tempDir('flux-key-');
  dirs.push(d);
  return d.path;
}

describe('loadModuleKey', () => {
  it('makes one key, 0600, when many starters race for it; each of them reads a whole 32-byte key', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = await dataDir();
      const keys = await Promise.all(Array.from({ length: 16 }, () => loadModuleKey(dir)));
      expect(keys.every((k) => k.length === 32)).toBe(true);
      expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1);
      const file = path.join(dir, 'secrets', 'module.key');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readdir(path.dirname(file))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toEqual(keys[0]);
      // The next start reads the same key.
      expect(await loadModuleKey(dir)).toEqual(keys[0]);
    }
  });

  it.each([
    ['a truncated key', randomBytes(32).toString('base64').slice(0, 20)],
    ['a 16-byte key', randomBytes(16).toString('base64')],
    ['an empty file (a writer that died early)', ''],
    ['not base64', 'this is not a key at all!!'],
  ])('refuses %s, naming the file, and never replaces it', async (_what, content) => {
    const dir = await dataDir();
    const file = path.join(dir, 'secrets', 'module.key');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content, { mode: 0o600 });
    await expect(loadModuleKey(dir)).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not hold a 32-byte base64 key`));
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('checks a configured key the same way', async () => {
    const key = randomBytes(32);
    expect(await loadModuleKey(await dataDir(), key.toString('base64'))).toEqual(key);
    await expect(loadModuleKey(await dataDir(), randomBytes(24).toString('base64'))).rejects.toThrow(/FLUX_DATABASES_MASTER_KEY does not hold a 32-byte/);
  });
});

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('binds a ciphertext to its context: another context does not decrypt it', () => {
    const sealed = box.encrypt('s3cret', 'row-1');
    expect(sealed).toMatch(/^v2:/);
    expect(box.decrypt(sealed, 'row-1')).toBe('s3cret');
    expect(() => box.decrypt(sealed, 'row-2')).toThrow(/does not decrypt for this row/);
  });

  it('still opens the earlier unbound v1 form', () => {
    const key = randomBytes(32);
    const legacy = sealV1(key, 'old-secret');
    expect(SecretBox.isLegacy(legacy)).toBe(true);
    expect(new SecretBox(key).decrypt(legacy, 'any row')).toBe('old-secret');
  });

  it('refuses another key\'s ciphertext and an altered one', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.decrypt(box.encrypt('x', 'c'), 'c')).toThrow(/sealed with key/);
    const sealed = box.encrypt('x', 'c');
    const flipped = sealed.slice(0, -4) + (sealed.at(-4) === 'A' ? 'B' : 'A') + sealed.slice(-3);
    expect(() => box.decrypt(flipped, 'c')).toThrow();
  });
});
