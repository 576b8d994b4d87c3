import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, MODULE_ID, TABLES } from '../../src/constants.js';
import { findInstance } from '../../src/db/repositories/instances.js';
import type { InstanceUpdate } from '../../src/db/schema.js';
import { ModuleError } from '../../src/errors.js';
import { installationId } from '../../src/services/index.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// Reconciliation through the API: each row decided under its lock from a fresh read, one run at a time.
let h: FakeHost;
beforeAll(async () => { h = await fakeHost(); });
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);
const row = (id: number) => findInstance(h.app.flux.ctx.db, id);
/** What a crash leaves behind: the row written as the module last wrote it, nothing else. */
const crashLeaves = (id: number, patch: InstanceUpdate) =>
  h.app.flux.ctx.db.updateTable(TABLES.instances).set(patch).where('id', '=', id).execute();
const reconcile = () => h.api('POST', '/reconcile');
const dataOf = (name: string) => path.join(h.moduleDir, 'containers', `db-${name}`, 'data');
const inspectsOf = (containerId: string) => h.runtime.controls.callsOf('inspectContainer').filter((a) => a[0] === containerId).length;

describe('an interrupted delete', () => {
  it('with keep_data, finished by the reconciler, keeps the data; the name then answers 409 KEPT_DATA_EXISTS', async () => {
    const name = `pg-${uniq()}`;
    const r = await h.createRunning({ engine: 'postgresql', name });
    await writeFile(path.join(dataOf(name), 'PG_VERSION'), '15\n');
    h.runtime.controls.failNext('removeContainer', { error: new ModuleError('PODMAN_UNAVAILABLE', 'remove container failed: connect ECONNREFUSED') });

    const res = await h.api('DELETE', `/databases/${r.id}?keep_data=true`);
    expect(res.status).toBe(503);
    expect(await row(r.id)).toMatchObject({ status: 'deleting', delete_keep_data: true, error_message: expect.stringMatching(/^Delete did not finish/) });

    const report = (await reconcile()).json;
    expect(report.changes).toContainEqual(expect.objectContaining({ id: r.id, to: 'deleted', reason: expect.stringContaining('data kept') }));
    expect(await row(r.id)).toBeUndefined();
    expect(h.runtime.container(r.container_id)).toBeUndefined();
    expect(existsSync(path.join(dataOf(name), 'PG_VERSION'))).toBe(true);

    // The kept data is never adopted by a new instance of that name, nor removed by its create.
    const containersBefore = h.runtime.containers.byId.size;
    const again = await h.api('POST', '/databases', { engine: 'postgresql', name });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: 'KEPT_DATA_EXISTS', message: expect.stringContaining(`containers/db-${name}`) });
    expect(h.runtime.containers.byId.size).toBe(containersBefore);
    expect((await h.api('GET', '/databases')).json.some((i: { name: string }) => i.name === name)).toBe(false);
    expect(existsSync(path.join(dataOf(name), 'PG_VERSION'))).toBe(true);
  });

  it('a delete the module was killed in keeps the choice it was made with', async () => {
    const name = `rd-${uniq()}`;
    const r = await h.createRunning({ engine: 'redis', name });
    await writeFile(path.join(dataOf(name), 'dump.rdb'), 'REDIS0011');
    await crashLeaves(r.id, { status: 'deleting', delete_keep_data: true });
    await reconcile();
    expect(await row(r.id)).toBeUndefined();
    expect(existsSync(path.join(dataOf(name), 'dump.rdb'))).toBe(true);
  });
});

describe('decisions from a fresh read, under the lock', () => {
  it('never removes the data of a create that finished while the run was busy with another row', async () => {
    const slow = `pg-${uniq()}`;
    const createHang = h.runtime.controls.hang('createContainer', { match: (a) => (a[0] as { name: string }).name === `db-${slow}`, times: 1 });
    const slowId = (await h.api('POST', '/databases', { engine: 'postgresql', name: slow })).json.id as number;
    await createHang.entered;
    const other = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` }); // newer: listed first
    const inspectHang = h.runtime.controls.hang('inspectContainer', { match: (a) => a[0] === other.container_id, times: 1 });
    const run = reconcile();
    await inspectHang.entered; // the run has listed both rows, the slow create still under way

    createHang.release();
    await h.waitFor(slowId, ['running']);
    inspectHang.release();
    expect((await run).status).toBe(200);

    expect(await row(slowId)).toMatchObject({ status: 'running' });
    expect(existsSync(dataOf(slow))).toBe(true);
    expect(h.runtime.container(`db-${slow}`)!.state.running).toBe(true);
  });

  it('respects an operator\'s stop made between the run\'s list and its decision', async () => {
    const older = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    h.runtime.die(older.container_id, { exitCode: 137 }); // its engine went down; nobody noticed yet
    const newer = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const inspectHang = h.runtime.controls.hang('inspectContainer', { match: (a) => a[0] === newer.container_id, times: 1 });
    const run = reconcile();
    await inspectHang.entered;

    expect((await h.api('POST', `/databases/${older.id}/stop`)).json.instance.status).toBe('stopped');
    const startsBefore = h.runtime.controls.callsOf('startContainer').length;
    inspectHang.release();
    await run;

    expect((await row(older.id))!.status).toBe('stopped');
    expect(h.runtime.container(older.container_id)!.state.running).toBe(false);
    expect(h.runtime.controls.callsOf('startContainer').length).toBe(startsBefore);
  });

  it('a row interrupted in stopping stays stopped, even when its container still runs', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    await crashLeaves(r.id, { status: 'stopping' });
    const report = (await reconcile()).json;
    expect(report.changes).toContainEqual(expect.objectContaining({ id: r.id, from: 'stopping', to: 'stopped' }));
    expect((await row(r.id))!.status).toBe('stopped');
    expect(h.runtime.container(r.container_id)!.state.running).toBe(false);
  });

  it('an instance whose engine went down is started again; a vanished container marks the row missing', async () => {
    const up = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const gone = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    h.runtime.die(up.container_id, { exitCode: 1 });
    await h.runtime.removeContainer(gone.container_id, { force: true });
    const report = (await reconcile()).json;
    expect(report.changes).toEqual(expect.arrayContaining([
      expect.objectContaining({ id: up.id, to: 'running' }),
      expect.objectContaining({ id: gone.id, to: 'missing' }),
    ]));
    expect(h.runtime.container(up.container_id)!.state.running).toBe(true);
    expect((await row(gone.id))!.status).toBe('missing');
  });

  it('finishes first-start steps a crash interrupted before it calls the row running', async () => {
    const name = `h2-${uniq()}`;
    const r = await h.createRunning({ engine: 'h2', name });
    const steps = () => h.runtime.execs.callsMatching(/RunScript/, `db-${name}`).length;
    const before = steps();
    await crashLeaves(r.id, { status: 'creating', started_at: null, first_start_done: false });
    await reconcile();
    expect(await row(r.id)).toMatchObject({ status: 'running', first_start_done: true });
    expect(steps()).toBe(before + 1);
  });

  it('lists a labelled container with no row as an orphan, and removes it only when asked', async () => {
    const name = `db-orphan-${uniq()}`;
    const id = h.runtime.addForeign(name, { [LABELS.module]: MODULE_ID, [LABELS.installation]: installationId(h.moduleDir), [LABELS.instance]: '99999' });
    const report = (await reconcile()).json;
    expect(report.orphans).toContainEqual(expect.objectContaining({ id, name, instanceLabel: '99999' }));
    expect(h.runtime.container(id)).toBeDefined();
    expect((await h.api('DELETE', `/orphans/${name}`)).status).toBe(200);
    expect(h.runtime.container(id)).toBeUndefined();
  });
});

describe('one reconciliation at a time', () => {
  it('the timer\'s run and POST /reconcile never overlap', async () => {
    const a = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    const b = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` }); // newest: decided first
    const hang = h.runtime.controls.hang('inspectContainer', { match: (x) => x[0] === b.container_id, times: 1 });
    const first = reconcile();
    await hang.entered;
    const seenA = inspectsOf(a.container_id);
    const lists = h.runtime.controls.callsOf('listContainers').length;

    // The timer finds a run under way and skips; a second POST waits its turn.
    expect(await h.app.flux.services.reconciler.runIfIdle()).toBeNull();
    const second = reconcile();
    await new Promise((r) => setTimeout(r, 100));
    expect(inspectsOf(a.container_id)).toBe(seenA);
    expect(h.runtime.controls.callsOf('listContainers').length).toBe(lists);

    hang.release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(inspectsOf(a.container_id)).toBe(seenA + 2);
  });
});
