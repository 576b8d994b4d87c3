import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { EngineEndpoint } from '../../src/services/adapters/families/endpoint.js';
import { H2_BACKUP_JAVA, H2_BACKUP_PROGRAM } from '../../src/services/adapters/families/h2-backup-program.js';
import { COUNT_SCRIPT, DROP_SCRIPT } from '../../src/services/adapters/families/mongo-backup.js';
import { getAdapter, listAdapters } from '../../src/services/adapters/registry.js';
import type { BackupRole } from '../../src/services/adapters/roles/backup.js';
import type { StreamExecOptions } from '../../src/services/runtime/container-runtime.js';

// The backup roles of the engines beside the PostgreSQL, MySQL and Redis families: which engine
// carries one and which says why not, the refuses() rules, each dump's first bytes, and, for the
// roles that run a tool in the container (MongoDB, declared only; H2), the exact argv, env and
// stdin against a recording endpoint: argv only, no password in argv, the dump on stdout.
const PASSWORD = 'Backup-Secret-Passw0rd';
const OTHERS = ['clickhouse', 'influxdb', 'h2', 'duckdb', 'mssql', 'oracle', 'cockroachdb', 'mongodb', 'couchdb', 'arangodb', 'cassandra', 'scylladb',
  'questdb', 'elasticsearch', 'meilisearch', 'typesense', 'neo4j', 'janusgraph'];
const WITH_ROLE = ['clickhouse', 'influxdb', 'h2', 'duckdb'];
/** Declared from the tools' sources, not carried (GET /engines does not advertise it): no instance of it runs here. */
const DECLARED = ['mongodb'];

interface Run { argv: string[]; env: Record<string, string>; stdin: Buffer; wroteTo?: Writable }

/** An endpoint whose streaming exec records each run and answers as `answer` says. */
function recording(engine: string, answer: (argv: string[]) => { stdout?: Buffer; stderr?: string; exitCode?: number } = () => ({})) {
  const runs: Run[] = [];
  const execs: { argv: string[]; env: Record<string, string> }[] = [];
  const endpoint: EngineEndpoint = {
    engine, version: engine === 'mongodb' ? '8.0' : '2.2.224', host: '127.0.0.1', port: (p) => p, username: 'admin_user', password: PASSWORD, database: 'app', tls: false,
    exec: async (argv, options) => {
      execs.push({ argv, env: options?.env ?? {} });
      return { exitCode: 0, stdout: 'app.items\t3\n', stderr: '', timedOut: false };
    },
    execStream: async (argv, io: StreamExecOptions) => {
      const chunks: Buffer[] = [];
      if (io.stdin) for await (const c of io.stdin) chunks.push(Buffer.from(c));
      const a = answer(argv);
      if (a.stdout && io.stdout) io.stdout.write(a.stdout);
      runs.push({ argv, env: io.env ?? {}, stdin: Buffer.concat(chunks), wroteTo: io.stdout });
      return { exitCode: a.exitCode ?? 0, stderr: a.stderr ?? '', bytesOut: a.stdout?.length ?? 0, bytesIn: 0 };
    },
  };
  return { endpoint, runs, execs };
}

const roleOf = (engine: string): BackupRole => (getAdapter(engine).roles.backup ?? getAdapter(engine).declaredBackup)!;
const job = (endpoint: EngineEndpoint, out: Writable = new PassThrough().resume()) => ({ endpoint, out, signal: new AbortController().signal, stallTimeoutMs: 5000 });
const restoreJob = (endpoint: EngineEndpoint, input: Buffer, replace: boolean) => ({
  endpoint, input: Readable.from([input]), signal: new AbortController().signal, stallTimeoutMs: 5000, replace, engine: {} as never,
});
const noPassword = (argv: string[]) => expect(argv.join(' ')).not.toContain(PASSWORD);

describe('which engines back up', () => {
  it('each carries a role, or says in unsupported.backup why none fits the module (never both)', () => {
    for (const engine of OTHERS) {
      const a = getAdapter(engine);
      if (WITH_ROLE.includes(engine)) {
        expect(a.roles.backup, engine).toBeDefined();
        expect(a.unsupported.backup, engine).toBeUndefined();
        expect(a.capabilities).toMatchObject({ supportsBackup: true, supportsRestore: true, supportsClone: true });
      } else {
        expect(a.roles.backup, engine).toBeUndefined();
        expect(a.unsupported.backup, engine).toMatch(/not offered$/);
        expect(a.capabilities).toMatchObject({ supportsBackup: false, supportsRestore: false, supportsClone: false });
        expect(Boolean(a.declaredBackup), engine).toBe(DECLARED.includes(engine));
      }
    }
  });

  it('every role names its tool, format and file extension', () => {
    for (const a of listAdapters().filter((x) => [...WITH_ROLE, ...DECLARED].includes(x.engine))) {
      const r = roleOf(a.engine);
      expect(r.tool.length, a.engine).toBeGreaterThan(5);
      expect(r.format.length, a.engine).toBeGreaterThan(10);
      expect(r.extension, a.engine).toMatch(/^\.[a-z]+$/);
    }
  });
});

describe('refuses(): a newer snapshot than the instance runs is refused before anything changes', () => {
  const cases: [string, string, string, boolean][] = [
    ['clickhouse', '18.16', '18.16', false], ['clickhouse', '18.16', '25.8', false], ['clickhouse', '25.8', '18.16', true],
    ['influxdb', '1.6', '1.8', false], ['influxdb', '1.8', '1.6', false], ['influxdb', '1.6', '2.9', true], ['influxdb', '2.9', '1.6', true],
    ['h2', '2.2.224', '2.3.232', false], ['h2', '2.3.232', '2.2.224', true], ['h2', '2.2.224', '2.2.220', false],
    ['duckdb', '1.5', '1.5', false], ['duckdb', '1.6', '1.5', true], ['mongodb', '7.0', '8.0', false], ['mongodb', '8.2', '7.0', true],
  ];
  it.each(cases)('%s: made on %s, runs %s', (engine, made, runs, refused) => {
    const reason = roleOf(engine).refuses(made, runs);
    if (refused) expect(reason).toMatch(/\S/);
    else expect(reason).toBeNull();
  });
});

describe('looksLike(): an import of another format is refused early', () => {
  const heads: Record<string, Buffer> = {
    clickhouse: Buffer.from('flux-clickhouse.json\0\0\0'), influxdb: Buffer.from('# INFLUXDB EXPORT: x\n# DDL\n'), h2: Buffer.from('-- H2 2.2.220;\nCREATE'),
    duckdb: Buffer.concat([Buffer.from('schema.sql'), Buffer.alloc(54)]), 'duckdb (tar -C export .)': Buffer.concat([Buffer.from('./'), Buffer.alloc(62)]), mongodb: Buffer.from([0x6d, 0xe2, 0x99, 0x81, 1, 2]),
  };
  it.each([...WITH_ROLE, ...DECLARED])('%s', (engine) => {
    for (const [other, head] of Object.entries(heads)) expect(roleOf(engine).looksLike(head), other).toBe(other.split(' ')[0] === engine);
    expect(roleOf(engine).looksLike(Buffer.from('PGDMP\x01\x0e'))).toBe(false);
  });
});

describe('MongoDB (declared): mongodump --archive to stdout, the password at the tools\' prompt on stdin', () => {
  it('dumps with argv only, the archive written to the job\'s output', async () => {
    const archive = Buffer.concat([Buffer.from([0x6d, 0xe2, 0x99, 0x81]), Buffer.from('bson...')]);
    const { endpoint, runs, execs } = recording('mongodb', () => ({ stdout: archive }));
    const out = new PassThrough();
    const got: Buffer[] = [];
    out.on('data', (c: Buffer) => got.push(c));
    const figures = await roleOf('mongodb').dump(job(endpoint, out));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.argv).toEqual(['mongodump', '--host=127.0.0.1', '--port=27017', '--username=admin_user', '--authenticationDatabase=admin', '--archive']);
    expect(runs[0]!.wroteTo).toBe(out);
    expect(runs[0]!.stdin.toString()).toBe(`${PASSWORD}\n`);
    expect(Buffer.concat(got)).toEqual(archive);
    // Counted around the dump by mongosh, whose script is a constant reading the credentials from its environment.
    expect(figures).toEqual({ low: { 'app.items': 3 }, high: { 'app.items': 3 } });
    for (const e of execs) {
      expect(e.argv.slice(0, 6)).toEqual(['mongosh', '--quiet', '--norc', '--host', '127.0.0.1', '--port']);
      expect(e.argv.at(-1)).toBe(COUNT_SCRIPT);
      expect(e.env).toEqual({ FLUX_MONGO_USER: 'admin_user', FLUX_MONGO_PASSWORD: PASSWORD });
      noPassword(e.argv);
    }
  });

  it('restores from stdin: the password line, then the archive untouched; replace drops the user databases first', async () => {
    const archive = Buffer.from([0x6d, 0xe2, 0x99, 0x81, 0, 10, 13, 255]);
    for (const replace of [true, false]) {
      const { endpoint, runs, execs } = recording('mongodb');
      await roleOf('mongodb').restore(restoreJob(endpoint, archive, replace));
      const args = ['--host=127.0.0.1', '--port=27017', '--username=admin_user', '--authenticationDatabase=admin', '--archive'];
      const excluded = ['--nsExclude=admin.*', '--nsExclude=config.*', '--nsExclude=local.*'];
      expect(runs[0]!.argv).toEqual(['mongorestore', ...args, ...(replace ? ['--drop'] : []), ...excluded]);
      expect(runs[0]!.stdin).toEqual(Buffer.concat([Buffer.from(`${PASSWORD}\n`), archive]));
      expect(execs.map((e) => e.argv.at(-1))).toEqual(replace ? [DROP_SCRIPT] : []);
      for (const r of [...runs, ...execs]) noPassword(r.argv);
    }
  });

  it('refuses a password the prompt would cut short, before running anything', async () => {
    const { endpoint, runs } = recording('mongodb');
    await expect(roleOf('mongodb').dump(job({ ...endpoint, password: 'two\nlines' }))).rejects.toThrow(/prompt/);
    expect(runs).toHaveLength(0);
  });

  it('fails when the tool fails, with its last stderr line', async () => {
    const { endpoint } = recording('mongodb', () => ({ exitCode: 1, stderr: 'Failed: error connecting\n' }));
    await expect(roleOf('mongodb').dump(job(endpoint))).rejects.toThrow(/mongodump failed \(exit 1\): Failed: error connecting/);
  });
});

describe('H2: the module\'s program in the container, credentials in its environment', () => {
  it('dumps through a constant script with the mode as an argument; exact counts from its stderr', async () => {
    const { endpoint, runs } = recording('h2', () => ({ stdout: Buffer.from('-- H2 2.2.220;\n'), stderr: 'FLUX-COUNTS\nPUBLIC.ITEMS\t5001\nEXTRA.NOTES\t2\nFLUX-END\n' }));
    const figures = await roleOf('h2').dump(job(endpoint));
    expect(figures).toEqual({ low: { 'PUBLIC.ITEMS': 5001, 'EXTRA.NOTES': 2 }, high: { 'PUBLIC.ITEMS': 5001, 'EXTRA.NOTES': 2 } });
    const [sh, c, script, name, mode] = runs[0]!.argv;
    expect([sh, c, name, mode]).toEqual(['sh', '-c', 'h2-backup', 'dump']);
    expect(script).toContain(H2_BACKUP_PROGRAM);
    expect(script).not.toMatch(/admin_user|app\b/);
    expect(runs[0]!.env).toMatchObject({ FLUX_H2_DATABASE: 'app', FLUX_H2_USER: 'admin_user', FLUX_H2_PASSWORD: PASSWORD });
    noPassword(runs[0]!.argv);
  });

  it('restores the script from stdin, with DROP ALL OBJECTS only for a replace', async () => {
    for (const replace of [true, false]) {
      const { endpoint, runs } = recording('h2');
      await roleOf('h2').restore(restoreJob(endpoint, Buffer.from('-- H2\nCREATE TABLE T(X INT);\n'), replace));
      expect(runs[0]!.argv.slice(3)).toEqual(['h2-backup', 'restore', ...(replace ? ['replace'] : [])]);
      expect(runs[0]!.stdin.toString()).toBe('-- H2\nCREATE TABLE T(X INT);\n');
    }
  });

  it('the program is planned into the container and reads its secrets from the environment only', () => {
    const plan = getAdapter('h2').plan({ containerName: 'c', databaseName: 'app', username: 'u', password: PASSWORD, version: '2.2.224', sizing: { memoryMb: 1024, cpus: 1, storageGb: 5 } });
    expect(plan.files.find((f) => f.target === H2_BACKUP_PROGRAM)).toMatchObject({ kind: 'config', content: H2_BACKUP_JAVA });
    expect(H2_BACKUP_JAVA).toContain('System.getenv("FLUX_H2_PASSWORD")');
    expect(H2_BACKUP_JAVA).toContain('RunScript.execute');
  });
});
