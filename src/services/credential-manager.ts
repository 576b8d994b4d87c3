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
    if (!this.box) {
      const loading = this.key().then((k) => new SecretBox(k));
      // A failed load (key file unreadable, wrong length) is tried again on the next use, not cached.
      loading.catch(() => { if (this.box === loading) this.box = undefined; });
      this.box = loading;
    }
    return this.box;
  }

  /** Stores (or replaces) one credential; resolves with its row id. */
  async store(instanceId: number, kind: CredentialKind, username: string, secret: string): Promise<number> {
    const box = await this.secretBox();
    const sealed = box.encrypt(secret, sealContext(instanceId, kind, username));
    const row = await this.db
      .insertInto(TABLES.credentials)
      .values({ instance_id: instanceId, kind, username, secret_ciphertext: sealed, key_id: box.keyId })
      .onConflict((oc) => oc.columns(['instance_id', 'kind', 'username']).doUpdateSet({
        secret_ciphertext: sealed, key_id: box.keyId, rotated_at: new Date(),
      }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The latest credential of that kind, or (users) the one of that username. */
  async read(instanceId: number, kind: CredentialKind, username?: string): Promise<{ username: string; secret: string } | null> {
    let query = this.db.selectFrom(TABLES.credentials).selectAll().where('instance_id', '=', instanceId).where('kind', '=', kind);
    if (username !== undefined) query = query.where('username', '=', username);
    const row = await query.orderBy('id', 'desc').executeTakeFirst();
    if (!row) return null;
    const box = await this.secretBox();
    const context = sealContext(row.instance_id, row.kind, row.username);
    const secret = box.decrypt(row.secret_ciphertext, context);
    if (SecretBox.isLegacy(row.secret_ciphertext)) {
      // Bind the earlier, unbound form to its row now; only if nobody rewrote the row meanwhile.
      await this.db.updateTable(TABLES.credentials).set({ secret_ciphertext: box.encrypt(secret, context), key_id: box.keyId })
        .where('id', '=', row.id).where('secret_ciphertext', '=', row.secret_ciphertext).execute();
    }
    return { username: row.username, secret };
  }

  /** Forgets one credential (a user dropped from its engine). */
  async remove(instanceId: number, kind: CredentialKind, username: string): Promise<void> {
    await this.db.deleteFrom(TABLES.credentials).where('instance_id', '=', instanceId).where('kind', '=', kind).where('username', '=', username).execute();
  }
}

/** The associated data a credential is sealed with: the row it belongs to. */
function sealContext(instanceId: number, kind: CredentialKind, username: string): string {
  return JSON.stringify(['620600.credential', instanceId, kind, username]);
}
