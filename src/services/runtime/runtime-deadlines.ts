import { ModuleError } from '../../errors.js';
import type { ContainerRuntime, ExecOptions } from './container-runtime.js';
import { DEFAULT_EXEC_TIMEOUT_MS } from './podman-exec.js';

/** Time a stop may take when the caller gives none (Podman's default grace period). */
const DEFAULT_STOP_S = 10;

type Method<K extends keyof ContainerRuntime> = NonNullable<ContainerRuntime[K]> & ((...args: never[]) => Promise<unknown>);
/**
 * How long one call may take, from the base budget and the call's own arguments; or 'stream':
 * a call that lasts until the caller's own AbortSignal ends it (it gets no deadline here).
 */
type Budget<K extends keyof ContainerRuntime> = ((baseMs: number, ...args: Parameters<Method<K>>) => number) | 'stream';

/**
 * Every runtime method with its deadline. Mapped over the interface on purpose: a new method
 * (an image pull, say) does not compile until it says how long it may take.
 */
const BUDGETS: { [K in keyof ContainerRuntime]-?: Budget<K> } = {
  info: (base) => base,
  createContainer: (base) => base,
  startContainer: (base) => base,
  // Podman waits the grace period before it kills; the call itself gets the base budget on top.
  stopContainer: (base, _id, timeoutSeconds) => (timeoutSeconds ?? DEFAULT_STOP_S) * 1000 + base,
  restartContainer: (base, _id, timeoutSeconds) => (timeoutSeconds ?? DEFAULT_STOP_S) * 1000 + base,
  removeContainer: (base) => base,
  inspectContainer: (base) => base,
  listContainers: (base) => base,
  // The exec has its own timeout (it kills the process); the calls around it get the base budget.
  exec: (base, _id, _argv, options?: ExecOptions) => (options?.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS) + base,
  // A long tail is read in one body: twice the base.
  logs: (base) => 2 * base,
  // Two readings half a second apart.
  stats: (base) => base + 1000,
  statsAll: (base) => base,
  imageExists: (base) => base,
  imageLabels: (base) => base,
  // A pull runs as long as the image takes; its own FLUX_DATABASES_PULL_TIMEOUT_S (options.timeoutMs) ends it.
  pullImage: 'stream',
  inspectImage: (base) => base,
  createNetwork: (base) => base,
  removeNetwork: (base) => base,
  listNetworks: (base) => base,
  inspectNetwork: (base) => base,
  listVolumes: (base) => base,
  removeVolume: (base) => base,
  watchEvents: 'stream',
  // A dump or restore lasts as long as the data takes; its stall timeout (and the caller's signal) ends it.
  execStream: 'stream',
};

const WRAPPED = Symbol('runtime with deadlines');

/**
 * The runtime with a deadline on every call: a call Podman does not answer in time rejects with
 * the coded PODMAN_TIMEOUT (503), so a wedged Podman never holds an instance's lock or a request
 * forever. (PodmanRuntime also aborts its HTTP request at its own deadline, freeing the socket.)
 */
export function withDeadlines(runtime: ContainerRuntime, baseMs: number): ContainerRuntime {
  if ((runtime as { [WRAPPED]?: true })[WRAPPED]) return runtime;
  const wrapped = { [WRAPPED]: true } as unknown as ContainerRuntime;
  for (const method of Object.keys(BUDGETS) as (keyof ContainerRuntime)[]) {
    const budget = BUDGETS[method] as ((base: number, ...args: unknown[]) => number) | 'stream';
    const original = runtime[method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!original) continue; // an optional method this runtime does not offer
    const call = original.bind(runtime);
    (wrapped as unknown as Record<string, unknown>)[method] = budget === 'stream' ? call
      : (...args: unknown[]) => within(budget(baseMs, ...args), method, call(...args));
  }
  return wrapped;
}

function within<T>(ms: number, method: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModuleError('PODMAN_TIMEOUT',
      `Podman did not answer ${method} within ${Math.round(ms / 100) / 10} s; is the Podman service wedged?`)), ms);
  });
  // A late failure of the abandoned call must not surface as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
