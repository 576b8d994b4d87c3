import { Button, Card, Flex, Heading, Table, Text } from '@radix-ui/themes';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api';
import { keys } from '../../queries/keys';
import type { ReconcileReport } from '../../types/api';
import { ConfirmByName } from '../ui/confirm-by-name';
import { ErrorCallout } from '../ui/error-callout';

function RemoveOrphan({ name, onRemoved }: { name: string; onRemoved(): void }) {
  const remove = useMutation({ mutationFn: () => api(`/orphans/${encodeURIComponent(name)}`, { method: 'DELETE' }), onSuccess: onRemoved });
  return (
    <ConfirmByName
      trigger={<Button type="button" size="1" color="red" variant="soft" aria-label={`Remove ${name}`}>Remove</Button>}
      title={`Remove the container ${name}?`} name={name} confirmLabel="Remove"
      description="A container with this installation's labels that no instance owns. Removing it removes its own network too; its data directory stays."
      pending={remove.isPending} error={remove.error} onConfirm={() => remove.mutate()}
    />
  );
}

/** POST /reconcile (writers): compare rows with labelled containers now; orphans can be removed here. */
export function ReconcileCard() {
  const client = useQueryClient();
  const run = useMutation({
    mutationFn: () => api<ReconcileReport>('/reconcile', { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.instances }),
  });
  const report = run.data;
  return (
    <Card size="2">
      <Flex justify="between" align="center" mb="3" gap="2" wrap="wrap">
        <Heading as="h2" size="4">Reconciliation</Heading>
        <Button type="button" variant="soft" onClick={() => run.mutate()} loading={run.isPending}>Reconcile now</Button>
      </Flex>
      <Text as="p" size="2" color="gray" mb="2">The module compares its rows with the containers it labelled, finishes interrupted operations, and lists containers no row owns.</Text>
      <ErrorCallout error={run.error} title="Reconciliation failed" />
      {report ? (
        <Flex direction="column" gap="2" aria-live="polite">
          <Text size="2">Checked {report.checked} instances; {report.changes.length} changed, {report.orphans.length} orphans.</Text>
          {report.changes.length ? (
            <ul className="plain-list">{report.changes.map((c) => <li key={c.id}><Text size="2">{c.name}: {c.from} → {c.to} ({c.reason})</Text></li>)}</ul>
          ) : null}
          {report.orphans.length ? (
            <Table.Root size="1">
              <Table.Header><Table.Row><Table.ColumnHeaderCell>Container</Table.ColumnHeaderCell><Table.ColumnHeaderCell>State</Table.ColumnHeaderCell><Table.ColumnHeaderCell><span className="visually-hidden">Actions</span></Table.ColumnHeaderCell></Table.Row></Table.Header>
              <Table.Body>
                {report.orphans.map((o) => (
                  <Table.Row key={o.id}>
                    <Table.RowHeaderCell className="mono">{o.name}</Table.RowHeaderCell><Table.Cell>{o.state}</Table.Cell>
                    <Table.Cell><RemoveOrphan name={o.name} onRemoved={() => run.mutate()} /></Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table.Root>
          ) : null}
        </Flex>
      ) : null}
    </Card>
  );
}
