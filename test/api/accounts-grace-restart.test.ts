import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../src/constants.js';
import { openStore, type Store } from '../../src/db/store.js';
import { fakeHost } from '../fakes/fake-host.js';
import { FakeRedisServer } from '../fakes/fake-redis-server.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';
import { tempDir } from '../helpers/host.js';
import { memoryLogger } from '../helpers/logger.js';

// A grace period outlives the module: the module stops before it ends (its timer goes with it),
// and the next module on the same store ends it at start, dropping the old password in the engine.

const env = { FLUX_DATABASES_MASTER_KEY: randomBytes(32).toString('base64') };
let dir: Awaited<ReturnType<typeof tempDir>>;
let store: Store;
let engine: FakeRedisServer | undefined;
beforeAll(async () => {
  dir = await tempDir('flux-grace-store-');
  store = await openStore({ dataDir: dir.path }, memoryLogger());
});
afterAll(async () => {
  await engine?.close();
  await store?.close();
  await dir?.remove();
});

describe('a rotation\'s grace period across a module restart', () => {
  it('is ended by the next module, which drops the old password', async () => {
    const runtime = new FakeRuntime();
    const first = await fakeHost({ store, runtime, env });
    const row = await first.createRunning({ engine: 'redis', name: 'grace-restart' });
    const old = (await first.api('GET', `/databases/${row.id}/connection-string`)).json.password as string;
    engine = new FakeRedisServer(old);
    await engine.listen(row.port);
    const rotated = await first.api('POST', `/databases/${row.id}/credentials/rotate`, { grace_seconds: 1 });
    expect(rotated.status, JSON.stringify(rotated.json)).toBe(200);
    const next = rotated.json.password as string;
    expect(engine.users.get('default')).toEqual(new Set([old, next]));
    await first.close();

    await sleep(1500);
    expect(engine.users.get('default'), 'nobody ended it while no module ran').toEqual(new Set([old, next]));
    const second = await fakeHost({ store, runtime, env });
    try {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && engine.users.get('default')!.size > 1) await sleep(50);
      expect(engine.users.get('default')).toEqual(new Set([next]));
      expect(await store.db.selectFrom(TABLES.passwordGrace).selectAll().execute()).toEqual([]);
      expect((await second.api('GET', `/databases/${row.id}/connection-string`)).json.password).toBe(next);
    } finally {
      await second.api('DELETE', `/databases/${row.id}`);
      await second.close();
    }
  });
});
