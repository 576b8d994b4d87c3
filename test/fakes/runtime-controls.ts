import { ModuleError } from '../../src/errors.js';
import type { ContainerRuntime } from '../../src/services/runtime/container-runtime.js';

export type RuntimeMethod = keyof ContainerRuntime;
type Match = (args: unknown[]) => boolean;

/** A call held open until the test releases it (a wedged Podman). */
export interface Hang {
  /** Resolves once a matching call is being held. */
  readonly entered: Promise<void>;
  /** How many calls are held right now. */
  readonly held: number;
  /** Lets every held call (and any later one) through. */
  release(): void;
}

interface HangRule { method: RuntimeMethod; match: Match; times: number; gate: Promise<void>; open(): void; onEnter(): void; held: number }
interface FailRule { method: RuntimeMethod; match: Match; times: number; error: () => Error }

const always: Match = () => true;

/**
 * What a test can make the fake runtime do on any call: fail, hang until released, and what
 * it records (every call, and how many of each method run at once).
 */
export class RuntimeControls {
  readonly calls: { method: RuntimeMethod; args: unknown[] }[] = [];
  private readonly hangs: HangRule[] = [];
  private readonly failures: FailRule[] = [];
  private readonly inFlightNow = new Map<RuntimeMethod, number>();
  private readonly inFlightMax = new Map<RuntimeMethod, number>();

  /** The next `times` matching calls of `method` throw `error` (default: a coded INTERNAL, as Podman's 500 becomes). */
  failNext(method: RuntimeMethod, options: { error?: Error | (() => Error); match?: Match; times?: number } = {}): void {
    const error = typeof options.error === 'function' ? options.error
      : () => (options.error as Error | undefined) ?? new ModuleError('INTERNAL', `${method} failed: scripted failure`);
    this.failures.push({ method, match: options.match ?? always, times: options.times ?? 1, error });
  }

  /** Matching calls of `method` hang until release() (at most `times` calls; default every call). */
  hang(method: RuntimeMethod, options: { match?: Match; times?: number } = {}): Hang {
    let open!: () => void;
    let onEnter!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const entered = new Promise<void>((r) => { onEnter = r; });
    const rule: HangRule = { method, match: options.match ?? always, times: options.times ?? Infinity, gate, open, onEnter, held: 0 };
    this.hangs.push(rule);
    return {
      entered,
      get held() { return rule.held; },
      release: () => {
        this.hangs.splice(this.hangs.indexOf(rule) >>> 0, 1);
        rule.open();
      },
    };
  }

  /** Most calls of `method` that ran at the same time so far. */
  maxInFlight(method: RuntimeMethod): number {
    return this.inFlightMax.get(method) ?? 0;
  }

  inFlight(method: RuntimeMethod): number {
    return this.inFlightNow.get(method) ?? 0;
  }

  callsOf(method: RuntimeMethod): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Runs one runtime call through the scripted failures and hangs, counting it while it runs. */
  async run<T>(method: RuntimeMethod, args: unknown[], body: () => T | Promise<T>): Promise<T> {
    this.calls.push({ method, args });
    const now = (this.inFlightNow.get(method) ?? 0) + 1;
    this.inFlightNow.set(method, now);
    this.inFlightMax.set(method, Math.max(now, this.maxInFlight(method)));
    try {
      const failure = this.failures.find((f) => f.method === method && f.times > 0 && f.match(args));
      if (failure) {
        failure.times--;
        throw failure.error();
      }
      const hang = this.hangs.find((h) => h.method === method && h.times > 0 && h.match(args));
      if (hang) {
        hang.times--;
        hang.held++;
        hang.onEnter();
        await hang.gate;
        hang.held--;
      }
      return await body();
    } finally {
      this.inFlightNow.set(method, (this.inFlightNow.get(method) ?? 1) - 1);
    }
  }
}
