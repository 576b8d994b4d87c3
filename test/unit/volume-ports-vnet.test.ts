import { mkdtemp, mkdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostAddresses, overlaps, parseCidr, splitPool } from '../../src/services/network/ipv4.js';
import { PortAllocator } from '../../src/services/network/port-allocator.js';
import type { NetworkInfo, NetworkSpec } from '../../src/services/runtime/container-runtime.js';
import { VolumeService } from '../../src/services/volume-service.js';
import { VnetService } from '../../src/services/network/vnet-service.js';

const tempDirs: string[] = [];
const tempDir = async (prefix: string) => {
  const d = await mkdtemp(path.join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of tempDirs) await rm(d, { recursive: true, force: true });
});

describe('VolumeService', () => {
  const make = async (ownership: 'none' | 'rootless' = 'none', calls: string[][] = []) => {
    const dataDir = await tempDir('flux-vol-');
    return { dataDir, svc: new VolumeService({ dataDir, ownership, unshareChown: async (o, ps) => void calls.push([o, ...ps]) }) };
  };

  it('creates the instance layout with private modes', async () => {
    const { dataDir, svc } = await make();
    const p = await svc.prepare('db-pg');
    expect(p.root).toBe(path.join(dataDir, 'containers', 'db-pg'));
    expect((await stat(p.root)).mode & 0o777).toBe(0o700);
    expect((await stat(p.secrets)).mode & 0o777).toBe(0o700);
    for (const d of [p.data, p.config, p.logs, p.tls]) expect((await stat(d)).isDirectory()).toBe(true);
  });

  it('writes config and secret files and returns read-only mounts', async () => {
    const { svc } = await make();
    await svc.prepare('db-pg');
    const mounts = await svc.writeFiles('db-pg', [
      { target: '/etc/postgresql/postgresql.conf', content: 'x=1\n', kind: 'config' },
      { target: '/run/secrets/pw', content: 's3cret', kind: 'secret' },
    ]);
    expect(mounts.map((m) => [path.basename(path.dirname(m.source)), m.target, m.readOnly])).toEqual([
      ['config', '/etc/postgresql/postgresql.conf', true],
      ['secrets', '/run/secrets/pw', true],
    ]);
    expect((await stat(mounts[1]!.source)).mode & 0o777).toBe(0o600);
    expect(await readFile(mounts[1]!.source, 'utf8')).toBe('s3cret');
  });

  it('rejects bad names, traversal and symlinks out of the data dir', async () => {
    const { dataDir, svc } = await make();
    for (const bad of ['../x', 'a/b', 'A', 'x', '-a', 'a..b', 'a'.repeat(64)]) await expect(svc.prepare(bad)).rejects.toMatchObject({ statusCode: 400 });
    await expect(svc.writeFiles('db-pg', [{ target: '../etc/x', content: '', kind: 'config' }])).rejects.toMatchObject({ statusCode: 400 });
    const outside = await tempDir('flux-outside-');
    await mkdir(path.join(dataDir, 'containers'), { recursive: true });
    await symlink(outside, path.join(dataDir, 'containers', 'db-evil'));
    await expect(svc.prepare('db-evil')).rejects.toThrow(/outside the data directory/);
    await expect(svc.remove('db-evil')).rejects.toThrow(/symlink/);
    expect((await stat(outside)).isDirectory()).toBe(true);
  });

  it('removes only the instance dir and is idempotent', async () => {
    const { svc } = await make();
    const p = await svc.prepare('db-gone');
    await svc.remove('db-gone');
    await expect(stat(p.root)).rejects.toThrow();
    await svc.remove('db-gone');
  });

  it('rootless ownership goes through podman unshare chown', async () => {
    const calls: string[][] = [];
    const { svc } = await make('rootless', calls);
    await svc.prepare('db-pg', '999:999');
    expect(calls[0]![0]).toBe('999:999');
    // Only data and logs: config/secrets/tls stay the module user's so it can still write into them.
    expect(calls[0]!.slice(1).map((d) => d.split('/').at(-1))).toEqual(['data', 'logs']);
  });
});

describe('PortAllocator', () => {
  it('skips stored, reserved and unbindable ports and frees on release', async () => {
    const a = new PortAllocator({ range: { low: 100, high: 104 }, usedPorts: async () => new Set([100]), isBindable: async (p) => p !== 102, random: () => 0 });
    expect((await Promise.all([a.allocate(), a.allocate(), a.allocate()])).sort()).toEqual([101, 103, 104]);
    await expect(a.allocate()).rejects.toMatchObject({ code: 'PORTS_EXHAUSTED', statusCode: 503, message: expect.stringMatching(/No free host port in 100-104/) });
    a.release(103);
    expect(await a.allocate()).toBe(103);
  });
});

describe('ipv4 and VnetService', () => {
  it('splits pools and detects overlaps', () => {
    const subnets = [...splitPool('10.89.128.0/17', 24)];
    expect(subnets).toHaveLength(128);
    expect(overlaps(parseCidr('10.89.128.0/24'), parseCidr('10.89.0.0/16'))).toBe(true);
    expect(overlaps(parseCidr('10.89.128.0/24'), parseCidr('10.89.129.0/24'))).toBe(false);
    const hosts = [...hostAddresses(parseCidr('10.0.0.0/29'))];
    expect(hosts).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  });

  function fakeRuntime(existing: NetworkInfo[]) {
    const nets = new Map(existing.map((n) => [n.name, n]));
    return {
      nets,
      listNetworks: async () => [...nets.values()],
      inspectNetwork: async (name: string) => nets.get(name) ?? null,
      createNetwork: async (s: NetworkSpec) => {
        const n = { name: s.name, id: s.name, subnet: s.subnet, gateway: s.gateway ?? null, labels: s.labels };
        nets.set(s.name, n);
        return n;
      },
      removeNetwork: async (name: string) => void nets.delete(name),
    };
  }

  it('picks a subnet no existing network overlaps, labels it, and hands out distinct IPs', async () => {
    const rt = fakeRuntime([{ name: 'other', id: 'o', subnet: '10.89.128.0/23', gateway: null, labels: {} }]);
    const used = new Set<string>(['10.89.130.2']);
    const v = new VnetService({ runtime: rt, ownLabels: {}, usedIps: async () => used });
    const [a, b] = await Promise.all([v.ensure('a', 1), v.ensure('b', 2)]);
    expect(a.subnet).toBe('10.89.130.0/24');
    expect(b.subnet).toBe('10.89.131.0/24');
    expect(rt.nets.get('fluxdb-a')!.labels).toMatchObject({ 'io.flux.module': '620600', 'io.flux.databases.instance': '1' });
    const ips = await Promise.all([v.allocateIp('a'), v.allocateIp('a')]);
    expect(ips).toEqual(['10.89.130.3', '10.89.130.4']);
  });

  it('refuses to adopt an unlabelled network and removes only its own when unused', async () => {
    const rt = fakeRuntime([{ name: 'fluxdb-x', id: 'x', subnet: '10.1.0.0/24', gateway: null, labels: {} }]);
    const v = new VnetService({ runtime: rt, ownLabels: {}, usedIps: async () => new Set() });
    await expect(v.ensure('x')).rejects.toMatchObject({ statusCode: 409 });
    await v.releaseIfUnused('x');
    expect(rt.nets.has('fluxdb-x')).toBe(true);
    await v.ensure('y');
    await v.releaseIfUnused('y');
    expect(rt.nets.has('fluxdb-y')).toBe(false);
  });
});

describe('reservations expire', () => {
  it('a port never released is free again after the TTL', async () => {
    let now = 0;
    const a = new PortAllocator({ range: { low: 100, high: 100 }, usedPorts: async () => new Set(), isBindable: async () => true, now: () => now, reservationTtlMs: 1000 });
    expect(await a.allocate()).toBe(100);
    await expect(a.allocate()).rejects.toThrow();
    now = 1000;
    expect(await a.allocate()).toBe(100);
  });
  it('a VNet whose IP reservation lapsed can be removed', async () => {
    let now = 0;
    const nets = new Map<string, NetworkInfo>();
    const rt = {
      listNetworks: async () => [...nets.values()],
      inspectNetwork: async (n: string) => nets.get(n) ?? null,
      createNetwork: async (s: NetworkSpec) => { const n = { name: s.name, id: s.name, subnet: s.subnet, gateway: null, labels: s.labels }; nets.set(s.name, n); return n; },
      removeNetwork: async (n: string) => void nets.delete(n),
    };
    const v = new VnetService({ runtime: rt, ownLabels: {}, usedIps: async () => new Set(), now: () => now, reservationTtlMs: 1000 });
    await v.ensure('z');
    await v.allocateIp('z');
    await v.releaseIfUnused('z');
    expect(nets.size).toBe(1);
    now = 1000;
    await v.releaseIfUnused('z');
    expect(nets.size).toBe(0);
  });
});
