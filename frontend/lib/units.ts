import type { MetricUnit } from '../types/api';
import { formatBytes, formatDuration } from './format';

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

/** A figure with its unit as the API names it: bytes, percent, ratio (shown as %), rates, times. */
export function formatFigure(value: number, unit: MetricUnit): string {
  switch (unit) {
    case 'bytes': return formatBytes(value);
    case 'bytes_per_second': return `${formatBytes(value)}/s`;
    case 'percent': return `${number.format(value)} %`;
    case 'ratio': return `${number.format(value * 100)} %`;
    case 'per_second': return `${number.format(value)}/s`;
    case 'ms': return `${number.format(value)} ms`;
    case 'seconds': return formatDuration(value);
    case 'count': return number.format(value);
  }
}

/** "cache_hit_ratio" -> "cache hit ratio". */
export const metricLabel = (name: string) => name.replace(/^(container|engine|volume)[._]/, '').replace(/[._]/g, ' ');
