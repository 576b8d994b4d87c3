import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/services/scheduler/scheduler.js';
import { FakeClock, settle } from '../fakes/fake-clock.js';

const noJitter = () => 0;

describe('scheduler', () => {
  it('runs an interval job on time and never overlaps a run with itself', async () => {
    const clock = new FakeClock();
    const s = new Scheduler(clock, undefined, noJitter);
    let running = 0; let maxRunning = 0; let runs = 0;
    let release!: () => void;
    s.every('slow', 1000, () => {
      runs++; running++; maxRunning = Math.max(maxRunning, running);
      return new Promise<void>((r) => { release = () => { running--; r(); }; });
    });
    await clock.advance(999);
    expect(runs).toBe(0);
    await clock.advance(1);
    expect(runs).toBe(1);
    await clock.advance(3000); // three more fires while the first run is still going
    expect(runs).toBe(1);
    expect(s.jobViews()[0]).toMatchObject({ running: true, skipped: 3 });
    release();
    await settle();
    await clock.advance(1000);
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    await s.stopAll(10);
  });

  it('adds jitter within the bound', async () => {
    const clock = new FakeClock();
    const s = new Scheduler(clock, undefined, () => 0.999);
    let runs = 0;
    s.every('j', 10_000, async () => { runs++; }); // jitter: up to 1000 ms
    await clock.advance(10_000);
    expect(runs).toBe(0);
    await clock.advance(999);
    expect(runs).toBe(1);
    await s.stopAll(10);
  });

  it('fires cron jobs at the expression\'s times', async () => {
    const clock = new FakeClock(Date.UTC(2026, 11, 1, 12, 0, 30));
    const s = new Scheduler(clock, undefined, noJitter);
    const at: string[] = [];
    s.cron('backup', '*/5 * * * *', async () => { at.push(new Date(clock.now()).toISOString()); }, { timezone: 'UTC' });
    await clock.advance(11 * 60_000);
    expect(at).toEqual(['2026-12-01T12:05:00.000Z', '2026-12-01T12:10:00.000Z']);
    expect(Scheduler.checkCron('not a cron')).toBeTruthy();
    expect(Scheduler.checkCron('0 3 * * *')).toBeNull();
    await s.stopAll(10);
  });

  it('records a failed run and keeps the schedule', async () => {
    const clock = new FakeClock();
    const s = new Scheduler(clock, undefined, noJitter);
    let n = 0;
    s.every('flaky', 100, async () => { if (++n === 1) throw new Error('engine down'); });
    await clock.advance(100);
    expect(s.jobViews()[0]!.lastError).toBe('engine down');
    await clock.advance(100);
    expect(s.jobViews()[0]).toMatchObject({ lastError: null, runs: 2 });
    await s.stopAll(10);
  });

  it('fans out with bounded concurrency; a slow item times out and delays no other', async () => {
    const clock = new FakeClock();
    const s = new Scheduler(clock, undefined, noJitter);
    let active = 0; let peak = 0;
    const done: string[] = [];
    const results = s.fanOut(['slow', 'a', 'b', 'c', 'd'], async (item, signal) => {
      active++; peak = Math.max(peak, active);
      try {
        if (item === 'slow') await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        else done.push(item);
      } finally { active--; }
    }, { concurrency: 2, timeoutMs: 5000 });
    await settle();
    expect(done).toEqual(['a', 'b', 'c', 'd']); // the other lane went on while 'slow' hung
    await clock.advance(5000);
    const r = await results;
    expect(r.find((x) => x.item === 'slow')).toMatchObject({ ok: false, timedOut: true });
    expect(r.filter((x) => x.ok)).toHaveLength(4);
    expect(peak).toBe(2);
  });

  it('runNow joins a run under way instead of starting a second one', async () => {
    const clock = new FakeClock();
    const s = new Scheduler(clock, undefined, noJitter);
    let runs = 0; let release!: () => void;
    s.every('reconcile', 60_000, () => { runs++; return new Promise<void>((r) => { release = r; }); });
    const first = s.runNow('reconcile');
    const second = s.runNow('reconcile');
    expect(runs).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    await s.stopAll(10);
  });

  it('stops cleanly: nothing fires again and running work sees the abort', async () => {
    const clock = new FakeClock();
    const s = new Scheduler(clock, undefined, noJitter);
    let runs = 0; let aborted = false;
    s.every('t', 100, (signal) => { runs++; return new Promise<void>((r) => signal.addEventListener('abort', () => { aborted = true; r(); })); });
    await clock.advance(100);
    await s.stopAll(1000);
    expect(aborted).toBe(true);
    await clock.advance(1000);
    expect(runs).toBe(1);
    expect(clock.pending).toBe(0);
  });
});
