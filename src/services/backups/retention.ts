import type { BackupPolicy } from '../../db/schema.js';

/** One snapshot as retention sees it. */
export interface RetentionCandidate {
  id: number;
  createdAt: Date;
  /** A drill passed on it. */
  verified: boolean;
  /** A drill failed on it: it never counts as good. */
  drillFailed: boolean;
}

export interface RetentionDecision {
  id: number;
  keep: boolean;
  /** Why: every rule that keeps it, or why none does. */
  reasons: string[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const month = (d: Date) => d.toISOString().slice(0, 7);
/** ISO 8601 week (UTC): the year and number of the week's Thursday. */
function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  t.setUTCDate(t.getUTCDate() + 4 - (t.getUTCDay() || 7));
  const week = Math.ceil(((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The newest snapshot of each of the first `count` periods that have one. */
function newestPerPeriod(good: RetentionCandidate[], count: number, period: (d: Date) => string): Map<number, string> {
  const kept = new Map<number, string>();
  const seen = new Set<string>();
  for (const s of good) {
    if (seen.size >= count) break;
    const p = period(s.createdAt);
    if (seen.has(p)) continue;
    seen.add(p);
    kept.set(s.id, p);
  }
  return kept;
}

/**
 * Grandfather-father-son over one instance's scheduled snapshots (newest first or not): the last
 * `keep_last`, the newest of each of the last `keep_daily` days, `keep_weekly` ISO weeks and
 * `keep_monthly` months that have one (UTC), and always the newest verified snapshot. A snapshot
 * whose drill failed never fills a slot; it is kept while it is newer than the oldest snapshot
 * kept, so a broken drill cannot make retention delete the data it could not check.
 */
export function planRetention(candidates: RetentionCandidate[], policy: Pick<BackupPolicy, 'keep_last' | 'keep_daily' | 'keep_weekly' | 'keep_monthly'>): RetentionDecision[] {
  const all = [...candidates].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
  const good = all.filter((s) => !s.drillFailed);
  const reasons = new Map<number, string[]>(all.map((s) => [s.id, []]));
  good.slice(0, policy.keep_last).forEach((s, i) => reasons.get(s.id)!.push(`last ${i + 1} of ${policy.keep_last}`));
  for (const [label, count, period] of [['daily', policy.keep_daily, day], ['weekly', policy.keep_weekly, isoWeek], ['monthly', policy.keep_monthly, month]] as const) {
    for (const [id, p] of newestPerPeriod(good, count, period)) reasons.get(id)!.push(`${label} ${p}`);
  }
  const newestVerified = good.find((s) => s.verified);
  if (newestVerified) reasons.get(newestVerified.id)!.push('the newest verified snapshot');
  const keptGood = good.filter((s) => reasons.get(s.id)!.length > 0);
  const oldestKept = keptGood.at(-1)?.createdAt.getTime() ?? Number.POSITIVE_INFINITY;
  for (const s of all) {
    if (!s.drillFailed) continue;
    if (s.createdAt.getTime() > oldestKept) reasons.get(s.id)!.push('its drill failed (it fills no slot); kept while newer than the oldest snapshot kept');
  }
  return all.map((s) => {
    const why = reasons.get(s.id)!;
    if (why.length) return { id: s.id, keep: true, reasons: why };
    return { id: s.id, keep: false, reasons: [s.drillFailed ? 'its drill failed and it is older than every snapshot kept' : 'no rule of the policy keeps it'] };
  });
}
