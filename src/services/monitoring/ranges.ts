/** The ranges the monitoring routes accept, and how many points at most one series answers with. */
export const RANGES = { '1h': 3600, '6h': 21_600, '24h': 86_400, '7d': 604_800, '30d': 2_592_000 } as const;
export type Range = keyof typeof RANGES;
export const MAX_POINTS = 500;

/** A bucket size (seconds) so that `range` fits in MAX_POINTS buckets and no bucket is finer than `minS`. */
export function bucketSeconds(range: Range, minS: number): number {
  return Math.max(minS, Math.ceil(RANGES[range] / MAX_POINTS));
}
