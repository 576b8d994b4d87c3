import { ModuleError } from '../../errors.js';
import type { AdapterInput, EngineAdapter } from '../adapters/types.js';
import { defaultProber, probeFor, type Prober, type ProbeTarget } from './probe-runner.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

/** Between probes from the host: a refused connection costs about a millisecond, so ask often. */
const HOST_POLL_MS = 50;
/** Between exec probes: each one is a `podman exec` (a process in the container), so ask less often. */
const EXEC_POLL_MS = 250;
/** How often the container's state is read: often enough to notice within a second that it exited. */
const INSPECT_EVERY_MS = 1000;
/** At most this long for one probe (a server that accepts connections but does not answer yet). */
const PROBE_TIMEOUT_MS = 10_000;

/** What the waiter reads of an adapter. */
export type ReadinessFacts = Pick<EngineAdapter, 'displayName' | 'startupTimeoutMs' | 'readySuccesses' | 'readinessProbe' | 'insideProbe'>;

/** Time as the waiter sees it; tests replace it. */
export interface ReadinessClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
const realClock: ReadinessClock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Settles with `work`, or rejects with `onLate()` once `ms` have passed; a late outcome of `work` is dropped. */
function within<T>(work: Promise<T>, ms: number, onLate: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => undefined);
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(onLate()), Math.max(0, ms)); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Waits until the engine itself answers its adapter's probe, within the adapter's startup
 * timeout, and fails as soon as the container is seen to exit (Podman's HEALTHCHECK never runs
 * without systemd, so the module probes by itself). The deadline holds even when one call hangs:
 * every probe and inspect is raced against the time left.
 */
export class ReadinessWaiter {
  constructor(
    private readonly runtime: Pick<ContainerRuntime, 'inspectContainer'>,
    private readonly prober: Prober = defaultProber(runtime as ContainerRuntime),
    private readonly clock: ReadinessClock = realClock,
  ) {}

  async wait(containerId: string, adapter: ReadinessFacts, input: AdapterInput, target: ProbeTarget): Promise<void> {
    const probe = probeFor(adapter, input, target);
    const { now } = this.clock;
    const deadline = now() + adapter.startupTimeoutMs;
    const pollMs = probe.kind === 'exec' ? EXEC_POLL_MS : HOST_POLL_MS;
    const timedOut = (last: string) => new Error(`${adapter.displayName} did not answer within ${Math.round(adapter.startupTimeoutMs / 1000)} s (last probe: ${last})`);
    let last = 'no probe ran';
    let successes = 0;
    // The first look at the container waits a second: right after start it runs, and a probe is cheaper.
    let nextInspect = now() + INSPECT_EVERY_MS;
    for (;;) {
      if (now() >= deadline) throw timedOut(last);
      if (now() >= nextInspect) {
        await this.expectRunning(containerId, deadline - now());
        nextInspect = now() + INSPECT_EVERY_MS;
      }
      const outcome = await within(this.prober(probe, target, Math.min(PROBE_TIMEOUT_MS, Math.max(1, deadline - now()))), deadline - now(),
        () => timedOut(`${last}; the next probe was still running at the deadline`));
      if (outcome.ok && ++successes >= adapter.readySuccesses) return;
      if (!outcome.ok) {
        successes = 0;
        last = outcome.message;
      }
      await this.clock.sleep(Math.min(pollMs, Math.max(0, deadline - now())));
    }
  }

  private async expectRunning(containerId: string, msLeft: number): Promise<void> {
    const info = await within(this.runtime.inspectContainer(containerId), msLeft,
      () => new ModuleError('PODMAN_TIMEOUT', 'Podman did not answer an inspect of the starting container before the readiness deadline'));
    if (!info) throw new Error('container disappeared while starting');
    if (!info.state.running) {
      throw new Error(`container exited while starting (exit code ${info.state.exitCode ?? 'unknown'}${info.state.oomKilled ? ', OOM-killed' : ''})`);
    }
  }
}
