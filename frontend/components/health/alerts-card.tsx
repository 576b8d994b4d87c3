import { Badge, Card, Heading, Table, Text } from '@radix-ui/themes';
import { formatDate } from '../../lib/format';
import { useRouteWorks } from '../../lib/route-support';
import { useAlerts } from '../../queries/alerts';
import type { AlertView } from '../../types/api';
import { ErrorCallout } from '../ui/error-callout';

function Delivery({ a }: { a: AlertView }) {
  const d = a.delivery.resolved ?? a.delivery.fired;
  if (!d) return <Text size="1" className="muted">no webhook</Text>;
  return <Text size="1" color={d.state === 'failed' ? 'red' : undefined}>webhook {d.state}{d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}{d.last_error ? `: ${d.last_error}` : ''}</Text>;
}

/** The instance's alerts, firing first then newest: rule, severity, why, and the webhook's delivery. */
export function AlertsCard({ instanceId }: { instanceId: number }) {
  const served = useRouteWorks('GET /alerts');
  const alerts = useAlerts(instanceId, served);
  if (!served) return null;
  const list = [...(alerts.data ?? [])].sort((a, b) => Number(b.state === 'firing') - Number(a.state === 'firing'));
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="3">Alerts</Heading>
      <ErrorCallout error={alerts.error} title="Alerts could not be loaded" />
      {alerts.data && !list.length ? <Text size="2" className="muted">No alert has fired for this instance.</Text> : null}
      {list.length ? (
        <div className="table-scroll">
          <Table.Root size="1"><caption className="visually-hidden">Alerts</caption>
            <Table.Header><Table.Row>
              <Table.ColumnHeaderCell>Rule</Table.ColumnHeaderCell><Table.ColumnHeaderCell>State</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell>Why</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Delivery</Table.ColumnHeaderCell>
            </Table.Row></Table.Header>
            <Table.Body>
              {list.map((a) => (
                <Table.Row key={a.id}>
                  <Table.RowHeaderCell>{a.rule.replace('_', ' ')} <Badge size="1" color={a.severity === 'critical' ? 'red' : 'amber'}>{a.severity}</Badge></Table.RowHeaderCell>
                  <Table.Cell>
                    <Badge color={a.state === 'firing' ? 'red' : 'green'}>{a.state}</Badge>
                    <Text as="div" size="1" className="muted">{a.state === 'firing' ? `since ${formatDate(a.fired_at)}` : `resolved ${formatDate(a.resolved_at)}`}</Text>
                  </Table.Cell>
                  <Table.Cell><Text size="1">{a.message}{a.resolved_message ? ` — ${a.resolved_message}` : ''}</Text></Table.Cell>
                  <Table.Cell><Delivery a={a} /></Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
    </Card>
  );
}
