import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drill, eventually, exportTo, freshContainer, imageOf, importCompleted, restore, run, snapshot, snapshotFiles, waitOperation,
} from './helpers/backup-steps.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Backups of the MySQL family (MariaDB, and MySQL as a MariaDB stand-in) through the REST API, checked
// with the stock client: a consistent dump with routines, triggers and events comes back exactly
// (restore, clone, export fed to the client by hand, import of a stock dump); no plaintext on disk.
const marker = `plaintext-marker-${randomBytes(6).toString('hex')}`;
/** An empty data directory: the image's own one is initialised by its package, with root on the socket only. */
const emptyDir = () => mkdtemp(path.join(os.tmpdir(), 'flux-e2e-mysql-data-'));

interface Client { argv: string[]; env?: Record<string, string> }

async function sql(c: Client, statement: string): Promise<string> {
  const [bin, ...args] = c.argv;
  const { stdout } = await run(bin!, [...args, '-N', '-B', '-e', statement], { env: { ...process.env, ...c.env } });
  return stdout.trim();
}

async function writeKnown(c: Client): Promise<void> {
  await sql(c, 'CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(200) NOT NULL); CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, item INT)');
  const values = Array.from({ length: 500 }, (_, i) => `(${i + 1}, '${createHash('md5').update(String(i)).digest('hex')}${i === 249 ? ` ${marker}` : ''}')`).join(',');
  await sql(c, `INSERT INTO items VALUES ${values}`);
  await sql(c, 'CREATE TRIGGER items_audit AFTER UPDATE ON items FOR EACH ROW INSERT INTO audit (item) VALUES (NEW.id)');
  await sql(c, 'CREATE PROCEDURE item_count() SELECT COUNT(*) FROM items');
  await sql(c, 'CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit');
}

async function checksum(c: Client): Promise<string> {
  const rows = await sql(c, "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(id, '=', v ORDER BY id SEPARATOR ','))) FROM items");
  const objects = await sql(c, "SELECT CONCAT((SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = DATABASE()), '/', (SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = DATABASE()), '/', (SELECT COUNT(*) FROM information_schema.events WHERE event_schema = DATABASE()))");
  return `${rows}|${objects}`;
}

describe.each(['mariadb', 'mysql'])('%s backups through the API', (engine) => {
  const clientName = engine === 'mariadb' ? 'mariadb' : 'mysql';
  let m: ModuleUnderTest;
  let id: number;
  let client: Client;
  let known: string;
  let first: any;
  const removals: (() => Promise<void>)[] = [];
  const clientOf = async (instanceId: number): Promise<Client> => (await m.api('GET', `/databases/${instanceId}/connection-string`)).body.commands[clientName];

  beforeAll(async () => {
    m = await startModule();
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `b10-${engine}-${randomBytes(3).toString('hex')}` });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    id = created.body.id;
    await m.waitFor(id, ['running']);
    client = await clientOf(id);
    await writeKnown(client);
    known = await checksum(client);
    expect(known).toMatch(/^500:[0-9a-f]{32}\|1\/1\/1$/);
  }, 300_000);
  afterAll(async () => {
    for (const r of removals) await r();
    for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
    await m?.close();
  });

  it('snapshot, change and delete data, restore: exactly the data of the snapshot comes back, routines, triggers and events too', async () => {
    first = await snapshot(m, id);
    expect(first, JSON.stringify(first)).toMatchObject({ status: 'completed', engine, tool: expect.stringContaining('--single-transaction --routines --triggers --events') });
    expect(first.figures.low['app.items']).toBe(500);
    const files = await snapshotFiles(path.join(m.dataDir, 'modules', 'databases', 'backups'), id);
    expect(files.map((f) => f.mode)).toEqual([0o600]);
    expect(files[0]!.bytes.includes(Buffer.from(marker))).toBe(false);
    expect(files[0]!.bytes.includes(Buffer.from('CREATE TABLE'))).toBe(false);

    await sql(client, "DELETE FROM items WHERE id > 100; UPDATE items SET v = 'changed' WHERE id < 50; DROP PROCEDURE item_count; CREATE TABLE made_later (x INT)");
    expect(await checksum(client)).not.toBe(known);
    const op = await restore(m, id, first.id);
    expect(op, JSON.stringify(op)).toMatchObject({ status: 'completed' });
    expect(await checksum(client)).toBe(known);
    expect(await sql(client, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'made_later'")).toBe('0');
  }, 600_000);

  it('a clone is a new instance with the same data', async () => {
    const res = await m.api('POST', `/databases/${id}/clone`, { name: `b10-clone-${randomBytes(3).toString('hex')}` });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.snapshot_id).toBe(first.id);
    const op = await waitOperation(m, res.body.instance.id, 'clone');
    expect(op, JSON.stringify(op)).toMatchObject({ status: 'completed' });
    await m.waitFor(res.body.instance.id, ['running']);
    expect(await checksum(await clientOf(res.body.instance.id))).toBe(known);
  }, 600_000);

  it('the export restores by hand with the stock client in a fresh container of the image, no module', async () => {
    const exported = await exportTo(m, id, `?snapshot_id=${first.id}`);
    expect(exported.files).toEqual(['README.txt', 'dump.sql', 'manifest.json']);
    expect(createHash('sha256').update(await readFile(path.join(exported.dir, 'dump.sql'))).digest('hex')).toBe(first.sha256);
    expect(exported.readme).toContain(`${clientName} --protocol=TCP`);
    const fresh = await freshContainer(await imageOf(m, id), { env: { MARIADB_ROOT_PASSWORD: 'by-hand-pw', MYSQL_ROOT_PASSWORD: 'by-hand-pw' }, port: 3306, mounts: [`${await emptyDir()}:/var/lib/mysql`] });
    removals.push(fresh.remove);
    const root: Client = { argv: [clientName, '--protocol=TCP', '-h127.0.0.1', `-P${fresh.hostPort}`, '-uroot', '-Dapp'], env: { MYSQL_PWD: 'by-hand-pw' } };
    const noDb: Client = { argv: root.argv.filter((a) => a !== '-Dapp'), env: root.env };
    await eventually(() => sql(noDb, 'SELECT 1'), 180_000);
    await run('sh', ['-c', `${clientName} --protocol=TCP -h127.0.0.1 -P${fresh.hostPort} -uroot --binary-mode < "$1"`, 'sh', path.join(exported.dir, 'dump.sql')], { env: { ...process.env, MYSQL_PWD: 'by-hand-pw' } });
    expect(await checksum(root)).toBe(known);
  }, 600_000);

  it('imports a dump made by the stock dump tool, with a safety snapshot first', async () => {
    const source = await freshContainer(await imageOf(m, id), {
      env: { MARIADB_ROOT_PASSWORD: 'stock-pw', MYSQL_ROOT_PASSWORD: 'stock-pw', MARIADB_DATABASE: 'app', MYSQL_DATABASE: 'app' }, port: 3306, mounts: [`${await emptyDir()}:/var/lib/mysql`],
    });
    removals.push(source.remove);
    const root: Client = { argv: [clientName, '--protocol=TCP', '-h127.0.0.1', `-P${source.hostPort}`, '-uroot', '-Dapp'], env: { MYSQL_PWD: 'stock-pw' } };
    await eventually(() => sql(root, 'SELECT 1'), 180_000);
    await writeKnown(root);
    await sql(root, "UPDATE items SET v = 'from the stock dump' WHERE id = 7");
    const expected = await checksum(root);
    const dumper = engine === 'mariadb' ? 'mariadb-dump' : 'mysqldump';
    const { stdout } = await run('podman', ['exec', '-e', 'MYSQL_PWD=stock-pw', source.name, dumper, '--protocol=TCP', '-h127.0.0.1', '-uroot', '--routines', '--triggers', '--events', '--databases', 'app'],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
    await importCompleted(m, id, stdout as unknown as Buffer);
    expect(await checksum(client)).toBe(expected);
  }, 600_000);

  it('a drill passes on the snapshot', async () => {
    const drilled = await drill(m, id, first.id);
    expect(drilled.drill, JSON.stringify(drilled.drill)).toMatchObject({ status: 'passed' });
  }, 600_000);
});
