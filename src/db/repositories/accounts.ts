import type { Kysely, Selectable } from 'kysely';
import { TABLES } from '../../constants.js';
import type { AccountRole } from '../../services/adapters/roles/accounts.js';
import type { Database, PasswordGraceTable } from '../schema.js';

/** A user the module created inside an instance's engine (its password is in the credentials table). */
export interface RecordedUser {
  username: string;
  role: AccountRole;
  databases: string[];
  keys: string[];
  createdAt: Date;
}

const parse = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? (JSON.parse(v) as string[]) : []);

export async function listUsers(db: Kysely<Database>, instanceId: number): Promise<RecordedUser[]> {
  const rows = await db.selectFrom(TABLES.users).selectAll().where('instance_id', '=', instanceId).orderBy('username').execute();
  return rows.map((r) => ({ username: r.username, role: r.role, databases: parse(r.databases), keys: parse(r.key_patterns), createdAt: r.created_at }));
}

export async function findUser(db: Kysely<Database>, instanceId: number, username: string): Promise<RecordedUser | undefined> {
  return (await listUsers(db, instanceId)).find((u) => u.username === username);
}

export async function recordUser(db: Kysely<Database>, instanceId: number, user: Omit<RecordedUser, 'createdAt'>, credentialId: number): Promise<void> {
  const values = {
    credential_id: credentialId, role: user.role, databases: JSON.stringify(user.databases), key_patterns: JSON.stringify(user.keys),
    permissions: JSON.stringify([user.role]),
  };
  await db.insertInto(TABLES.users).values({ instance_id: instanceId, username: user.username, ...values })
    .onConflict((oc) => oc.columns(['instance_id', 'username']).doUpdateSet(values)).execute();
}

export async function forgetUser(db: Kysely<Database>, instanceId: number, username: string): Promise<void> {
  await db.deleteFrom(TABLES.users).where('instance_id', '=', instanceId).where('username', '=', username).execute();
}

export interface RecordedDatabase {
  name: string;
  createdAt: Date;
}

export async function listInnerDatabases(db: Kysely<Database>, instanceId: number): Promise<RecordedDatabase[]> {
  const rows = await db.selectFrom(TABLES.databases).select(['name', 'created_at']).where('instance_id', '=', instanceId).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, createdAt: r.created_at }));
}

export async function recordInnerDatabase(db: Kysely<Database>, instanceId: number, name: string, owner: string | null): Promise<void> {
  await db.insertInto(TABLES.databases).values({ instance_id: instanceId, name, owner })
    .onConflict((oc) => oc.columns(['instance_id', 'name']).doNothing()).execute();
}

export async function forgetInnerDatabase(db: Kysely<Database>, instanceId: number, name: string): Promise<void> {
  await db.deleteFrom(TABLES.databases).where('instance_id', '=', instanceId).where('name', '=', name).execute();
}

export type GraceRow = Selectable<PasswordGraceTable>;

/** One grace period per user: a newer rotation replaces the one before. */
export async function scheduleGrace(db: Kysely<Database>, instanceId: number, username: string, admin: boolean, dropAt: Date): Promise<void> {
  await db.insertInto(TABLES.passwordGrace).values({ instance_id: instanceId, username, admin, drop_at: dropAt })
    .onConflict((oc) => oc.columns(['instance_id', 'username']).doUpdateSet({ admin, drop_at: dropAt, attempts: 0, last_error: null })).execute();
}

export async function cancelGrace(db: Kysely<Database>, instanceId: number, username: string): Promise<void> {
  await db.deleteFrom(TABLES.passwordGrace).where('instance_id', '=', instanceId).where('username', '=', username).execute();
}

export async function findGrace(db: Kysely<Database>, instanceId: number, username: string): Promise<GraceRow | undefined> {
  return db.selectFrom(TABLES.passwordGrace).selectAll().where('instance_id', '=', instanceId).where('username', '=', username).executeTakeFirst();
}

export async function dueGraces(db: Kysely<Database>, now: Date): Promise<GraceRow[]> {
  return db.selectFrom(TABLES.passwordGrace).selectAll().where('drop_at', '<=', now).orderBy('drop_at').execute();
}

export async function graceFailed(db: Kysely<Database>, id: number, error: string): Promise<void> {
  await db.updateTable(TABLES.passwordGrace).set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1000) })).where('id', '=', id).execute();
}

export async function graceDone(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom(TABLES.passwordGrace).where('id', '=', id).execute();
}
