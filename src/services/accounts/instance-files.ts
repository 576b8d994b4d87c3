import { createHash } from 'node:crypto';
import { listUsers } from '../../db/repositories/accounts.js';
import type { InstanceRow } from '../../db/schema.js';
import { getAdapter } from '../adapters/registry.js';
import type { FileAccount } from '../adapters/roles/accounts.js';
import { adapterInput } from '../drivers/container-support.js';
import type { AccountsDeps } from './account-context.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A password to use instead of the stored one (the user a change is about, before it is stored). */
export interface PendingPassword {
  username: string;
  /** null: the user is being dropped and leaves the files. */
  password: string | null;
}

/**
 * The users the engine keeps only in its files (AccountsRole.usersLiveInFiles), with the hash of
 * each one's stored password, or of `pending` for the user a change is about.
 */
export async function fileAccounts(deps: AccountsDeps, row: InstanceRow, pending?: PendingPassword): Promise<FileAccount[]> {
  if (!getAdapter(row.engine).roles.accounts?.usersLiveInFiles) return [];
  const out: FileAccount[] = [];
  for (const u of await listUsers(deps.db, row.id)) {
    const password = pending?.username === u.username ? pending.password : (await deps.credentials.read(row.id, 'user', u.username))?.secret;
    if (password) out.push({ username: u.username, role: u.role, keys: u.keys, passwordSha256: [sha256(password)] });
  }
  if (pending?.password && !out.some((a) => a.username === pending.username)) {
    throw new Error(`user ${pending.username} is not recorded; record it before its files are written`);
  }
  return out;
}

/**
 * Renders the instance's planned files again, as at create (adapter.plan(input).files, written
 * by the volume service), with this admin password and these accounts, so a restart of the engine
 * keeps what was changed inside it. Every feature that re-renders an instance's files goes
 * through here, or it would drop the users kept in them.
 */
export async function writeInstanceFiles(deps: AccountsDeps, row: InstanceRow, adminPassword: string, accounts: readonly FileAccount[]): Promise<void> {
  const adapter = getAdapter(row.engine);
  if (adapter.kind !== 'container') return;
  const plan = adapter.plan({ ...adapterInput(row, adminPassword), accounts });
  await deps.volumes.writeFiles(row.container_name, plan.files, plan.user);
}
