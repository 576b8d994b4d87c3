import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortBindable } from '../../src/services/network/port-allocator.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

/** Two neighbouring ports free on this host right now. */
async function freePair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const low = 40000 + Math.floor(Math.random() * 20000);
    if ((await isPortBindable(low)) && (await isPortBindable(low + 1))) return low;
  }
  throw new Error('no two neighbouring free ports found');
}

let h: FakeHost;
let low: number;
beforeAll(async () => {
  low = await freePair();
  h = await fakeHost({ env: { FLUX_DATABASES_PORT_RANGE: `${low}-${low + 1}` } });
});
afterAll(() => h?.close());

describe('a full port range', () => {
  it('answers the coded 503 PORTS_EXHAUSTED at once and creates nothing', async () => {
    const a = await h.createRunning({ engine: 'redis', name: 'first' });
    const b = await h.createRunning({ engine: 'redis', name: 'second' });
    expect([a.port, b.port].sort()).toEqual([low, low + 1]);

    const started = performance.now();
    const res = await h.api('POST', '/databases', { engine: 'redis', name: 'third' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: 'PORTS_EXHAUSTED', message: expect.stringMatching(new RegExp(`No free host port in ${low}-${low + 1}.*FLUX_DATABASES_PORT_RANGE`)) });
    expect((await h.api('GET', '/databases')).json.map((i: { name: string }) => i.name).sort()).toEqual(['first', 'second']);

    // A deleted instance gives its port back.
    await h.api('DELETE', `/databases/${a.id}`);
    expect((await h.createRunning({ engine: 'redis', name: 'third' })).port).toBe(a.port);
  });
});
