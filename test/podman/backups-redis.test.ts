import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drill, eventually, exportTo, freshContainer, imageOf, importCompleted, restore, run, snapshot, snapshotFiles, waitOperation,
} from './helpers/backup-steps.js';
import { startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// Backups of the Redis family (Redis, Valkey, KeyDB) through the REST API, checked with redis-cli: an
// RDB taken from the running server comes back exactly (restore with the server stopped, clone,
// export loaded by a fresh server by hand, import of an RDB the stock cli fetched); no plaintext on disk.
const marker = `plaintext-marker-${randomBytes(6).toString('hex')}`;
const SERVER: Record<string, string> = { redis: 'redis-server', valkey: 'valkey-server', keydb: 'keydb-server' };

/** A digest of every key, its type and value, computed by the server itself (EVAL through redis-cli). */
const DIGEST_LUA = `
local keys = redis.call('KEYS', '*'); table.sort(keys); local acc = {}
for _, k in ipairs(keys) do
  local t = redis.call('TYPE', k).ok; local v
  if t == 'string' then v = redis.call('GET', k)
  elseif t == 'hash' then local h = redis.call('HGETALL', k); local p = {}; for i = 1, #h, 2 do p[#p + 1] = h[i] .. '=' .. h[i + 1] end; table.sort(p); v = table.concat(p, ',')
  elseif t == 'list' then v = table.concat(redis.call('LRANGE', k, 0, -1), ',')
  elseif t == 'set' then local s = redis.call('SMEMBERS', k); table.sort(s); v = table.concat(s, ',')
  elseif t == 'zset' then v = table.concat(redis.call('ZRANGE', k, 0, -1, 'WITHSCORES'), ',') end
  acc[#acc + 1] = k .. ':' .. t .. ':' .. v
end
return #keys .. ':' .. redis.sha1hex(table.concat(acc, '|'))`;

const cli = (target: string[], ...args: string[]) => run('redis-cli', [...target, ...args]).then((r) => r.stdout.trim());

async function writeKnown(target: string[]): Promise<void> {
  const pipe = Array.from({ length: 300 }, (_, i) => `SET key:${i} ${createHash('md5').update(String(i)).digest('hex')}${i === 150 ? `-${marker}` : ''}`);
  pipe.push('HSET profile name ada lang lua', 'RPUSH queue a b c', 'SADD tags x y z', 'ZADD board 1 one 2 two', 'SET session abc EX 86400');
  await run('sh', ['-c', 'printf "%s\\n" "$@" | redis-cli "$0" "$1" "$2" "$3" > /dev/null', ...target.slice(0, 4), ...pipe]);
}

const checksum = (target: string[]) => cli(target, 'EVAL', DIGEST_LUA, '0');

describe.each(['redis', 'valkey', 'keydb'])('%s backups through the API', (engine) => {
  let m: ModuleUnderTest;
  let id: number;
  let target: string[];
  let known: string;
  let first: any;
  const removals: (() => Promise<void>)[] = [];
  const targetOf = async (instanceId: number) => ['-u', (await m.api('GET', `/databases/${instanceId}/connection-string`)).body.connection_string, '--no-auth-warning', '-e'];

  beforeAll(async () => {
    m = await startModule();
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `b10-${engine}-${randomBytes(3).toString('hex')}` });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    id = created.body.id;
    await m.waitFor(id, ['running']);
    target = await targetOf(id);
    await writeKnown(target);
    known = await checksum(target);
    expect(known).toMatch(/^305:[0-9a-f]{40}$/);
  }, 300_000);
  afterAll(async () => {
    for (const r of removals) await r();
    for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
    await m?.close();
  });

  it('snapshot, change and delete keys, restore (the server stopped, the files replaced): exactly the keys of the snapshot', async () => {
    first = await snapshot(m, id);
    expect(first, JSON.stringify(first)).toMatchObject({ status: 'completed', engine, format: 'Redis RDB snapshot' });
    // Keys with an expiry are left out of the count: a drill may run after they expired.
    expect(first.figures.low).toEqual({ db0: 304 });
    const files = await snapshotFiles(path.join(m.dataDir, 'modules', 'databases', 'backups'), id);
    expect(files.map((f) => f.mode)).toEqual([0o600]);
    expect(files[0]!.bytes.includes(Buffer.from(marker))).toBe(false);
    expect(files[0]!.bytes.includes(Buffer.from('REDIS00'))).toBe(false);

    await cli(target, 'DEL', 'key:1', 'key:2', 'profile');
    await cli(target, 'SET', 'key:3', 'changed');
    await cli(target, 'SET', 'made:later', 'x');
    expect(await checksum(target)).not.toBe(known);
    const op = await restore(m, id, first.id);
    expect(op, JSON.stringify(op)).toMatchObject({ status: 'completed' });
    expect(await checksum(target)).toBe(known);
    // And it survives a restart (AOF on: the restored data is what the server loads).
    expect((await m.api('POST', `/databases/${id}/restart`)).status).toBe(200);
    expect(await checksum(target)).toBe(known);
  }, 600_000);

  it('a clone is a new instance with the same keys', async () => {
    const res = await m.api('POST', `/databases/${id}/clone`, { name: `b10-clone-${randomBytes(3).toString('hex')}`, snapshot_id: first.id });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const op = await waitOperation(m, res.body.instance.id, 'clone');
    expect(op, JSON.stringify(op)).toMatchObject({ status: 'completed' });
    await m.waitFor(res.body.instance.id, ['running']);
    expect(await checksum(await targetOf(res.body.instance.id))).toBe(known);
  }, 600_000);

  it('the export loads into a fresh server of the image by hand (dump.rdb, AOF off), no module', async () => {
    const exported = await exportTo(m, id, `?snapshot_id=${first.id}`);
    expect(exported.files).toEqual(['README.txt', 'dump.rdb', 'manifest.json']);
    expect(createHash('sha256').update(await readFile(path.join(exported.dir, 'dump.rdb'))).digest('hex')).toBe(first.sha256);
    expect(exported.readme).toContain('--appendonly no');
    const data = await mkdtemp(path.join(os.tmpdir(), 'flux-e2e-rdb-'));
    await chmod(data, 0o777);
    await copyFile(path.join(exported.dir, 'dump.rdb'), path.join(data, 'dump.rdb'));
    await chmod(path.join(data, 'dump.rdb'), 0o644);
    const fresh = await freshContainer(await imageOf(m, id), { port: 6379, mounts: [`${data}:/data`], cmd: [SERVER[engine]!, '--dir', '/data', '--appendonly', 'no', '--protected-mode', 'no'] });
    removals.push(fresh.remove);
    const plain = ['-h', '127.0.0.1', '-p', String(fresh.hostPort), '-e'];
    expect(await eventually(() => checksum(plain), 60_000)).toBe(known);
  }, 600_000);

  it('imports an RDB fetched by the stock redis-cli, with a safety snapshot first', async () => {
    const source = await freshContainer(await imageOf(m, id), { port: 6379, cmd: [SERVER[engine]!, '--protected-mode', 'no'] });
    removals.push(source.remove);
    const plain = ['-h', '127.0.0.1', '-p', String(source.hostPort), '-e'];
    await eventually(() => cli(plain, 'PING'), 60_000);
    await writeKnown(plain);
    await cli(plain, 'SET', 'key:7', 'from the stock rdb');
    const expected = await checksum(plain);
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'flux-e2e-stock-rdb-')), 'stock.rdb');
    await run('redis-cli', ['-h', '127.0.0.1', '-p', String(source.hostPort), '--rdb', file]);
    await importCompleted(m, id, await readFile(file));
    expect(await checksum(target)).toBe(expected);
  }, 600_000);

  it('a drill passes on the snapshot', async () => {
    const drilled = await drill(m, id, first.id);
    expect(drilled.drill, JSON.stringify(drilled.drill)).toMatchObject({ status: 'passed' });
  }, 600_000);
});
