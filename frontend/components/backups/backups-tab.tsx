import { Badge, Button, Card, Flex, Grid, Heading, Table, Text } from '@radix-ui/themes';
import { formatDate, formatDuration } from '../../lib/format';
import { useBackupOperations, useSnapshotAction, useSnapshots } from '../../queries/backups';
import type { TabProps } from '../../pages/detail-tabs';
import { ErrorCallout } from '../ui/error-callout';
import { BackupPolicyCard } from './backup-policy';
import { CloneCard, ImportCard } from './clone-import';
import { SnapshotTable } from './snapshot-table';
import { QueryState } from '../ui/query-state';

function OperationsCard({ instanceId }: { instanceId: number }) {
  const ops = useBackupOperations(instanceId);
  const list = ops.data?.slice(0, 20) ?? [];
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="2">Recent operations</Heading>
      <ErrorCallout error={ops.error} />
      {!list.length && ops.data ? <Text size="2" className="muted">None yet.</Text> : null}
      {list.length ? (
        <div className="table-scroll">
          <Table.Root size="1"><caption className="visually-hidden">Backup operations</caption>
            <Table.Header><Table.Row>
              <Table.ColumnHeaderCell>Operation</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Status</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Started</Table.ColumnHeaderCell>
            </Table.Row></Table.Header>
            <Table.Body>
              {list.map((o) => (
                <Table.Row key={o.id}>
                  <Table.RowHeaderCell>{o.type.replace('_', ' ')}{o.snapshot_id ? <Text size="1" className="muted"> · snapshot-{o.snapshot_id}</Text> : null}</Table.RowHeaderCell>
                  <Table.Cell>
                    <Badge color={o.status === 'completed' ? 'green' : o.status === 'failed' ? 'red' : 'blue'}>{o.status}</Badge>
                    {o.error_message ? <Text as="div" size="1" color="red" className="break">{o.error_message}</Text> : null}
                  </Table.Cell>
                  <Table.Cell className="tabular"><Text size="1">{formatDate(o.started_at)}{o.duration_ms !== null ? ` · ${formatDuration(o.duration_ms / 1000)}` : ''}</Text></Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
    </Card>
  );
}

/** Snapshots (take, restore, drill, export, delete), the policy, clone and import, and the operations log. */
export default function BackupsTab({ instance, engine, canWrite }: TabProps) {
  const restoring = instance.status === 'restoring';
  const snapshots = useSnapshots(instance.id, restoring);
  const take = useSnapshotAction(instance.id, 'take');
  const restoreSupported = !!engine?.supports_restore;
  return (
    <Flex direction="column" gap="4">
      <Card size="2">
        <Flex justify="between" align="center" gap="2" wrap="wrap" mb="2">
          <Heading as="h2" size="3">Snapshots</Heading>
          {canWrite ? <Button loading={take.isPending} onClick={() => take.mutate(undefined)}>Take a snapshot</Button> : null}
        </Flex>
        {restoring ? <Text as="p" size="2" color="blue" mb="2" role="status">Restoring: the instance is back once its engine answers.</Text> : null}
        <ErrorCallout error={take.error} title="No snapshot taken" />
        <QueryState query={snapshots} errorTitle="Snapshots could not be loaded" />
        {snapshots.data ? <SnapshotTable instance={instance} snapshots={snapshots.data} canWrite={canWrite} restoreSupported={restoreSupported} /> : null}
      </Card>
      <BackupPolicyCard instanceId={instance.id} canWrite={canWrite} />
      {canWrite && restoreSupported ? (
        <Grid columns={{ initial: '1', md: '2' }} gap="4">
          <CloneCard instance={instance} snapshots={snapshots.data ?? []} />
          <ImportCard instance={instance} />
        </Grid>
      ) : null}
      <OperationsCard instanceId={instance.id} />
    </Flex>
  );
}
