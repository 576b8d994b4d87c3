import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logCapture, redisCli, sampleProcesses, type Where } from './helpers/account-clients.js';
import { READER, startModule, STANDIN_VERSIONS, type ModuleUnderTest } from './helpers/module-under-test.js';

// The Redis family's ACL: rotation of the default user (with a grace period in which both
// passwords work), users with key and command rules, kept across a restart; all proven with
// redis-cli, the password in REDISCLI_AUTH. redis-cli exits 0 on refused commands: answers are read.

const ENGINES = ['redis', 'valkey', 'keydb'].filter((e) => !process.env.ENGINES || process.env.ENGINES.split(',').includes(e));

const log = logCapture();
let m: ModuleUnderTest;
beforeAll(async () => { m = await startModule({}, undefined, { logger: log.logger }); });
afterAll(async () => {
  for (const i of (await m?.api('GET', '/databases'))?.body ?? []) await m.api('DELETE', `/databases/${i.id}`);
  await m?.close();
});

const pong = async (w: Where, user: string, password: string) => (await redisCli(w, user, password, 'PING')).out.includes('PONG');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ENGINES)('%s', (engine) => {
  const sfx = randomBytes(3).toString('hex');
  let id: number;
  let w: Where;
  let first: string;
  let second: string;
  const secrets: string[] = [];

  it('rotates the default user\'s password: old refused, new accepted, also after a restart', async () => {
    const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name: `acc-${engine}-${sfx}`, sku: 'b1' });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    id = created.body.id;
    await m.waitFor(id, ['running']);
    const c = (await m.api('GET', `/databases/${id}/connection-string`)).body;
    w = { host: c.host, port: c.port, database: c.database };
    first = c.password;
    secrets.push(first);
    expect(await pong(w, 'default', first)).toBe(true);

    const ps = sampleProcesses();
    const rotated = await m.api('POST', `/databases/${id}/credentials/rotate`, {});
    const argv = await ps.stop();
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    second = rotated.body.password;
    secrets.push(second);
    expect(rotated.body.connection.connection_string).toContain(encodeURIComponent(second));
    for (const line of argv) for (const s of [first, second]) expect(line).not.toContain(s);
    expect(await pong(w, 'default', first), 'old password refused').toBe(false);
    expect(await pong(w, 'default', second), 'new password accepted').toBe(true);

    expect((await m.api('POST', `/databases/${id}/restart`)).status).toBe(200);
    expect(await pong(w, 'default', first), 'old password refused after a restart').toBe(false);
    expect(await pong(w, 'default', second), 'new password accepted after a restart').toBe(true);
  });

  it('keeps both passwords during a grace period, then drops the old one', async () => {
    const rotated = await m.api('POST', `/databases/${id}/credentials/rotate`, { grace_seconds: 3 });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const third = rotated.body.password as string;
    secrets.push(third);
    expect(Date.parse(rotated.body.grace_until) - Date.now()).toBeGreaterThan(1000);
    expect(await pong(w, 'default', second), 'old password still works during the grace period').toBe(true);
    expect(await pong(w, 'default', third)).toBe(true);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await pong(w, 'default', second))) await sleep(250);
    expect(await pong(w, 'default', second), 'old password dropped once the grace period ended').toBe(false);
    expect(await pong(w, 'default', third)).toBe(true);
    second = third;
  });

  it('ACL users: readonly reads and cannot write, readwrite writes only its keys, both survive a restart', async () => {
    expect((await redisCli(w, 'default', second, 'SET', 'app:one', '1')).out).toContain('OK');
    const ro = await m.api('POST', `/databases/${id}/users`, { username: `ro_${sfx}`, role: 'readonly' });
    expect(ro.status, JSON.stringify(ro.body)).toBe(201);
    const rw = await m.api('POST', `/databases/${id}/users`, { username: `rw_${sfx}`, role: 'readwrite', keys: ['app:*'] });
    expect(rw.status, JSON.stringify(rw.body)).toBe(201);
    secrets.push(ro.body.password, rw.body.password);
    expect((await m.api('POST', `/databases/${id}/users`, { username: `db_${sfx}`, role: 'readonly', databases: ['app'] })).status).toBe(400);

    const check = async () => {
      expect((await redisCli(w, `ro_${sfx}`, ro.body.password, 'GET', 'app:one')).out.trim()).toBe('1');
      expect((await redisCli(w, `ro_${sfx}`, ro.body.password, 'SET', 'app:one', '2')).out).toMatch(/NOPERM/);
      expect((await redisCli(w, `rw_${sfx}`, rw.body.password, 'SET', 'app:two', '2')).out).toContain('OK');
      expect((await redisCli(w, `rw_${sfx}`, rw.body.password, 'SET', 'other', '2')).out, 'outside its key pattern').toMatch(/NOPERM/);
      expect((await redisCli(w, `rw_${sfx}`, rw.body.password, 'FLUSHALL')).out, 'no dangerous commands').toMatch(/NOPERM/);
    };
    await check();
    expect((await m.api('POST', `/databases/${id}/restart`)).status).toBe(200);
    await check();

    const users = (await m.api('GET', `/databases/${id}/users`, undefined, READER)).body;
    expect(users.users.find((u: { username: string }) => u.username === `rw_${sfx}`)).toMatchObject({ role: 'readwrite', keys: ['app:*'], in_engine: true });
    expect(users.drift).toEqual({ engine_only: [], module_only: [] });
    expect(JSON.stringify(users)).not.toContain(ro.body.password);

    expect((await m.api('DELETE', `/databases/${id}/users/default`)).status, 'the admin is never deleted').toBe(400);
    expect((await m.api('DELETE', `/databases/${id}/users/ro_${sfx}`)).status).toBe(200);
    expect(await pong(w, `ro_${sfx}`, ro.body.password), 'a deleted user is locked out').toBe(false);
    expect((await m.api('POST', `/databases/${id}/restart`)).status).toBe(200);
    expect(await pong(w, `ro_${sfx}`, ro.body.password), 'and stays deleted after a restart').toBe(false);
    expect(await pong(w, `rw_${sfx}`, rw.body.password)).toBe(true);
  });

  it('rotates a user\'s password, with a grace period too', async () => {
    const rotated = await m.api('POST', `/databases/${id}/credentials/rotate`, { username: `rw_${sfx}`, grace_seconds: 2 });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    secrets.push(rotated.body.password);
    expect(await pong(w, `rw_${sfx}`, rotated.body.password)).toBe(true);
  });

  it('says the Redis family has no named databases, and changes nothing', async () => {
    const res = await m.api('POST', `/databases/${id}/databases`, { name: 'app' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/numbered keyspaces/);
  });

  it('wrote no secret to any log line', () => {
    for (const line of log.lines) for (const s of secrets) expect(line).not.toContain(s);
  });
});
