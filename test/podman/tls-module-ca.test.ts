import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAdapter } from '../../src/services/adapters/registry.js';
import { adapterInput } from '../../src/services/drivers/container-support.js';
import { tempDir } from '../helpers/host.js';
import { operatorCa } from '../helpers/tls-fixtures.js';
import { READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';
import { curl, runClient, saveModuleCa } from './helpers/tls-clients.js';

// TLS from the module's own CA on every live TLS engine, checked with the engines' stock clients
// exactly as GET /connection-string returns them (the reader's copy, so no password is in argv;
// the admin's password goes to the client's environment): each connects verifying the server
// against ca.pem (GET /tls/ca), plaintext is refused, and a CA that did not sign it is refused too.
interface Returned { connection_string: string; password?: string; port: number; ports?: Record<string, number>; commands?: Record<string, { argv: string[]; env?: Record<string, string> }> }

let m: ModuleUnderTest;
let dir: Awaited<ReturnType<typeof tempDir>>;
const suffix = randomBytes(3).toString('hex');
const created: number[] = [];

beforeAll(async () => {
  m = await startModule();
  dir = await tempDir('flux-tls-clients-');
  await saveModuleCa(m, dir.path);
  // A CA that signed nothing here: verifying against it must fail.
  await writeFile(path.join(dir.path, 'other-ca.pem'), (await operatorCa('Unrelated CA')).cert);
});
afterAll(async () => {
  for (const id of created) await m?.api('DELETE', `/databases/${id}`);
  await m?.close();
  await dir?.remove();
});

async function createTls(engine: string): Promise<{ id: number; admin: Returned; reader: Returned }> {
  const res = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `tls-${engine}-${suffix}`, sku: engine === 'clickhouse' ? 'b2' : 'b1', tls_enabled: true });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  created.push(res.body.id);
  const row = await m.waitFor(res.body.id, ['running']);
  expect(row.tls_enabled).toBe(true);
  const admin = (await m.api<Returned>('GET', `/databases/${row.id}/connection-string`)).body;
  const reader = (await m.api<Returned>('GET', `/databases/${row.id}/connection-string`, undefined, READER)).body;
  expect(reader.password).toBeUndefined();
  return { id: row.id, admin, reader };
}

/** The health check and the inside probe (what a rootless VNet instance is probed with) both answer over TLS. */
async function probesWork(id: number): Promise<void> {
  const s = m.app.flux.services;
  const row = await s.instances.get(id);
  const outcome = await s.instances.support.driverOf(row).probe(row);
  expect(outcome, outcome.message).toMatchObject({ ok: true });
  const adapter = getAdapter(row.engine);
  const step = adapter.insideProbe?.(adapterInput(row, (await s.instances.support.adminPassword(id))!));
  if (!step) return;
  const r = await s.runtime.exec(row.container_id!, step.argv, { env: step.env, timeoutMs: 30_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  // A port check (exit code only) has no expected output.
  if (step.expectStdout) expect(r.stdout).toMatch(step.expectStdout);
}

const withoutTls = (argv: string[]) => argv.filter((a) => !/^--ssl|^--tls$|^--cacert$|^ca\.pem$/.test(a));

describe.each(['postgresql', 'timescaledb'])('%s', (engine) => {
  it('psql sslmode=verify-full with the CA connects; sslmode=disable and another CA are refused', async () => {
    const { id, admin, reader } = await createTls(engine);
    expect(reader.connection_string).toMatch(/\?sslmode=verify-full&sslrootcert=ca\.pem$/);
    const env = { PGPASSWORD: admin.password!, PGCONNECT_TIMEOUT: '10' };
    const ok = await runClient(dir.path, ['psql', reader.connection_string, '-tAXc', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'], { env });
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('t');
    const plain = await runClient(dir.path, ['psql', reader.connection_string.replace(/\?.*$/, '?sslmode=disable'), '-c', 'SELECT 1'], { env });
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/no pg_hba\.conf entry for host .* no encryption/);
    const wrongCa = await runClient(dir.path, ['psql', reader.connection_string.replace('sslrootcert=ca.pem', 'sslrootcert=other-ca.pem'), '-c', 'SELECT 1'], { env });
    expect(wrongCa.code).not.toBe(0);
    expect(wrongCa.stderr).toMatch(/certificate verify failed/);
    await probesWork(id);
  });
});

describe('MariaDB', () => {
  it('mariadb --ssl-ca=ca.pem --ssl-verify-server-cert connects; --skip-ssl and another CA are refused', async () => {
    const { id, admin, reader } = await createTls('mariadb');
    const cmd = reader.commands!.mariadb!;
    expect(cmd.argv).toEqual(expect.arrayContaining(['--ssl-ca=ca.pem', '--ssl-verify-server-cert']));
    const env = { MYSQL_PWD: admin.password! };
    const ok = await runClient(dir.path, [...cmd.argv, '-N', '-B', '-e', "SHOW STATUS LIKE 'Ssl_version'"], { env });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^Ssl_version\tTLSv1\.[23]$/m);
    const plain = await runClient(dir.path, [...withoutTls(cmd.argv), '--skip-ssl', '-e', 'SELECT 1'], { env });
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/insecure transport are prohibited/);
    const wrongCa = await runClient(dir.path, [...cmd.argv.map((a) => a.replace('ca.pem', 'other-ca.pem')), '-e', 'SELECT 1'], { env });
    expect(wrongCa.code).not.toBe(0);
    expect(wrongCa.stderr).toMatch(/unable to get local issuer certificate|certificate verify failed/i);
    await probesWork(id);
  });
});

describe('MySQL', () => {
  it('mysql --ssl-ca=ca.pem --ssl-verify-server-cert connects; --skip-ssl and another CA are refused', async () => {
    const { id, admin, reader } = await createTls('mysql');
    const cmd = reader.commands!.mysql!;
    // Oracle's client verifies with --ssl-mode=VERIFY_IDENTITY; the stock client here is MariaDB's, which names it --ssl-verify-server-cert.
    expect(cmd.argv).toEqual(expect.arrayContaining(['--ssl-mode=VERIFY_IDENTITY', '--ssl-ca=ca.pem']));
    const verified = [...withoutTls(cmd.argv), '--ssl-ca=ca.pem', '--ssl-verify-server-cert'];
    const env = { MYSQL_PWD: admin.password! };
    const ok = await runClient(dir.path, [...verified, '-N', '-B', '-e', "SHOW STATUS LIKE 'Ssl_version'"], { env });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^Ssl_version\tTLSv1\.[23]$/m);
    const plain = await runClient(dir.path, [...withoutTls(cmd.argv), '--skip-ssl', '-e', 'SELECT 1'], { env });
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/insecure transport are prohibited/);
    const wrongCa = await runClient(dir.path, [...verified.map((a) => a.replace('ca.pem', 'other-ca.pem')), '-e', 'SELECT 1'], { env });
    expect(wrongCa.code).not.toBe(0);
    expect(wrongCa.stderr).toMatch(/unable to get local issuer certificate|certificate verify failed/i);
    await probesWork(id);
  });
});

describe.each(['redis', 'valkey', 'keydb'])('%s', (engine) => {
  it('redis-cli --tls --cacert ca.pem connects; plaintext and another CA are refused', async () => {
    const { id, admin, reader } = await createTls(engine);
    expect(reader.connection_string).toMatch(/^rediss:\/\//);
    const cmd = reader.commands!['redis-cli']!;
    expect(cmd.argv).toEqual(expect.arrayContaining(['--tls', '--cacert', 'ca.pem']));
    const env = { REDISCLI_AUTH: admin.password! };
    expect((await runClient(dir.path, [...cmd.argv, 'SET', 'tls-key', 'over-tls'], { env })).stdout.trim()).toBe('OK');
    expect((await runClient(dir.path, [...cmd.argv, 'GET', 'tls-key'], { env })).stdout.trim()).toBe('over-tls');
    const plain = await runClient(dir.path, [...withoutTls(cmd.argv), 'PING'], { env });
    expect(plain.stdout).not.toMatch(/PONG/);
    expect(`${plain.stdout}${plain.stderr}`).toMatch(/Connection reset|Server closed the connection|I\/O error|Error/i);
    const wrongCa = await runClient(dir.path, [...cmd.argv.map((a) => (a === 'ca.pem' ? 'other-ca.pem' : a)), 'PING'], { env });
    expect(wrongCa.stdout).not.toMatch(/PONG/);
    expect(`${wrongCa.stdout}${wrongCa.stderr}`).toMatch(/certificate verify failed/);
    await probesWork(id);
  });
});

describe('ClickHouse', () => {
  it('curl --cacert ca.pem over HTTPS answers a query; plain HTTP and another CA are refused; the native port is TLS too', async () => {
    const { id, admin, reader } = await createTls('clickhouse');
    expect(reader.connection_string).toMatch(/^https:\/\//);
    const user = { name: new URL(reader.connection_string).username, password: admin.password! };
    const base = `127.0.0.1:${reader.port}`;
    const ok = await curl(dir.path, ['--cacert', 'ca.pem', `https://${base}/?query=SELECT%20version()`], user);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^18\.16[\d.]*\n\n200$/);
    const plain = await curl(dir.path, [`http://${base}/?query=SELECT%201`], user);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).not.toMatch(/^1\n/);
    const wrongCa = await curl(dir.path, ['--cacert', 'other-ca.pem', `https://${base}/?query=SELECT%201`], user);
    expect(wrongCa.code).toBe(60); // curl: the peer's certificate cannot be authenticated
    const native = await runClient(dir.path, ['openssl', 's_client', '-connect', `127.0.0.1:${reader.ports!.native}`, '-CAfile', 'ca.pem', '-verify_return_error', '-verify_ip', '127.0.0.1'], { timeoutMs: 20_000 });
    expect(native.stdout).toMatch(/Verify return code: 0 \(ok\)/);
    await probesWork(id);
  });
});

describe('InfluxDB', () => {
  it('curl --cacert ca.pem and influx -ssl answer over HTTPS; plain HTTP and another CA are refused', async () => {
    const { id, admin, reader } = await createTls('influxdb');
    expect(reader.connection_string).toMatch(/^https:\/\//);
    const user = { name: new URL(reader.connection_string).username, password: admin.password! };
    const base = `127.0.0.1:${reader.port}`;
    const ok = await curl(dir.path, ['--cacert', 'ca.pem', `https://${base}/query?q=SHOW%20DATABASES`], user);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/"app"/);
    expect(ok.stdout).toMatch(/\n200$/);
    // Go's server answers plaintext on its TLS port with a 400 and nothing else.
    const plain = await curl(dir.path, [`http://${base}/query?q=SHOW%20DATABASES`], user);
    expect(plain.stdout).toMatch(/HTTP request to an HTTPS server/);
    expect(plain.stdout).not.toMatch(/"app"/);
    const wrongCa = await curl(dir.path, ['--cacert', 'other-ca.pem', `https://${base}/ping`], user);
    expect(wrongCa.code).toBe(60);
    const cmd = reader.commands!.influx!;
    expect(cmd.argv).toContain('-ssl');
    const cli = await runClient(dir.path, [...cmd.argv, '-execute', 'SHOW DATABASES'], { env: { ...cmd.env, INFLUX_PASSWORD: admin.password! } });
    expect(cli.stderr).toBe('');
    expect(cli.stdout).toMatch(/^app$/m);
    await probesWork(id);
  });
});
