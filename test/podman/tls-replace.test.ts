import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/host.js';
import { b64, operatorCa } from '../helpers/tls-fixtures.js';
import { READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';
import { curl, opensslFingerprint, runClient, saveModuleCa } from './helpers/tls-clients.js';

// PUT /databases/{id}/tls on real engines: an operator-supplied certificate (verified with the
// operator's CA) and the module's, replaced while the engine runs; reloaded in place where the
// engine can (PostgreSQL, MariaDB, Redis) and restarted where it cannot (ClickHouse, InfluxDB).
// Each time openssl sees the new certificate served, the stock client verifies it, and the data
// written before is still there.
interface Returned { connection_string: string; password?: string; port: number; commands?: Record<string, { argv: string[]; env?: Record<string, string> }> }

let m: ModuleUnderTest;
let dir: Awaited<ReturnType<typeof tempDir>>;
let moduleDir: string;
let operatorDir: string;
let operator: Awaited<ReturnType<typeof operatorCa>>;
const suffix = randomBytes(3).toString('hex');
const created: number[] = [];

beforeAll(async () => {
  m = await startModule();
  dir = await tempDir('flux-tls-replace-');
  // One working directory per CA: the connection strings name `ca.pem`.
  moduleDir = path.join(dir.path, 'module');
  operatorDir = path.join(dir.path, 'operator');
  await mkdir(moduleDir);
  await mkdir(operatorDir);
  await saveModuleCa(m, moduleDir);
  operator = await operatorCa();
  await writeFile(path.join(operatorDir, 'ca.pem'), operator.cert);
});
afterAll(async () => {
  for (const id of created) await m?.api('DELETE', `/databases/${id}`);
  await m?.close();
  await dir?.remove();
});

async function create(engine: string, material?: { cert: string; key: string }) {
  const res = await m.api('POST', '/databases', {
    engine, version: STANDIN_VERSIONS[engine], name: `tlsr-${engine}-${suffix}`, sku: engine === 'clickhouse' ? 'b2' : 'b1', tls_enabled: true,
    ...(material ? { tls_cert: b64(material.cert), tls_key: b64(material.key) } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  created.push(res.body.id);
  await m.waitFor(res.body.id, ['running']);
  const admin = (await m.api<Returned>('GET', `/databases/${res.body.id}/connection-string`)).body;
  const reader = (await m.api<Returned>('GET', `/databases/${res.body.id}/connection-string`, undefined, READER)).body;
  return { id: res.body.id as number, password: admin.password!, reader };
}

/** PUT /tls, then the fingerprint openssl sees equals the answer's. */
async function replace(id: number, port: number, applied: string, body: object, starttls?: 'postgres' | 'mysql'): Promise<string> {
  const before = await opensslFingerprint(dir.path, port, starttls);
  const res = await m.api('PUT', `/databases/${id}/tls`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.applied).toBe(applied);
  expect(JSON.stringify(res.body)).not.toMatch(/PRIVATE KEY/);
  const served = await opensslFingerprint(dir.path, port, starttls);
  expect(served).toBe(res.body.tls.fingerprint_sha256);
  expect(served).not.toBe(before);
  return served;
}

describe('PostgreSQL with the operator\'s certificate', () => {
  it('verifies with the operator\'s CA, refuses plaintext, and keeps its data through two reloads', async () => {
    const first = await operator.issue(['localhost', '127.0.0.1']);
    const { id, password, reader } = await create('postgresql', first);
    const env = { PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' };
    const psql = (cwd: string, sql: string) => runClient(cwd, ['psql', reader.connection_string, '-v', 'ON_ERROR_STOP=1', '-tAXc', sql], { env });
    expect((await m.api('GET', `/databases/${id}/tls`)).body).toMatchObject({ origin: 'operator', fingerprint_sha256: new X509Certificate(first.cert).fingerprint256 });
    expect((await psql(operatorDir, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES (\'before\')')).code).toBe(0);
    // The module's CA did not sign it.
    expect((await psql(moduleDir, 'SELECT 1')).stderr).toMatch(/certificate verify failed/);
    const plain = await runClient(dir.path, ['psql', reader.connection_string.replace(/\?.*$/, '?sslmode=disable'), '-c', 'SELECT 1'], { env });
    expect(plain.stderr).toMatch(/no pg_hba\.conf entry .* no encryption/);

    const second = await operator.issue(['localhost', '127.0.0.1']);
    await replace(id, reader.port, 'reloaded', { tls_cert: b64(second.cert), tls_key: b64(second.key) }, 'postgres');
    expect((await psql(operatorDir, 'SELECT v FROM kept')).stdout.trim()).toBe('before');

    // Back to the module's CA: now ca.pem of GET /tls/ca verifies it, and the data is still there.
    await replace(id, reader.port, 'reloaded', {}, 'postgres');
    expect((await m.api('GET', `/databases/${id}/tls`)).body.origin).toBe('module');
    expect((await psql(moduleDir, 'SELECT v FROM kept')).stdout.trim()).toBe('before');
    expect((await psql(operatorDir, 'SELECT 1')).stderr).toMatch(/certificate verify failed/);
  });
});

describe('reloaded in place', () => {
  it('MariaDB (FLUSH SSL): the new certificate is served and verified, the rows are kept', async () => {
    const { id, password, reader } = await create('mariadb');
    const cmd = reader.commands!.mariadb!;
    const sql = (s: string) => runClient(moduleDir, [...cmd.argv, '-N', '-B', '-e', s], { env: { MYSQL_PWD: password } });
    expect((await sql('CREATE TABLE kept (v varchar(16)); INSERT INTO kept VALUES (\'before\')')).stderr).toBe('');
    await replace(id, reader.port, 'reloaded', {}, 'mysql');
    expect((await sql('SELECT v FROM kept')).stdout.trim()).toBe('before');
  });

  it('Redis (CONFIG SET tls-cert-file): the new certificate is served and verified, the keys are kept', async () => {
    const { id, password, reader } = await create('redis');
    const cmd = reader.commands!['redis-cli']!;
    const cli = (...args: string[]) => runClient(moduleDir, [...cmd.argv, ...args], { env: { REDISCLI_AUTH: password } });
    expect((await cli('SET', 'kept', 'before')).stdout.trim()).toBe('OK');
    await replace(id, reader.port, 'reloaded', {});
    expect((await cli('GET', 'kept')).stdout.trim()).toBe('before');
  });
});

describe('restarted', () => {
  it('InfluxDB 1.6 reads its certificate at start: restarted, and the points are kept', async () => {
    const { id, password, reader } = await create('influxdb');
    const user = { name: new URL(reader.connection_string).username, password };
    const base = `https://127.0.0.1:${reader.port}`;
    const write = await curl(moduleDir, ['--cacert', 'ca.pem', '--data-binary', 'kept value=42', `${base}/write?db=app`], user);
    expect(write.stdout.trim()).toBe('204');
    await replace(id, reader.port, 'restarted', {});
    expect((await m.api('GET', `/databases/${id}`)).body.status).toBe('running');
    const read = await curl(moduleDir, ['--cacert', 'ca.pem', `${base}/query?db=app&q=SELECT%20value%20FROM%20kept`], user);
    expect(read.stdout).toMatch(/"values":\[\["[^"]+",42\]\]/);
  });

  it('ClickHouse 18.16 reads its certificate at start: restarted, and the rows are kept', async () => {
    const { id, password, reader } = await create('clickhouse');
    const user = { name: new URL(reader.connection_string).username, password };
    const q = (sql: string) => curl(moduleDir, ['--cacert', 'ca.pem', '--data-binary', sql, `https://127.0.0.1:${reader.port}/?database=app`], user);
    expect((await q('CREATE TABLE kept (v String) ENGINE = MergeTree ORDER BY v')).stdout.trim()).toBe('200');
    expect((await q("INSERT INTO kept VALUES ('before')")).stdout.trim()).toBe('200');
    await replace(id, reader.port, 'restarted', {});
    expect((await q('SELECT v FROM kept')).stdout).toBe('before\n\n200');
  });
});
