import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ_COMMANDS, ReadOnlyRedis, WriteRefused } from '../../src/services/adapters/families/redis-read-only.js';
import { browse, instance, lines, run, scanAll } from './helpers/browse.js';
import { startModule, type ModuleUnderTest } from './helpers/module-under-test.js';

// The Redis family: keys written with redis-cli; the browser's key scan (SCAN, cursor-paged)
// equals redis-cli --scan, with TYPE, PTTL and MEMORY USAGE per key; values as redis-cli reads
// them. Redis has no read-only transaction: the browser's connection sends only commands the
// server itself flags readonly, and refuses any other.
let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule(); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

const ALL = ['redis', 'valkey', 'keydb'];
const ENGINES = (process.env.ENGINES?.split(',') ?? ALL).filter((e) => ALL.includes(e));

describe.each(ENGINES)('%s', (engine) => {
  it('scans, describes and samples keys as redis-cli reads them, and sends nothing but read commands', async () => {
    const { id, c } = await instance(m, engine);
    const cli = async (...args: string[]) => (await run('redis-cli', ['-u', c.connection_string, ...args])).trimEnd();
    const big = 'b'.repeat(5000);
    for (const argv of [
      ['SET', 'str:plain', 'hello'], ['PEXPIRE', 'str:plain', '600000'], ['SET', 'str:big', big], ['HSET', 'h:1', 'a', '1', 'b', '2'],
      ['RPUSH', 'l:1', 'a', 'b', 'c', 'd', 'e'], ['SADD', 's:1', 'x', 'y', 'z'], ['ZADD', 'z:1', '1', 'a', '2.5', 'b', '3', 'c'], ['XADD', 'st:1', '1-1', 'f', 'v'],
      ...Array.from({ length: 30 }, (_, i) => ['SET', `n:${i}`, String(i)]),
    ]) await cli(...argv);

    // Every page of the scan together is what redis-cli --scan finds; pattern and count pass through.
    const keys = await scanAll(m, id, c.password, 'pattern=*&count=7');
    expect(keys.map((k) => k.name).sort()).toEqual(lines(await cli('--scan')).sort());
    const strs = await scanAll(m, id, c.password, 'pattern=str:*&count=1000');
    expect(strs.map((k) => k.name).sort()).toEqual(lines(await cli('--scan', '--pattern', 'str:*')).sort());
    for (const key of keys.filter((k) => !k.name.startsWith('n:'))) {
      expect(key.key_type, key.name).toBe(await cli('TYPE', key.name));
      expect(key.size_bytes, key.name).toBe(Number(await cli('MEMORY', 'USAGE', key.name)));
      expect(key.ref).toBe(key.name);
    }
    const plain = keys.find((k) => k.name === 'str:plain');
    expect(Math.abs(plain.ttl_ms - Number(await cli('PTTL', 'str:plain')))).toBeLessThan(10_000);
    expect(keys.find((k) => k.name === 'l:1').rows_estimate).toBe(Number(await cli('LLEN', 'l:1')));

    const hash = await browse(m, id, '/tables/h:1/schema', c.password);
    expect(hash.key).toMatchObject({ type: 'hash', encoding: await cli('OBJECT', 'ENCODING', 'h:1'), ttl_ms: -1, length: Number(await cli('HLEN', 'h:1')) });
    expect(hash.columns.map((col: any) => col.name)).toEqual(['field', 'value']);
    const hashRows = (await browse(m, id, '/tables/h:1/data', c.password)).rows;
    const hgetall = lines(await cli('HGETALL', 'h:1'));
    expect(Object.fromEntries(hashRows)).toEqual(Object.fromEntries([[hgetall[0], hgetall[1]], [hgetall[2], hgetall[3]]]));
    expect((await browse(m, id, '/tables/l:1/data?offset=1&limit=2', c.password)).rows).toEqual(lines(await cli('LRANGE', 'l:1', '1', '2')).map((v, i) => [1 + i, v]));
    const zset = lines(await cli('ZRANGE', 'z:1', '0', '-1', 'WITHSCORES'));
    expect((await browse(m, id, '/tables/z:1/data', c.password)).rows).toEqual([[zset[0], Number(zset[1])], [zset[2], Number(zset[3])], [zset[4], Number(zset[5])]]);
    expect((await browse(m, id, '/tables/s:1/data', c.password)).rows.map((r: any[]) => r[0]).sort()).toEqual(lines(await cli('SMEMBERS', 's:1')).sort());
    expect((await browse(m, id, '/tables/st:1/data', c.password)).rows).toEqual([['1-1', '{"f":"v"}']]);
    const long = await browse(m, id, '/tables/str:big/data', c.password);
    expect(long.rows).toEqual([[big.slice(0, 1024)]]);
    expect(long.truncated).toEqual([{ row: 0, column: 'value', length: 5000 }]);
    expect((await m.api('GET', `/databases/${id}/tables/nosuch:key/data`)).status).toBe(404);
    expect((await m.api('GET', `/databases/${id}/tables/l:1/data?order=value`)).status).toBe(400);

    // The browser's own connection: every command it may send is flagged readonly by this server; a write is refused before it is sent.
    const client = new Redis(c.connection_string, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    try {
      for (const [command, subs] of Object.entries(READ_COMMANDS)) {
        for (const name of subs === true ? [command] : subs.map((s) => `${command}|${s}`)) {
          const info = (await client.call('COMMAND', 'INFO', name.toLowerCase())) as [[string, number, string[]]];
          expect(info[0]?.[2], name).toContain('readonly');
        }
      }
      const guarded = new ReadOnlyRedis(client);
      for (const argv of [['SET', 'str:plain', 'changed'], ['DEL', 'l:1'], ['FLUSHALL'], ['EVAL', "return redis.call('DEL', 'h:1')", '0'], ['MEMORY', 'PURGE'], ['OBJECT', 'FREQ', 'h:1']]) {
        await expect(guarded.send(argv[0]!, ...argv.slice(1)), argv.join(' ')).rejects.toBeInstanceOf(WriteRefused);
      }
      await expect(guarded.pipeline([['GET', 'str:plain'], ['DEL', 'str:plain']])).rejects.toBeInstanceOf(WriteRefused);
    } finally {
      client.disconnect();
    }
    expect(await cli('GET', 'str:plain')).toBe('hello');
    expect(await cli('LLEN', 'l:1')).toBe('5');
    expect((await m.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });
});
