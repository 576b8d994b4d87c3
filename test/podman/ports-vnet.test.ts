import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/constants.js';
import { ModuleError } from '../../src/errors.js';
import { ContainerOrchestrator, bindPort, type OrchestratorInput } from '../../src/services/container-orchestrator.js';
import { PortAllocator } from '../../src/services/network/port-allocator.js';
import { createNetwork } from '../../src/services/runtime/podman-networks.js';
import { resolveSku } from '../../src/services/orchestration/sku-resources.js';
import { VnetService } from '../../src/services/network/vnet-service.js';
import { newRun, toolsPlan } from './helpers/podman-env.js';
import { ensureToolsImage } from './helpers/tools-image.js';

const run = newRun('pv');
const orchestrator = new ContainerOrchestrator({ runtime: run.runtime, extraLabels: run.labels });
let image = '';

/** Answers "hello from <name>" on 8080. */
const listener = (name: string) => ['perl', '-MIO::Socket::INET', '-e',
  `my $s = IO::Socket::INET->new(LocalPort => 8080, Listen => 5, ReuseAddr => 1) or die $!; while (my $c = $s->accept) { print $c "hello from ${name}\\n"; close $c }`];

async function start(suffix: string, extra: Partial<OrchestratorInput>) {
  const { spec } = await orchestrator.build({
    instanceId: 9200, containerName: run.name(suffix), engine: { engine: 'tools' }, image,
    plan: toolsPlan({ cmd: listener(suffix) }), sizing: resolveSku('b1'), ports: [], mounts: [], ...extra,
  });
  const { id } = await run.runtime.createContainer(spec);
  await run.runtime.startContainer(id);
  return id;
}

function hello(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, timeout: 2000 });
    let d = '';
    s.on('data', (b) => (d += b));
    s.on('end', () => resolve(d));
    s.on('error', () => resolve(''));
    s.on('timeout', () => (s.destroy(), resolve('')));
  });
}

/** From inside `from`, bash /dev/tcp to ip:8080 (3 s cap): the reply, or '' when unreachable. */
async function reach(from: string, ip: string): Promise<string> {
  const r = await run.runtime.exec(from, ['timeout', '3', 'bash', '-c', 'exec 3<>"/dev/tcp/$1/8080" && cat <&3', 'probe', ip], { timeoutMs: 10_000 });
  return r.exitCode === 0 ? r.stdout : '';
}

async function eventually(fn: () => Promise<string>, want: string): Promise<string> {
  let v = '';
  for (let i = 0; i < 40 && v !== want; i++) {
    v = await fn();
    if (v !== want) await new Promise((r) => setTimeout(r, 100));
  }
  return v;
}

beforeAll(async () => {
  image = await ensureToolsImage();
});
afterAll(async () => {
  await run.cleanup();
  await run.expectNothingLeft();
});

describe('host ports', () => {
  it('runs two containers of one image side by side on different host ports', async () => {
    const stored = new Set<number>();
    const ports = new PortAllocator({ range: { low: 32000, high: 32999 }, usedPorts: async () => new Set(stored) });
    const p1 = await ports.allocate();
    stored.add(p1);
    const p2 = await ports.allocate();
    expect(p2).not.toBe(p1);
    await start('one', { ports: [bindPort(8080, p1, false)] });
    await start('two', { ports: [bindPort(8080, p2, false)] });
    expect(await eventually(() => hello(p1), 'hello from one\n')).toBe('hello from one\n');
    expect(await eventually(() => hello(p2), 'hello from two\n')).toBe('hello from two\n');
    // A published port is bound on the host now: the allocator's bind test must skip it.
    const onlyThose = new PortAllocator({ range: { low: Math.min(p1, p2), high: Math.min(p1, p2) }, usedPorts: async () => new Set() });
    await expect(onlyThose.allocate()).rejects.toMatchObject({ code: 'PORTS_EXHAUSTED' });
  });

  it('concurrent allocations never collide and skip stored and bound ports', async () => {
    const blocker = net.createServer().listen(33005, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const ports = new PortAllocator({ range: { low: 33000, high: 33059 }, usedPorts: async () => new Set([33000, 33001]) });
      const got = await Promise.all(Array.from({ length: 57 }, () => ports.allocate()));
      expect(new Set(got).size).toBe(57);
      expect(got).not.toContain(33000);
      expect(got).not.toContain(33001);
      expect(got).not.toContain(33005);
      await expect(ports.allocate()).rejects.toThrow(/No free host port in 33000-33059/);
      ports.release(got[0]!);
      expect(await ports.allocate()).toBe(got[0]);
    } finally {
      blocker.close();
    }
  });
});

describe('VNets (Podman bridge networks)', () => {
  const stored = new Map<string, Set<string>>(); // vnet -> IPs, standing in for the instances table
  const vnets = new VnetService({
    runtime: run.runtime,
    usedIps: async (v) => new Set(stored.get(v) ?? []),
    ownLabels: { [LABELS.installation]: run.id },
    networkName: (v) => run.name(v),
    extraLabels: run.labels,
  });
  const store = (v: string, ip: string) => (stored.get(v) ?? stored.set(v, new Set()).get(v)!).add(ip);

  it('isolates instances on different VNets; same-VNet instances reach each other', async () => {
    const a = await vnets.ensure('a', 9200);
    const b = await vnets.ensure('b', 9200);
    expect(a.subnet).not.toBe(b.subnet);
    expect(await vnets.ensure('a')).toEqual(a); // idempotent
    const ips: Record<string, string> = {};
    for (const [name, vnet] of [['a1', 'a'], ['a2', 'a'], ['b1', 'b']] as const) {
      ips[name] = await vnets.allocateIp(vnet);
      store(vnet, ips[name]);
      vnets.releaseIp(vnet, ips[name]);
      await start(name, { network: { name: run.name(vnet), ipv4: ips[name] } });
    }
    const a1 = (await run.runtime.inspectContainer(run.name('a1')))!;
    expect(a1.networks[run.name('a')]?.ipAddress).toBe(ips.a1);
    expect(await eventually(() => reach(run.name('a1'), ips.a2!), 'hello from a2\n')).toBe('hello from a2\n');
    expect(await reach(run.name('b1'), ips.b1!)).toBe('hello from b1\n'); // b1's listener is up
    expect(await reach(run.name('a1'), ips.b1!)).toBe('');
    expect(await reach(run.name('b1'), ips.a2!)).toBe('');
  });

  it('releases IPs for reuse and removes a VNet with its last instance', async () => {
    const c = await vnets.ensure('c', 9201);
    const first = await vnets.allocateIp('c');
    const second = await vnets.allocateIp('c'); // reserved in-process: never the same one twice
    expect(second).not.toBe(first);
    vnets.releaseIp('c', first);
    vnets.releaseIp('c', second);
    expect(await vnets.allocateIp('c')).toBe(first);
    vnets.releaseIp('c', first);
    store('c', first);
    await vnets.releaseIfUnused('c');
    expect(await run.runtime.inspectNetwork(c.name)).not.toBeNull(); // still used
    stored.get('c')!.delete(first);
    await vnets.releaseIfUnused('c');
    expect(await run.runtime.inspectNetwork(c.name)).toBeNull();
    await vnets.releaseIfUnused('c'); // idempotent
  });

  it('never adopts or removes a network it did not label', async () => {
    // Labelled for the test's cleanup only, not with the module's label.
    await createNetwork(run.runtime.docker, { name: run.name('foreign'), labels: run.labels, subnet: '10.89.250.0/24' });
    await expect(vnets.ensure('foreign')).rejects.toBeInstanceOf(ModuleError);
    await vnets.releaseIfUnused('foreign');
    expect(await run.runtime.inspectNetwork(run.name('foreign'))).not.toBeNull();
    await expect(run.runtime.removeNetwork(run.name('foreign'))).rejects.toMatchObject({ code: 'CONFLICT' });
    // A new VNet's subnet must avoid the foreign network's.
    const d = await vnets.ensure('d', 9202);
    expect(d.subnet).not.toBe('10.89.250.0/24');
  });
});
