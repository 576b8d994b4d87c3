import type { Kysely } from 'kysely';
import { latestBucket, RESOLUTION_S, seriesPoints, type Resolution } from '../../db/repositories/metric-rollups.js';
import type { Database, InstanceRow } from '../../db/schema.js';
import { getAdapter } from '../adapters/registry.js';
import type { Clock } from '../scheduler/clock.js';
import { COMMON_FIGURES, flatten, type FigureInfo } from './metric-catalog.js';
import type { MetricSample, MetricUnit } from './metric-sample.js';
import { bucketSeconds, RANGES, type Range } from './ranges.js';

/** Where each range is read from: raw samples while they are kept (24 h), then the rollups. */
const SOURCE: Record<Range, 'raw' | Resolution> = { '1h': 'raw', '6h': 'raw', '24h': 'raw', '7d': '5m', '30d': '1h' };

const roundUp = (v: number, step: number) => Math.ceil(v / step) * step;
const tidy = (v: number) => (Number.isInteger(v) ? v : Math.round(v * 10_000) / 10_000);

/** The unit and meaning of every figure an instance of `engine` can have. */
export function figureCatalog(engine: string): Record<string, FigureInfo> {
  const role = getAdapter(engine).roles.metrics;
  const own = Object.fromEntries(Object.entries(role?.figures ?? {}).map(([k, f]) => [k, { unit: f.unit, description: f.description }]));
  return { ...COMMON_FIGURES, ...own };
}

/** The sample as the API shows it: every figure by name with its unit. */
export function sampleView(s: MetricSample, catalog: Record<string, FigureInfo>) {
  const figures = flatten(s);
  const units: Record<string, MetricUnit> = {};
  for (const k of Object.keys(figures)) units[k] = catalog[k]?.unit ?? s.units[k] ?? 'count';
  return { at: s.at.toISOString(), figures, units, engine_error: s.engineError ?? null };
}

/** GET /databases/{id}/metrics: the current sample and each series over the range in at most ~500 points. */
export async function metricsReport(db: Kysely<Database>, row: InstanceRow, range: Range, o: { clock: Clock; intervalS: number; latest?: MetricSample }) {
  const now = o.clock.now();
  const to = new Date(now);
  const from = new Date(now - RANGES[range] * 1000);
  const source = SOURCE[range];
  let points;
  let bucketS: number;
  if (source === 'raw') {
    bucketS = bucketSeconds(range, o.intervalS);
    points = await seriesPoints(db, row.id, { from, to, bucketS });
  } else {
    const step = RESOLUTION_S[source];
    bucketS = roundUp(bucketSeconds(range, step), step);
    // Rollups cover completed buckets; the raw samples since the latest one fill in the rest.
    const latest = await latestBucket(db, source);
    const rawFrom = new Date(Math.max(from.getTime(), latest ? latest.getTime() + step * 1000 : from.getTime()));
    points = await seriesPoints(db, row.id, { from, to, bucketS, rollups: { resolution: source, rawFrom } });
  }
  const catalog = figureCatalog(row.engine);
  const byMetric = new Map<string, { at: string; avg: number; max: number }[]>();
  for (const p of points) {
    if (!catalog[p.metric]) continue;
    let list = byMetric.get(p.metric);
    if (!list) byMetric.set(p.metric, (list = []));
    list.push({ at: p.at.toISOString(), avg: tidy(p.avg), max: tidy(p.max) });
  }
  return {
    instance_id: row.id,
    engine: row.engine,
    range,
    source,
    bucket_s: bucketS,
    current: o.latest ? sampleView(o.latest, catalog) : null,
    series: [...byMetric].map(([metric, list]) => ({ metric, unit: catalog[metric]!.unit, description: catalog[metric]!.description, points: list })),
  };
}
