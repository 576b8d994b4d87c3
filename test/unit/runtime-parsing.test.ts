import { describe, expect, it } from 'vitest';
import { parseCapEff, parseLimit, parseMemTotalBytes } from '../../src/services/host/host-facts.js';
import { toCreateOptions } from '../../src/services/runtime/podman-create-options.js';
import { normalizeStatus } from '../../src/services/runtime/podman-inspect.js';
import { parseLogFrames, splitFrames } from '../../src/services/runtime/podman-logs.js';
import { hasPreviousCpu, toContainerStats } from '../../src/services/runtime/podman-stats.js';
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

describe('stats (Podman 4.3 compat shapes)', () => {
  const sample = (read: string, cpu: number) => ({
    read, preread: '0001-01-01T00:00:00Z',
    cpu_stats: { cpu_usage: { total_usage: cpu }, system_cpu_usage: 1, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 0 } },
    memory_stats: { usage: 1000, limit: 4000 },
    networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
    blkio_stats: { io_service_bytes_recursive: [{ op: 'Read', value: 5 }, { op: 'write', value: 7 }, { op: 'Total', value: 12 }] },
    pids_stats: { current: 3 },
  });
  it('needs a second sample when precpu is empty', () => {
    expect(hasPreviousCpu(sample('2026-11-28T03:00:00Z', 1))).toBe(false);
  });
  it('computes CPU from the two readings over their own timestamps', () => {
    const s = toContainerStats(sample('2026-11-28T03:00:00.500000000Z', 1_500_000_000), sample('2026-11-28T03:00:00.000000000Z', 1_250_000_000));
    expect(s).toEqual({
      cpuPercent: 50, memoryUsedBytes: 1000, memoryLimitBytes: 4000, memoryPercent: 25,
      netRxBytes: 11, netTxBytes: 22, blockReadBytes: 5, blockWriteBytes: 7, pids: 3,
    });
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
