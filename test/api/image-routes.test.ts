import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

const POSTGRES = 'docker.io/library/postgres:17';
// One host for the file: a host starts in seconds (migrations on PGlite), the cases use distinct images.
let host: FakeHost;
beforeAll(async () => { host = await fakeHost(); });
afterAll(async () => { await host?.close(); });

describe('image routes and the create\'s pull (fake runtime)', () => {
  it('GET /images lists each container engine\'s image; POST /images/pull pulls in the background', async () => {
    host.runtime.missingImages.add(POSTGRES);
    host.runtime.imageStore.remote.set(POSTGRES, { layers: [10, 20], digest: 'sha256:pg17' });

    const before = await host.api('GET', '/images', undefined, { as: 'read' });
    expect(before.status).toBe(200);
    expect(before.json.images.find((i: any) => i.engine === 'postgresql')).toMatchObject({ image: POSTGRES, present: false, pull: null });
    expect(before.json.images.some((i: any) => i.engine === 'duckdb')).toBe(false);

    const accepted = await host.api('POST', '/images/pull', { engine: 'postgresql' });
    expect(accepted.status).toBe(202);
    expect(accepted.json).toMatchObject({ image: { engine: 'postgresql', version: '17', image: POSTGRES }, pull: { state: 'pulling' } });
    let entry: any;
    for (let i = 0; i < 100 && entry?.pull?.state !== 'done'; i++) {
      entry = (await host.api('GET', '/images')).json.images.find((e: any) => e.engine === 'postgresql');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(entry).toMatchObject({ present: true, digest: 'sha256:pg17', size_bytes: 30, pull: { state: 'done', percent: 100, bytes_done: 30 } });
  });

  it('refuses bad input with a 400 and a reader\'s pull with a 403', async () => {
    expect((await host.api('POST', '/images/pull', { engine: 'nosuch' })).status).toBe(400);
    expect((await host.api('POST', '/images/pull', { engine: 'postgresql', version: '9.6' })).json).toMatchObject({ error: 'BAD_REQUEST', message: expect.stringContaining('not supported') });
    expect((await host.api('POST', '/images/pull', { engine: 'duckdb' })).json.message).toContain('no image to pull');
    expect((await host.api('POST', '/images/pull', { engine: 'postgresql', extra: 1 })).status).toBe(400);
    expect((await host.api('POST', '/images/pull', { engine: 'postgresql' }, { as: 'read' })).status).toBe(403);
  });

  it('a create pulls a missing image, records its digest, and fails with the pull\'s reason when the registry has none', async () => {
    host.runtime.missingImages.add(POSTGRES);
    host.runtime.imageStore.remote.set(POSTGRES, { layers: [5, 5], digest: 'sha256:pg17' });
    const running = await host.createRunning({ engine: 'postgresql', name: 'pulled' });
    expect(running).toMatchObject({ image_digest: 'sha256:pg17', pull_progress: { state: 'done', percent: 100, bytes_done: 10 } });

    host.runtime.missingImages.add('docker.io/library/postgres:16');
    const created = await host.api('POST', '/databases', { engine: 'postgresql', version: '16', name: 'no-such-tag' });
    const failed = await host.waitFor(created.json.id, ['failed']);
    expect(failed.error_message).toContain('Image docker.io/library/postgres:16 does not exist');
    expect(failed.pull_progress).toMatchObject({ state: 'failed', error_code: 'IMAGE_NOT_FOUND' });
    expect(host.runtime.controls.calls.filter((c) => c.method === 'createContainer' && (c.args[0] as any).image.endsWith(':16'))).toEqual([]);
  });
});
