import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_DATABASE_SCRIPT } from '../../src/services/adapters/couchdb.js';
import { getAdapter } from '../../src/services/adapters/registry.js';
import type { AdapterInput, ExecStep } from '../../src/services/adapters/types.js';

/**
 * The first-start shell steps run for real, by the machine's sh and bash: the Cassandra family's
 * against a small cqlsh stand-in that keeps roles in files and refuses what Cassandra refuses (a
 * wrong or locked-out login, a role altering its own superuser status), CouchDB's against an HTTP
 * server. The engines themselves cannot run here (no registry): the podman tier covers the live ones.
 */
const FAKE_CQLSH = `#!/bin/bash
state=$FAKE_CQL; user= pass= rc= file=
while [ $# -gt 0 ]; do case "$1" in
  -u) user=$2; shift 2 ;; -p) pass=$2; shift 2 ;; --cqlshrc) rc=$2; shift 2 ;;
  -f) file=$2; shift 2 ;; -e) shift 2 ;; *) shift ;; esac; done
if [ -n "$rc" ]; then user=$(sed -n 's/^username = //p' "$rc"); pass=$(sed -n 's/^password = //p' "$rc"); fi
if [ -n "$FAKE_DOWN" ]; then echo "Connection error: ('Unable to connect to any servers', {'127.0.0.1:9042': ConnectionRefusedError(111)})" >&2; exit 1; fi
if [ ! -f "$state/roles/$user" ] || [ "$(cat "$state/roles/$user")" != "$pass" ] || [ -f "$state/nologin/$user" ]; then
  echo "Connection error: ('Unable to connect to any servers', {'127.0.0.1:9042': AuthenticationFailed('Error from server: code=0100 [Bad credentials]')})" >&2; exit 1
fi
[ -n "$file" ] || exit 0
while IFS= read -r line; do case "$line" in
  "CREATE ROLE IF NOT EXISTS "*) name=\${line#CREATE ROLE IF NOT EXISTS }; name=\${name%% *}
    [ -f "$state/roles/$name" ] || printf '%s' "$(printf '%s' "$line" | sed -n "s/.*PASSWORD = '\\(.*\\)' AND SUPERUSER.*/\\1/p")" > "$state/roles/$name" ;;
  "ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false;")
    if [ "$user" = cassandra ]; then echo "Unauthorized: You aren't allowed to alter your own superuser status" >&2; exit 2; fi
    [ -n "$FAKE_IGNORE_LOCKOUT" ] || touch "$state/nologin/cassandra" ;;
esac; done < "$file"
`;

const run = (argv: string[], env: Record<string, string>) => new Promise<{ code: number; stderr: string }>((resolve) => {
  execFile(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, timeout: 20_000 }, (err, _out, stderr) => {
    resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr });
  });
});

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'flux-first-start-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe.each(['cassandra', 'scylladb'] as const)('%s first start against a cqlsh stand-in', (engine) => {
  const a = getAdapter(engine);
  const input: AdapterInput = {
    containerName: 'flux-db-steps', databaseName: 'app_db', username: 'app_user', password: 'S3cret-role-pw',
    version: a.defaultVersion, sizing: { memoryMb: 4096, cpus: 2, storageGb: 20 },
  };
  let state: string;
  let env: Record<string, string>;
  let steps: ExecStep[];

  beforeAll(async () => {
    const root = path.join(dir, engine);
    state = path.join(root, 'state');
    await mkdir(path.join(state, 'roles'), { recursive: true });
    await mkdir(path.join(state, 'nologin'), { recursive: true });
    await writeFile(path.join(state, 'roles', 'cassandra'), 'cassandra');
    await mkdir(path.join(root, 'bin'));
    await writeFile(path.join(root, 'bin', 'cqlsh'), FAKE_CQLSH);
    await chmod(path.join(root, 'bin', 'cqlsh'), 0o755);
    // The planned files, where the steps' arguments point (container paths mapped to this dir).
    const where = new Map<string, string>();
    for (const f of a.plan(input).files) {
      const host = path.join(root, path.basename(f.target));
      await writeFile(host, f.content);
      where.set(f.target, host);
    }
    steps = (a.postStartCommands?.(input) ?? []).map((s) => ({ ...s, argv: s.argv.map((x) => where.get(x) ?? x) }));
    env = { PATH: `${path.join(root, 'bin')}:${process.env.PATH}`, FAKE_CQL: state };
  });

  it('creates the role, locks cassandra out as that role, and verifies it', async () => {
    for (const s of steps) expect(await run(s.argv, env), s.argv[2]?.slice(0, 60)).toMatchObject({ code: 0 });
    expect(await readFile(path.join(state, 'roles', 'app_user'), 'utf8')).toBe('S3cret-role-pw');
    expect((await stat(path.join(state, 'nologin', 'cassandra'))).isFile()).toBe(true);
  });

  it('is harmless when repeated', async () => {
    for (const s of steps) expect((await run(s.argv, env)).code).toBe(0);
  });

  it('fails the verification while cassandra/cassandra still logs in', async () => {
    await rm(path.join(state, 'nologin', 'cassandra'));
    const lockoutIgnored = await run(steps[1]!.argv, { ...env, FAKE_IGNORE_LOCKOUT: '1' });
    expect(lockoutIgnored.code).toBe(0); // the statement "ran", and did nothing
    const verify = await run(steps[2]!.argv, env);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('the default superuser cassandra/cassandra still logs in');
    expect((await run(steps[1]!.argv, env)).code).toBe(0);
    expect((await run(steps[2]!.argv, env)).code).toBe(0);
  });

  it('fails the verification when it cannot tell (the node is down)', async () => {
    const verify = await run(steps[2]!.argv, { ...env, FAKE_DOWN: '1' });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/cannot tell whether cassandra is locked out/);
  });

  it('the stand-in refuses a self-alter, as Cassandra does: the lock-out must not run as cassandra', async () => {
    const lockoutCql = steps[1]!.argv.at(-1)!;
    await rm(path.join(state, 'nologin', 'cassandra'));
    const asCassandra = await run(['cqlsh', '-u', 'cassandra', '-p', 'cassandra', '-f', lockoutCql], env);
    expect(asCassandra.code).toBe(2);
    expect((await run(steps[1]!.argv, env)).code).toBe(0);
  });
});

describe('couchdb first start against an HTTP server', () => {
  const auth = Buffer.from('app_user:pw').toString('base64');
  async function withServer(answers: Record<string, number>, body: (port: number, seen: IncomingMessage[]) => Promise<void>) {
    const seen: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      seen.push(req);
      res.writeHead(answers[`${req.method} ${req.url}`] ?? 500, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await body((server.address() as AddressInfo).port, seen);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }
  const create = (port: number) => run(['bash', '-c', CREATE_DATABASE_SCRIPT, 'couchdb-create-database', String(port), 'app_db'], { FLUX_AUTH: auth });

  it('creates the database with the admin credentials and checks it is there', async () => {
    await withServer({ 'PUT /app_db': 201, 'GET /app_db': 200 }, async (port, seen) => {
      expect(await create(port)).toMatchObject({ code: 0 });
      expect(seen.map((r) => `${r.method} ${r.url} ${r.headers.authorization}`)).toEqual([`PUT /app_db Basic ${auth}`, `GET /app_db Basic ${auth}`]);
    });
  });

  it('accepts a database that exists already (a repeat)', async () => {
    await withServer({ 'PUT /app_db': 412, 'GET /app_db': 200 }, async (port) => {
      expect((await create(port)).code).toBe(0);
    });
  });

  it('fails on a refused creation, naming the status', async () => {
    await withServer({ 'PUT /app_db': 401 }, async (port) => {
      const r = await create(port);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('creating database app_db answered HTTP 401');
    });
  });

  it('fails when the database is missing afterwards', async () => {
    await withServer({ 'PUT /app_db': 202, 'GET /app_db': 404 }, async (port) => {
      const r = await create(port);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('database app_db is missing after its creation (HTTP 404)');
    });
  });
});
