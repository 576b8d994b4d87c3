import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatFigure, metricLabel } from '../../lib/units';
import type { MetricSeries } from '../../types/api';

/** One figure over the range: the average per point, and the maximum as a band above it. */
export default function MetricChart({ series, bucketS }: { series: MetricSeries; bucketS: number }) {
  const fmt = new Intl.DateTimeFormat(undefined, bucketS >= 3600 ? { month: 'short', day: 'numeric', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' });
  const data = series.points.map((p) => ({ t: Date.parse(p.at), avg: p.avg, max: p.max }));
  const value = (v: number) => formatFigure(v, series.unit);
  return (
    <figure className="chart" aria-label={`${metricLabel(series.metric)} over the range, ${series.points.length} points`}>
      <ResponsiveContainer width="100%" height={180}>
        <ComposedChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
          <CartesianGrid stroke="var(--gray-a5)" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => fmt.format(t)} stroke="var(--gray-11)" fontSize={11} />
          <YAxis tickFormatter={value} stroke="var(--gray-11)" fontSize={11} width={72} />
          <Tooltip labelFormatter={(t) => fmt.format(Number(t))} formatter={(v) => value(Number(v))} contentStyle={{ background: 'var(--color-panel-solid)', border: '1px solid var(--gray-a6)' }} />
          <Area dataKey="max" stroke="none" fill="var(--accent-a4)" name="max" isAnimationActive={false} />
          <Line dataKey="avg" stroke="var(--accent-11)" dot={data.length < 3} name="avg" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
