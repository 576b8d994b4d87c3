/**
 * The module's background work (health checks, metrics, reconcile ...), registered here so
 * the disable hook can stop all of it. Timers are unref'd: they never keep the process alive.
 */
export class BackgroundTasks {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `fn` every `ms`, skipping a tick while the previous run is still going. */
  every(name: string, ms: number, fn: (signal: AbortSignal) => Promise<void>): void {
    this.cancel(name);
    const controller = this.abortController();
    let busy = false;
    const timer = setInterval(() => {
      if (busy || controller.signal.aborted) return;
      busy = true;
      this.track(fn(controller.signal)).finally(() => { busy = false; });
    }, ms);
    timer.unref();
    this.timers.set(name, timer);
  }

  cancel(name: string): void {
    clearInterval(this.timers.get(name));
    this.timers.delete(name);
  }

  /** An AbortController that stopAll() aborts. */
  abortController(): AbortController {
    const c = new AbortController();
    this.controllers.add(c);
    return c;
  }

  /** Keeps a one-off job so stopAll() can wait for it; its failure is swallowed here (the job logs it). */
  track<T>(work: Promise<T>): Promise<T | undefined> {
    const p = work.catch(() => undefined);
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  }

  get size(): number {
    return this.timers.size + this.running.size;
  }

  /** Clears timers, aborts controllers, waits up to `graceMs` for running jobs. */
  async stopAll(graceMs = 5000): Promise<void> {
    for (const t of this.timers.values()) clearInterval(t);
    this.timers.clear();
    for (const c of this.controllers) c.abort();
    this.controllers.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => { timer = setTimeout(r, graceMs); })]);
    clearTimeout(timer);
  }
}

const perContext = new WeakMap<object, BackgroundTasks>();

/** The BackgroundTasks of one module context (the services and the disable hook share it). */
export function backgroundTasksFor(ctx: object): BackgroundTasks {
  let tasks = perContext.get(ctx);
  if (!tasks) perContext.set(ctx, (tasks = new BackgroundTasks()));
  return tasks;
}
