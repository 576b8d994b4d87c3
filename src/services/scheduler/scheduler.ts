import { Cron } from 'croner';
import type { ModuleLogger } from '../../module-contract.js';
import { systemClock, type Clock } from './clock.js';
import { fanOut, type FanOutResult } from './fan-out.js';

export type JobRun = (signal: AbortSignal) => Promise<void>;

export interface JobOptions {
  /** A random delay added to each run (default: a tenth of the interval, at most 5 s) so jobs do not fire in step. */
  jitterMs?: number;
  /** Run once right away instead of after the first interval. */
  runAtStart?: boolean;
}

/** What GET /status shows of a job. */
export interface JobView {
  name: string;
  schedule: string;
  running: boolean;
  runs: number;
  /** Fires skipped because the previous run was still going (a job never overlaps itself). */
  skipped: number;
  lastStartedAt: string | null;
  lastDurationMs: number | null;
  lastError: string | null;
  nextRunAt: string | null;
}

interface Job {
  name: string;
  schedule: string;
  nextDelay: () => number | null;
  run: JobRun;
  view: JobView;
  timer?: { clear(): void };
  current?: Promise<void>;
}

/**
 * The module's background work: named jobs on intervals or cron expressions (croner computes
 * the times, our own timers fire them, so a fake clock drives tests), with jitter, no overlap of
 * a job with itself, bounded fan-out over instances (`fanOut`), and a clean stop for the disable
 * hook that aborts running work and waits for it.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly tracked = new Set<Promise<unknown>>();
  private controller = new AbortController();

  constructor(
    /** Its time, also for what the jobs record (a fake clock in tests drives both). */
    readonly clock: Clock = systemClock,
    private readonly logger?: ModuleLogger,
    private readonly random: () => number = Math.random,
  ) {}

  /** Runs `run` every `ms` (plus jitter); replaces a job of the same name. */
  every(name: string, ms: number, run: JobRun, options: JobOptions = {}): void {
    const jitter = options.jitterMs ?? Math.min(5000, Math.floor(ms / 10));
    this.add({ name, schedule: `every ${ms} ms`, nextDelay: () => ms + Math.floor(this.random() * jitter), run }, options);
  }

  /** Runs `run` at the times of a cron expression (5 or 6 fields, as croner reads them); throws on a bad one. */
  cron(name: string, expression: string, run: JobRun, options: JobOptions & { timezone?: string } = {}): void {
    const pattern = new Cron(expression, { paused: true, ...(options.timezone ? { timezone: options.timezone } : {}) });
    const jitter = options.jitterMs ?? 0;
    const nextDelay = () => {
      const at = pattern.nextRun(new Date(this.clock.now()));
      return at ? at.getTime() - this.clock.now() + Math.floor(this.random() * jitter) : null;
    };
    this.add({ name, schedule: `cron ${expression}`, nextDelay, run }, options);
  }

  /** Validates a cron expression without scheduling it (for routes that store one). */
  static checkCron(expression: string): string | null {
    try {
      return new Cron(expression, { paused: true }).nextRun() ? null : 'the expression never fires';
    } catch (err) {
      return (err as Error).message;
    }
  }

  private add(job: Omit<Job, 'view'>, options: JobOptions): void {
    this.cancel(job.name);
    const entry: Job = {
      ...job,
      view: { name: job.name, schedule: job.schedule, running: false, runs: 0, skipped: 0, lastStartedAt: null, lastDurationMs: null, lastError: null, nextRunAt: null },
    };
    this.jobs.set(job.name, entry);
    if (options.runAtStart) void this.fire(entry);
    else this.arm(entry);
  }

  private arm(job: Job): void {
    if (this.controller.signal.aborted || this.jobs.get(job.name) !== job) return;
    const delay = job.nextDelay();
    if (delay === null) {
      job.view.nextRunAt = null;
      return;
    }
    job.view.nextRunAt = new Date(this.clock.now() + delay).toISOString();
    job.timer = this.clock.setTimer(() => void this.fire(job), delay);
  }

  private async fire(job: Job): Promise<void> {
    this.arm(job);
    if (job.current) {
      job.view.skipped++;
      return;
    }
    await this.runJob(job);
  }

  private async runJob(job: Job): Promise<void> {
    const started = this.clock.now();
    job.view.running = true;
    job.view.lastStartedAt = new Date(started).toISOString();
    job.current = this.track(job.run(this.controller.signal).then(
      () => { job.view.lastError = null; },
      (err) => {
        job.view.lastError = (err as Error)?.message ?? String(err);
        this.logger?.warn({ job: job.name, err: job.view.lastError }, 'scheduled job failed');
      },
    )) as Promise<void>;
    await job.current;
    job.current = undefined;
    job.view.running = false;
    job.view.runs++;
    job.view.lastDurationMs = this.clock.now() - started;
  }

  /** Runs a job now (e.g. POST /reconcile), or waits for its run under way: never two at once. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no job named ${name}`);
    if (job.current) return job.current;
    await this.runJob(job);
  }

  cancel(name: string): void {
    this.jobs.get(name)?.timer?.clear();
    this.jobs.delete(name);
  }

  jobViews(): JobView[] {
    return [...this.jobs.values()].map((j) => ({ ...j.view }));
  }

  /** Bounded fan-out over instances with a per-item timeout; stops with the scheduler. */
  fanOut<T>(items: readonly T[], work: (item: T, signal: AbortSignal) => Promise<void>, options: { concurrency: number; timeoutMs: number }): Promise<FanOutResult<T>[]> {
    return fanOut(items, work, { ...options, clock: this.clock, signal: this.controller.signal });
  }

  /** Starts long-running work (an event stream) that stops with the scheduler. */
  spawn(work: (signal: AbortSignal) => Promise<void>): void {
    void this.track(work(this.controller.signal));
  }

  /** Keeps a one-off job so stop() can wait for it; its failure is swallowed here (the job logs it). */
  track<T>(work: Promise<T>): Promise<T | undefined> {
    const p = work.catch(() => undefined);
    this.tracked.add(p);
    void p.finally(() => this.tracked.delete(p));
    return p;
  }

  get size(): number {
    return this.jobs.size + this.tracked.size;
  }

  /** The disable hook: no job fires again, running work is aborted and awaited up to `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    for (const job of this.jobs.values()) job.timer?.clear();
    this.jobs.clear();
    this.controller.abort(new Error('the module is stopping'));
    let timer: { clear(): void } | undefined;
    await Promise.race([
      Promise.allSettled([...this.tracked]),
      new Promise((r) => { timer = systemClock.setTimer(() => r(undefined), graceMs); }),
    ]);
    timer?.clear();
    this.controller = new AbortController();
  }
}

const perContext = new WeakMap<object, Scheduler>();

/** The scheduler of one module context (the services and the disable hook share it). */
export function schedulerFor(ctx: { logger?: ModuleLogger }): Scheduler {
  let s = perContext.get(ctx);
  if (!s) perContext.set(ctx, (s = new Scheduler(systemClock, ctx.logger?.child({ service: 'scheduler' }))));
  return s;
}
