import type { Clock } from './clock.js';

export interface FanOutOptions {
  /** At most this many items run at once. */
  concurrency: number;
  /** Each item gets this long; past it the item counts as timed out and its slot is freed. */
  timeoutMs: number;
  clock: Clock;
  /** Aborts every item (the scheduler's stop). */
  signal?: AbortSignal;
}

export interface FanOutResult<T> {
  item: T;
  ok: boolean;
  timedOut: boolean;
  error?: unknown;
}

/**
 * Runs `work` over `items` with bounded concurrency and a timeout per item, so one slow engine
 * delays no other: a timed-out item's signal is aborted and its slot goes to the next item even
 * if its work ignores the signal (its late result is dropped).
 */
export async function fanOut<T>(items: readonly T[], work: (item: T, signal: AbortSignal) => Promise<void>, o: FanOutOptions): Promise<FanOutResult<T>[]> {
  const results: FanOutResult<T>[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length && !o.signal?.aborted) {
      const item = items[next++]!;
      results.push(await runOne(item, work, o));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, items.length)) }, lane));
  return results;
}

async function runOne<T>(item: T, work: (item: T, signal: AbortSignal) => Promise<void>, o: FanOutOptions): Promise<FanOutResult<T>> {
  const controller = new AbortController();
  const onStop = () => controller.abort(o.signal!.reason);
  o.signal?.addEventListener('abort', onStop, { once: true });
  let timer: { clear(): void } | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = o.clock.setTimer(() => {
      controller.abort(new Error(`timed out after ${o.timeoutMs} ms`));
      resolve('timeout');
    }, o.timeoutMs);
  });
  try {
    const outcome = await Promise.race([work(item, controller.signal).then(() => 'done' as const), timedOut]);
    return outcome === 'timeout' ? { item, ok: false, timedOut: true } : { item, ok: true, timedOut: false };
  } catch (error) {
    return { item, ok: false, timedOut: false, error };
  } finally {
    timer?.clear();
    o.signal?.removeEventListener('abort', onStop);
  }
}
