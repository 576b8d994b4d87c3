import type { Kysely } from 'kysely';
import type { Database, InstanceRow } from '../../db/schema.js';
import { AdapterInputError, badRequest, conflict, ModuleError, notFound, notImplemented } from '../../errors.js';
import type { ModuleLogger } from '../../module-contract.js';
import { hasStatementsFor } from '../adapters/accounts/statements.js';
import { EngineRefusal } from '../adapters/families/account-errors.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import { getAdapter } from '../adapters/registry.js';
import type { AccountOperation, AccountsRole } from '../adapters/roles/accounts.js';
import type { EngineAdapter } from '../adapters/types.js';
import type { CredentialManager } from '../credential-manager.js';
import type { InstanceVolumes } from '../instances/collaborators.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import type { InstanceSupport } from '../instances/support.js';
import type { Clock } from '../scheduler/clock.js';
import type { AccountAudit } from './account-audit.js';

export interface AccountsDeps {
  db: Kysely<Database>;
  support: InstanceSupport;
  credentials: CredentialManager;
  volumes: Pick<InstanceVolumes, 'writeFiles'>;
  logger: ModuleLogger;
  audit: AccountAudit;
  clock: Clock;
}

const WHAT: Record<AccountOperation, string> = { rotation: 'password rotation', users: 'users', databases: 'inner databases' };
const FLAG: Record<AccountOperation, 'rotates' | 'users' | 'databases'> = { rotation: 'rotates', users: 'users', databases: 'databases' };

/**
 * The engine's accounts role when it performs `op`; otherwise the answer says why: 501 when the
 * engine has the operation but the module only declares its statements (no image of it runs
 * where the module is verified), 400 when the engine has no such thing.
 */
export function roleFor(adapter: EngineAdapter, op: AccountOperation): AccountsRole {
  const role = adapter.roles.accounts;
  if (role?.[FLAG[op]]) return role;
  const statements = role?.statements ?? adapter.declaredAccounts;
  const reason = role?.lacks[op] ?? statements?.lacks?.[op]
    ?? adapter.unsupported[op] ?? (op === 'rotation' ? adapter.unsupported.authentication : undefined);
  if (hasStatementsFor(statements, op)) {
    throw notImplemented(`${adapter.displayName}: ${WHAT[op]} are declared (${statements!.source}) but not run by the module`
      + (reason ? ` (${reason})` : ', as no image of this engine runs where the module is verified'));
  }
  throw badRequest(`${adapter.displayName} has no ${WHAT[op]}${reason ? `: ${reason}` : ''}; nothing changed`);
}

/** Replaces every secret in a message by asterisks: engine errors may quote a statement. */
export function redact(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('********');
  return out;
}

/**
 * An engine's answer as a coded error, its message free of secrets. `doing` says what was asked
 * and what it left changed; the engine's own reason follows.
 */
export function engineFailure(err: unknown, secrets: readonly (string | undefined)[], doing: string): ModuleError {
  if (err instanceof ModuleError) return new ModuleError(err.code, redact(err.message, secrets));
  const reason = redact(String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300), secrets);
  if (err instanceof AdapterInputError) return badRequest(`${doing}: ${reason}`);
  if (err instanceof EngineRefusal) {
    if (err.kind === 'conflict') return conflict(`${doing}: ${reason}`);
    if (err.kind === 'missing') return notFound(`${doing}: ${reason}`);
    if (err.kind === 'unsupported') return badRequest(`${doing}: ${reason}`);
  }
  return new ModuleError('ENGINE_REFUSED', `${doing}: ${reason}`);
}

export interface AccountTarget {
  row: InstanceRow;
  adapter: EngineAdapter;
  role: AccountsRole;
  endpoint: EngineEndpoint;
}

/** Under the instance's lock: the row as it is now, which must be running, and its engine's endpoint. */
export async function runningTarget(deps: AccountsDeps, id: number, op: AccountOperation): Promise<AccountTarget> {
  const row = await deps.support.get(id);
  const adapter = getAdapter(row.engine);
  const role = roleFor(adapter, op);
  if (!MEANT_TO_RUN.has(row.status)) {
    throw new ModuleError('CONFLICT', `Instance is ${row.status}: ${WHAT[op]} are changed and read inside the running engine; start it first`);
  }
  return { row, adapter, role, endpoint: await deps.support.driverOf(row).endpoint(row) };
}

/** Runs `task` under the instance's lock, after the cheap checks that need no lock (404, 400, 501). */
export async function locked<T>(deps: AccountsDeps, id: number, op: AccountOperation, task: (t: AccountTarget) => Promise<T>): Promise<T> {
  roleFor(getAdapter((await deps.support.get(id)).engine), op);
  return deps.support.lock.run(id, async () => task(await runningTarget(deps, id, op)));
}
