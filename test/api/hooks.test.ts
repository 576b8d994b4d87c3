import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onDisable, onEnable } from '../../src/hooks.js';
import type { ModuleContext } from '../../src/module-contract.js';
import { schedulerFor } from '../../src/services/scheduler/scheduler.js';
import { pingSocket } from '../../src/services/runtime/socket-discovery.js';
import { tempDir, testConfig } from '../helpers/host.js';
import { memoryLogger } from '../helpers/logger.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
const started: number[] = [];

/** The hooks use config, dataDir and logger only. */
function context(env: Record<string, string>): ModuleContext {
  const config = testConfig(dir.path, env);
  return { config, dataDir: path.join(dir.path, 'module'), logger: memoryLogger() } as unknown as ModuleContext;
}

beforeAll(async () => { dir = await tempDir(); });
afterAll(async () => {
  for (const pid of started) process.kill(pid, 'SIGTERM');
  await dir?.remove();
});

describe('onEnable / onDisable', () => {
  it('creates the data dirs 0700, even when they existed more open', async () => {
    await mkdir(path.join(dir.path, 'module/logs'), { recursive: true, mode: 0o755 });
    const result = await onEnable(context({ FLUX_DATABASES_START_PODMAN_SERVICE: 'false' }));
    expect(result).toMatchObject({ success: true, message: 'Databases module (ID: 620600) initialized' });
    for (const sub of ['containers', 'backups', 'logs', 'tls']) {
      expect(((await stat(path.join(dir.path, 'module', sub))).mode & 0o777).toString(8)).toBe('700');
    }
  });

  it('warns instead of starting the API service when told not to', async () => {
    const socket = path.join(dir.path, 'off/podman.sock');
    const result = await onEnable(context({ FLUX_DATABASES_PODMAN_SOCKET: socket, FLUX_DATABASES_START_PODMAN_SERVICE: 'false' }));
    expect(result.steps.find((s) => s.action === 'start podman API service')).toMatchObject({ status: 'skipped' });
    expect(result.warnings.join('\n')).toContain(socket);
  });

  it('starts `podman system service` on a missing socket, then reuses it', async () => {
    const socket = path.join(dir.path, 'run/podman.sock');
    const ctx = context({ FLUX_DATABASES_PODMAN_SOCKET: `unix://${socket}` });
    const first = await onEnable(ctx);
    const step = first.steps.find((s) => s.action === 'start podman API service')!;
    const pid = Number(/pid (\d+)/.exec(step.detail)?.[1]);
    if (pid) started.push(pid);
    expect(step, JSON.stringify(first)).toMatchObject({ status: 'ok' });
    expect(await pingSocket(socket)).toBe(true);
    const second = await onEnable(ctx);
    expect(second.steps.find((s) => s.action === 'podman API service')).toMatchObject({ status: 'ok', detail: `answers on ${socket}` });
  });

  it('onDisable stops background work and leaves the rest', async () => {
    const ctx = context({});
    const tasks = schedulerFor(ctx);
    let aborted = false;
    // A job that runs until it is aborted: the disable hook must abort it and wait for it.
    tasks.every('tick', 60_000, (signal) => new Promise<void>((resolve) => {
      signal.addEventListener('abort', () => { aborted = true; resolve(); });
    }), { runAtStart: true });
    expect(await onDisable(ctx)).toEqual({ success: true, message: 'Module disabled. Containers and data remain intact.' });
    expect(aborted).toBe(true);
    expect(tasks.size).toBe(0);
  });
});
