import { describe, expect, it } from 'vitest';
import { getAdapter, listAdapters } from '../../src/services/adapters/registry.js';
import type { AdapterInput, EngineAdapter, EngineId, ExecStep } from '../../src/services/adapters/types.js';
import { checkCreateRequest } from '../../src/services/instances/request.js';
import { FACTS } from './engine-facts.js';

/**
 * The corrections at the top of ../shared/engines/CONTRACTS.md, typed in here as facts (not read
 * from the adapters), asserted against each adapter's plan, probe and first-start steps.
 */
const CORRECTED = {
  mssql: { capAdd: ['NET_BIND_SERVICE'], sqlservrMinMb: 2048 },
  oracle: { uidOnly: '54321', faststartTag: /faststart/ },
  cockroachdb: { certHost: '127.0.0.1' },
  cassandra: { seedPort: 7000 },
  scylladb: { probeClientHost: '127.0.0.1' },
  questdb: { httpUserKey: 'http.user', httpPasswordKey: 'http.password', restPort: 9000 },
  elasticsearch: { configDir: '/usr/share/elasticsearch/config/' },
  janusgraph: { heapVar: 'JAVA_OPTIONS', preTouchOff: '-XX:-AlwaysPreTouch' },
} as const;

const PASSWORD = 'Corr3ct-Passw0rd-Long-Enough';

function input(a: EngineAdapter, over: Partial<AdapterInput> = {}): AdapterInput {
  return {
    containerName: 'flux-db-corr-1', databaseName: 'app_db', username: a.fixedUsername ?? 'app_user', password: PASSWORD,
    version: a.defaultVersion, sizing: { memoryMb: Math.max(4096, a.minMemoryMb), cpus: 2, storageGb: 50 }, ...over,
  };
}
const fileOf = (a: EngineAdapter, i: AdapterInput, suffix: string) => a.plan(i).files.find((f) => f.target.endsWith(suffix));
const steps = (a: EngineAdapter, i = input(a)): ExecStep[] => a.postStartCommands?.(i) ?? [];
/** A top-level scalar of a rendered YAML file (the templates quote values as JSON strings). */
function yamlValue(yaml: string, key: string): string | undefined {
  const m = new RegExp(`^\\s*(?:- )?${key.replace(/\./g, '\\.')}: (.+)$`, 'm').exec(yaml);
  if (!m) return undefined;
  const v = m[1]!.trim();
  return v.startsWith('"') ? (JSON.parse(v) as string) : v;
}

describe('every probe and first-start step reaches its port', () => {
  it.each(listAdapters().filter((a) => a.kind === 'container').map((a) => [a.engine, a] as const))('%s', (_e, a) => {
    const probe = a.readinessProbe(input(a));
    if (probe.kind === 'exec') return; // runs inside the container, where every port is local
    const port = a.ports.find((p) => p.containerPort === probe.containerPort);
    expect(port, `probe port ${probe.containerPort} is declared`).toBeDefined();
    expect(Boolean(port!.primary || port!.publish), `probe port ${probe.containerPort} is published`).toBe(true);
  });
});

describe('CONTRACTS corrections', () => {
  it('mssql: NET_BIND_SERVICE for sqlservr; memory limit and minimum at or above what sqlservr needs', () => {
    const a = getAdapter('mssql');
    expect(a.plan(input(a)).capAdd).toEqual(expect.arrayContaining([...CORRECTED.mssql.capAdd]));
    expect(FACTS.mssql.maxCaps).toEqual(expect.arrayContaining([...CORRECTED.mssql.capAdd]));
    expect(a.minMemoryMb).toBeGreaterThanOrEqual(CORRECTED.mssql.sqlservrMinMb);
    for (const memoryMb of [a.minMemoryMb, 4096, 8192, 65536]) {
      const limit = Number(a.plan(input(a, { sizing: { memoryMb, cpus: 2, storageGb: 50 } })).env.MSSQL_MEMORY_LIMIT_MB);
      expect(limit, `${memoryMb} MB`).toBeGreaterThanOrEqual(CORRECTED.mssql.sqlservrMinMb);
      expect(limit).toBeLessThan(memoryMb);
    }
  });

  it('oracle: --user is the uid only; no faststart tag over an empty volume', () => {
    const a = getAdapter('oracle');
    expect(a.plan(input(a)).user).toBe(CORRECTED.oracle.uidOnly);
    for (const v of a.versions) expect(v).not.toMatch(CORRECTED.oracle.faststartTag);
  });

  it('cockroachdb: the probe connects on 127.0.0.1, the name its node certificate carries', () => {
    const a = getAdapter('cockroachdb');
    const probe = a.readinessProbe(input(a));
    expect(probe.kind).toBe('exec');
    const argv = probe.kind === 'exec' ? probe.argv : [];
    expect(argv).toContain(`--host=${CORRECTED.cockroachdb.certHost}:26257`);
    expect(argv.join(' ')).not.toContain('localhost');
    // Ready only once the init file set the password: the init server answers before that.
    expect(argv.join(' ')).toMatch(/hashedPassword/);
  });

  it('cassandra: listen_address and the seed list agree', () => {
    const a = getAdapter('cassandra');
    const yaml = fileOf(a, input(a), 'cassandra.yaml')!.content;
    const listen = yamlValue(yaml, 'listen_address');
    const seeds = yamlValue(yaml, 'seeds') ?? '';
    expect(listen).toBeTruthy();
    expect(seeds.split(',').map((s) => s.trim())).toEqual([`${listen}:${CORRECTED.cassandra.seedPort}`]);
  });

  it.each(['cassandra', 'scylladb'] as const)('%s: locks cassandra out as the new role, then verifies the default login fails', (engine) => {
    const a = getAdapter(engine);
    const i = input(a);
    const [create, lockout, verify] = steps(a, i);
    expect(steps(a, i)).toHaveLength(3);
    const fileArgs = (s?: ExecStep) => (s?.argv ?? []).slice(4);
    const rc = fileOf(a, i, 'cqlshrc')!;
    // Step 1 creates the role (as cassandra); step 2 logs in with the NEW role's cqlshrc and runs the lock-out.
    expect(fileOf(a, i, 'bootstrap-role.cql')!.content).toMatch(/^CREATE ROLE IF NOT EXISTS app_user WITH PASSWORD = '.+' AND SUPERUSER = true AND LOGIN = true;$/m);
    expect(fileArgs(create)).toEqual([rc.target, expect.stringMatching(/bootstrap-role\.cql$/)]);
    expect(fileArgs(lockout)[0]).toBe(rc.target);
    expect(rc.content).toContain('username = app_user');
    expect(create?.argv[2]).toContain('-u cassandra -p cassandra');
    expect(lockout?.argv[2]).not.toContain('-u cassandra');
    const lockoutCql = fileOf(a, i, 'bootstrap-lockout.cql')!;
    expect(fileArgs(lockout)[1]).toBe(lockoutCql.target);
    expect(lockoutCql.content).toMatch(/^ALTER ROLE cassandra WITH SUPERUSER = false AND LOGIN = false;$/m);
    expect(lockoutCql.content).toMatch(/^CREATE KEYSPACE IF NOT EXISTS app_db /m);
    // Step 3 fails unless a cassandra/cassandra login is refused (run for real in cql-bootstrap.test.ts).
    expect(verify?.argv[2]).toContain('cqlsh -u cassandra -p cassandra');
    expect(verify?.argv[2]).toMatch(/still logs in.*exit 1/s);
    // The default superuser cannot be the instance's role: it is the one locked out.
    expect(() => a.plan(input(a, { username: 'cassandra' }))).toThrow(/cassandra/);
  });

  it('scylladb: the client (rpc) address is one the bootstrap on 127.0.0.1 reaches', () => {
    const cmd = getAdapter('scylladb').plan(input(getAdapter('scylladb'))).cmd ?? [];
    const rpc = cmd[cmd.indexOf('--rpc-address') + 1];
    expect(cmd).toContain('--rpc-address');
    expect([CORRECTED.scylladb.probeClientHost, '0.0.0.0']).toContain(rpc);
    if (rpc === '0.0.0.0') expect(cmd[cmd.indexOf('--broadcast-rpc-address') + 1]).toBe(CORRECTED.scylladb.probeClientHost);
  });

  it('questdb: basic auth on REST, probed on a published port with the credentials', () => {
    const a = getAdapter('questdb');
    const conf = fileOf(a, input(a), 'server.conf')!;
    expect(conf.kind).toBe('secret');
    expect(conf.content).toContain(`${CORRECTED.questdb.httpUserKey}=app_user`);
    expect(conf.content).toContain(`${CORRECTED.questdb.httpPasswordKey}=${PASSWORD}`);
    const probe = a.readinessProbe(input(a));
    expect(probe.kind === 'http' && probe.containerPort).toBe(CORRECTED.questdb.restPort);
    expect(probe.kind === 'http' && probe.headers?.Authorization).toBe(`Basic ${Buffer.from(`app_user:${PASSWORD}`).toString('base64')}`);
    expect(a.ports.find((p) => p.containerPort === CORRECTED.questdb.restPort)?.publish).toBe(true);
    // ILP over TCP has no password auth in OSS: never published.
    const ilp = a.ports.find((p) => p.containerPort === 9009)!;
    expect(Boolean(ilp.publish || ilp.primary)).toBe(false);
  });

  it('elasticsearch: TLS files under the config directory', () => {
    const a = getAdapter('elasticsearch');
    const i = input(a, { tls: { certPath: '/tls/server.crt', keyPath: '/tls/server.key' } });
    const plan = a.plan(i);
    const yml = fileOf(a, i, 'elasticsearch.yml')!.content;
    const resolve = (p: string) => (p.startsWith('/') ? p : `${CORRECTED.elasticsearch.configDir}${p}`);
    expect(yamlValue(yml, 'xpack.security.http.ssl.enabled')).toBe('true');
    for (const key of ['xpack.security.http.ssl.certificate', 'xpack.security.http.ssl.key']) {
      expect(resolve(yamlValue(yml, key) ?? '').startsWith(`${CORRECTED.elasticsearch.configDir}certs/`), key).toBe(true);
    }
    // The files get there at each start from the instance's TLS mount, onto a tmpfs owned by the user.
    expect(plan.tmpfs[`${CORRECTED.elasticsearch.configDir}certs`]).toMatch(/,U$/);
    expect(plan.cmd?.slice(-2)).toEqual(['/tls/server.crt', '/tls/server.key']);
    expect(plan.cmd?.[2]).toContain('exec /usr/local/bin/docker-entrypoint.sh eswrapper');
    expect(yamlValue(fileOf(a, input(a), 'elasticsearch.yml')!.content, 'xpack.security.http.ssl.enabled')).toBe('false');
    expect(a.plan(input(a)).cmd).toBeUndefined();
  });

  it('janusgraph: heap through JAVA_OPTIONS without pre-touch; never on a VNet nor exposed', () => {
    const a = getAdapter('janusgraph');
    const env = a.plan(input(a, { sizing: { memoryMb: 4096, cpus: 2, storageGb: 50 } })).env;
    expect(env[CORRECTED.janusgraph.heapVar]).toMatch(/-Xms2048m -Xmx2048m/);
    expect(env[CORRECTED.janusgraph.heapVar]).toContain(CORRECTED.janusgraph.preTouchOff);
    expect(env.JAVA_TOOL_OPTIONS).toBeUndefined();
    expect(() => checkCreateRequest({ engine: 'janusgraph', vnet_name: 'net-a' }, a)).toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/VNet/) }));
    expect(() => checkCreateRequest({ engine: 'janusgraph', external_access: true }, a)).toThrow(/127\.0\.0\.1/);
    expect(checkCreateRequest({ engine: 'janusgraph' }, a).vnetName).toBeNull();
    // An engine with authentication may join one.
    expect(checkCreateRequest({ engine: 'postgresql', vnet_name: 'net-a' }, getAdapter('postgresql')).vnetName).toBe('net-a');
  });

  it('couchdb: the first start creates the database the connection string names, and checks it', () => {
    const a = getAdapter('couchdb');
    const [step] = steps(a);
    expect(step?.argv.slice(0, 2)).toEqual(['bash', '-c']);
    expect(step?.argv.slice(-2)).toEqual(['5984', 'app_db']);
    expect(step?.env?.FLUX_AUTH).toBe(Buffer.from(`app_user:${PASSWORD}`).toString('base64'));
    expect(a.connectionUri({ host: 'h', port: 1, database: 'app_db', username: 'u' })).toMatch(/\/app_db$/);
  });

  it('arangodb: the init script creates the database the connection string names; readiness asks for it', () => {
    const a = getAdapter('arangodb');
    const js = fileOf(a, input(a), '.js')!;
    expect(js.target).toMatch(/^\/docker-entrypoint-initdb\.d\/[^/]+\.js$/);
    expect(js.content).toBe('db._createDatabase("app_db");\n');
    const probe = a.readinessProbe(input(a));
    expect(probe.kind === 'http' && probe.path).toBe('/_db/app_db/_api/version');
    expect(a.connectionUri({ host: 'h', port: 1, database: 'app_db', username: 'root' })).toMatch(/\/_db\/app_db$/);
  });
});

describe('engines without authentication', () => {
  it('are refused a VNet and external access by the create checks', () => {
    const open = listAdapters().filter((a) => !a.capabilities.hasAuthentication).map((a) => a.engine as EngineId);
    expect(open).toEqual(expect.arrayContaining(['janusgraph']));
    for (const engine of open) {
      expect(() => checkCreateRequest({ engine, vnet_name: 'net-a' }, getAdapter(engine)), engine).toThrow(/VNet/);
    }
  });
});
