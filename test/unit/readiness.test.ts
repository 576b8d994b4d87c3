import { describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import type { AdapterInput, ExecStep, Probe } from '../../src/services/adapters/types.js';
import type { Prober, ProbeTarget } from '../../src/services/instances/probe-runner.js';
import { ReadinessWaiter, type ReadinessFacts } from '../../src/services/instances/readiness.js';
import type { ContainerInfo } from '../../src/services/runtime/container-runtime.js';

const input: AdapterInput = {
  containerName: 'db-x', databaseName: 'app', username: 'u', password: 'pw', version: '15',
  sizing: { memoryMb: 1024, cpus: 1, storageGb: 10 },
};
const HOST_PROBE: Probe = { kind: 'postgres', containerPort: 5432, user: 'u', password: 'pw', database: 'app' };
const INSIDE_PROBE: ExecStep = { kind: 'exec', argv: ['psql', '-c', 'SELECT 1'], env: { PGPASSWORD: 'pw' } };
const target: ProbeTarget = { containerId: 'c1', address: '127.0.0.1', portFor: () => 20000 };

function facts(over: Partial<ReadinessFacts> = {}): ReadinessFacts {
  return {
    displayName: 'PostgreSQL', startupTimeoutMs: 5000, readySuccesses: 1,
    readinessProbe: () => HOST_PROBE, insideProbe: () => INSIDE_PROBE, ...over,
  };
}

/** inspectContainer only: running unless `state` says otherwise; `hang` never answers. */
function runtime(state: Partial<ContainerInfo['state']> | 'hang' | 'gone' = {}) {
  const calls = { inspect: 0 };
  return {
    calls,
    inspectContainer: async (): Promise<ContainerInfo | null> => {
      calls.inspect++;
      if (state === 'hang') return new Promise(() => undefined);
      if (state === 'gone') return null;
      return { state: { status: 'running', running: true, exitCode: null, startedAt: null, finishedAt: null, oomKilled: false, ...state } } as ContainerInfo;
    },
  };
}

/** Answers from a script: one outcome per call, the last one repeated; records each probe. */
function scripted(outcomes: (boolean | 'hang')[]) {
  const probes: Probe[] = [];
  const prober: Prober = async (probe) => {
    probes.push(probe);
    const o = outcomes[Math.min(probes.length - 1, outcomes.length - 1)];
    if (o === 'hang') return new Promise(() => undefined);
    return { ok: o!, message: o ? 'SELECT 1 answered' : 'connection refused', elapsedMs: 1 };
  };
  return { prober, probes };
}

describe('ReadinessWaiter', () => {
  it('calls the engine ready on its first answer when the adapter needs one', async () => {
    const rt = runtime();
    const { prober, probes } = scripted([false, false, true]);
    const t0 = Date.now();
    await new ReadinessWaiter(rt, prober).wait('c1', facts(), input, target);
    expect(probes).toHaveLength(3);
    expect(probes[0]).toBe(HOST_PROBE);
    // Host probes are polled every 50 ms, and no inspect is spent on a start this short.
    expect(Date.now() - t0).toBeLessThan(500);
    expect(rt.calls.inspect).toBe(0);
  });

  it('needs consecutive answers where the adapter says so: a failure in between starts again', async () => {
    const { prober, probes } = scripted([true, false, true, true]);
    await new ReadinessWaiter(runtime(), prober).wait('c1', facts({ readySuccesses: 2 }), input, target);
    expect(probes).toHaveLength(4);
  });

  it('inspects about once a second, not on every poll, and fails as soon as it sees the container exit', async () => {
    const rt = runtime({ running: false, status: 'exited', exitCode: 3 });
    const { prober, probes } = scripted([false]);
    const t0 = Date.now();
    await expect(new ReadinessWaiter(rt, prober).wait('c1', facts(), input, target)).rejects.toThrow(/exited while starting \(exit code 3\)/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(rt.calls.inspect).toBe(1);
    expect(probes.length).toBeGreaterThan(5);
  });

  it('says when the container is gone', async () => {
    await expect(new ReadinessWaiter(runtime('gone'), scripted([false]).prober).wait('c1', facts(), input, target))
      .rejects.toThrow(/disappeared/);
  });

  it('holds the deadline when a probe hangs', async () => {
    const t0 = Date.now();
    await expect(new ReadinessWaiter(runtime(), scripted([false, 'hang']).prober).wait('c1', facts({ startupTimeoutMs: 400 }), input, target))
      .rejects.toThrow(/did not answer within .*still running at the deadline/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('holds the deadline when an inspect hangs, with a coded Podman timeout', async () => {
    const t0 = Date.now();
    const err = await new ReadinessWaiter(runtime('hang'), scripted([false]).prober)
      .wait('c1', facts({ startupTimeoutMs: 1500 }), input, target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleError);
    expect((err as ModuleError).code).toBe('PODMAN_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(2200);
  });

  it('names the last probe failure when the engine never answers', async () => {
    await expect(new ReadinessWaiter(runtime(), scripted([false]).prober).wait('c1', facts({ startupTimeoutMs: 300 }), input, target))
      .rejects.toThrow(/PostgreSQL did not answer within 0 s \(last probe: connection refused\)/);
  });

  it('probes inside the container where the host cannot reach the address (rootless VNet)', async () => {
    const { prober, probes } = scripted([true]);
    await new ReadinessWaiter(runtime(), prober).wait('c1', facts(), input, { ...target, address: '10.89.0.5', hostReachable: false });
    expect(probes).toEqual([INSIDE_PROBE]);
  });

  it('keeps the host probe for an adapter without an inside one', async () => {
    const { prober, probes } = scripted([true]);
    await new ReadinessWaiter(runtime(), prober).wait('c1', facts({ insideProbe: undefined }), input, { ...target, hostReachable: false });
    expect(probes).toEqual([HOST_PROBE]);
  });
});
