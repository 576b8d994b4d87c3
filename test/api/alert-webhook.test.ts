import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as alerts from '../../src/db/repositories/alerts.js';
import { AlertService } from '../../src/services/monitoring/alert-service.js';
import { WebhookNotifier, type WebhookNotifierDeps } from '../../src/services/monitoring/webhook-notifier.js';
import { verifyWebhook } from '../../src/services/monitoring/webhook-signature.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { fakeHost, type FakeHost } from '../fakes/fake-host.js';
import { memoryLogger } from '../helpers/logger.js';

// The webhook's queue, retries and records on the embedded store, with a fake clock driving the
// backoff and a scripted receiver (the real HTTP receiver is in the podman tier).
const SECRET = 'the-webhook-secret-0123456789abcdef';
type Answer = number | { status: number; retryAfter?: string } | 'refused' | 'hang';
interface Sent { at: number; body: string; headers: Record<string, string> }

let h: FakeHost;
let instanceId = 0;
let running: Array<{ controller: AbortController; done: Promise<void> }> = [];
beforeAll(async () => {
  h = await fakeHost();
  instanceId = (await h.createRunning({ engine: 'redis', name: 'wh-target', sku: 'b1' })).id;
});
afterEach(async () => {
  for (const r of running) r.controller.abort();
  await Promise.all(running.map((r) => r.done));
  running = [];
  await h.app.flux.ctx.db.deleteFrom('620600_databases_alerts').execute();
});
afterAll(async () => { await h?.close(); });

/** A notifier and an alert service on the host's store, a fake clock, and a receiver answering `script` in turn (then 200). */
function rig(script: Answer[], o: Partial<WebhookNotifierDeps> & { start?: boolean } = {}) {
  const clock = new FakeClock(Date.UTC(2027, 0, 1));
  const logger = memoryLogger();
  const sent: Sent[] = [];
  const send = (async (_url: string, init: RequestInit) => {
    sent.push({ at: clock.now(), body: init.body as string, headers: init.headers as Record<string, string> });
    const answer = script.shift() ?? 200;
    if (answer === 'refused') throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason), { once: true }));
    }
    const a = typeof answer === 'number' ? { status: answer } : answer;
    return new Response('ok', { status: a.status, headers: a.retryAfter ? { 'retry-after': a.retryAfter } : {} });
  }) as typeof fetch;
  const notifier = new WebhookNotifier({
    target: { url: 'http://user:pw@127.0.0.1:9/hook?token=abc', secret: SECRET, attempts: 5 },
    db: h.app.flux.ctx.db, clock, logger, send, random: () => 0.5, timeoutMs: 200, ...o,
  });
  const service = new AlertService({ db: h.app.flux.ctx.db, clock, logger, notifier });
  if (o.start !== false) {
    const controller = new AbortController();
    running.push({ controller, done: notifier.run(controller.signal) });
  }
  const delivery = async (rule: string, event: 'fired' | 'resolved' = 'fired') => {
    const [a] = await alerts.listAlerts(h.app.flux.ctx.db, { instanceId, limit: 50 }).then((l) => l.filter((x) => x.rule === rule));
    return (a?.delivery as Record<string, any>)?.[event];
  };
  return { clock, logger, sent, notifier, service, delivery };
}

describe('alert webhook deliveries', () => {
  it('retries network errors and 5xx with doubling backoff, re-signing each attempt over the same body, and records the outcome', async () => {
    const r = rig([503, 'refused', 500]);
    await r.service.raise(instanceId, 'disk_full_test', 'critical', 'the volume is full', 99);
    await vi.waitFor(() => expect(r.sent).toHaveLength(1));
    await vi.waitFor(() => expect(r.clock.pending).toBe(1));
    const t0 = r.sent[0]!.at;
    expect(await r.delivery('disk_full_test')).toMatchObject({
      state: 'retrying', attempts: 1, last_status: 503, last_error: 'answered 503', next_attempt_at: new Date(t0 + 2000).toISOString(),
    });
    await r.clock.advance(1999);
    expect(r.sent).toHaveLength(1);
    await r.clock.advance(1);
    await vi.waitFor(() => expect(r.sent).toHaveLength(2));
    await vi.waitFor(() => expect(r.clock.pending).toBe(1));
    expect(await r.delivery('disk_full_test')).toMatchObject({ state: 'retrying', attempts: 2, last_status: null, last_error: 'ECONNREFUSED' });
    await r.clock.advance(4000);
    await vi.waitFor(() => expect(r.sent).toHaveLength(3));
    await vi.waitFor(() => expect(r.clock.pending).toBe(1));
    await r.clock.advance(8000);
    await vi.waitFor(async () => expect((await r.delivery('disk_full_test'))?.state).toBe('delivered'));

    expect(r.sent.map((s) => s.at - t0)).toEqual([0, 2000, 6000, 14000]);
    expect(new Set(r.sent.map((s) => s.body)).size).toBe(1);
    expect(new Set(r.sent.map((s) => s.headers['x-flux-delivery']))).toEqual(new Set([expect.stringMatching(/^alert-\d+-fired$/)]));
    expect(r.sent.map((s) => s.headers['x-flux-attempt'])).toEqual(['1', '2', '3', '4']);
    for (const s of r.sent) {
      expect(verifyWebhook(SECRET, s.headers, s.body, { nowS: Math.floor(s.at / 1000) })).toBeNull();
    }
    expect(new Set(r.sent.map((s) => s.headers['x-flux-signature'])).size).toBe(4);
    expect(JSON.parse(r.sent[0]!.body)).toMatchObject({
      event: 'alert.fired',
      alert: { instance_id: instanceId, instance_name: 'wh-target', engine: 'redis', sku: 'b1', rule: 'disk_full_test', severity: 'critical', state: 'firing', value: 99, message: 'the volume is full' },
    });
    expect(await r.delivery('disk_full_test')).toMatchObject({ attempts: 4, last_status: 200, last_error: null, delivered_at: new Date(t0 + 14000).toISOString() });
  });

  it('gives up after the configured attempts, honours Retry-After, and does not retry a 4xx', async () => {
    const r = rig([{ status: 429, retryAfter: '30' }, 503, 503, 503, 503, 400]);
    await r.service.raise(instanceId, 'exhausted', 'warning', 'x');
    for (const step of [30_000, 4000, 8000, 16000]) {
      await vi.waitFor(() => expect(r.clock.pending).toBe(1));
      await r.clock.advance(step);
    }
    await vi.waitFor(async () => expect((await r.delivery('exhausted'))?.state).toBe('failed'));
    expect(r.sent.map((s) => s.at - r.sent[0]!.at)).toEqual([0, 30_000, 34_000, 42_000, 58_000]);
    expect(await r.delivery('exhausted')).toMatchObject({ attempts: 5, last_status: 503 });

    await r.service.raise(instanceId, 'refused_4xx', 'warning', 'y');
    await vi.waitFor(async () => expect((await r.delivery('refused_4xx'))?.state).toBe('failed'));
    expect(await r.delivery('refused_4xx')).toMatchObject({ attempts: 1, last_status: 400, last_error: 'answered 400' });
    expect(r.clock.pending).toBe(0);
    // Neither the secret nor the URL's credentials or query reach the log.
    const log = r.logger.lines.join('\n');
    expect(log).toContain('alert webhook delivery failed');
    expect(log).toContain('http://127.0.0.1:9');
    for (const secret of [SECRET, 'pw', 'token=abc']) expect(log).not.toContain(secret);
  });

  it('never blocks the caller: a receiver that hangs holds neither raise nor a sample, and other alerts go past it; one alert\'s changes stay in order', async () => {
    const r = rig(['hang', 'hang', 503]);
    const started = Date.now();
    await r.service.raise(instanceId, 'slow_one', 'warning', 'first');
    await r.service.raise(instanceId, 'slow_two', 'warning', 'second');
    expect(Date.now() - started).toBeLessThan(2000);
    await vi.waitFor(() => expect(r.sent).toHaveLength(2));
    // A third alert fires and resolves while both hang: fired fails once, resolved waits for it.
    await r.service.raise(instanceId, 'ordered', 'critical', 'third');
    await r.service.resolve(instanceId, 'ordered', 'it passed');
    await vi.waitFor(() => expect(r.sent.filter((s) => s.headers['x-flux-event'] === 'alert.fired' && JSON.parse(s.body).alert.rule === 'ordered')).toHaveLength(1));
    // The hanging attempts time out (200 ms here) and wait for their retry like any network error.
    await vi.waitFor(() => expect(r.clock.pending).toBe(3));
    expect(r.sent.some((s) => s.headers['x-flux-event'] === 'alert.resolved')).toBe(false);
    expect((await r.delivery('slow_one'))?.last_error).toBe('no answer within 0.2 s');
    await r.clock.advance(2000);
    await vi.waitFor(async () => {
      for (const [rule, event] of [['slow_one', 'fired'], ['slow_two', 'fired'], ['ordered', 'fired'], ['ordered', 'resolved']] as const) {
        expect((await r.delivery(rule, event))?.state, `${rule} ${event}`).toBe('delivered');
      }
    });
    const ordered = r.sent.filter((s) => JSON.parse(s.body).alert.rule === 'ordered').map((s) => JSON.parse(s.body));
    expect(ordered.map((b) => b.event)).toEqual(['alert.fired', 'alert.fired', 'alert.resolved']);
    expect(ordered[2].alert).toMatchObject({ state: 'resolved', resolved_message: 'it passed' });
    expect(ordered[0].alert).toMatchObject({ state: 'firing', resolved_at: null });
  });

  it('sends at the next start what a stop left pending, and drops the oldest change when the queue is full', async () => {
    const before = rig([], { start: false, maxQueue: 2 });
    for (const rule of ['queued_a', 'queued_b', 'queued_c']) await before.service.raise(instanceId, rule, 'warning', rule);
    await vi.waitFor(async () => expect((await before.delivery('queued_a'))?.state).toBe('failed'));
    expect(await before.delivery('queued_a')).toMatchObject({ attempts: 0, last_error: 'dropped: the delivery queue was full' });
    expect((await before.delivery('queued_b'))?.state).toBe('pending');
    expect(before.sent).toEqual([]);

    const after = rig([]); // a new start: nothing queued in memory, the rows say what is owed
    await vi.waitFor(async () => {
      expect((await after.delivery('queued_b'))?.state).toBe('delivered');
      expect((await after.delivery('queued_c'))?.state).toBe('delivered');
    });
    expect(after.sent.map((s) => JSON.parse(s.body).alert.rule).sort()).toEqual(['queued_b', 'queued_c']);
    expect((await after.delivery('queued_a'))?.state).toBe('failed');
  });
});
