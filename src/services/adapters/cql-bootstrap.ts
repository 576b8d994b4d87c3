/**
 * The first start of the Cassandra family (Cassandra, ScyllaDB): with PasswordAuthenticator on,
 * the only account is the well-known superuser cassandra/cassandra. Three steps replace it:
 *   1. as cassandra (retried while Cassandra creates it, some seconds after the CQL port opens):
 *      create the instance's superuser role;
 *   2. as that new role (a role cannot alter its own superuser status): create the keyspace and
 *      take LOGIN and SUPERUSER away from cassandra;
 *   3. verify: a login as cassandra/cassandra must fail with an authentication error and the new
 *      role must log in. The step fails otherwise, so the instance never runs with the default open.
 * The scripts are constants; the file paths they use arrive as arguments ($1, $2), the values
 * they need are in planned files (the role's password only in secret ones). `-p cassandra` is the
 * image's public default, not a secret.
 */
import type { AdapterInput, ExecStep, PlannedFile } from './types.js';

export const CQLSHRC_FILE = '/run/secrets/cqlshrc';
export const ROLE_CQL_FILE = '/run/secrets/bootstrap-role.cql';
export const LOCKOUT_CQL_FILE = '/etc/flux-cql/bootstrap-lockout.cql';

/** CQL string literal: quotes doubled. */
export const cqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const CHECK = `-e 'SELECT release_version FROM system.local' 127.0.0.1 9042`;
/** Each step stays under the driver's per-step exec timeout (60 s), a cqlsh run (a few seconds) included. */
const UNTIL = 'end=$(( $(date +%s) + 45 )); while [ "$(date +%s)" -lt "$end" ]; do';

/** $1 cqlshrc of the new role, $2 CQL creating it. Done at once when the role can already log in. */
export const CREATE_ROLE_SCRIPT = [
  UNTIL,
  `  cqlsh --cqlshrc "$1" ${CHECK} >/dev/null 2>&1 && exit 0`,
  '  cqlsh -u cassandra -p cassandra -f "$2" 127.0.0.1 9042 >/dev/null 2>&1 && exit 0',
  '  sleep 2',
  'done',
  "echo 'could not create the instance role as the default superuser cassandra' >&2; exit 1",
].join('\n');

/** $1 cqlshrc of the new role, $2 CQL locking cassandra out: run as the new role. */
export const LOCKOUT_SCRIPT = [
  UNTIL,
  '  cqlsh --cqlshrc "$1" -f "$2" 127.0.0.1 9042 && exit 0',
  '  sleep 2',
  'done',
  "echo 'could not lock out the default superuser as the instance role' >&2; exit 1",
].join('\n');

/** $1 cqlshrc of the new role. Fails unless cassandra/cassandra is refused and the new role logs in. */
export const VERIFY_SCRIPT = [
  `if out=$(cqlsh -u cassandra -p cassandra ${CHECK} 2>&1); then`,
  "  echo 'the default superuser cassandra/cassandra still logs in' >&2; exit 1",
  'fi',
  'case "$out" in',
  "  *AuthenticationFailed*|*'Bad credentials'*) ;;",
  "  *) printf 'cannot tell whether cassandra is locked out: %s\\n' \"$out\" >&2; exit 1 ;;",
  'esac',
  `cqlsh --cqlshrc "$1" ${CHECK} >/dev/null 2>&1 || { echo 'the instance role cannot log in' >&2; exit 1; }`,
].join('\n');

/** The files the steps read: the new role's cqlshrc and creation CQL (secrets), the lock-out CQL. */
export function bootstrapFiles(input: AdapterInput): PlannedFile[] {
  const user = input.username; // checked identifier, never `cassandra` (see checkCqlUsername)
  // RawConfigParser: no interpolation, so the password needs no escaping (control characters are refused).
  const rc = `[authentication]\nusername = ${user}\npassword = ${input.password}\n`;
  const role = `CREATE ROLE IF NOT EXISTS ${user} WITH PASSWORD = ${cqlString(input.password)} AND SUPERUSER = true AND LOGIN = true;\n`;
  const lockout = [
    `CREATE KEYSPACE IF NOT EXISTS ${input.databaseName} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};`,
    'ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false;',
    '',
  ].join('\n');
  return [
    { target: CQLSHRC_FILE, content: rc, kind: 'secret' },
    { target: ROLE_CQL_FILE, content: role, kind: 'secret' },
    { target: LOCKOUT_CQL_FILE, content: lockout, kind: 'config' },
  ];
}

/** The three steps, in order; each is harmless when repeated. */
export function bootstrapSteps(): ExecStep[] {
  // The name ($0) says what the step does in errors and in the engine matrix.
  const step = (name: string, script: string, ...args: string[]): ExecStep => ({ kind: 'exec', argv: ['sh', '-c', script, name, ...args] });
  return [
    step('cql-create-role', CREATE_ROLE_SCRIPT, CQLSHRC_FILE, ROLE_CQL_FILE),
    step('cql-lock-out-cassandra', LOCKOUT_SCRIPT, CQLSHRC_FILE, LOCKOUT_CQL_FILE),
    step('cql-verify-lock-out', VERIFY_SCRIPT, CQLSHRC_FILE),
  ];
}

/** The default superuser is the one locked out: the instance's role needs another name. */
export function cqlUsernameProblem(username: string): string | null {
  return username === 'cassandra' ? 'the username "cassandra" is the default superuser this module locks out; choose another' : null;
}
