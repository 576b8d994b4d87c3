import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, MODULE_ID } from '../../src/constants.js';
import { findInstance } from '../../src/db/repositories/instances.js';
import { installationId } from '../../src/services/index.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// What the module may touch: only containers it created for the row, found by the id it stored.
let h: FakeHost;
beforeAll(async () => { h = await fakeHost(); });
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);
const ours = () => ({ [LABELS.module]: MODULE_ID, [LABELS.installation]: installationId(h.moduleDir) });

/** The id the next instance row gets (the test file creates rows one at a time). */
async function nextInstanceId(): Promise<number> {
  const { rows } = await sql<{ last_value: string; is_called: boolean }>`SELECT last_value, is_called FROM "620600_databases_instances_id_seq"`.execute(h.app.flux.ctx.db);
  return Number(rows[0]!.last_value) + (rows[0]!.is_called ? 1 : 0);
}

describe('containers the module did not create in this run', () => {
  it('a create never removes a labelled container of its name: the create fails and the container stays', async () => {
    const name = `pg-${uniq()}`;
    const id = await nextInstanceId();
    // Labelled exactly as this installation labels the instance it is about to create (e.g. left by an earlier process).
    const leftover = h.runtime.addForeign(`db-${name}`, { ...ours(), [LABELS.instance]: String(id) });
    const created = await h.api('POST', '/databases', { engine: 'postgresql', name });
    expect(created.json.id).toBe(id);
    const failed = await h.waitFor(id, ['failed']);
    expect(failed.error_message).toMatch(new RegExp(`A container named db-${name} already exists .*left untouched`));
    expect(h.runtime.container(leftover)).toMatchObject({ state: expect.objectContaining({ running: true }) });
    expect(h.runtime.controls.callsOf('removeContainer').some((a) => a[0] === leftover)).toBe(false);
  });

  it('logs, stats and inspect read the container by the id stored on the row, never a stranger of the same name', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    await h.runtime.removeContainer(r.container_id, { force: true });
    const stranger = h.runtime.addForeign(r.container_name);
    for (const what of ['logs', 'stats', 'inspect']) {
      const res = await h.api('GET', `/databases/${r.id}/${what}`);
      expect(res.status, what).toBe(409);
      expect(res.json.error, what).toBe('CONTAINER_MISSING');
      expect(JSON.stringify(res.json)).not.toContain('stranger');
      expect(JSON.stringify(res.json)).not.toContain(stranger);
    }
  });

  it('delete leaves a stranger of the same name alone and still deletes the row', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    await h.runtime.removeContainer(r.container_id, { force: true });
    const stranger = h.runtime.addForeign(r.container_name);
    const res = await h.api('DELETE', `/databases/${r.id}`);
    expect(res.status).toBe(200);
    expect(await findInstance(h.app.flux.ctx.db, r.id)).toBeUndefined();
    expect(h.runtime.container(stranger)!.state.running).toBe(true);
  });

  it('the same holds for a row whose create never stored a container id, and for another installation\'s container', async () => {
    const strangers: Record<string, string>[] = [{}, { [LABELS.module]: MODULE_ID, [LABELS.installation]: 'another-install', [LABELS.instance]: '1' }];
    for (const labels of strangers) {
      const name = `my-${uniq()}`;
      h.runtime.controls.failNext('createContainer');
      const id = (await h.api('POST', '/databases', { engine: 'mysql', name })).json.id as number;
      expect((await h.waitFor(id, ['failed'])).container_id).toBeNull();
      const stranger = h.runtime.addForeign(`db-${name}`, labels);
      expect((await h.api('DELETE', `/databases/${id}`)).status).toBe(200);
      expect(await findInstance(h.app.flux.ctx.db, id)).toBeUndefined();
      expect(h.runtime.container(stranger)).toBeDefined();
    }
  });
});
