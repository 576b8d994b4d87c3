import { describe, expect, it } from 'vitest';
import { propertyValue } from '../../src/services/adapters/questdb.js';
import { getAdapter, listAdapters } from '../../src/services/adapters/registry.js';
import type { AdapterInput, EngineAdapter } from '../../src/services/adapters/types.js';
import { FACTS, INFLUXDB_1X_PASSWORD_IN } from './engine-facts.js';

/**
 * Passwords out of container environments (podman inspect shows a container's env to anyone who
 * may inspect it): where the official image offers a *_FILE variable, a config file or an init
 * mechanism, the password is only in secret files; where the environment is its only way, the
 * adapter says so in unsupported.passwordInEnv. The podman tier checks the live engines' real
 * containers (test/podman/no-password-in-env.test.ts).
 */
const PASSWORD = 'Secr3t-Sentinel-Passw0rd-9x';
const CONTAINER_ENGINES = listAdapters().filter((a) => a.kind === 'container');

function input(a: EngineAdapter, over: Partial<AdapterInput> = {}): AdapterInput {
  return {
    containerName: 'flux-db-secrets-1', databaseName: 'app_db', username: a.fixedUsername ?? 'app_user', password: PASSWORD,
    version: a.defaultVersion, sizing: { memoryMb: Math.max(4096, a.minMemoryMb), cpus: 2, storageGb: 50 }, ...over,
  };
}

/** Every version contract an adapter has (InfluxDB plans 1.x and 2.x differently). */
const contracts = (a: EngineAdapter): string[] => (a.engine === 'influxdb' ? [a.defaultVersion, '1.6'] : [a.defaultVersion]);

describe.each(CONTAINER_ENGINES.map((a) => [a.engine, a] as const))('%s password channel', (engine, a) => {
  const fact = FACTS[engine];

  it.each(contracts(a))('version %s: env only where the image has no other way, and then said so', (version) => {
    const plan = a.plan(input(a, { version }));
    const inEnv = Object.entries(plan.env).filter(([, v]) => v.includes(PASSWORD)).map(([k]) => k);
    if (fact.passwordIn === 'env') {
      expect(inEnv.length, 'the password is where the adapter says it is').toBeGreaterThan(0);
      expect(a.unsupported.passwordInEnv).toMatch(/podman inspect/);
    } else {
      expect(inEnv).toEqual([]);
      expect(a.unsupported.passwordInEnv).toBeUndefined();
    }
    for (const arg of [...(plan.entrypoint ?? []), ...(plan.cmd ?? [])]) expect(arg).not.toContain(PASSWORD);
  });

  it.each(contracts(a))('version %s: files holding the password are secrets where the image reads them', (version) => {
    const plan = a.plan(input(a, { version }));
    const holding = plan.files.filter((f) => f.content.includes(PASSWORD));
    const where = engine === 'influxdb' && version.startsWith('1.') ? INFLUXDB_1X_PASSWORD_IN : fact.passwordIn;
    if (where === null) expect(holding).toEqual([]);
    for (const f of holding) {
      expect(f.kind, f.target).toBe('secret');
      if (where instanceof RegExp) expect(f.target).toMatch(where);
    }
  });

  it('every variable naming a secret file (*_FILE, *_FILE_PATH, *_AUTH_PATH) names a planned secret file', () => {
    const plan = a.plan(input(a));
    for (const [k, v] of Object.entries(plan.env).filter(([name]) => /_(FILE|FILE_PATH|AUTH_PATH)$/.test(name))) {
      expect(plan.files.find((f) => f.target === v), `${k}=${v}`).toMatchObject({ kind: 'secret' });
    }
  });
});

describe('formats a password must survive', () => {
  it('neo4j: the entrypoint splits neo4j/<password> on "/", so one is refused', () => {
    const a = getAdapter('neo4j');
    expect(() => a.plan(input(a, { password: 'with/slash-1234' }))).toThrow(/"\/"/);
    expect(a.plan(input(a)).files.find((f) => f.target === '/run/secrets/neo4j-auth')?.content).toBe(`neo4j/${PASSWORD}`);
  });

  it.each(['couchdb', 'typesense'] as const)('%s: an ini value cannot start or end with a blank or hold " ;"', (engine) => {
    const a = getAdapter(engine);
    for (const bad of [' lead-blank-123', 'trail-blank-123 ', 'cut ;here-1234567']) {
      expect(() => a.plan(input(a, { password: bad })), JSON.stringify(bad)).toThrow(/ini/);
    }
    expect(() => a.plan(input(a, { password: 'semi;colon=and#hash-123' }))).not.toThrow();
  });

  it('questdb: server.conf values are java.util.Properties escaped', () => {
    expect(propertyValue('plain-Value_1')).toBe('plain-Value_1');
    expect(propertyValue(' a\\b=c:#!')).toBe('\\ a\\\\b=c:#!');
    expect(propertyValue('é€😀')).toBe('\\u00e9\\u20ac\\ud83d\\ude00');
  });

  it('cockroachdb: the init SQL quotes the password as a standard SQL literal', () => {
    const a = getAdapter('cockroachdb');
    const sql = a.plan(input(a, { password: "it's-a-Passw0rd" })).files.find((f) => f.target.endsWith('.sql'))!;
    expect(sql.content).toBe(`ALTER USER "app_user" WITH PASSWORD 'it''s-a-Passw0rd';\n`);
  });
});
