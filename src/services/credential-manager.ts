import type { Kysely } from 'kysely';
import type { CredentialRow, Database } from '../db/schema.js';
import { TABLES } from '../constants.js';
import { SecretBox } from './security/secret-box.js';


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
