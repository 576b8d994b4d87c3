import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInstance } from '../../src/db/repositories/instances.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// A Podman that stops answering: every call has a deadline, so routes answer the coded 503 in
// time and no instance stays locked behind a call that never returns.
const TIMEOUT_S = 0.4;
let h: FakeHost;
beforeAll(async () => { h = await fakeHost({ env: { FLUX_DATABASES_PODMAN_TIMEOUT_S: String(TIMEOUT_S) } }); });
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('a wedged Podman', () => {
  it('a hanging call answers 503 PODMAN_TIMEOUT within the timeout; the next action is not blocked', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const hang = h.runtime.controls.hang('inspectContainer', { match: (a) => a[0] === r.container_id });
    try {
      const stop = await timed(h.api('POST', `/databases/${r.id}/stop`));
      expect(stop.value.status).toBe(503);
      expect(stop.value.json.error).toBe('PODMAN_TIMEOUT');
      expect(stop.ms).toBeLessThan(TIMEOUT_S * 1000 + 1500);
      // Not reported as stopped: the row says what happened.
      expect(await findInstance(h.app.flux.ctx.db, r.id)).toMatchObject({ status: 'failed', error_message: expect.stringContaining('did not answer') });

      // The first call still hangs inside the fake; a second action gets its own answer, not a queue behind it.
      const start = await timed(h.api('POST', `/databases/${r.id}/start`));
      expect(start.value.json.error).toBe('PODMAN_TIMEOUT');
      expect(start.ms).toBeLessThan(TIMEOUT_S * 1000 + 1500);
      expect(hang.held).toBe(2);
    } finally {
      hang.release();
    }
    const start = await h.api('POST', `/databases/${r.id}/start`);
    expect(start.status).toBe(200);
    expect(start.json.instance.status).toBe('running');
  });

  it('a delete that times out stays deleting with the reason and finishes when asked again', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const hang = h.runtime.controls.hang('removeContainer', { times: 1 });
    const res = await timed(h.api('DELETE', `/databases/${r.id}`));
    expect(res.value.status).toBe(503);
    expect(res.ms).toBeLessThan(TIMEOUT_S * 1000 + 1500);
    expect(await findInstance(h.app.flux.ctx.db, r.id)).toMatchObject({ status: 'deleting', error_message: expect.stringMatching(/^Delete did not finish/) });
    hang.release();
    expect((await h.api('DELETE', `/databases/${r.id}`)).status).toBe(200);
    expect(await findInstance(h.app.flux.ctx.db, r.id)).toBeUndefined();
  });

  it('reconciliation answers 503 in time and the next run is not stuck behind the hung one', async () => {
    const hang = h.runtime.controls.hang('listContainers', { times: 1 });
    const first = await timed(h.api('POST', '/reconcile'));
    expect(first.value.status).toBe(503);
    expect(first.value.json.error).toBe('PODMAN_TIMEOUT');
    expect(first.ms).toBeLessThan(TIMEOUT_S * 1000 + 1500);
    expect((await h.api('POST', '/reconcile')).status).toBe(200);
    hang.release();
  });

  it('a create whose container start hangs fails the row with the reason instead of staying in creating', async () => {
    const name = `rd-${uniq()}`;
    const hang = h.runtime.controls.hang('startContainer', { times: 1 });
    const id = (await h.api('POST', '/databases', { engine: 'redis', name })).json.id as number;
    const failed = await h.waitFor(id, ['failed'], 5000);
    expect(failed.error_message).toMatch(/Podman did not answer startContainer/);
    hang.release();
    expect((await h.api('DELETE', `/databases/${id}`)).status).toBe(200);
  });
});
