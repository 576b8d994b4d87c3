import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findInstance } from '../../src/db/repositories/instances.js';
import { ModuleError } from '../../src/errors.js';
import { getAdapter } from '../../src/services/adapters/registry.js';
import { resolveSku } from '../../src/services/orchestration/sku-resources.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';

// Failure paths of create, start and first-start steps, through the API with the fake runtime.
let h: FakeHost;
beforeAll(async () => { h = await fakeHost(); });
afterAll(() => h?.close());

const uniq = () => Math.random().toString(36).slice(2, 8);
const row = (id: number) => findInstance(h.app.flux.ctx.db, id);

async function create(body: object): Promise<number> {
  const res = await h.api('POST', '/databases', body);
  expect(res.status).toBe(202);
  return res.json.id as number;
}

/** H2's first-start step (the admin password and database), matched by its argv. */
const h2Step = getAdapter('h2').postStartCommands!({
  containerName: 'db-x', databaseName: 'app', username: 'u', password: 'p', version: getAdapter('h2').defaultVersion, sizing: resolveSku('b2'),
})[0]!;
const isH2Step = (argv: string[]) => JSON.stringify(argv) === JSON.stringify(h2Step.argv);

describe('create failures', () => {
  it('a container that exits while starting: the row fails with its exit code and last log lines, read by id', async () => {
    const name = `pg-${uniq()}`;
    h.runtime.containers.exitOnStart.set(`db-${name}`, 3);
    const id = await create({ engine: 'postgresql', name });
    const failed = await h.waitFor(id, ['failed']);
    expect(failed.error_message).toMatch(/exited while starting \(exit code 3/);
    expect(failed.error_message).toContain('FATAL: the engine could not start');
    // markFailed read the logs of the container this create made, by its id, never by name.
    const containerId = h.runtime.container(`db-${name}`)!.id;
    expect(h.runtime.controls.callsOf('logs').map((args) => args[0])).toContain(containerId);
    expect(h.runtime.controls.callsOf('logs').map((args) => args[0])).not.toContain(`db-${name}`);
    expect((await h.api('DELETE', `/databases/${id}`)).status).toBe(200);
    expect(h.runtime.container(`db-${name}`)).toBeUndefined();
  });

  it('an engine that never answers: the row fails when the adapter\'s startup timeout runs out', async () => {
    const name = `rd-${uniq()}`;
    const adapter = getAdapter('redis');
    const before = adapter.startupTimeoutMs;
    Object.defineProperty(adapter, 'startupTimeoutMs', { value: 1200, configurable: true, writable: true });
    try {
      h.prober.never(`db-${name}`, 'NOAUTH Authentication required');
      const id = await create({ engine: 'redis', name });
      const failed = await h.waitFor(id, ['failed']);
      expect(failed.error_message).toMatch(/did not answer within 1 s \(last probe: NOAUTH Authentication required\)/);
      expect(h.prober.callsFor(`db-${name}`).length).toBeGreaterThan(0);
    } finally {
      Object.defineProperty(adapter, 'startupTimeoutMs', { value: before, configurable: true, writable: true });
    }
  });

  it('a create whose container cannot be created fails with Podman\'s reason; delete then removes its volumes', async () => {
    const name = `my-${uniq()}`;
    h.runtime.controls.failNext('createContainer', { error: new ModuleError('INTERNAL', `create container db-${name} failed: crun: setrlimit RLIMIT_NOFILE: operation not permitted`) });
    const id = await create({ engine: 'mysql', name });
    const failed = await h.waitFor(id, ['failed']);
    expect(failed.error_message).toContain('setrlimit RLIMIT_NOFILE');
    expect(failed.container_id).toBeNull();
    expect(h.runtime.container(`db-${name}`)).toBeUndefined();
    const volume = path.join(h.moduleDir, 'containers', `db-${name}`);
    expect(existsSync(volume)).toBe(true);
    expect((await h.api('DELETE', `/databases/${id}`)).status).toBe(200);
    expect(existsSync(volume)).toBe(false);
  });
});

describe('first-start steps', () => {
  it('a failed bootstrap stops the container; start runs the step again and records it on the row', async () => {
    const name = `h2-${uniq()}`;
    h.runtime.execs.script(isH2Step, { exitCode: 1, stderr: 'Exception: Wrong user name or password' }, { container: `db-${name}`, times: 1 });
    const id = await create({ engine: 'h2', name });
    const failed = await h.waitFor(id, ['failed']);
    expect(failed.error_message).toMatch(/first-start step sh failed \(exit 1\): Exception: Wrong user name or password; the container was stopped/);
    expect(h.runtime.container(`db-${name}`)!.state.running).toBe(false);
    expect((await row(id))!.first_start_done).toBe(false);

    const started = await h.api('POST', `/databases/${id}/start`);
    expect(started.status).toBe(200);
    expect(started.json.instance.status).toBe('running');
    expect((await row(id))!.first_start_done).toBe(true);
    expect(h.runtime.execs.callsMatching(/RunScript/, `db-${name}`)).toHaveLength(2);
    // Its secrets went through the exec's env, never argv.
    const last = h.runtime.execs.callsMatching(/RunScript/, `db-${name}`).at(-1)!;
    expect(last.env).toMatchObject({ FLUX_DB: 'app' });

    // Recorded: a restart does not run it again.
    expect((await h.api('POST', `/databases/${id}/restart`)).status).toBe(200);
    expect(h.runtime.execs.callsMatching(/RunScript/, `db-${name}`)).toHaveLength(2);
    await h.api('DELETE', `/databases/${id}`);
  });

  it('a step that cannot run at all (Podman fails the exec) stops the container too', async () => {
    const name = `h2-${uniq()}`;
    h.runtime.controls.failNext('exec', { match: (args) => isH2Step(args[1] as string[]), error: new ModuleError('INTERNAL', 'exec sh in db-x failed: OCI runtime error') });
    const id = await create({ engine: 'h2', name });
    const failed = await h.waitFor(id, ['failed']);
    expect(failed.error_message).toMatch(/first-start step sh could not run: .*OCI runtime error; the container was stopped/);
    expect(h.runtime.container(`db-${name}`)!.state.running).toBe(false);
    await h.api('DELETE', `/databases/${id}`);
  });

  it('a start whose container is gone marks the row missing and says so (409)', async () => {
    const r = await h.createRunning({ engine: 'redis', name: `rd-${uniq()}` });
    await h.runtime.removeContainer(r.container_id, { force: true });
    const res = await h.api('POST', `/databases/${r.id}/start`);
    expect(res.status).toBe(409);
    expect(res.json.error).toBe('CONTAINER_MISSING');
    expect((await h.api('GET', `/databases/${r.id}`)).json.status).toBe('missing');
    expect((await h.api('DELETE', `/databases/${r.id}`)).status).toBe(200);
  });
});
