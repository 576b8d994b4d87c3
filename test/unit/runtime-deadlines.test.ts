import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PodmanRuntime } from '../../src/services/runtime/podman-runtime.js';
import { withDeadlines } from '../../src/services/runtime/runtime-deadlines.js';
import { FakeRuntime } from '../fakes/fake-runtime.js';

async function elapsed(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  const error = await work.then(() => null, (e: unknown) => e);
  return { ms: performance.now() - started, error };
}

describe('withDeadlines', () => {
  it('turns a call that never returns into PODMAN_TIMEOUT after the base budget', async () => {
    const fake = new FakeRuntime();
    fake.controls.hang('inspectContainer');
    const { ms, error } = await elapsed(withDeadlines(fake, 150).inspectContainer('x'));
    expect(error).toMatchObject({ code: 'PODMAN_TIMEOUT', statusCode: 503, message: expect.stringContaining('inspectContainer within 0.2 s') });
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(ms).toBeLessThan(1000);
  });

  it('gives a stop its grace period and an exec its own timeout on top of the base', async () => {
    const fake = new FakeRuntime();
    fake.controls.hang('stopContainer');
    fake.controls.hang('exec');
    const rt = withDeadlines(fake, 100);
    const stop = await elapsed(rt.stopContainer('x', 0.3));
    expect(stop.error).toMatchObject({ code: 'PODMAN_TIMEOUT' });
    expect(stop.ms).toBeGreaterThanOrEqual(390);
    const exec = await elapsed(rt.exec('x', ['true'], { timeoutMs: 200 }));
    expect(exec.error).toMatchObject({ code: 'PODMAN_TIMEOUT' });
    expect(exec.ms).toBeGreaterThanOrEqual(290);
  });

  it('passes answers and errors through unchanged, and wraps only once', async () => {
    const fake = new FakeRuntime();
    const rt = withDeadlines(fake, 1000);
    expect(withDeadlines(rt, 1)).toBe(rt);
    expect(await rt.inspectContainer('missing')).toBeNull();
    await expect(rt.startContainer('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await rt.info()).version).toBe('4.3.1');
  });
});

describe('PodmanRuntime against a socket that accepts and never answers', () => {
  let dir: string;
  let server: http.Server;
  const closed: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flux-wedged-'));
    // A wedged Podman: the request is read, no answer ever comes.
    server = http.createServer((req) => { req.socket.once('close', () => closed.push(req.url ?? '')); });
    await new Promise<void>((r) => server.listen(path.join(dir, 'podman.sock'), r));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['inspectContainer', (rt: PodmanRuntime) => rt.inspectContainer('db-x')],
    ['listContainers', (rt: PodmanRuntime) => rt.listContainers({ a: 'b' })],
    ['info (libpod)', (rt: PodmanRuntime) => rt.info()],
    ['listNetworks (libpod)', (rt: PodmanRuntime) => rt.listNetworks({})],
    ['imageLabels', (rt: PodmanRuntime) => rt.imageLabels('docker.io/library/postgres:15')],
    ['exec (its create request)', (rt: PodmanRuntime) => rt.exec('db-x', ['true'])],
    ['startContainer (its label guard)', (rt: PodmanRuntime) => rt.startContainer('db-x')],
  ] as [string, (rt: PodmanRuntime) => Promise<unknown>][])('%s fails with PODMAN_TIMEOUT and closes its connection', async (_name, call) => {
    const rt = new PodmanRuntime(path.join(dir, 'podman.sock'), { requestTimeoutMs: 200 });
    const before = closed.length;
    const { ms, error } = await elapsed(call(rt));
    expect(error).toMatchObject({ code: 'PODMAN_TIMEOUT', statusCode: 503 });
    expect(ms).toBeLessThan(1500);
    await new Promise((r) => setTimeout(r, 50));
    expect(closed.length).toBeGreaterThan(before);
  });
});
