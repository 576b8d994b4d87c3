import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import * as health from '../db/repositories/health.js';
import * as repo from '../db/repositories/instances.js';
import type { Database, InstanceRow, InstanceStatus } from '../db/schema.js';
import { ModuleError } from '../errors.js';
import type { ModuleLogger } from '../module-contract.js';
import { MEANT_TO_RUN } from './instances/instance-state.js';
import type { InstanceSupport } from './instances/support.js';
import { healthReport } from './monitoring/health-report.js';
import type { Range } from './monitoring/ranges.js';
import type { ContainerRuntime, RuntimeEvent } from './runtime/container-runtime.js';
import { sleep, type Clock } from './scheduler/clock.js';
import type { Scheduler } from './scheduler/scheduler.js';

export interface HealthMonitorDeps {
  db: Kysely<Database>;
  support: InstanceSupport;
  runtime: Pick<ContainerRuntime, 'info' | 'watchEvents' | 'inspectContainer'>;
  config: Pick<Config, 'healthIntervalS' | 'unhealthyAfter' | 'checkTimeoutS' | 'checkConcurrency' | 'healthRetentionDays'>;
  scheduler: Scheduler;
  clock: Clock;
  logger: ModuleLogger;
  /** Labels of this installation's containers: the event stream follows only them. */
  ownLabels: Record<string, string>;
  /** Told of every status change the monitor makes (alerts listen). */
  onTransition?: (row: InstanceRow, to: InstanceStatus, reason: string) => Promise<void>;
}

const DIED = new Set(['die', 'oom', 'kill']);

/**
 * Health of the instances meant to run: each cycle every one is checked with its engine's own
 * authenticated probe (through its driver), the result recorded in the health history; an
 * instance shows `unhealthy` after the configured number of failed checks and `running` again
 * after a success, each change recorded. Podman's event stream reports a dead container at
 * once; the interval is the fallback while the stream is down. While Podman itself cannot be
 * reached, container checks record `unknown`, never `unhealthy`.
 */
export class HealthMonitor {
  constructor(private readonly d: HealthMonitorDeps) {}

  async checkAll(): Promise<void> {
    const rows = (await repo.listInstances(this.d.db)).filter((r) => MEANT_TO_RUN.has(r.status));
    if (!rows.length) return;
    const podmanUp = await this.podmanReachable();
    const timeoutMs = this.d.config.checkTimeoutS * 1000;
    const results = await this.d.scheduler.fanOut(rows, (row) => this.checkOne(row, podmanUp), {
      concurrency: this.d.config.checkConcurrency, timeoutMs,
    });
    for (const r of results.filter((x) => x.timedOut)) {
      await this.record(r.item, 'unhealthy', timeoutMs, `no answer within ${this.d.config.checkTimeoutS} s`);
    }
  }

  private async podmanReachable(): Promise<boolean> {
    let timer: { clear(): void } | undefined;
    const late = new Promise<false>((resolve) => { timer = this.d.clock.setTimer(() => resolve(false), 5000); });
    const answered = this.d.runtime.info().then(() => true, () => false);
    try {
      return await Promise.race([answered, late]);
    } finally {
      timer?.clear();
    }
  }

  async checkOne(row: InstanceRow, podmanUp: boolean): Promise<void> {
    const driver = this.d.support.driverOf(row);
    if (driver.kind === 'container' && !podmanUp) return this.record(row, 'unknown', null, 'the Podman API cannot be reached');
    try {
      const outcome = await driver.probe(row);
      await this.record(row, outcome.ok ? 'healthy' : 'unhealthy', outcome.elapsedMs, outcome.message);
    } catch (err) {
      const podmanDown = err instanceof ModuleError && (err.code === 'PODMAN_UNAVAILABLE' || err.code === 'PODMAN_TIMEOUT');
      await this.record(row, podmanDown ? 'unknown' : 'unhealthy', null, (err as Error).message.split('\n')[0]!);
    }
  }

  /** Records one check and moves the status when the checks say so (never over another operation's status). */
  private async record(row: InstanceRow, status: health.HealthStatus, ms: number | null, message: string, immediate = false): Promise<void> {
    const now = new Date(this.d.clock.now());
    await health.recordCheck(this.d.db, row.id, { checkedAt: now, status, responseTimeMs: ms, message });
    await repo.updateInstance(this.d.db, row.id, { last_health: status, last_health_at: now });
    if (status === 'unknown') return;
    const fresh = await repo.findInstance(this.d.db, row.id);
    if (!fresh) return;
    if (status === 'healthy' && fresh.status === 'unhealthy') {
      await this.move(fresh, 'running', 'the engine answers again');
    } else if (status === 'unhealthy' && (fresh.status === 'running' || fresh.status === 'degraded')) {
      const n = this.d.config.unhealthyAfter;
      const failing = immediate ? n : countFailing(await health.latestChecks(this.d.db, row.id, n));
      if (failing >= n) await this.move(fresh, 'unhealthy', immediate ? message : `${n} failed checks: ${message}`);
    }
  }

  private async move(row: InstanceRow, to: InstanceStatus, reason: string): Promise<void> {
    if (!(await repo.transition(this.d.db, row.id, to, { status_message: reason }, [row.status]))) return;
    await health.recordTransition(this.d.db, row.id, row.status, to, reason, new Date(this.d.clock.now()));
    this.d.logger.info({ instanceId: row.id, from: row.status, to, reason }, 'instance health changed');
    await this.d.onTransition?.(row, to, reason);
  }

  /** Follows Podman's event stream until `signal` aborts, reconnecting with backoff when it drops. */
  async watch(signal: AbortSignal): Promise<void> {
    if (!this.d.runtime.watchEvents) return;
    let backoff = 1000;
    while (!signal.aborted) {
      const started = this.d.clock.now();
      try {
        await this.d.runtime.watchEvents(this.d.ownLabels, (e) => void this.onEvent(e).catch((err) =>
          this.d.logger.warn({ err: (err as Error).message }, 'handling a container event failed')), signal);
      } catch (err) {
        this.d.logger.warn({ err: (err as Error).message }, 'the Podman event stream dropped; health checks continue on their interval');
      }
      if (this.d.clock.now() - started > 60_000) backoff = 1000;
      await sleep(this.d.clock, backoff, signal).catch(() => undefined);
      backoff = Math.min(backoff * 2, 30_000);
    }
  }

  /** A container that died behind the module's back: unhealthy now, not after N checks. */
  async onEvent(e: RuntimeEvent): Promise<void> {
    if (!DIED.has(e.action)) return;
    const row = await repo.findInstanceByContainerId(this.d.db, e.containerId);
    // An operation of the module (stop, restart, delete) holds the lock and settles the row itself.
    if (!row || !MEANT_TO_RUN.has(row.status) || this.d.support.lock.isBusy(row.id)) return;
    await this.record(row, 'unhealthy', null, await this.deathMessage(e), true);
  }

  /** Podman 4.3's event says exit code 0 for a killed container: the container's own state has the real one. */
  private async deathMessage(e: RuntimeEvent): Promise<string> {
    const state = (await this.d.runtime.inspectContainer(e.containerId).catch(() => null))?.state;
    if (e.action === 'oom' || state?.oomKilled) return 'container was OOM-killed';
    const code = state && !state.running ? state.exitCode : e.exitCode;
    return `container exited${code === null ? '' : ` with code ${code}`}`;
  }

  /** GET /databases/{id}/health. */
  report(row: InstanceRow, range: Range) {
    return healthReport(this.d.db, row, range, { clock: this.d.clock, intervalS: this.d.config.healthIntervalS });
  }

  async prune(): Promise<number> {
    return health.pruneHealth(this.d.db, new Date(this.d.clock.now() - this.d.config.healthRetentionDays * 86_400_000));
  }
}

const countFailing = (latest: health.HealthCheck[]) => {
  let n = 0;
  for (const c of latest) {
    if (c.status === 'unhealthy') n++;
    else if (c.status !== 'unknown') break;
  }
  return n;
};
