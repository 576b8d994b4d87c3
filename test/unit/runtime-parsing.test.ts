import { describe, expect, it } from 'vitest';
import { parseCapEff, parseLimit, parseMemTotalBytes } from '../../src/services/host/host-facts.js';
import { toCreateOptions } from '../../src/services/runtime/podman-create-options.js';
import { normalizeStatus } from '../../src/services/runtime/podman-inspect.js';
import { parseLogFrames, splitFrames } from '../../src/services/runtime/podman-logs.js';
import { inactiveFileBytes } from '../../src/services/runtime/cgroup-memory.js';
import { cpuPercentBetween, toContainerStats, toCounters } from '../../src/services/runtime/podman-stats.js';
import type { ContainerSpec } from '../../src/services/runtime/container-runtime.js';

const frame = (type: number, text: string) => {
  const data = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
};

describe('logs', () => {
  it('demultiplexes frames and splits timestamps, joining lines split across frames', () => {
    const body = Buffer.concat([
      frame(1, '2026-11-28T03:00:00.123456789Z hello\n2026-11-28T03:00:01Z wor'),
      frame(2, '2026-11-28T03:00:02Z oops\n'),
      frame(1, 'ld\n'),
    ]);
    expect(parseLogFrames(splitFrames(body))).toEqual([
      { stream: 'stdout', timestamp: '2026-11-28T03:00:00.123456789Z', text: 'hello' },
      { stream: 'stderr', timestamp: '2026-11-28T03:00:02Z', text: 'oops' },
      { stream: 'stdout', timestamp: '2026-11-28T03:00:01Z', text: 'world' },
    ]);
  });
  it('treats a non-multiplexed (TTY) body as stdout', () => {
    expect(parseLogFrames(splitFrames(Buffer.from('plain line\n')))).toEqual([{ stream: 'stdout', timestamp: null, text: 'plain line' }]);
  });
});

describe('stats (Podman 4.3 libpod shapes)', () => {
  // As GET /libpod/containers/stats?stream=false answered here for a 0.5-CPU busy loop.
  const reading = (systemNano: number, cpuNano: number) => ({
    ContainerID: 'c1', Name: 'db-x', AvgCPU: 51.6, CPU: 51.6, CPUNano: cpuNano, SystemNano: systemNano, MemUsage: 162_217_984,
    MemLimit: 268_435_456, NetInput: 516, NetOutput: 1020, BlockInput: 5, BlockOutput: 7, PIDs: 3,
  });
  it('takes the inactive page cache out of the memory in use', () => {
    expect(toCounters(reading(1, 1), 155_217_920).memoryUsedBytes).toBe(7_000_064);
    expect(toCounters(reading(1, 1), null).memoryUsedBytes).toBe(162_217_984);
    expect(inactiveFileBytes('cache 157347840\nrss 221184\ninactive_file 9\ntotal_inactive_file 155217920\n')).toBe(155_217_920);
    expect(inactiveFileBytes('anon 1\ninactive_file 42\n')).toBe(42);
  });
  it('computes CPU from CPUNano over the readings\' own clock, and none across a restart', () => {
    const before = toCounters(reading(1_796_147_910_474_074_896, 1_558_491_888), null);
    const after = toCounters(reading(1_796_147_912_595_299_207, 2_610_751_370), null);
    expect(cpuPercentBetween(before, after)).toBeCloseTo(49.61, 1);
    expect(cpuPercentBetween(after, { ...before, readAtNs: after.readAtNs + 1e9 })).toBeNull();
    expect(toContainerStats(before, after)).toMatchObject({ memoryLimitBytes: 268_435_456, netRxBytes: 516, blockWriteBytes: 7, pids: 3 });
  });
});

describe('create options', () => {
  const spec: ContainerSpec = {
    name: 'db-x', image: 'img', labels: { a: 'b' }, env: { K: 'v' }, ports: [{ containerPort: 5432, hostPort: 20000, hostIp: '127.0.0.1' }],
    mounts: [{ source: '/d/data', target: '/data' }, { source: '/d/c.conf', target: '/etc/c.conf', readOnly: true, relabel: true }],
    tmpfs: { '/run': 'size=1m' }, resources: { memoryBytes: 1, nanoCpus: 1, pidsLimit: 9, oomScoreAdj: -500 }, capAdd: ['CHOWN'],
    readOnlyRootfs: true, ulimits: [{ name: 'nofile', soft: 1, hard: 2 }], restartPolicy: 'unless-stopped', logMaxSizeBytes: 100,
    network: { name: 'vnet', ipv4: '10.0.0.5' },
  };
  it('always drops caps, forbids privilege and new privileges', () => {
    const o = toCreateOptions(spec);
    expect(o.HostConfig).toMatchObject({
      CapDrop: ['ALL'], CapAdd: ['CHOWN'], SecurityOpt: ['no-new-privileges'], Privileged: false, ReadonlyRootfs: true,
      PidsLimit: 9, OomScoreAdj: -500, NetworkMode: 'vnet', RestartPolicy: { Name: 'unless-stopped' },
      Binds: ['/d/data:/data:rw', '/d/c.conf:/etc/c.conf:ro,Z'],
      PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '20000' }] },
      LogConfig: { Type: 'k8s-file', Config: { 'max-size': '100' } },
    });
    expect(o.NetworkingConfig).toEqual({ EndpointsConfig: { vnet: { IPAMConfig: { IPv4Address: '10.0.0.5' } } } });
    expect(o.Env).toEqual(['K=v']);
  });
  it('refuses host networking and ambiguous bind paths', () => {
    expect(() => toCreateOptions({ ...spec, network: { name: 'host' } })).toThrow(/host/);
    expect(() => toCreateOptions({ ...spec, mounts: [{ source: '/a:b', target: '/x' }] })).toThrow(/must not contain/);
  });
});

describe('inspect and host facts parsing', () => {
  it('maps Podman states', () => {
    expect(normalizeStatus('configured')).toBe('created');
    expect(normalizeStatus('stopped')).toBe('exited');
    expect(normalizeStatus('running')).toBe('running');
    expect(normalizeStatus('weird')).toBe('unknown');
  });
  it('reads /proc files', () => {
    const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax processes             96365                32768                processes\nMax open files            1024                 unlimited            files\n';
    expect(parseLimit(limits, 'Max processes')).toBe(32768);
    expect(parseLimit(limits, 'Max open files')).toBe(Infinity);
    expect(parseMemTotalBytes('MemTotal:       24684096 kB\n')).toBe(24684096 * 1024);
    expect((parseCapEff('CapEff:\t000001fffeffffff\n') >> 24n) & 1n).toBe(0n);
  });
});
