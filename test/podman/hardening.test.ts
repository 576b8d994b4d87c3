import net from 'node:net';
import os from 'node:os';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerOrchestrator, bindPort, type OrchestratorInput } from '../../src/services/container-orchestrator.js';
import { readHostFacts, type HostFacts } from '../../src/services/host/host-facts.js';
import { PortAllocator } from '../../src/services/network/port-allocator.js';
import type { RuntimeInfo } from '../../src/services/runtime/container-runtime.js';
import { resolveSku } from '../../src/services/orchestration/sku-resources.js';
import { SOCKET, newRun, toolsPlan } from './helpers/podman-env.js';
import { capMask, cgroupLimits, readInside, statusField } from './helpers/inside.js';
import { ensureToolsImage } from './helpers/tools-image.js';

const run = newRun('hard');
const orchestrator = new ContainerOrchestrator({ runtime: run.runtime, extraLabels: run.labels });
const ports = new PortAllocator({ range: { low: 31000, high: 31999 }, usedPorts: async () => new Set() });
const docker = new Docker({ socketPath: SOCKET });
let image = '';
let host: HostFacts;
let info: RuntimeInfo;

/** A perl one-liner that answers "hello" on 8080: the tools image has no other server. */
const LISTENER = ['perl', '-MIO::Socket::INET', '-e',
  'my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 5, ReuseAddr => 1) or die $!; while (my $c = $s->accept) { print $c "hello\\n"; close $c }'];

async function start(suffix: string, overrides: Partial<OrchestratorInput> & { sku?: string } = {}) {
  const input: OrchestratorInput = {
    instanceId: 9100, containerName: run.name(suffix), engine: { engine: 'tools' }, image,
    plan: toolsPlan(), sizing: resolveSku(overrides.sku ?? 'b1'), ports: [], mounts: [], ...overrides,
  };
  const { spec, limits } = await orchestrator.build(input);
  const { id } = await run.runtime.createContainer(spec);
  await run.runtime.startContainer(id);
  return { id, spec, limits };
}

function libpodInspect(id: string): Promise<{ HostConfig: { LogConfig: { Type: string; Size: string; Path: string } } }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({ path: `/v4.0.0/libpod/containers/${id}/json`, method: 'GET', statusCodes: { 200: true } }, (err, data) =>
      err ? reject(err) : resolve(data as never));
  });
}

function tcpHello(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1500 });
    let data = '';
    s.on('data', (b) => (data += b));
    s.on('end', () => resolve(data));
    s.on('timeout', () => (s.destroy(), resolve('')));
    s.on('error', () => resolve(''));
  });
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

beforeAll(async () => {
  [image, host, info] = await Promise.all([ensureToolsImage(), readHostFacts(), run.runtime.info()]);
});
afterAll(async () => {
  await run.cleanup();
  await run.expectNothingLeft();
});

describe('orchestrator hardening, read back by inspect and from inside the container', () => {
  it('B series: caps, no-new-privileges, pids, nofile, memory/CPU, read-only root, loopback port', async () => {
    const port = await ports.allocate();
    const plan = toolsPlan({
      cmd: LISTENER, capAdd: ['CHOWN', 'SETUID'], readOnlyRootfs: true, pidsLimit: 77, nofile: 65536,
      tmpfs: { '/run/app': 'rw,nosuid,nodev,size=1m,mode=1777' },
    });
    const { id, limits } = await start('b', { plan, ports: [bindPort(8080, port, false)] });

    const raw = await docker.getContainer(id).inspect();
    expect(raw.HostConfig.Privileged).toBe(false);
    expect(raw.HostConfig.NetworkMode).not.toBe('host');
    expect(raw.HostConfig.PidMode ?? '').not.toBe('host');
    expect(raw.HostConfig.SecurityOpt).toEqual(expect.arrayContaining(['no-new-privileges']));
    expect(raw.HostConfig.ReadonlyRootfs).toBe(true);
    expect(raw.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(raw.HostConfig.PortBindings?.['8080/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(port) }]);
    // The compat inspect hides the log size (reports json-file, Config null); libpod's shows it.
    expect((await libpodInspect(id)).HostConfig.LogConfig).toMatchObject({ Type: 'k8s-file', Size: '10.49MB' });

    const status = await readInside(run.runtime, id, '/proc/1/status');
    const want = capMask(['CHOWN', 'SETUID']);
    expect(BigInt(`0x${statusField(status, 'CapEff')}`)).toBe(want);
    expect(BigInt(`0x${statusField(status, 'CapBnd')}`)).toBe(want);
    expect(statusField(status, 'NoNewPrivs')).toBe('1');
    const cg = await cgroupLimits(run.runtime, id, info.cgroupVersion === 'v1');
    expect(cg.pidsMax).toBe('77');
    expect(cg.memory).toBe(1024 * 1024 * 1024);
    expect(cg.cpuQuota).toBe(50_000);
    if (info.cgroupVersion === 'v1') expect(cg.cpuShares).toBe(512);
    const limitsFile = await readInside(run.runtime, id, '/proc/1/limits');
    const nofile = Math.min(65536, host.nofileHard);
    expect(limitsFile).toMatch(new RegExp(`Max open files\\s+${nofile}\\s+${nofile}`));
    expect(limits).toMatchObject({ memory: true, cpu: true, cpuShares: true, pids: true, storage: 'monitored' });

    const write = await run.runtime.exec(id, ['touch', '/rootfs-write']);
    expect(write.exitCode).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/i);
    expect((await run.runtime.exec(id, ['touch', '/run/app/ok'])).exitCode).toBe(0);

    expect(await until(() => tcpHello('127.0.0.1', port), (v) => v === 'hello\n')).toBe('hello\n');
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) expect(await tcpHello(external.address, port)).toBe('');
  });

  it('E series: swappiness 0; oom-score-adj -500 only where it can be applied, and limits say so', async () => {
    const { id, spec, limits } = await start('e', { sku: 'e2' });
    const cg = await cgroupLimits(run.runtime, id, info.cgroupVersion === 'v1');
    expect(cg.memory).toBe(8192 * 1024 * 1024);
    if (info.cgroupVersion === 'v1') {
      expect(cg.cpuShares).toBe(1024);
      expect(cg.swappiness).toBe(0);
      expect(limits.swappiness).toBe(true);
    }
    const oom = Number(await readInside(run.runtime, id, '/proc/1/oom_score_adj'));
    if (host.hasSysResource && !info.rootless) {
      expect(oom).toBe(-500);
      expect(limits.oomScoreAdj).toBe(true);
    } else {
      // This host's root lacks CAP_SYS_RESOURCE: runc refuses -500, so the spec leaves it out.
      expect(spec.resources.oomScoreAdj).toBeUndefined();
      expect(oom).toBe(0);
      expect(limits.oomScoreAdj).toBe(false);
      expect(limits.notes?.join(' ')).toMatch(/oom-score-adj/);
    }
  });

  it('F series: memory-swap = memory (no swap), shares 2048', async () => {
    const { id, limits } = await start('f', { sku: 'f2' });
    const cg = await cgroupLimits(run.runtime, id, info.cgroupVersion === 'v1');
    expect(cg.memory).toBe(2048 * 1024 * 1024);
    if (info.cgroupVersion === 'v1') expect(cg.cpuShares).toBe(2048);
    if (host.swapAccounting) {
      expect(cg.memsw).toBe(cg.memory);
      expect(limits.swap).toBe(true);
    }
  });

  it('custom sizing gets D shares', async () => {
    const { id } = await start('c', { sizing: resolveSku('custom', { memoryMb: 768, cpus: 0.75, storageGb: 2 }) });
    const cg = await cgroupLimits(run.runtime, id, info.cgroupVersion === 'v1');
    expect(cg.memory).toBe(768 * 1024 * 1024);
    expect(cg.cpuQuota).toBe(75_000);
    if (info.cgroupVersion === 'v1') expect(cg.cpuShares).toBe(1024);
  });

  it('refuses a SKU larger than the host with a 400', async () => {
    const tooBig = host.cpus < 64 ? 'd64' : 'e64';
    await expect(orchestrator.checkCapacity(resolveSku(tooBig))).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/host has/) });
  });

  it('caps the log file: conmon truncates it at the configured size', async () => {
    const small = new ContainerOrchestrator({ runtime: run.runtime, extraLabels: run.labels, logMaxSizeBytes: 64 * 1024 });
    const { spec } = await small.build({
      instanceId: 9100, containerName: run.name('logcap'), engine: { engine: 'tools' }, image, sizing: resolveSku('b1'), ports: [], mounts: [],
      plan: toolsPlan({ cmd: ['sh', '-c', 'i=0; while [ $i -lt 20000 ]; do echo "line $i of padding padding padding padding"; i=$((i+1)); done; exec sleep infinity'] }),
    });
    const { id } = await run.runtime.createContainer(spec);
    await run.runtime.startContainer(id);
    const { Path } = (await libpodInspect(id)).HostConfig.LogConfig;
    const { stat } = await import('node:fs/promises');
    await until(async () => (await run.runtime.exec(id, ['sh', '-c', 'echo probe'])).exitCode, (c) => c === 0);
    await new Promise((r) => setTimeout(r, 1500));
    const size = (await stat(Path)).size;
    expect(size).toBeLessThanOrEqual(64 * 1024 + 4096);
  });

  it('restart policy unless-stopped brings a crashed container back (no systemd needed for exits)', async () => {
    const plan = toolsPlan({ cmd: ['sh', '-c', 'sleep 1; exit 3'] });
    const { id } = await start('restart', { plan });
    const restarted = await until(async () => (await docker.getContainer(id).inspect()) as { RestartCount?: number }, (i) => (i.RestartCount ?? 0) >= 1, 10_000);
    expect(restarted.RestartCount).toBeGreaterThanOrEqual(1);
    await run.runtime.stopContainer(id, 1);
    await new Promise((r) => setTimeout(r, 2500));
    expect((await run.runtime.inspectContainer(id))!.state.running).toBe(false);
  });
});

/** Stand-in images (global setup exports their refs); adapters' real plans, hardened by the orchestrator. */
const ENGINES = [
  { engine: 'postgresql', version: '15', fallback: 'localhost/flux-standin-postgresql:15' },
  { engine: 'redis', version: '7.2', fallback: 'localhost/flux-standin-redis:7.0' },
  { engine: 'mariadb', version: '11.8', fallback: 'localhost/flux-standin-mariadb:11.8' },
] as const;

describe.each(ENGINES)('hardened $engine stand-in', ({ engine, version, fallback }) => {
  it('starts under the full hardening and a real client answers', async () => {
    const { getAdapter } = await import('../../src/services/adapters/registry.js');
    const { VolumeService } = await import('../../src/services/volume-service.js');
    const { ENGINE_CLIENTS, waitForClient } = await import('./helpers/engine-clients.js');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const engineImage = process.env[`FLUX_DATABASES_IMAGE_${engine.toUpperCase()}`] ?? fallback;
    expect(await run.runtime.imageExists(engineImage), `${engineImage} missing: run the podman project (its global setup builds it)`).toBe(true);

    const adapter = getAdapter(engine);
    const containerName = run.name(engine);
    const password = `Pw-${Math.random().toString(36).slice(2)}$;'x`;
    const sizing = resolveSku('b2');
    const input = { containerName, databaseName: 'app', username: adapter.fixedUsername ?? 'app_user', password, version, sizing };
    const plan = adapter.plan(input);
    const dataDir = await mkdtemp(`${os.tmpdir()}/flux-hard-`);
    const volumes = new VolumeService({ dataDir, ownership: info.rootless ? 'rootless' : 'rootful' });
    try {
      const paths = await volumes.prepare(containerName, plan.user);
      const mounts = [
        { source: paths.data, target: plan.dataDir },
        ...(plan.logsDir ? [{ source: paths.logs, target: plan.logsDir }] : []),
        ...(await volumes.writeFiles(containerName, plan.files, plan.user)),
      ];
      const primary = adapter.ports.find((p) => p.primary) ?? adapter.ports[0]!;
      const port = await ports.allocate();
      const { id, spec } = await start(engine, {
        containerName, engine: adapter, image: engineImage, plan, sizing, mounts, ports: [bindPort(primary.containerPort, port, false)],
      });
      const uri = adapter.connectionUri({ host: '127.0.0.1', port, database: 'app', username: input.username, password });
      const answered = await waitForClient(() => ENGINE_CLIENTS[engine](uri), adapter.startupTimeoutMs).catch(async (e: Error) => {
        const logs = (await run.runtime.logs(id, { tail: 30 })).map((l) => l.text).join('\n');
        throw new Error(`${e.message}\n--- last logs ---\n${logs}`);
      });
      expect(answered.value).toBe('1');

      const status = await readInside(run.runtime, id, '/proc/1/status');
      expect(BigInt(`0x${statusField(status, 'CapEff')}`)).toBe(capMask(spec.capAdd));
      expect(BigInt(`0x${statusField(status, 'CapBnd')}`)).toBe(capMask(spec.capAdd));
      expect(statusField(status, 'NoNewPrivs')).toBe('1');
      const cg = await cgroupLimits(run.runtime, id, info.cgroupVersion === 'v1');
      expect(cg.memory).toBe(2048 * 1024 * 1024);
      expect(cg.pidsMax).toBe(String(plan.pidsLimit));
      if (plan.readOnlyRootfs) expect((await run.runtime.exec(id, ['touch', '/hardening-probe'])).exitCode).not.toBe(0);
      const raw = await docker.getContainer(id).inspect();
      expect(raw.HostConfig.PortBindings?.[`${primary.containerPort}/tcp`]?.[0]?.HostIp).toBe('127.0.0.1');
      console.log(`[hardening] ${engine}: answered ${answered.ms} ms after start; caps [${spec.capAdd.join(',')}], user ${plan.user ?? 'image'}, read-only ${plan.readOnlyRootfs}`);
      await run.runtime.removeContainer(id, { force: true });
    } finally {
      await volumes.remove(containerName);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
