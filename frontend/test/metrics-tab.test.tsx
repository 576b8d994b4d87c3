import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import MetricsTab from '../components/metrics/metrics-tab';
import { formatFigure, metricLabel } from '../lib/units';
import type { MetricsView } from '../types/api';
import { engine, fakeApi, instance, renderPage } from './helpers';

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 12, min)).toISOString();
const METRICS: MetricsView = {
  instance_id: 1, engine: 'postgresql', range: '1h', source: 'raw', bucket_s: 60,
  current: {
    at: at(3), figures: { 'container.memory_bytes': 52_428_800, 'container.cpu_percent': 12.5, 'engine.cache_hit_ratio': 0.987 },
    units: { 'container.memory_bytes': 'bytes', 'container.cpu_percent': 'percent', 'engine.cache_hit_ratio': 'ratio' }, engine_error: null,
  },
  series: [
    { metric: 'container.memory_bytes', unit: 'bytes', description: 'resident memory of the container', points: [0, 1, 2, 3].map((m) => ({ at: at(m), avg: 50e6 + m, max: 51e6 })) },
    { metric: 'engine.connections', unit: 'count', description: 'open connections', points: [] },
  ],
};

describe('the metrics tab', () => {
  it('shows the latest figures with their units and a chart per series that has points', async () => {
    const api = fakeApi({ 'GET /databases/1/metrics': METRICS });
    renderPage(<MetricsTab instance={instance({ id: 1 })} engine={engine()} canWrite />);
    const figures = await screen.findByLabelText('Latest figures');
    expect(figures.textContent).toContain('memory bytes');
    expect(figures.textContent).toContain('50.0 MiB');
    expect(figures.textContent).toContain('12.5 %');
    expect(figures.textContent).toContain('98.7 %');
    // The chart is a lazy chunk (recharts): on a loaded machine its import takes more than findBy's default second.
    expect(await screen.findByRole('figure', { name: 'memory bytes over the range, 4 points' }, { timeout: 15_000 })).toBeTruthy();
    // A series with no point yet draws no empty chart.
    expect(screen.queryByRole('figure', { name: /connections/ })).toBeNull();
    expect(api.calls[0]!.query).toBe('?range=1h');
  });

  it('asks for the chosen range and says when the engine\'s figures are missing', async () => {
    const api = fakeApi({
      'GET /databases/1/metrics': ({ url }: { url: URL }) => ({ ...METRICS, range: url.searchParams.get('range'), current: { ...METRICS.current!, engine_error: 'password authentication failed' } }),
    });
    renderPage(<MetricsTab instance={instance({ id: 1 })} engine={engine()} canWrite />);
    expect(await screen.findByText(/password authentication failed/)).toBeTruthy();
    await userEvent.click(screen.getByRole('radio', { name: '7d' }));
    await waitFor(() => expect(api.calls.some((c) => c.query === '?range=7d')).toBe(true));
  });

  it('says when there is no sample yet', async () => {
    fakeApi({ 'GET /databases/1/metrics': { ...METRICS, current: null, series: [] } });
    renderPage(<MetricsTab instance={instance({ id: 1 })} engine={engine()} canWrite />);
    expect(await screen.findByText(/No sample yet/)).toBeTruthy();
    expect(screen.getByText('No points in this range yet.')).toBeTruthy();
  });

  it('formats every unit the API names', () => {
    expect(formatFigure(2048, 'bytes_per_second')).toBe('2.0 KiB/s');
    expect(formatFigure(0.5, 'ratio')).toBe('50 %');
    expect(formatFigure(3.25, 'per_second')).toBe('3.25/s');
    expect(formatFigure(12, 'ms')).toBe('12 ms');
    expect(formatFigure(1234, 'count')).toBe(new Intl.NumberFormat().format(1234));
    expect(metricLabel('engine.cache_hit_ratio')).toBe('cache hit ratio');
  });
});
