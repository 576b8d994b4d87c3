import { describe, expect, it } from 'vitest';
import { compareFigures } from '../../src/services/backups/figures.js';
import { planRetention, type RetentionCandidate } from '../../src/services/backups/retention.js';

const at = (iso: string, id: number, extra: Partial<RetentionCandidate> = {}): RetentionCandidate => ({ id, createdAt: new Date(iso), verified: false, drillFailed: false, ...extra });
const kept = (d: ReturnType<typeof planRetention>) => d.filter((x) => x.keep).map((x) => x.id).sort((a, b) => a - b);

describe('planRetention (grandfather-father-son)', () => {
  // Two snapshots a day, 03:00 and 15:00 UTC, 1 Jan to 28 Feb 2027: ids 1..118, oldest first.
  const days = Array.from({ length: 59 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i)));
  const snaps = days.flatMap((d, i) => [at(new Date(d.getTime() + 3 * 3600e3).toISOString(), 2 * i + 1), at(new Date(d.getTime() + 15 * 3600e3).toISOString(), 2 * i + 2)]);

  it('keeps the last N, the newest of each of the last days, ISO weeks and months, and deletes the rest', () => {
    const d = planRetention(snaps, { keep_last: 3, keep_daily: 2, keep_weekly: 2, keep_monthly: 2 });
    // last 3: 118, 117, 116; daily: 28 Feb (118), 27 Feb (116); weekly: W08 (22-28 Feb: 118), W07 (15-21 Feb: 21 Feb 15:00 = 104); monthly: Feb (118), Jan (31 Jan 15:00 = 62).
    expect(kept(d)).toEqual([62, 104, 116, 117, 118]);
    expect(d.find((x) => x.id === 118)!.reasons).toEqual(['last 1 of 3', 'daily 2027-02-28', 'weekly 2027-W08', 'monthly 2027-02']);
    expect(d.find((x) => x.id === 1)).toEqual({ id: 1, keep: false, reasons: ['no rule of the policy keeps it'] });
  });

  it('always keeps the newest verified snapshot', () => {
    const d = planRetention(snaps.map((s) => (s.id === 10 || s.id === 5 ? { ...s, verified: true } : s)), { keep_last: 1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0 });
    expect(kept(d)).toEqual([10, 118]);
  });

  it('a snapshot whose drill failed fills no slot; it stays only while newer than the oldest kept', () => {
    const d = planRetention(snaps.map((s) => (s.id >= 117 ? { ...s, drillFailed: true } : s.id === 50 ? { ...s, drillFailed: true } : s)), { keep_last: 2, keep_daily: 0, keep_weekly: 0, keep_monthly: 0 });
    expect(kept(d)).toEqual([115, 116, 117, 118]);
    expect(d.find((x) => x.id === 50)!.reasons[0]).toMatch(/drill failed and it is older/);
  });

  it('the order it is given does not matter', () => {
    const policy = { keep_last: 2, keep_daily: 3, keep_weekly: 2, keep_monthly: 2 };
    expect(kept(planRetention([...snaps].reverse(), policy))).toEqual(kept(planRetention(snaps, policy)));
  });
});

describe('compareFigures', () => {
  it('an exact count must match, a range holds, nothing may appear or go missing', () => {
    expect(compareFigures({ low: { a: 3 }, high: { a: 3 } }, { a: 3 })).toEqual([]);
    expect(compareFigures({ low: { a: 3 }, high: { a: 5 } }, { a: 4 })).toEqual([]);
    expect(compareFigures({ low: { a: 3 }, high: { a: 5 } }, { a: 6 })).toEqual(['a holds 6, 3-5 at backup time']);
    expect(compareFigures({ low: { a: 3 }, high: { a: 3 } }, {})).toEqual(['a is missing (3 at backup time)']);
    expect(compareFigures({ low: {}, high: {} }, { b: 1 })).toEqual(['b (1) was not there at backup time']);
    // Made during the dump: it may or may not be in it.
    expect(compareFigures({ low: {}, high: { c: 2 } }, { c: 2 })).toEqual([]);
  });
});
