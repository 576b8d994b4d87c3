import { describe, expect, it } from 'vitest';
import { ContainerOrchestrator, bindPort, type OrchestratorInput } from '../../src/services/container-orchestrator.js';
import { assertHardened, normalizeCaps, ulimitsFor } from '../../src/services/orchestration/hardening.js';
import type { HostFacts } from '../../src/services/host/host-facts.js';
import { limitsEnforced } from '../../src/services/orchestration/limits-enforced.js';
import type { RuntimeInfo } from '../../src/services/runtime/container-runtime.js';
import { resolveSku } from '../../src/services/orchestration/sku-resources.js';

const HOST: HostFacts = { cpus: 8, memoryBytes: 64 * 2 ** 30, nofileHard: 20000, nprocHard: 32768, hasSysResource: false, swapAccounting: true };
const ROOTFUL_V1: RuntimeInfo = { socketPath: '/x', version: '4.3.1', apiVersion: '4.3.1', rootless: false, cgroupVersion: 'v1', ociRuntime: 'runc' };

/** The runtime faked through its interface: only info() is needed to build a spec. */
function orchestrator(info: RuntimeInfo = ROOTFUL_V1, host: HostFacts = HOST) {
  return new ContainerOrchestrator({ runtime: { info: async () => info }, hostFacts: async () => host });
}

const input = (over: Partial<OrchestratorInput> = {}): OrchestratorInput => ({
  instanceId: 42, containerName: 'db-pg', engine: { engine: 'postgresql' }, image: 'localhost/pg:15', sizing: resolveSku('d2'),
  ports: [bindPort(5432, 20001, false)], mounts: [{ source: '/srv/data/containers/db-pg/data', target: '/var/lib/postgresql/data' }],
  plan: {
    env: { POSTGRES_USER: 'app' }, cmd: ['postgres'], user: '999:999', dataDir: '/var/lib/postgresql/data', files: [],
    tmpfs: { '/run/postgresql': 'rw,size=16m' }, capAdd: ['cap_chown', 'SETUID'], pidsLimit: 300, nofile: 65536,
    readOnlyRootfs: true, shmSizeMb: 256, stopTimeoutSeconds: 60,
  },
  ...over,
});

describe('ContainerOrchestrator.build', () => {
  it('produces the hardened spec', async () => {
    const { spec, limits } = await orchestrator().build(input());
    expect(spec).toMatchObject({
      name: 'db-pg', image: 'localhost/pg:15', user: '999:999', capAdd: ['CHOWN', 'SETUID'], readOnlyRootfs: true,
      tmpfs: { '/run/postgresql': 'rw,size=16m' }, restartPolicy: 'unless-stopped', logMaxSizeBytes: 10 * 2 ** 20,
      shmSizeBytes: 256 * 2 ** 20, stopTimeoutSeconds: 60,
      ports: [{ containerPort: 5432, hostPort: 20001, hostIp: '127.0.0.1', protocol: 'tcp' }],
      resources: { memoryBytes: 4096 * 2 ** 20, nanoCpus: 2e9, cpuShares: 1024, pidsLimit: 300 },
      labels: { 'io.flux.module': '620600', 'io.flux.databases.instance': '42', 'io.flux.databases.engine': 'postgresql' },
    });
    expect(spec.ulimits).toEqual([{ name: 'nofile', soft: 20000, hard: 20000 }, { name: 'nproc', soft: 32768, hard: 32768 }]);
    expect(limits).toMatchObject({ memory: true, cpu: true, cpuShares: true, pids: true, storage: 'monitored' });
  });

  it('binds 0.0.0.0 only for external access', () => {
    expect(bindPort(1, 2, true).hostIp).toBe('0.0.0.0');
    expect(bindPort(1, 2, false).hostIp).toBe('127.0.0.1');
  });

  it('E series: drops oom-score-adj without CAP_SYS_RESOURCE and says so', async () => {
    const { spec, limits } = await orchestrator().build(input({ sizing: resolveSku('e2') }));
    expect(spec.resources.oomScoreAdj).toBeUndefined();
    expect(spec.resources.memorySwappiness).toBe(0);
    expect(limits.oomScoreAdj).toBe(false);
    expect(limits.swappiness).toBe(true);
    expect(limits.notes!.join('\n')).toMatch(/CAP_SYS_RESOURCE/);
    const withCap = await orchestrator(ROOTFUL_V1, { ...HOST, hasSysResource: true }).build(input({ sizing: resolveSku('e2') }));
    expect(withCap.spec.resources.oomScoreAdj).toBe(-500);
    expect(withCap.limits.oomScoreAdj).toBe(true);
  });

  it('F series: memory-swap = memory; swap enforced only with swap accounting', async () => {
    const { spec, limits } = await orchestrator().build(input({ sizing: resolveSku('f2') }));
    expect(spec.resources.memorySwapBytes).toBe(spec.resources.memoryBytes);
    expect(limits.swap).toBe(true);
    const noAcct = await orchestrator(ROOTFUL_V1, { ...HOST, swapAccounting: false }).build(input({ sizing: resolveSku('f2') }));
    expect(noAcct.limits.swap).toBe(false);
  });

  it('rootless on cgroup v1 enforces no cgroup limits; v2 has no swappiness', async () => {
    const rootless = await orchestrator({ ...ROOTFUL_V1, rootless: true }).build(input({ sizing: resolveSku('e2') }));
    expect(rootless.limits).toMatchObject({ memory: false, cpu: false, pids: false, oomScoreAdj: false, swappiness: false });
    const v2 = await orchestrator({ ...ROOTFUL_V1, cgroupVersion: 'v2' }).build(input({ sizing: resolveSku('e2') }));
    expect(v2.limits).toMatchObject({ memory: true, swappiness: false });
  });

  it('refuses a SKU larger than the host (400)', async () => {
    await expect(orchestrator().build(input({ sizing: resolveSku('d16') }))).rejects.toMatchObject({ statusCode: 400 });
    await expect(orchestrator().checkCapacity(resolveSku('e8'))).resolves.toBeUndefined();
  });

  it('refuses forbidden capabilities and host networking', async () => {
    const plan = { ...input().plan, capAdd: ['SYS_ADMIN'] };
    await expect(orchestrator().build(input({ plan }))).rejects.toThrow(/SYS_ADMIN is not allowed/);
    await expect(orchestrator().build(input({ network: { name: 'host' } }))).rejects.toThrow(/network mode host/);
  });
});

describe('hardening helpers', () => {
  it('normalizes capability names', () => {
    expect(normalizeCaps(['cap_setgid', 'SETUID', 'setuid'])).toEqual(['SETGID', 'SETUID']);
    expect(() => normalizeCaps(['ALL'])).toThrow();
    expect(() => normalizeCaps(['NET_ADMIN'])).toThrow();
  });
  it('clamps nofile to the host hard limit but never below 1024', () => {
    expect(ulimitsFor(65536, { nofileHard: 20000, nprocHard: 100 })[0]).toEqual({ name: 'nofile', soft: 20000, hard: 20000 });
    expect(ulimitsFor(4096, { nofileHard: 20000, nprocHard: 100 })[0]!.soft).toBe(4096);
    expect(ulimitsFor(10, { nofileHard: 20000, nprocHard: 100 })[0]!.soft).toBe(1024);
  });
  it('refuses an implicit all-interfaces binding', async () => {
    const { spec } = await orchestrator().build(input());
    expect(() => assertHardened({ ...spec, ports: [{ containerPort: 1, hostPort: 2, hostIp: '' }] })).toThrow(/explicit bind address/);
  });
  it('limitsEnforced records notes for every "no"', () => {
    const l = limitsEnforced({ memoryBytes: 1, nanoCpus: 1, pidsLimit: 1, oomScoreAdj: -500 }, { rootless: true, cgroupVersion: 'v2' }, { swapAccounting: true }, false);
    expect(l.oomScoreAdj).toBe(false);
    expect(l.notes!.length).toBeGreaterThanOrEqual(2);
  });
});
