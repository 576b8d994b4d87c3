import type { MetricUnit } from './metric-sample.js';

/**
 * The Prometheus name of an engine figure, in base units as Prometheus' naming conventions ask:
 * `fluxdb_engine_<figure>` with the unit as its suffix (bytes, seconds, ratio), milliseconds
 * turned into seconds and percents into ratios. Null for a figure whose name cannot be one.
 */
export function engineMetricName(figure: string, unit: MetricUnit, value: number): { name: string; value: number; help: string } | null {
  let base = figure.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!base) return null;
  let v = value;
  const suffix = (s: string) => { if (!base.endsWith(`_${s}`) && base !== s) base = `${base}_${s}`; };
  switch (unit) {
    case 'bytes': suffix('bytes'); break;
    case 'seconds': suffix('seconds'); break;
    case 'ms':
      base = base.replace(/_ms$/, '');
      suffix('seconds');
      v = value / 1000;
      break;
    case 'percent':
      // memory_used_percent_of_max becomes memory_used_ratio_of_max; a name without the word gets the suffix.
      if (/(^|_)(percent|pct)(_|$)/.test(base)) base = base.replace(/(^|_)(percent|pct)(_|$)/, '$1ratio$3');
      else suffix('ratio');
      v = value / 100;
      break;
    case 'ratio': suffix('ratio'); break;
    case 'per_second': suffix('per_second'); break;
    case 'count': break;
  }
  return { name: `fluxdb_engine_${base}`, value: v, help: ` (${unit === 'ms' ? 'seconds, from ms' : unit === 'percent' ? 'ratio, from percent' : unit})` };
}
