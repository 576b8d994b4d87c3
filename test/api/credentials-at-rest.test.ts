import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../src/constants.js';
import { insertInstance } from '../../src/db/repositories/instances.js';
import { migrateUp } from '../../src/db/migrator.js';
import { openStore, type Store } from '../../src/db/store.js';
import { CredentialManager } from '../../src/services/credential-manager.js';
import { tempDir } from '../helpers/host.js';
import { sealV1 } from '../helpers/legacy-seal.js';
import { memoryLogger } from '../helpers/logger.js';

// Credentials at rest on the embedded store: bound to their row, the old form still read.
let store: Store;
let dir: { path: string; remove(): Promise<void> };
const key = randomBytes(32);
beforeAll(async () => {
  dir = await tempDir('flux-creds-');
  store = await openStore({ dataDir: dir.path }, memoryLogger());
  await migrateUp(store.db);
});
afterAll(async () => { await store.close(); await dir.remove(); });

let n = 0;
async function instance(): Promise<number> {
  const name = `i${++n}-${randomBytes(2).toString('hex')}`;
  return (await insertInstance(store.db, {
    name, container_name: `db-${name}`, engine: 'postgresql', engine_version: '15', image: 'x', database_name: 'app',
    username: 'u', port: null, cpu_limit: 1, memory_limit_mb: 1024, storage_limit_gb: 10, limits_enforced: '{}', options: '{}',
  })).id;
}
const ciphertextOf = async (id: number) => (await store.db.selectFrom(TABLES.credentials).select('secret_ciphertext')
  .where('instance_id', '=', id).executeTakeFirstOrThrow()).secret_ciphertext;

describe('CredentialManager', () => {
  const manager = () => new CredentialManager(store.db, async () => key);

  it('a ciphertext copied to another row does not decrypt there', async () => {
    const [a, b] = [await instance(), await instance()];
    const m = manager();
    await m.store(a, 'admin', 'alice', 'password-of-a');
    await m.store(b, 'admin', 'alice', 'password-of-b');
    expect((await m.read(a, 'admin'))!.secret).toBe('password-of-a');
    // Someone with write access to the table swaps a's ciphertext into b's row.
    await store.db.updateTable(TABLES.credentials).set({ secret_ciphertext: await ciphertextOf(a) }).where('instance_id', '=', b).execute();
    await expect(m.read(b, 'admin')).rejects.toThrow(/does not decrypt for this row/);
  });

  it('reads a row sealed in the earlier form and re-seals it bound to its row', async () => {
    const id = await instance();
    const m = manager();
    await m.store(id, 'admin', 'bob', 'placeholder');
    await store.db.updateTable(TABLES.credentials).set({ secret_ciphertext: sealV1(key, 'legacy-password') }).where('instance_id', '=', id).execute();
    expect((await m.read(id, 'admin'))!.secret).toBe('legacy-password');
    const resealed = await ciphertextOf(id);
    expect(resealed).toMatch(/^v2:/);
    expect((await m.read(id, 'admin'))!.secret).toBe('legacy-password');
    // The next write seals v2 as well.
    await m.store(id, 'admin', 'bob', 'rotated');
    expect(await ciphertextOf(id)).toMatch(/^v2:/);
    expect((await m.read(id, 'admin'))!.secret).toBe('rotated');
  });

  it('does not cache a failed key load: the next use tries again', async () => {
    const id = await instance();
    let attempts = 0;
    const m = new CredentialManager(store.db, async () => {
      attempts++;
      if (attempts === 1) throw new Error('secrets/module.key does not hold a 32-byte base64 key');
      return key;
    });
    await expect(m.store(id, 'admin', 'carol', 'pw')).rejects.toThrow(/32-byte/);
    await m.store(id, 'admin', 'carol', 'pw');
    expect((await m.read(id, 'admin'))!.secret).toBe('pw');
    expect(attempts).toBe(2);
  });
});
