import type { Probe } from '../../src/services/adapters/types.js';
import type { ProbeOutcome, Prober, ProbeTarget } from '../../src/services/instances/probe-runner.js';
import type { FakeRuntime } from './fake-runtime.js';

type Answer = (call: ProbeCall) => Omit<ProbeOutcome, 'elapsedMs'> | Promise<Omit<ProbeOutcome, 'elapsedMs'>>;

export interface ProbeCall {
  probe: Probe;
  target: ProbeTarget;
  /** The container's name in the fake runtime (undefined when it is gone). */
  container: string | undefined;
}

/**
 * A scripted prober: by default the engine answers exactly when its container runs in the
 * fake runtime; a test scripts otherwise per container name (never ready, fails N times, any
 * function of the call).
 */
export class FakeProber {
  readonly calls: ProbeCall[] = [];
  private readonly scripts = new Map<string, { answer: Answer; times: number }[]>();

  constructor(private readonly runtime: FakeRuntime) {}

  /** The Prober to hand to createServices. */
  readonly prober: Prober = async (probe, target) => {
    const c = this.runtime.container(target.containerId);
    const call: ProbeCall = { probe, target, container: c?.name };
    this.calls.push(call);
    const script = c ? this.scripts.get(c.name)?.find((s) => s.times > 0) : undefined;
    if (script) {
      script.times--;
      return { elapsedMs: 1, ...(await script.answer(call)) };
    }
    return c?.state.running ? { ok: true, message: 'engine answered', elapsedMs: 1 } : { ok: false, message: 'connection refused', elapsedMs: 1 };
  };

  /** Answers probes of `containerName` with `answer` (`times` of them, default all). */
  script(containerName: string, answer: Answer, times = Infinity): void {
    const list = this.scripts.get(containerName) ?? [];
    list.push({ answer, times });
    this.scripts.set(containerName, list);
  }

  /** The engine of `containerName` never answers. */
  never(containerName: string, message = 'connection refused'): void {
    this.script(containerName, () => ({ ok: false, message }));
  }

  /** The engine of `containerName` fails `times` probes, then behaves by default again. */
  failTimes(containerName: string, times: number, message = 'the database system is starting up'): void {
    this.script(containerName, () => ({ ok: false, message }), times);
  }

  /** Forgets every script for `containerName`. */
  reset(containerName: string): void {
    this.scripts.delete(containerName);
  }

  callsFor(containerName: string): ProbeCall[] {
    return this.calls.filter((c) => c.container === containerName);
  }
}
