import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// The lifecycle through the API, on PGlite, with the fake runtime and the scripted prober.
let h: FakeHost;
beforeAll(async () => { h = await fakeHost(); });
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);

describe('instance lifecycle through the API (fake runtime)', () => {
  it('create -> running -> stop -> start -> restart -> delete', async () => {
    const name = `pg-${uniq()}`;
    const created = await h.api('POST', '/databases', { engine: 'postgresql', name, sku: 'b2' });
    expect(created.status).toBe(202);
    expect(created.json.status).toBe('creating');
    const id = created.json.id as number;

    const running = await h.waitFor(id, ['running']);
    const c = h.runtime.container(`db-${name}`)!;
    expect(running).toMatchObject({ progress: 100, container_id: c.id, error_message: null });
    expect(c.state.running).toBe(true);
    expect(c.spec.ports).toEqual([expect.objectContaining({ hostPort: running.port, hostIp: '127.0.0.1' })]);
    expect(h.prober.callsFor(`db-${name}`).length).toBeGreaterThan(0);

    const stopped = await h.api('POST', `/databases/${id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.json.instance.status).toBe('stopped');
    expect(h.runtime.container(c.id)!.state.running).toBe(false);

    const started = await h.api('POST', `/databases/${id}/start`);
    expect(started.status).toBe(200);
    expect(started.json.instance.status).toBe('running');
    expect(h.runtime.container(c.id)!.state.running).toBe(true);

    const restartsBefore = h.runtime.controls.callsOf('restartContainer').length;
    const restarted = await h.api('POST', `/databases/${id}/restart`);
    expect(restarted.status).toBe(200);
    expect(restarted.json.instance.status).toBe('running');
    expect(h.runtime.controls.callsOf('restartContainer').length).toBe(restartsBefore + 1);

    const volume = path.join(h.moduleDir, 'containers', `db-${name}`);
    expect(existsSync(volume)).toBe(true);
    const deleted = await h.api('DELETE', `/databases/${id}`);
    expect(deleted.status).toBe(200);
    expect(h.runtime.container(c.id)).toBeUndefined();
    expect(existsSync(volume)).toBe(false);
    expect((await h.api('GET', `/databases/${id}`)).status).toBe(404);
    // Safe to repeat: the instance is gone, so a second delete is a 404, not a 500.
    expect((await h.api('DELETE', `/databases/${id}`)).status).toBe(404);
  });

  it('an action that does not fit the status is refused and changes nothing', async () => {
    const row = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    // A start of a running instance re-checks it (running -> starting -> running); a second stop is fine too.
    expect((await h.api('POST', `/databases/${row.id}/start`)).json.instance.status).toBe('running');
    await h.api('POST', `/databases/${row.id}/stop`);
    expect((await h.api('POST', `/databases/${row.id}/stop`)).status).toBe(200);
    expect((await h.api('POST', `/databases/${row.id}/restart`)).status).toBe(409);
    expect((await h.api('GET', `/databases/${row.id}`)).json.status).toBe('stopped');
    await h.api('DELETE', `/databases/${row.id}`);
  });
});
