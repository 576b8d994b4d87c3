import { Badge, Button, Flex, Table, Text } from '@radix-ui/themes';
import { useState } from 'react';
import { formatBytes, formatDate, formatDuration } from '../../lib/format';
import { exportUrl, useSnapshotAction } from '../../queries/backups';
import type { InstanceView, SnapshotView } from '../../types/api';
import { ConfirmByName } from '../ui/confirm-by-name';
import { ErrorCallout } from '../ui/error-callout';

const STATUS_COLOR = { running: 'blue', completed: 'green', failed: 'red' } as const;
const KIND = { manual: 'manual', scheduled: 'scheduled', pre_restore: 'safety (before a restore)', export: 'export', import: 'import' } as const;

/** A snapshot's label, also what the operator types to delete it. */
export const snapshotLabel = (s: Pick<SnapshotView, 'id'>) => `snapshot-${s.id}`;

function DrillCell({ s }: { s: SnapshotView }) {
  if (!s.drill.status) return <Text size="1" className="muted">not drilled</Text>;
  return (
    <Flex direction="column" gap="1">
      <Badge color={s.drill.status === 'passed' ? 'green' : 'red'} size="1">drill {s.drill.status}</Badge>
      <Text size="1" className="muted">{formatDate(s.drill.at)}{s.drill.message ? ` · ${s.drill.message}` : ''}</Text>
    </Flex>
  );
}

/** Export (readers too); for writers: restore (type the instance's name), drill, cancel a running one, delete (type its label). */
function SnapshotActions({ instance, s, restoreSupported, canWrite }: { instance: InstanceView; s: SnapshotView; restoreSupported: boolean; canWrite: boolean }) {
  const restore = useSnapshotAction(instance.id, 'restore');
  const drill = useSnapshotAction(instance.id, 'drill');
  const cancel = useSnapshotAction(instance.id, 'cancel');
  const del = useSnapshotAction(instance.id, 'delete');
  const [open, setOpen] = useState<'restore' | 'delete' | null>(null);
  const label = snapshotLabel(s);
  const exportLink = <Button size="1" variant="soft" color="gray" asChild><a href={exportUrl(instance.id, s.id)} download aria-label={`Export ${label} as a zip`}>Export</a></Button>;
  if (!canWrite) return s.status === 'completed' ? <Flex justify="end">{exportLink}</Flex> : null;
  if (s.status === 'running') {
    return (
      <Flex direction="column" gap="1" align="end">
        <Button size="1" variant="soft" color="gray" loading={cancel.isPending} onClick={() => cancel.mutate(s.id)} aria-label={`Cancel ${label}`}>Cancel</Button>
        <ErrorCallout error={cancel.error} />
      </Flex>
    );
  }
  return (
    <Flex direction="column" gap="1" align="end">
      <Flex gap="2" wrap="wrap" justify="end">
        {s.status === 'completed' && restoreSupported ? (
          <ConfirmByName
            open={open === 'restore'} onOpenChange={(o) => { setOpen(o ? 'restore' : null); if (!o) restore.reset(); }}
            trigger={<Button size="1" variant="soft" aria-label={`Restore ${label}`}>Restore</Button>}
            title={`Restore ${label} into ${instance.name}?`} name={instance.name}
            description={`The instance's data is replaced by the snapshot of ${formatDate(s.created_at)}. A safety snapshot is taken first, and a failed restore is put back from it.`}
            confirmLabel="Restore" pending={restore.isPending} error={restore.error}
            onConfirm={() => restore.mutate(s.id, { onSuccess: () => setOpen(null) })}
          />
        ) : null}
        {s.status === 'completed' ? (
          <>
            <Button size="1" variant="soft" color="gray" loading={drill.isPending} onClick={() => drill.mutate(s.id)} aria-label={`Run a drill on ${label}`}>Drill</Button>
            {exportLink}
          </>
        ) : null}
        <ConfirmByName
          open={open === 'delete'} onOpenChange={(o) => { setOpen(o ? 'delete' : null); if (!o) del.reset(); }}
          trigger={<Button size="1" variant="soft" color="red" aria-label={`Delete ${label}`}>Delete</Button>}
          title={`Delete ${label}?`} name={label}
          description="Its encrypted file and its row are removed for good."
          confirmLabel="Delete the snapshot" pending={del.isPending} error={del.error}
          onConfirm={() => del.mutate(s.id, { onSuccess: () => setOpen(null) })}
        />
      </Flex>
      <ErrorCallout error={drill.error} title="Drill" />
    </Flex>
  );
}

/** The instance's snapshots, newest first: what made each, its size, duration, drill, and what may be done with it. */
export function SnapshotTable({ instance, snapshots, canWrite, restoreSupported }: {
  instance: InstanceView; snapshots: SnapshotView[]; canWrite: boolean; restoreSupported: boolean;
}) {
  if (!snapshots.length) return <Text size="2" className="muted">No snapshot yet.</Text>;
  return (
    <div className="table-scroll">
      <Table.Root size="1"><caption className="visually-hidden">Snapshots</caption>
        <Table.Header><Table.Row>
          <Table.ColumnHeaderCell>Snapshot</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Status</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>Size</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Tool</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>Drill</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell><span className="visually-hidden">Actions</span></Table.ColumnHeaderCell>
        </Table.Row></Table.Header>
        <Table.Body>
          {snapshots.map((s) => (
            <Table.Row key={s.id}>
              <Table.RowHeaderCell>
                <Text as="div" size="2" weight="medium">{snapshotLabel(s)}</Text>
                <Text as="div" size="1" className="muted">{formatDate(s.created_at)} · {KIND[s.kind]}</Text>
              </Table.RowHeaderCell>
              <Table.Cell>
                <Badge color={STATUS_COLOR[s.status]}>{s.status}</Badge>
                {s.duration_ms !== null ? <Text as="div" size="1" className="muted tabular">{formatDuration(s.duration_ms / 1000)}</Text> : null}
                {s.error_message ? <Text as="div" size="1" color="red" className="break">{s.error_message}</Text> : null}
              </Table.Cell>
              <Table.Cell className="tabular">
                {formatBytes(s.size_bytes)}{s.status === 'running' ? ' so far' : ''}
                {s.figures ? <Text as="div" size="1" className="muted">{Object.keys(s.figures.high).length} objects counted</Text> : null}
              </Table.Cell>
              <Table.Cell><Text size="1" className="mono">{s.tool ?? '—'}</Text></Table.Cell>
              <Table.Cell><DrillCell s={s} /></Table.Cell>
              <Table.Cell><SnapshotActions instance={instance} s={s} restoreSupported={restoreSupported} canWrite={canWrite} /></Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table.Root>
    </div>
  );
}

