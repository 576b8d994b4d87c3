import { describe, expect, it } from 'vitest';
import { percentEncode } from '../../src/services/adapters/base.js';
import { getAdapter, isEngineId, listAdapters, resolveImage } from '../../src/services/adapters/registry.js';
import { ENGINE_IDS, type AdapterInput, type EngineAdapter, type EngineId, type Probe } from '../../src/services/adapters/types.js';
import { SKUS } from '../../src/services/orchestration/skus.js';
import { FACTS } from './engine-facts.js';

/** CONTRACTS.md says --read-only works for these (with tmpfs for sockets and /tmp). */
const READ_ONLY_OK = new Set<EngineId>(['mysql', 'mariadb', 'postgresql', 'timescaledb', 'mongodb', 'arangodb', 'redis', 'valkey', 'keydb', 'meilisearch', 'duckdb', 'h2']);
/** JVM engines and ScyllaDB need far more than 100 pids. */
const MANY_THREADS = new Set<EngineId>(['elasticsearch', 'cassandra', 'neo4j', 'janusgraph', 'scylladb', 'questdb', 'oracle']);
/** Engines whose client credentials travel outside the URI (header key, JDBC properties, none). */
const URI_WITHOUT_PASSWORD = new Set<EngineId>(['meilisearch', 'typesense', 'janusgraph', 'duckdb', 'h2']);

const CATEGORIES = ['relational', 'document', 'key_value', 'wide_column', 'time_series', 'search', 'graph', 'analytical', 'embedded'];

// Shell, SQL, URI and config metacharacters, with upper, lower and digits for MSSQL's rule.
const NASTY_PASSWORD = `Pa'"s$(x);|&\`1 %@/:?#[]{}<>\\*!~=Zz`;
const PASSWORD_PIECES = [`Pa'`, 's$(x);', '{}<>', '*!~=Zz'];
const only = process.env.ENGINES?.split(',').map((s) => s.trim()).filter(Boolean);
const ADAPTERS = listAdapters().filter((a) => !only || only.includes(a.engine));

/** Neo4j's entrypoint splits neo4j/<password> on "/", so its adapter refuses one (tested in adapter-secrets). */
const passwordFor = (a: EngineAdapter): string => (a.engine === 'neo4j' ? NASTY_PASSWORD.replace('/', '') : NASTY_PASSWORD);

function input(a: EngineAdapter, over: Partial<AdapterInput> = {}): AdapterInput {
  return {
    containerName: 'flux-db-test-1', databaseName: 'app_db', username: a.fixedUsername ?? 'app_user',
    password: passwordFor(a), version: a.defaultVersion,
    sizing: { memoryMb: Math.max(4096, a.minMemoryMb), cpus: 2, storageGb: 50 }, ...over,
  };
}

function argvOf(a: EngineAdapter, i: AdapterInput): string[] {
  const plan = a.plan(i);
  const probe: Probe = a.readinessProbe(i);
  return [
    ...(plan.entrypoint ?? []), ...(plan.cmd ?? []),
    ...(probe.kind === 'exec' ? probe.argv : []),
    ...(a.insideProbe?.(i).argv ?? []),
    ...(probe.kind === 'http' ? [probe.path] : []),
    ...(a.postStartCommands?.(i) ?? []).flatMap((s) => s.argv),
  ];
}

describe('adapter registry', () => {
  it('lists 25 adapters in ENGINE_IDS order, one per id', () => {
    const ids = listAdapters().map((a) => a.engine);
    expect(ids).toEqual([...ENGINE_IDS]);
    expect(new Set(ids).size).toBe(25);
  });

  it('getAdapter finds each engine and names the supported ones for an unknown id', () => {
    for (const id of ENGINE_IDS) expect(getAdapter(id).engine).toBe(id);
    expect(() => getAdapter('sqlite')).toThrow(/Unknown database engine "sqlite".*Supported: arangodb, cassandra/);
  });

  it('isEngineId accepts exactly the engine ids', () => {
    expect(isEngineId('postgresql')).toBe(true);
    expect(isEngineId('postgres')).toBe(false);
    expect(isEngineId(42)).toBe(false);
  });

  it('resolveImage prefers the override, else <defaultImage>:<version>, and rejects unknown versions', () => {
    const pg = getAdapter('postgresql');
    expect(resolveImage(pg, '17', {})).toBe('docker.io/library/postgres:17');
    expect(resolveImage(pg, '17', { postgresql: 'localhost/flux-standin-postgresql:15' })).toBe('localhost/flux-standin-postgresql:15');
    expect(resolveImage(pg, '17', { mysql: 'localhost/other:1' })).toBe('docker.io/library/postgres:17');
    expect(() => resolveImage(pg, 'latest', {})).toThrow(/not supported/);
  });
});

describe.each(ADAPTERS.map((a) => [a.engine, a] as const))('%s adapter', (engine, a) => {
  const fact = FACTS[engine];

  it('has identity, a valid category and a pinned image', () => {
    expect(a.displayName.length).toBeGreaterThan(1);
    expect(a.description.length).toBeGreaterThan(10);
    expect(CATEGORIES).toContain(a.category);
    expect(a.defaultImage).toBe(fact.image);
    expect(a.versions).toContain(a.defaultVersion);
    for (const v of a.versions) {
      expect(v).not.toMatch(/latest/);
      expect(v).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    }
    expect(resolveImage(a, a.defaultVersion, {})).toBe(`${fact.image}:${a.defaultVersion}`);
    expect(a.fixedUsername).toBe(fact.fixedUsername);
    expect(a.startupTimeoutMs).toBeGreaterThanOrEqual(10_000);
  });

  it('declares the contract ports with the primary one marked', () => {
    const ports = a.ports.map((p) => p.containerPort);
    for (const p of fact.ports) expect(ports).toContain(p);
    const primary = a.ports.filter((p) => p.primary);
    if (fact.primary === null) expect(primary).toHaveLength(0);
    else expect(primary.map((p) => p.containerPort)).toEqual([fact.primary]);
  });

  it('plans the contract env, data dir, user and capabilities', () => {
    const i = input(a);
    const plan = a.plan(i);
    for (const name of fact.authEnv) {
      expect(name in plan.env || `${name}_FILE` in plan.env, `${name} or ${name}_FILE`).toBe(true);
    }
    expect(plan.dataDir).toBe(fact.dataDir);
    if (fact.uid !== null) expect(plan.user?.split(':')[0]).toBe(String(fact.uid));
    for (const c of plan.capAdd) expect(fact.maxCaps).toContain(c);
    expect(plan.tmpfs['/tmp']).toMatch(/size=\d+m/);
    if (plan.readOnlyRootfs) expect(READ_ONLY_OK.has(engine)).toBe(true);
    expect(plan.pidsLimit).toBeGreaterThanOrEqual(MANY_THREADS.has(engine) ? 2048 : 64);
    expect(plan.nofile).toBeGreaterThanOrEqual(1024);
    expect(plan.stopTimeoutSeconds).toBeGreaterThanOrEqual(10);
    const targets = plan.files.map((f) => f.target);
    expect(new Set(targets).size).toBe(targets.length);
    for (const t of [...targets, plan.dataDir, ...Object.keys(plan.tmpfs)]) expect(t.startsWith('/')).toBe(true);
  });

  it('never puts the password in argv, and only in secret files or env', () => {
    const i = input(a);
    const plan = a.plan(i);
    // The whole password and any recognisable piece of it (a quoted or escaped copy would still leak).
    for (const arg of argvOf(a, i)) for (const piece of [NASTY_PASSWORD, ...PASSWORD_PIECES]) expect(arg).not.toContain(piece);
    for (const f of plan.files) {
      if (f.content.includes(i.password) || f.content.includes(i.password.replace(/'/g, "''"))) expect(f.kind).toBe('secret');
    }
    const probe = a.readinessProbe(i);
    if (probe.kind === 'http') for (const piece of PASSWORD_PIECES) expect(probe.path).not.toContain(piece);
  });

  it('rejects unsafe identifiers before placing them anywhere', () => {
    const bad = ["app'; DROP TABLE x; --", 'App', '1abc', '', 'a-b', 'a b', '$(id)', 'x'.repeat(64), 'a\nb'];
    for (const b of bad) {
      expect(() => a.plan(input(a, { databaseName: b }))).toThrow(/invalid database name/);
      expect(() => a.readinessProbe(input(a, { databaseName: b }))).toThrow(/invalid database name/);
      expect(() => a.plan(input(a, { username: b }))).toThrow(/invalid username/);
    }
    expect(() => a.plan(input(a, { version: 'latest' }))).toThrow(/not supported/);
    expect(() => a.plan(input(a, { password: 'Abc1\nxyz99999' }))).toThrow(/control characters/);
    expect(() => a.plan(input(a, { sizing: { memoryMb: a.minMemoryMb - 1, cpus: 2, storageGb: 10 } }))).toThrow(/at least/);
  });

  if (a.fixedUsername) {
    it(`forces the username ${a.fixedUsername}`, () => {
      expect(() => a.plan(input(a, { username: 'someone_else' }))).toThrow(/forces the username/);
    });
  }

  it('builds a URI that percent-encodes user and password', () => {
    const password = 'p@ss:/w?rd#[]% +&';
    const uri = a.connectionUri({ host: 'db.example', port: 20001, database: 'app_db', username: a.fixedUsername ?? 'app_user', password });
    expect(uri).not.toContain(password);
    if (URI_WITHOUT_PASSWORD.has(engine)) {
      expect(uri).not.toContain(percentEncode(password));
      return;
    }
    expect(uri).toContain(percentEncode(password));
    const parsed = new URL(uri);
    expect(decodeURIComponent(parsed.password)).toBe(password);
    expect(parsed.port).toBe('20001');
    const noPw = a.connectionUri({ host: 'db.example', port: 20001, database: 'app_db', username: a.fixedUsername ?? 'app_user' });
    expect(new URL(noPw).password).toBe('');
  });

  it('derives memory settings from the SKU: growing with it and inside it', () => {
    const skus = [...SKUS].filter((s) => s.memoryMb >= a.minMemoryMb).sort((x, y) => x.memoryMb - y.memoryMb || x.cpus - y.cpus);
    let previous: Record<string, number> | undefined;
    for (const s of skus) {
      const shares = (a as EngineAdapter & { memoryShares(x: object): Record<string, number> }).memoryShares(s);
      const total = Object.values(shares).reduce((x, y) => x + y, 0);
      expect(total, `${s.id}`).toBeLessThanOrEqual(s.memoryMb);
      for (const [k, v] of Object.entries(shares)) {
        expect(v).toBeGreaterThan(0);
        if (previous) expect(v, `${k} at ${s.id}`).toBeGreaterThanOrEqual(previous[k]!);
      }
      previous = shares;
      // Every SKU at or above the minimum plans without error.
      expect(() => a.plan(input(a, { sizing: s }))).not.toThrow();
    }
  });

  it('classifies log lines by the engine format, not by words in the message', () => {
    expect(a.logLevel('2024-05-01 10:00:00 INFO all good, 0 errors so far')).toBe('info');
    expect(a.logLevel('{"level":"warn","msg":"disk almost full"}')).toBe('warning');
    expect(a.logLevel('something happened ERROR boom')).toBe('error');
  });
});

describe('engine specifics from CONTRACTS.md', () => {
  const sized = (a: EngineAdapter, memoryMb: number, over: Partial<AdapterInput> = {}) =>
    input(a, { sizing: { memoryMb, cpus: 2, storageGb: 50 }, ...over });

  it('postgresql: PGDATA moves for 18, probe goes over TCP with PGPASSWORD', () => {
    const a = getAdapter('postgresql');
    expect(a.plan(input(a, { version: '18' })).dataDir).toBe('/var/lib/postgresql');
    const p = a.insideProbe!(input(a));
    expect(p.argv).toContain('127.0.0.1');
    expect(p.env?.PGPASSWORD).toBe(NASTY_PASSWORD);
    expect(a.plan(input(a)).tmpfs['/run/postgresql']).toBeDefined();
  });

  it('mysql/mariadb: TCP probe with MYSQL_PWD; MYSQL_USER is never root', () => {
    for (const id of ['mysql', 'mariadb'] as const) {
      const a = getAdapter(id);
      const p = a.insideProbe!(input(a));
      expect(p.argv.join(' ')).toContain('-h127.0.0.1');
      expect(p.env?.MYSQL_PWD).toBe(NASTY_PASSWORD);
      const rootPlan = a.plan(input(a, { username: 'root' }));
      expect(Object.keys(rootPlan.env).some((k) => /_USER$/.test(k))).toBe(false);
    }
    expect(getAdapter('mariadb').insideProbe!(input(getAdapter('mariadb'))).argv[0]).toBe('mariadb');
  });

  it('redis family: password only in the rendered config, policy noeviction, REDISCLI_AUTH probe', () => {
    for (const id of ['redis', 'valkey', 'keydb'] as const) {
      const a = getAdapter(id);
      const plan = a.plan(input(a));
      const conf = plan.files.find((f) => plan.cmd?.includes(f.target));
      expect(conf?.kind).toBe('secret');
      expect(conf?.content).toMatch(/^requirepass "/m);
      expect(conf?.content).toMatch(/^maxmemory-policy noeviction$/m);
      const p = a.insideProbe!(input(a));
      expect(p.env?.REDISCLI_AUTH).toBe(NASTY_PASSWORD);
    }
  });

  it('influxdb: 1.x contract for 1.x versions, 2.x setup otherwise', () => {
    const a = getAdapter('influxdb');
    const v1 = a.plan(input(a, { version: '1.11' }));
    expect(v1.env).toMatchObject({ INFLUXDB_DB: 'app_db', INFLUXDB_ADMIN_USER: 'app_user', INFLUXDB_HTTP_AUTH_ENABLED: 'true' });
    expect(v1.env.INFLUXDB_ADMIN_PASSWORD).toBeUndefined();
    expect(v1.files.find((f) => f.target.endsWith('.iql'))?.content).toContain('SET PASSWORD FOR "app_user" = \'Pa\\\'"s');
    expect(v1.dataDir).toBe('/var/lib/influxdb');
    expect(v1.user).toBe('1500:1500');
    expect(v1.files.map((f) => f.target)).toContain('/etc/influxdb/influxdb.conf');
    const v2 = a.plan(input(a));
    expect(v2.env.DOCKER_INFLUXDB_INIT_MODE).toBe('setup');
    expect(v2.env.DOCKER_INFLUXDB_INIT_BUCKET).toBe('app_db');
  });

  it('cassandra/scylladb: PasswordAuthenticator configured, default superuser replaced after start', () => {
    const c = getAdapter('cassandra');
    const plan = c.plan(input(c));
    expect(plan.files.find((f) => f.target.endsWith('cassandra.yaml'))?.content).toMatch(/^authenticator: PasswordAuthenticator$/m);
    expect(plan.env.JVM_EXTRA_OPTS).toContain('-Dcassandra.config=file:///');
    const boot = plan.files.find((f) => f.target.endsWith('bootstrap-role.cql'));
    expect(boot?.kind).toBe('secret');
    expect(boot?.content).toContain(`PASSWORD = 'Pa''"s`);
    expect(c.postStartCommands?.(input(c))[0]?.argv).toContain(boot?.target);
    expect(plan.files.find((f) => f.target.endsWith('cqlshrc'))?.kind).toBe('secret');
    const s = getAdapter('scylladb');
    expect(s.plan(input(s)).cmd).toEqual(expect.arrayContaining(['--authenticator', 'PasswordAuthenticator', '--smp', '2']));
  });

  it('JVM heaps follow the SKU', () => {
    const es = getAdapter('elasticsearch');
    expect(es.plan(sized(es, 4096)).env.ES_JAVA_OPTS).toBe('-Xms2048m -Xmx2048m');
    const cas = getAdapter('cassandra');
    expect(cas.plan(sized(cas, 8192)).env).toMatchObject({ MAX_HEAP_SIZE: '2048M', HEAP_NEWSIZE: '512M' });
    const neo = getAdapter('neo4j');
    expect(neo.plan(sized(neo, 4096)).files[0]?.content).toMatch(/^server\.memory\.heap\.max_size=1638m$/m);
    expect(neo.plan(sized(neo, 4096)).env.NEO4J_AUTH_PATH).toBe('/run/secrets/neo4j-auth');
  });

  it('mssql: sa only, password complexity checked, database created after start through SQLCMDPASSWORD', () => {
    const a = getAdapter('mssql');
    expect(() => a.plan(input(a, { password: 'alllowercase' }))).toThrow(/3 of/);
    const steps = a.postStartCommands?.(input(a)) ?? [];
    expect(steps[0]?.argv.join(' ')).toContain('CREATE DATABASE [app_db]');
    expect(steps[0]?.env?.SQLCMDPASSWORD).toBe(NASTY_PASSWORD);
    expect(a.plan(sized(a, 4096)).env.MSSQL_MEMORY_LIMIT_MB).toBe('3276');
  });

  it('clickhouse: users.d carries a SHA-256, root element follows the version', () => {
    const a = getAdapter('clickhouse');
    const plan = a.plan(input(a, { version: '18.16' }));
    const users = plan.files.find((f) => f.target.includes('users.d'))!;
    expect(users.kind).toBe('secret');
    expect(users.content).toMatch(/<password_sha256_hex>[0-9a-f]{64}<\/password_sha256_hex>/);
    expect(users.content).toContain('<yandex>');
    expect(a.plan(input(a)).files[0]?.content).toContain('<clickhouse>');
  });

  it('duckdb is embedded and h2 runs as a server without remote database creation', () => {
    expect(getAdapter('duckdb').capabilities.isEmbedded).toBe(true);
    const h2 = getAdapter('h2');
    expect(h2.capabilities.isEmbedded).toBe(false);
    expect(h2.plan(input(h2)).env.H2_OPTIONS).not.toContain('-ifNotExists');
  });

  it('engines without authentication say so', () => {
    for (const a of listAdapters()) {
      if (!a.capabilities.hasAuthentication) expect(Object.keys(a.unsupported).length, a.engine).toBeGreaterThan(0);
    }
  });
});

describe('log levels per engine format', () => {
  const cases: [EngineId, string, string][] = [
    ['postgresql', '2024-05-01 10:00:00.000 UTC [1] LOG:  database system is ready to accept connections', 'info'],
    ['postgresql', '2024-05-01 10:00:00.000 UTC [7] LOG:  checkpoint complete: 0 errors, wrote 3 buffers', 'info'],
    ['postgresql', '2024-05-01 10:00:00.000 UTC [9] ERROR:  relation "x" does not exist', 'error'],
    ['postgresql', '2024-05-01 10:00:00.000 UTC [9] FATAL:  password authentication failed for user "u"', 'error'],
    ['timescaledb', '2024-05-01 10:00:00.000 UTC [9] WARNING:  could not flush dirty data', 'warning'],
    ['postgresql', '2024-05-01 10:00:00.000 UTC [9] DEBUG:  autovacuum: processing database', 'debug'],
    ['mysql', '2024-05-01T10:00:00.000000Z 0 [ERROR] [MY-010119] [Server] Aborting', 'error'],
    ['mysql', '2024-05-01T10:00:00.000000Z 0 [Warning] [MY-010068] [Server] CA certificate is self signed.', 'warning'],
    ['mariadb', '2024-05-01 10:00:00 0 [Note] InnoDB: Buffer pool(s) load completed; no error', 'info'],
    ['redis', '1:M 01 May 2024 10:00:00.000 # WARNING Memory overcommit must be enabled!', 'warning'],
    ['valkey', '1:M 01 May 2024 10:00:00.000 * Ready to accept connections tcp', 'info'],
    ['keydb', '1:M 01 May 2024 10:00:00.000 . 0 clients connected (0 replicas), error count 0', 'debug'],
    ['mongodb', '{"t":{"$date":"2024-05-01T10:00:00.000+00:00"},"s":"E","c":"NETWORK","msg":"Error receiving request"}', 'error'],
    ['mongodb', '{"t":{"$date":"2024-05-01T10:00:00.000+00:00"},"s":"I","c":"NETWORK","msg":"error count reset"}', 'info'],
    ['mongodb', '{"t":{"$date":"2024-05-01T10:00:00.000+00:00"},"s":"D2","c":"QUERY","msg":"plan"}', 'debug'],
    ['elasticsearch', '{"@timestamp":"2024-05-01T10:00:00.000Z", "log.level": "WARN", "message":"high disk watermark"}', 'warning'],
    ['clickhouse', '2024.05.01 10:00:00.000000 [ 1 ] {} <Error> Application: DB::Exception: boom', 'error'],
    ['clickhouse', '2024.05.01 10:00:00.000000 [ 1 ] {} <Information> Application: Ready for connections.', 'info'],
    ['cockroachdb', 'E240501 10:00:00.000000 123 server/server.go:1 [n1] failed to connect', 'error'],
    ['cockroachdb', 'I240501 10:00:00.000000 123 server/server.go:1 [n1] error budget ok', 'info'],
    ['influxdb', 'ts=2024-05-01T10:00:00.000Z lvl=error msg="Failed to open shard" log_id=0', 'error'],
    ['cassandra', 'INFO  [main] 2024-05-01 10:00:00,000 StorageService.java:1 - Node is ready, no ERROR', 'info'],
    ['neo4j', '2024-05-01 10:00:00.000+0000 WARN  Use of deprecated setting', 'warning'],
    ['mssql', '2024-05-01 10:00:00.00 Logon       Error: 18456, Severity: 14, State: 8.', 'error'],
  ];
  it.each(cases)('%s: %s', (engine, line, level) => {
    expect(getAdapter(engine).logLevel(line)).toBe(level);
  });
});
