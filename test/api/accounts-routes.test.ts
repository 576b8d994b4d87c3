import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';
import { FakeRedisServer } from '../fakes/fake-redis-server.js';

// The account routes on the fake runtime, with a Redis-protocol fake engine on the instance's
// port: validation, permissions, and a rotation that fails part-way (the engine takes the new
// password, then refuses it): the old password stays in force everywhere and the answer says so.

const HOSTILE = ['a;b', "x'--", 'x"y', 'a b', '../etc', '..%2F..', 'a/b', '$(id)', '`id`', 'a|b', 'Admin', '1abc', 'a'.repeat(64), 'x\ny', 'é', 'a%00'];
const enc = encodeURIComponent;

let h: FakeHost;
let id: number;
let engine: FakeRedisServer;
let admin: string;
let configFile: string;
beforeAll(async () => {
  h = await fakeHost();
  const row = await h.createRunning({ engine: 'redis', name: 'acc-fake-redis' });
  id = row.id;
  admin = (await h.api('GET', `/databases/${id}/connection-string`)).json.password;
  engine = new FakeRedisServer(admin);
  await engine.listen(row.port);
  configFile = path.join(h.moduleDir, 'containers', row.container_name, 'secrets', 'redis.conf');
}, 60_000);
afterAll(async () => {
  await engine?.close();
  await h?.close();
});

const stored = async () => (await h.api('GET', `/databases/${id}/connection-string`)).json.password as string;

describe('bad input', () => {
  it('every account route refuses hostile names with a 400 and sends nothing to the engine', async () => {
    const before = engine.commands.length;
    for (const name of HOSTILE) {
      const answers = [
        await h.api('POST', `/databases/${id}/users`, { username: name, role: 'readonly' }),
        await h.api('POST', `/databases/${id}/users`, { username: 'app_ro', role: 'readonly', databases: [name] }),
        await h.api('DELETE', `/databases/${id}/users/${enc(name)}`),
        await h.api('POST', `/databases/${id}/databases`, { name }),
        await h.api('DELETE', `/databases/${id}/databases/${enc(name)}?confirm=${enc(name)}`),
        await h.api('POST', `/databases/${id}/credentials/rotate`, { username: name }),
      ];
      for (const [i, a] of answers.entries()) {
        expect([400, 404], `route ${i} with ${JSON.stringify(name)}: ${JSON.stringify(a.json)}`).toContain(a.status);
        if (a.status === 404) expect(a.json.message, 'a 404 only from the router, for a path it cannot match').toMatch(/^no route/);
      }
    }
    for (const key of ['a b', "k'", 'k"', 'k;x', '../k', 'a/../b', 'k\n', '$(id)', '`k`', 'k|x', 'é', 'x'.repeat(129), '']) {
      expect((await h.api('POST', `/databases/${id}/users`, { username: 'app_ro', role: 'readonly', keys: [key] })).status, `key ${JSON.stringify(key)}`).toBe(400);
    }
    for (const body of [
      { role: 'readonly' }, { username: 'app_ro', role: 'owner' }, { username: 'app_ro', role: 'readonly', extra: 1 },
      { username: 'app_ro', role: 'readonly', password: "it's-quoted-1234" }, { username: 'app_ro', role: 'readonly', password: 'short' },
      { username: 'app_ro', role: 'readonly', databases: Array.from({ length: 33 }, (_, i) => `d${i}`) },
    ]) expect((await h.api('POST', `/databases/${id}/users`, body)).status, JSON.stringify(body)).toBe(400);
    for (const body of [{ grace_seconds: 0 }, { grace_seconds: 999_999_999 }, { password: 'has space in it 123' }, { other: true }]) {
      expect((await h.api('POST', `/databases/${id}/credentials/rotate`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await h.api('DELETE', `/databases/${id}/databases/app_db?confirm=a;b`)).status).toBe(400);
    expect(engine.commands.length, 'nothing reached the engine').toBe(before);
    expect(await stored()).toBe(admin);
  });
});

describe('permissions', () => {
  it('a reader lists without passwords and cannot create, rotate or delete anything', async () => {
    const listed = await h.api('GET', `/databases/${id}/users`, undefined, { as: 'read' });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).not.toContain(admin);
    const before = engine.commands.length;
    for (const [method, url, body] of [
      ['POST', `/databases/${id}/credentials/rotate`, {}], ['POST', `/databases/${id}/users`, { username: 'app_ro', role: 'readonly' }],
      ['DELETE', `/databases/${id}/users/app_ro`, undefined], ['POST', `/databases/${id}/databases`, { name: 'other' }],
      ['DELETE', `/databases/${id}/databases/other?confirm=other`, undefined],
    ] as const) {
      expect((await h.api(method, url, body, { as: 'read' })).status, `${method} ${url}`).toBe(403);
    }
    // The refused writes asked the engine nothing.
    expect(engine.commands.length).toBe(before);
  });
});

describe('rotation', () => {
  it('that the engine takes but then refuses: the old password stays in force everywhere and the answer says so', async () => {
    engine.freezeLogins();
    const res = await h.api('POST', `/databases/${id}/credentials/rotate`);
    expect(res.status).toBe(502);
    expect(res.json.error).toBe('ENGINE_REFUSED');
    expect(res.json.message).toMatch(/Rotation did not complete: the check after the change failed \(the engine refuses the new password for default\)/);
    expect(res.json.message).toMatch(/the old password was restored in the engine and still works\. The stored password is still the old one/);
    expect(engine.users.get('default')).toEqual(new Set([admin]));
    expect(await stored()).toBe(admin);
    expect(await readFile(configFile, 'utf8')).toContain(`requirepass "${admin}"`);
  });

  it('that the engine refuses outright changes nothing', async () => {
    engine.refuseSetuser = true;
    const res = await h.api('POST', `/databases/${id}/credentials/rotate`);
    engine.refuseSetuser = false;
    expect(res.status).toBe(502);
    expect(res.json.message).toMatch(/^Rotation failed: the engine refused the new password; nothing changed, the old password still works: ERR the fake engine refuses/);
    expect(await stored()).toBe(admin);
  });

  it('that completes writes the new password to the engine, the files and the store, and answers with the connection string', async () => {
    const fresh = new FakeRedisServer(admin);
    await engine.close();
    engine = fresh;
    await engine.listen((await h.api('GET', `/databases/${id}`)).json.port);
    const res = await h.api('POST', `/databases/${id}/credentials/rotate`, {});
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const next = res.json.password as string;
    expect(res.json.connection.connection_string).toContain(next);
    expect(engine.users.get('default')).toEqual(new Set([next]));
    expect(await stored()).toBe(next);
    const config = await readFile(configFile, 'utf8');
    expect(config).toContain(`requirepass "${next}"`);
    expect(config).not.toContain(admin);
    admin = next;
  });

  it('answers 409 for an instance that is not running, and changes nothing', async () => {
    expect((await h.api('POST', `/databases/${id}/stop`)).status).toBe(200);
    const res = await h.api('POST', `/databases/${id}/credentials/rotate`);
    expect(res.status).toBe(409);
    expect(res.json.message).toMatch(/Instance is stopped/);
    expect(await stored()).toBe(admin);
    expect((await h.api('POST', `/databases/${id}/start`)).status).toBe(200);
  });
});

describe('users', () => {
  it('creates one with a generated password returned once, renders it into the config as a hash, and never deletes the admin', async () => {
    const created = await h.api('POST', `/databases/${id}/users`, { username: 'app_ro', role: 'readonly', keys: ['app:*'] });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const password = created.json.password as string;
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(engine.users.get('app_ro')).toEqual(new Set([password]));
    const config = await readFile(configFile, 'utf8');
    expect(config).toMatch(/^user app_ro on #[0-9a-f]{64} ~app:\* &\* -@all \+@read \+@connection -@dangerous$/m);
    expect(config).not.toContain(password);
    const listed = (await h.api('GET', `/databases/${id}/users`)).json;
    expect(JSON.stringify(listed)).not.toContain(password);
    expect(listed.users.find((u: { username: string }) => u.username === 'app_ro')).toMatchObject({ role: 'readonly', in_engine: true, in_module: true });
    expect((await h.api('POST', `/databases/${id}/users`, { username: 'app_ro', role: 'readonly' })).status).toBe(409);
    expect((await h.api('DELETE', `/databases/${id}/users/default`)).status).toBe(400);
    expect((await h.api('DELETE', `/databases/${id}/users/app_ro`)).status).toBe(200);
    expect(engine.users.has('app_ro')).toBe(false);
    expect(await readFile(configFile, 'utf8')).not.toMatch(/^user app_ro /m);
  });
});
