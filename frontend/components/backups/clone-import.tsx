import { Button, Card, Flex, Heading, Select, Text, TextField } from '@radix-ui/themes';
import { useId, useState } from 'react';
import { useLocation } from 'wouter';
import { useClone, useImportDump } from '../../queries/backups';
import type { InstanceView, SnapshotView } from '../../types/api';
import { ConfirmByName } from '../ui/confirm-by-name';
import { ErrorCallout } from '../ui/error-callout';
import { snapshotLabel } from './snapshot-table';

const LATEST = 'latest';

/** A new instance from a snapshot (the latest by default); opens it once accepted. */
export function CloneCard({ instance, snapshots }: { instance: InstanceView; snapshots: SnapshotView[] }) {
  const clone = useClone(instance.id);
  const [name, setName] = useState(`${instance.name}-clone`);
  const [sid, setSid] = useState(LATEST);
  const [, navigate] = useLocation();
  const nameId = useId();
  const snapId = useId();
  const usable = snapshots.filter((s) => s.status === 'completed' && (s.kind === 'manual' || s.kind === 'scheduled'));
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="2">Clone</Heading>
      <form onSubmit={(e) => {
        e.preventDefault();
        clone.mutate({ name, ...(sid === LATEST ? {} : { snapshot_id: Number(sid) }) }, { onSuccess: (r) => navigate(`/databases/${r.instance.id}`) });
      }}>
        <Flex direction="column" gap="2">
          <label htmlFor={nameId}><Text size="1" weight="medium">New instance name</Text></label>
          <TextField.Root id={nameId} value={name} onChange={(e) => setName(e.target.value)} required spellCheck={false} />
          <label id={snapId}><Text size="1" weight="medium">From</Text></label>
          <Select.Root value={sid} onValueChange={setSid}>
            <Select.Trigger aria-labelledby={snapId} />
            <Select.Content>
              <Select.Item value={LATEST}>the latest snapshot</Select.Item>
              {usable.map((s) => <Select.Item key={s.id} value={String(s.id)}>{snapshotLabel(s)}</Select.Item>)}
            </Select.Content>
          </Select.Root>
          <ErrorCallout error={clone.error} title="Not cloned" />
          <Button type="submit" loading={clone.isPending} disabled={!usable.length}>Clone into a new instance</Button>
        </Flex>
      </form>
    </Card>
  );
}

/** Upload a dump in the engine's native format and restore it (confirmed by typing the instance's name). */
export function ImportCard({ instance }: { instance: InstanceView }) {
  const upload = useImportDump(instance.id);
  const [file, setFile] = useState<File | null>(null);
  const [open, setOpen] = useState(false);
  const fileId = useId();
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="2">Import a dump</Heading>
      <Flex direction="column" gap="2">
        <label htmlFor={fileId}><Text size="1" weight="medium">Dump file (the engine's native format, as an export holds it)</Text></label>
        <input id={fileId} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <ConfirmByName
          open={open} onOpenChange={(o) => { setOpen(o); if (!o) upload.reset(); }}
          trigger={<Button type="button" variant="soft" disabled={!file}>Import and restore</Button>}
          title={`Restore ${file?.name ?? 'the dump'} into ${instance.name}?`} name={instance.name}
          description="The dump is stored as a snapshot and restored: the instance's data is replaced. A safety snapshot is taken first."
          confirmLabel="Import and restore" pending={upload.isPending} error={upload.error}
          onConfirm={() => { if (file) upload.mutate(file, { onSuccess: () => setOpen(false) }); }}
        />
        {upload.isSuccess ? <Text size="1" color="green" role="status">{upload.data.message}</Text> : null}
      </Flex>
    </Card>
  );
}
