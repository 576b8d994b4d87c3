import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { ContainerOrchestrator } from '../../src/services/container-orchestrator.js';
import { PodmanRuntime } from '../../src/services/runtime/podman-runtime.js';
import { SOCKET, b1, newRun, toolsPlan } from './helpers/podman-env.js';
import { ensureToolsImage } from './helpers/tools-image.js';

const run = newRun('rt');
const orchestrator = new ContainerOrchestrator({ runtime: run.runtime, extraLabels: run.labels });
let image = '';

async function createTools(suffix: string, plan = toolsPlan(), sizing = b1) {
  const { spec } = await orchestrator.build({
    instanceId: 9000, containerName: run.name(suffix), engine: { engine: 'tools' }, image, plan, sizing, ports: [], mounts: [],
  });
  const { id } = await run.runtime.createContainer(spec);
  await run.runtime.startContainer(id);
  return id;
}

beforeAll(async () => {
  image = await ensureToolsImage();
});
afterAll(async () => {
  await run.cleanup();
  await run.expectNothingLeft();
});

describe('PodmanRuntime on real Podman', () => {
  it('reports what is behind the socket through libpod /info', async () => {
    const info = await run.runtime.info();
    expect(info.socketPath).toBe(SOCKET);
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(typeof info.rootless).toBe('boolean');
    expect(['v1', 'v2']).toContain(info.cgroupVersion);
    expect(info.ociRuntime).not.toBe('unknown');
  });

  it('creates, starts and inspects; env values never leave the runtime', async () => {
    const id = await createTools('inspect', toolsPlan({ env: { SECRET_PASSWORD: 'hunter2-never-shown', MODE: 'x' } }));
    const info = await run.runtime.inspectContainer(id);
    expect(info).not.toBeNull();
    expect(info!.state.running).toBe(true);
    expect(info!.state.status).toBe('running');
    expect(info!.envNames).toEqual(expect.arrayContaining(['SECRET_PASSWORD', 'MODE']));
    expect(JSON.stringify(info)).not.toContain('hunter2');
    expect(info!.labels['io.flux.module']).toBe('620600');
    expect(info!.labels['io.flux.databases.instance']).toBe('9000');
    expect(info!.hostConfig.restartPolicy).toBe('unless-stopped');
    const listed = await run.runtime.listContainers({ ...run.labels, 'io.flux.databases.instance': '9000' });
    expect(listed.map((c) => c.id)).toContain(id);
    expect(await run.runtime.listContainers({ ...run.labels, 'io.flux.databases.instance': 'no-such' })).toEqual([]);
  });

  it('exec: argv, separate stdout/stderr, exit code, stdin, env and user', async () => {
    const id = await createTools('exec');
    const r = await run.runtime.exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    const piped = await run.runtime.exec(id, ['cat'], { stdin: 'line one\nline two\n' });
    expect(piped.stdout).toBe('line one\nline two\n');
    const big = 'x'.repeat(300_000);
    expect((await run.runtime.exec(id, ['cat'], { stdin: Buffer.from(big) })).stdout.length).toBe(big.length);
    const env = await run.runtime.exec(id, ['sh', '-c', 'printf %s "$PGPASSWORD"'], { env: { PGPASSWORD: 'p@ss w0rd;$x' } });
    expect(env.stdout).toBe('p@ss w0rd;$x');
    expect((await run.runtime.exec(id, ['id', '-u'], { user: '999' })).stdout.trim()).toBe('999');
  });

  it('exec timeout kills the process tree and reports timedOut', async () => {
    const id = await createTools('timeout');
    const t0 = Date.now();
    const r = await run.runtime.exec(id, ['sh', '-c', 'echo started; sleep 37 & sleep 38'], { timeoutMs: 800 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('started\n');
    expect(Date.now() - t0).toBeLessThan(5000);
    const ps = await run.runtime.exec(id, ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "; true']);
    expect(ps.stdout).not.toMatch(/sleep 3[78]/);
  });

  it('logs come back per stream with timestamps', async () => {
    const id = await createTools('logs', toolsPlan({ cmd: ['sh', '-c', 'echo hello-out; echo hello-err >&2; exec sleep infinity'] }));
    let logs = await run.runtime.logs(id);
    for (let i = 0; i < 20 && logs.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      logs = await run.runtime.logs(id);
    }
    expect(logs).toEqual(expect.arrayContaining([
      expect.objectContaining({ stream: 'stdout', text: 'hello-out' }),
      expect.objectContaining({ stream: 'stderr', text: 'hello-err' }),
    ]));
    for (const l of logs) expect(Date.parse(l.timestamp!)).toBeGreaterThan(Date.now() - 600_000);
    expect(await run.runtime.logs(id, { tail: 1 })).toHaveLength(1);
  });

  it('stats: CPU from two samples (capped at 0.5 CPU), memory limit, pids', async () => {
    const id = await createTools('stats', toolsPlan({ cmd: ['sh', '-c', 'while :; do :; done'] }));
    await new Promise((r) => setTimeout(r, 1000));
    const s = await run.runtime.stats(id);
    expect(s.memoryLimitBytes).toBe(1024 * 1024 * 1024);
    expect(s.memoryUsedBytes).toBeGreaterThan(0);
    expect(s.cpuPercent).toBeGreaterThan(25);
    expect(s.cpuPercent).toBeLessThan(75);
    expect(s.pids).toBeGreaterThanOrEqual(1);
    expect(s.netRxBytes).toBeGreaterThanOrEqual(0);
  });

  it('stop and remove are idempotent; inspect of a missing container is null', async () => {
    const id = await createTools('stop');
    await run.runtime.stopContainer(id, 1);
    await run.runtime.stopContainer(id, 1);
    expect((await run.runtime.inspectContainer(id))!.state.running).toBe(false);
    await run.runtime.removeContainer(id);
    await run.runtime.removeContainer(id);
    expect(await run.runtime.inspectContainer(id)).toBeNull();
    await run.runtime.removeNetwork(run.name('no-such-net'));
    await run.runtime.removeVolume(run.name('no-such-vol'));
  });

  it('wraps errors with the operation, the target and the cause', async () => {
    const err = await run.runtime.startContainer(run.name('missing')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as ModuleError).code).toBe('NOT_FOUND');
    expect((err as ModuleError).message).toContain(run.name('missing'));
    expect((err as Error).cause).toBeDefined();
  });

  it('never touches what the module did not label', async () => {
    const docker = new Docker({ socketPath: SOCKET });
    const foreign = await docker.createContainer({ name: run.name('foreign'), Image: image, Labels: run.labels });
    const err = await run.runtime.removeContainer(foreign.id, { force: true }).catch((e: unknown) => e);
    expect((err as ModuleError).code).toBe('CONFLICT');
    expect(await run.runtime.inspectContainer(foreign.id)).not.toBeNull();
  });

  it('socket discovery failures name every place tried', async () => {
    const err = (() => {
      try {
        PodmanRuntime.fromConfig({ podmanSocket: '/nope/podman.sock' }, () => ({
          path: '/run/podman/podman.sock', found: false,
          tried: [{ source: 'config', path: '/nope/podman.sock', exists: false }, { source: 'rootful default', path: '/run/podman/podman.sock', exists: false }],
        }));
      } catch (e) {
        return e as ModuleError;
      }
      return null;
    })();
    expect(err?.code).toBe('PODMAN_UNAVAILABLE');
    expect(err?.message).toContain('/nope/podman.sock');
    expect(err?.message).toContain('podman system service');
    const dead = new PodmanRuntime('/tmp/flux-no-such-podman.sock');
    await expect(dead.info()).rejects.toMatchObject({ code: 'PODMAN_UNAVAILABLE' });
  });
});
