import type { AdapterInput, EngineAdapter } from '../adapters/types.js';
import { defaultProber, type Prober, type ProbeTarget } from './probe-runner.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

const POLL_MS = 300;
/**
 * Consecutive successes needed: some entrypoints (ClickHouse creating CLICKHOUSE_DB, MongoDB's
 * init server) answer briefly on a temporary server before the real one takes over.
 */
const REQUIRED_SUCCESSES = 2;

/**
 * Waits until the engine itself answers its adapter's probe, within the adapter's startup
 * timeout. Fails fast when the container exits (Podman's HEALTHCHECK never runs without systemd,
 * so the module probes by itself).
 */
export class ReadinessWaiter {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly prober: Prober = defaultProber(runtime),
    private readonly sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async wait(containerId: string, adapter: EngineAdapter, input: AdapterInput, target: ProbeTarget): Promise<void> {
    const probe = adapter.readinessProbe(input);
    const deadline = Date.now() + adapter.startupTimeoutMs;
    let last = 'no probe ran';
    let successes = 0;
    while (Date.now() < deadline) {
      const info = await this.runtime.inspectContainer(containerId);
      if (!info) throw new Error('container disappeared while starting');
      if (!info.state.running) {
        throw new Error(`container exited while starting (exit code ${info.state.exitCode ?? 'unknown'}${info.state.oomKilled ? ', OOM-killed' : ''})`);
      }
      const outcome = await this.prober(probe, target, Math.min(10_000, Math.max(1000, deadline - Date.now())));
      successes = outcome.ok ? successes + 1 : 0;
      if (successes >= REQUIRED_SUCCESSES) return;
      last = outcome.message;
      await this.sleep(POLL_MS);
    }
    throw new Error(`${adapter.displayName} did not answer within ${Math.round(adapter.startupTimeoutMs / 1000)} s (last probe: ${last})`);
  }
}
