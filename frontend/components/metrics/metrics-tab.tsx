import { Callout, Card, Flex, Grid, Heading, SegmentedControl, Text } from '@radix-ui/themes';
import { lazy, Suspense, useState } from 'react';
import { formatDate } from '../../lib/format';
import { formatFigure, metricLabel } from '../../lib/units';
import { useMetrics } from '../../queries/monitoring';
import type { TabProps } from '../../pages/detail-tabs';
import type { HealthRange } from '../../types/api';
import { Loading } from '../ui/loading';
import { QueryState } from '../ui/query-state';

// The chart library loads with the first chart on screen.
const MetricChart = lazy(() => import('./metric-chart'));
const RANGES: HealthRange[] = ['1h', '6h', '24h', '7d', '30d'];

/** The latest sample's figures and each figure's series over a range (container, volume, engine), with units. */
export default function MetricsTab({ instance }: TabProps) {
  const [range, setRange] = useState<HealthRange>('1h');
  const metrics = useMetrics(instance.id, range);
  const m = metrics.data;
  const drawn = m?.series.filter((s) => s.points.length > 0) ?? [];
  return (
    <Flex direction="column" gap="4">
      <Flex justify="between" align="center" wrap="wrap" gap="2">
        <Text size="2" color="gray">
          {m?.current ? `Latest sample ${formatDate(m.current.at)} · ${m.source === 'raw' ? 'raw samples' : `${m.source} rollups`}, ${m.bucket_s} s per point` : m ? 'No sample yet: the first arrives within one metrics interval of a start.' : '\u00a0'}
        </Text>
        <SegmentedControl.Root value={range} onValueChange={(r) => setRange(r as HealthRange)} size="1" aria-label="Range">
          {RANGES.map((r) => <SegmentedControl.Item key={r} value={r}>{r}</SegmentedControl.Item>)}
        </SegmentedControl.Root>
      </Flex>
      <QueryState query={metrics} errorTitle="Metrics could not be loaded" loadingLabel="Loading metrics" />
      {m?.current?.engine_error ? (
        <Callout.Root color="amber" size="1"><Callout.Text>The engine's own figures are missing from the latest sample: {m.current.engine_error}</Callout.Text></Callout.Root>
      ) : null}
      {m?.current ? (
        <Grid columns={{ initial: '2', sm: '3', md: '5' }} gap="3" className="figures" aria-label="Latest figures">
          {Object.entries(m.current.figures).map(([name, value]) => (
            <Card size="1" key={name}>
              <Text as="div" size="1" color="gray" className="clamp-2">{metricLabel(name)}</Text>
              <Text as="div" size="4" weight="bold" className="tabular">{formatFigure(value, m.current!.units[name] ?? 'count')}</Text>
            </Card>
          ))}
        </Grid>
      ) : null}
      {drawn.length ? (
        <Grid columns={{ initial: '1', md: '2' }} gap="4">
          {drawn.map((s) => (
            <Card size="2" key={s.metric}>
              <Heading as="h3" size="2">{metricLabel(s.metric)}</Heading>
              <Text as="p" size="1" color="gray" mb="2">{s.description}</Text>
              <div className="metric-chart-box">
                <Suspense fallback={<Loading label="Loading the chart" />}><MetricChart series={s} bucketS={m!.bucket_s} /></Suspense>
              </div>
            </Card>
          ))}
        </Grid>
      ) : m ? <Text size="2" color="gray">No points in this range yet.</Text> : null}
    </Flex>
  );
}
