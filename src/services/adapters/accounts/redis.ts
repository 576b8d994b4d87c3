import { AdapterInputError } from '../../../errors.js';
import type { AccountRole, NewUser } from '../roles/accounts.js';
import { secret, userName, type AccountStatements, type EngineCall } from './statements.js';

/**
 * Command rules per role, applied left to right. readwrite: everything but administration and
 * the commands Redis marks dangerous (FLUSHALL, KEYS, CONFIG, DEBUG ...); readonly: reads and
 * the connection commands only, the dangerous ones taken out again.
 */
export const REDIS_COMMAND_RULES: Record<AccountRole, readonly string[]> = {
  admin: ['+@all'],
  readwrite: ['+@all', '-@admin', '-@dangerous'],
  readonly: ['-@all', '+@read', '+@connection', '-@dangerous'],
};

/** A key glob as ACL rules take it: no space, quote, slash or control character can end the rule; no `..`. */
const KEY_PATTERN = /^(?!.*\.\.)[A-Za-z0-9_:.\-*?[\]{}]{1,128}$/;

export function keyRules(keys: readonly string[]): string[] {
  const patterns = keys.length ? keys : ['*'];
  for (const k of patterns) {
    if (!KEY_PATTERN.test(k)) throw new AdapterInputError(`invalid key pattern ${JSON.stringify(k)}: must match ${KEY_PATTERN}`);
  }
  return patterns.map((k) => `~${k}`);
}

/** The ACL rules of a user after its passwords: keys, every Pub/Sub channel, the role's commands. */
export function aclRules(role: AccountRole, keys: readonly string[]): string[] {
  return [...keyRules(keys), '&*', ...REDIS_COMMAND_RULES[role]];
}

const redis = (...args: string[]): EngineCall => ({ via: 'redis', args });

/**
 * The Redis family's ACL (CONTRACTS §11-§13): the admin is the `default` user (requirepass), and
 * a user can hold several passwords at once, which gives rotation a grace period. Named databases
 * do not exist (numbered keyspaces only).
 */
export class RedisStatements implements AccountStatements {
  readonly source = 'CONTRACTS.md §11 (ACL SETUSER u on >pw ~* +@all, ACL SETUSER u resetpass >new)';
  readonly lacks = { databases: 'numbered keyspaces (SELECT 0-15) only, no named databases' };

  setPassword(username: string, password: string, options: { keepCurrent: boolean }): EngineCall[] {
    const pass = `>${secret(password)}`;
    return [options.keepCurrent ? redis('ACL', 'SETUSER', userName(username), pass) : redis('ACL', 'SETUSER', userName(username), 'resetpass', pass)];
  }

  dropOtherPasswords(username: string, current: string): EngineCall[] {
    return [redis('ACL', 'SETUSER', userName(username), 'resetpass', `>${secret(current)}`)];
  }

  /** `reset` first: a user is defined by these rules alone, whatever an earlier one of that name had. */
  createUser(user: NewUser): EngineCall[] {
    if (user.databases.length > 0) throw new AdapterInputError(`the Redis family has no named databases; use 'keys' (key patterns) instead`);
    return [redis('ACL', 'SETUSER', userName(user.username), 'reset', 'on', `>${secret(user.password)}`, ...aclRules(user.role, user.keys))];
  }

  dropUser(username: string): EngineCall[] {
    return [redis('ACL', 'DELUSER', userName(username))];
  }

  listUsers(): EngineCall {
    return redis('ACL', 'USERS');
  }
}
