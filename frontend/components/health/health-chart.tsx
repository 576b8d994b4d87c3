import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { HealthView } from '../../types/api';

const time = (bucketS: number) => new Intl.DateTimeFormat(undefined, bucketS >= 3600 ? { month: 'short', day: 'numeric', hour: '2-digit' } : { hour: '2-digit', minute: '2-digit' });

/** Checks per bucket (healthy, unhealthy, unknown stacked) and the average response time. */
export default function HealthChart({ history, bucketS }: { history: HealthView['history']; bucketS: number }) {
  const fmt = time(bucketS);
  const data = history.map((b) => ({ ...b, t: Date.parse(b.at) }));
  return (
    <figure className="chart" aria-label="Health checks and response time over the range">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
          <CartesianGrid stroke="var(--gray-a5)" strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => fmt.format(t)} stroke="var(--gray-11)" fontSize={11} />
          <YAxis yAxisId="checks" allowDecimals={false} stroke="var(--gray-11)" fontSize={11} width={36} />
          <YAxis yAxisId="ms" orientation="right" stroke="var(--gray-11)" fontSize={11} width={44} unit=" ms" />
          <Tooltip labelFormatter={(t) => fmt.format(Number(t))} contentStyle={{ background: 'var(--color-panel-solid)', border: '1px solid var(--gray-a6)' }} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar yAxisId="checks" dataKey="healthy" stackId="c" fill="var(--green-9)" name="healthy" isAnimationActive={false} />
          <Bar yAxisId="checks" dataKey="unhealthy" stackId="c" fill="var(--red-9)" name="unhealthy" isAnimationActive={false} />
          <Bar yAxisId="checks" dataKey="unknown" stackId="c" fill="var(--gray-8)" name="unknown" isAnimationActive={false} />
          <Line yAxisId="ms" dataKey="avg_response_ms" stroke="var(--accent-11)" dot={false} name="avg response (ms)" isAnimationActive={false} connectNulls />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="visually-hidden">{history.length} buckets of {bucketS} s</figcaption>
    </figure>
  );
}
