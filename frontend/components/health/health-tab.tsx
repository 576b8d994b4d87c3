import { Badge, Card, Flex, Grid, Heading, SegmentedControl, Table, Text } from '@radix-ui/themes';
import { lazy, Suspense, useState } from 'react';
import { formatDate, formatDuration, formatPercent } from '../../lib/format';
import { useHealth } from '../../queries/monitoring';
import type { TabProps } from '../../pages/detail-tabs';
import type { HealthRange, HealthView } from '../../types/api';
import { ErrorCallout } from '../ui/error-callout';
import { Loading } from '../ui/loading';
import { AlertRulesCard } from './alert-rules-card';
import { AlertsCard } from './alerts-card';

// The chart library is the heaviest dependency: loaded only when a chart is on screen.
const HealthChart = lazy(() => import('./health-chart'));

const RANGES: HealthRange[] = ['1h', '6h', '24h', '7d', '30d'];
const HEALTH_COLOR = { healthy: 'green', degraded: 'amber', unhealthy: 'red', unknown: 'gray' } as const;

function Uptime({ label, u }: { label: string; u: HealthView['uptime']['24h'] }) {
  return (
    <Card size="1">
      <Text as="div" size="1" color="gray">Uptime {label}</Text>
      <Text as="div" size="5" weight="bold" className="tabular">{formatPercent(u.percent, 2)}</Text>
      <Text as="div" size="1" color="gray">{u.observed_s ? `over ${formatDuration(u.observed_s)} observed` : 'nothing observed yet'}</Text>
    </Card>
  );
}

/** Health now, uptime over 24 h, 7 d and 30 d, the checks over a range, and every status change. */
export default function HealthTab({ instance, canWrite }: TabProps) {
  const [range, setRange] = useState<HealthRange>('24h');
  const health = useHealth(instance.id, range);
  const h = health.data;
  return (
    <Flex direction="column" gap="4">
      <ErrorCallout error={health.error} title="Health could not be loaded" />
      {!h ? (health.isPending ? <Loading label="Loading health" /> : null) : (
        <>
          <Grid columns={{ initial: '1', sm: '2', md: '4' }} gap="3">
            <Card size="1">
              <Text as="div" size="1" color="gray">Health now</Text>
              <Flex align="center" gap="2" mt="1">
                {h.health ? <Badge size="2" color={HEALTH_COLOR[h.health]}>{h.health}</Badge> : <Badge size="2" color="gray">not checked yet</Badge>}
              </Flex>
              <Text as="div" size="1" color="gray" mt="1">
                {h.last_check ? `last check ${formatDate(h.last_check.at)}${h.last_check.response_time_ms !== null ? `, ${h.last_check.response_time_ms.toFixed(0)} ms` : ''}` : 'no check recorded'}
              </Text>
              {h.last_check?.message ? <Text as="div" size="1" color="gray" className="break">{h.last_check.message}</Text> : null}
            </Card>
            <Uptime label="24 h" u={h.uptime['24h']} />
            <Uptime label="7 d" u={h.uptime['7d']} />
            <Uptime label="30 d" u={h.uptime['30d']} />
          </Grid>
          <Card size="2">
            <Flex justify="between" align="center" wrap="wrap" gap="2" mb="3">
              <Heading as="h2" size="3">Checks over {range}</Heading>
              <SegmentedControl.Root value={range} onValueChange={(r) => setRange(r as HealthRange)} size="1" aria-label="Range">
                {RANGES.map((r) => <SegmentedControl.Item key={r} value={r}>{r}</SegmentedControl.Item>)}
              </SegmentedControl.Root>
            </Flex>
            <div className="chart-box">
              {h.history.length ? (
                <Suspense fallback={<Loading label="Loading the chart" />}><HealthChart history={h.history} bucketS={h.bucket_s} /></Suspense>
              ) : <Text size="2" color="gray">No checks in this range yet.</Text>}
            </div>
          </Card>
          <Card size="2">
            <Heading as="h2" size="3" mb="3">Status changes</Heading>
            {h.transitions.length ? (
              <Table.Root size="1">
                <Table.Header><Table.Row>
                  <Table.ColumnHeaderCell>When</Table.ColumnHeaderCell><Table.ColumnHeaderCell>From</Table.ColumnHeaderCell>
                  <Table.ColumnHeaderCell>To</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Why</Table.ColumnHeaderCell>
                </Table.Row></Table.Header>
                <Table.Body>
                  {h.transitions.slice().reverse().map((t, n) => (
                    <Table.Row key={`${t.at}-${n}`}>
                      <Table.Cell>{formatDate(t.at)}</Table.Cell><Table.Cell>{t.from}</Table.Cell>
                      <Table.Cell>{t.to}</Table.Cell><Table.Cell>{t.reason}</Table.Cell>
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table.Root>
            ) : <Text size="2" color="gray">No status change in this range.</Text>}
          </Card>
          <AlertsCard instanceId={instance.id} />
          <AlertRulesCard instanceId={instance.id} canWrite={canWrite} />
        </>
      )}
    </Flex>
  );
}
