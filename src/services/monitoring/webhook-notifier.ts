import type { Kysely } from 'kysely';
import * as alerts from '../../db/repositories/alerts.js';
import type { AlertEventName, AlertWithInstance } from '../../db/repositories/alerts.js';
import type { Database } from '../../db/schema.js';
import type { ModuleLogger } from '../../module-contract.js';
import { sleep, type Clock } from '../scheduler/clock.js';
import { webhookPayload, type DeliveryOutcome } from './alert-view.js';
import { signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';

export interface WebhookTarget { url: string; secret: string; attempts: number }

export interface WebhookNotifierDeps {
  target: WebhookTarget;
  db: Kysely<Database>;
  clock: Clock;
  logger: ModuleLogger;
  /** The HTTP client (fetch); tests script it. */
  send?: typeof fetch;
  random?: () => number;
  /** The first retry's delay; each further one doubles, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long one attempt may take. */
  timeoutMs?: number;
  /** Deliveries under way at once (one alert's changes always go in order). */
  concurrency?: number;
  /** Changes waiting at most; past it the oldest is dropped and recorded as failed. */
  maxQueue?: number;
}

interface Item { alert: AlertWithInstance; event: AlertEventName }
type Attempt = { status: number | null; error: string | null; retryAfterS: number | null };

/**
 * Delivers alert changes to the configured webhook from an in-memory queue, so neither the
 * scheduler nor the sample path ever waits for the receiver. Each delivery is the exact JSON
 * body, signed (webhook-signature.ts) afresh on each attempt, retried on network errors,
 * timeouts, 408, 429 and 5xx with exponential backoff and jitter up to `attempts` times. Every
 * outcome is recorded on the alert; a change still pending when the module stopped is sent
 * again at the next start. The secret is never logged; the URL only by its origin.
 */
export class WebhookNotifier {
  private readonly queue: Item[] = [];
  private readonly inFlight = new Set<string>();
  private waiters: Array<() => void> = [];
  private readonly origin: string;

  constructor(private readonly d: WebhookNotifierDeps) {
    this.origin = new URL(d.target.url).origin;
  }

  /** Queues one change; returns at once. Its alert row already holds the pending delivery. */
  enqueue(alert: AlertWithInstance, event: AlertEventName): void {
    if (this.queue.some((i) => i.alert.id === alert.id && i.event === event)) return;
    if (this.queue.length >= (this.d.maxQueue ?? 1000)) {
      const dropped = this.queue.shift()!;
      void this.record(dropped, { state: 'failed', attempts: 0, error: 'dropped: the delivery queue was full' });
    }
    this.queue.push({ alert, event });
    this.wakeAll();
  }

  /** Changes waiting or being delivered. */
  get backlog(): number {
    return this.queue.length + this.inFlight.size;
  }

  /** The delivery workers: run until `signal` aborts (the scheduler's stop). Resumes unfinished deliveries first. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      for (const u of await alerts.unfinishedDeliveries(this.d.db)) this.enqueue(u.alert, u.event);
    } catch (err) {
      this.d.logger.warn({ err: (err as Error).message }, 'reading unfinished alert deliveries failed');
    }
    const onAbort = () => this.wakeAll();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(Array.from({ length: this.d.concurrency ?? 4 }, () => this.worker(signal)));
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async worker(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const at = this.queue.findIndex((i) => !this.inFlight.has(i.alert.id));
      if (at < 0) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      const [item] = this.queue.splice(at, 1);
      this.inFlight.add(item!.alert.id);
      try {
        await this.deliver(item!, signal);
      } catch (err) {
        this.d.logger.warn({ alertId: item!.alert.id, err: (err as Error).message }, 'alert webhook delivery failed unexpectedly');
      } finally {
        this.inFlight.delete(item!.alert.id);
        this.wakeAll();
      }
    }
  }

  private wakeAll(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  private async deliver(item: Item, signal: AbortSignal): Promise<void> {
    const payload = webhookPayload(item.alert, item.event);
    const body = JSON.stringify(payload);
    const max = this.d.target.attempts;
    for (let attempt = 1; attempt <= max; attempt++) {
      if (signal.aborted) return; // left pending: the next start sends it
      const r = await this.attempt(body, payload, attempt, signal);
      if (signal.aborted && r.status === null) return;
      if (r.status !== null && r.status >= 200 && r.status < 300) {
        await this.record(item, { state: 'delivered', attempts: attempt, status: r.status, deliveredAt: this.d.clock.now() });
        return;
      }
      const retryable = r.status === null || r.status === 408 || r.status === 429 || r.status >= 500;
      if (!retryable || attempt === max) {
        this.d.logger.warn({ alertId: item.alert.id, event: item.event, webhook: this.origin, attempts: attempt, status: r.status, err: r.error },
          'alert webhook delivery failed');
        await this.record(item, { state: 'failed', attempts: attempt, status: r.status, error: r.error });
        return;
      }
      const delay = this.backoff(attempt, r.retryAfterS);
      await this.record(item, { state: 'retrying', attempts: attempt, status: r.status, error: r.error, nextAt: this.d.clock.now() + delay });
      try {
        await sleep(this.d.clock, delay, signal);
      } catch {
        return;
      }
    }
  }

  /** backoffMs · 2^(n-1), ±20 % jitter, at most maxBackoffMs; a receiver's Retry-After (seconds) is honoured within that cap. */
  backoff(attempt: number, retryAfterS: number | null = null): number {
    const cap = this.d.maxBackoffMs ?? 300_000;
    const base = Math.min(cap, (this.d.backoffMs ?? 2000) * 2 ** (attempt - 1));
    const jittered = Math.round(base * (0.8 + 0.4 * (this.d.random ?? Math.random)()));
    return Math.min(cap, Math.max(jittered, (retryAfterS ?? 0) * 1000));
  }

  private async attempt(body: string, payload: ReturnType<typeof webhookPayload>, attempt: number, signal: AbortSignal): Promise<Attempt> {
    const send = this.d.send ?? fetch;
    const timeoutMs = this.d.timeoutMs ?? 10_000;
    const timestamp = Math.floor(this.d.clock.now() / 1000);
    try {
      const res = await send(this.d.target.url, {
        method: 'POST',
        // A redirect could carry the alert to another host: it counts as a failed attempt.
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'flux-databases-alerts/1',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(this.d.target.secret, timestamp, body),
          'x-flux-event': payload.event,
          'x-flux-delivery': payload.delivery_id,
          'x-flux-attempt': String(attempt),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      await res.body?.cancel().catch(() => undefined);
      const after = Number(res.headers.get('retry-after'));
      return { status: res.status, error: res.ok ? null : `answered ${res.status}`, retryAfterS: Number.isFinite(after) && after > 0 ? after : null };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e.cause?.code ?? e.cause?.message ?? e.message;
      return { status: null, error: why, retryAfterS: null };
    }
  }

  private async record(item: Item, o: { state: DeliveryOutcome['state']; attempts: number; status?: number | null; error?: string | null; nextAt?: number; deliveredAt?: number }): Promise<void> {
    const now = new Date(this.d.clock.now()).toISOString();
    const outcome: DeliveryOutcome = {
      state: o.state, attempts: o.attempts, last_status: o.status ?? null, last_error: o.error ?? null,
      last_attempt_at: o.attempts > 0 ? now : null,
      next_attempt_at: o.nextAt === undefined ? null : new Date(o.nextAt).toISOString(),
      delivered_at: o.deliveredAt === undefined ? null : new Date(o.deliveredAt).toISOString(),
    };
    try {
      await alerts.recordDelivery(this.d.db, item.alert.id, item.event, outcome);
    } catch (err) {
      this.d.logger.warn({ alertId: item.alert.id, err: (err as Error).message }, 'recording an alert delivery failed');
    }
  }
}
