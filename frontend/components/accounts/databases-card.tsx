import { Badge, Button, Card, Flex, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useId, useState } from 'react';
import { useCreateInnerDatabase, useDropInnerDatabase, useInnerDatabases } from '../../queries/accounts';
import type { DatabaseEntry, InstanceView } from '../../types/api';
import { ConfirmByName } from '../ui/confirm-by-name';
import { ErrorCallout } from '../ui/error-callout';
import { QueryState } from '../ui/query-state';

function DropButton({ instanceId, db }: { instanceId: number; db: DatabaseEntry }) {
  const drop = useDropInnerDatabase(instanceId);
  const [open, setOpen] = useState(false);
  return (
    <ConfirmByName
      open={open} onOpenChange={(o) => { setOpen(o); if (!o) drop.reset(); }}
      trigger={<Button size="1" variant="soft" color="red" aria-label={`Delete the database ${db.name}`}>Delete</Button>}
      title={`Drop the database ${db.name}?`} name={db.name}
      description="The database and everything in it are dropped inside the engine, for good."
      confirmLabel="Drop the database" pending={drop.isPending} error={drop.error}
      onConfirm={() => drop.mutate(db.name, { onSuccess: () => setOpen(false) })}
    />
  );
}

/** The engine's own databases beside the module's; create and drop (typing the name). */
export function DatabasesCard({ instance, canWrite }: { instance: InstanceView; canWrite: boolean }) {
  const dbs = useInnerDatabases(instance.id);
  const create = useCreateInnerDatabase(instance.id);
  const [name, setName] = useState('');
  const nameId = useId();
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="2">Databases inside the instance</Heading>
      <QueryState query={dbs} errorTitle="Databases could not be listed" />
      {dbs.data ? (
        <Table.Root size="1"><caption className="visually-hidden">Databases</caption>
          <Table.Body>
            {dbs.data.databases.map((db) => (
              <Table.Row key={db.name}>
                <Table.RowHeaderCell>
                  <Text className="mono">{db.name}</Text>{' '}
                  {db.instance_database ? <Badge size="1" color="amber">the instance's</Badge> : null}
                  {db.system ? <Badge size="1" color="gray">system</Badge> : null}
                  {!db.in_engine ? <Badge size="1" color="red">gone from the engine</Badge> : null}
                </Table.RowHeaderCell>
                <Table.Cell justify="end">{canWrite && !db.system && !db.instance_database ? <DropButton instanceId={instance.id} db={db} /> : null}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table.Root>
      ) : null}
      {canWrite ? (
        <form onSubmit={(e) => { e.preventDefault(); create.mutate(name, { onSuccess: () => setName('') }); }}>
          <Flex gap="2" align="end" mt="3">
            <Flex direction="column" gap="1"><label htmlFor={nameId}><Text size="1" weight="medium">New database name</Text></label>
              <TextField.Root id={nameId} value={name} onChange={(e) => setName(e.target.value)} required pattern="[a-z][a-z0-9_]{0,62}" spellCheck={false} /></Flex>
            <Button type="submit" loading={create.isPending}>Create the database</Button>
          </Flex>
          <ErrorCallout error={create.error} title="Not created" />
        </form>
      ) : null}
    </Card>
  );
}
