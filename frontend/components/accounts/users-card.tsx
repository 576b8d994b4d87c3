import { Badge, Button, Card, Flex, Heading, Select, Table, Text, TextField } from '@radix-ui/themes';
import { useId, useState } from 'react';
import { useCreateUser, useDeleteUser, useRotate, useUsers } from '../../queries/accounts';
import type { CreateUserBody, InstanceView, UserEntry } from '../../types/api';
import { ConfirmByName } from '../ui/confirm-by-name';
import { ErrorCallout } from '../ui/error-callout';
import { NewSecret } from './new-secret';
import { QueryState } from '../ui/query-state';

type Role = CreateUserBody['role'];
const ROLES: { value: Role; label: string }[] = [
  { value: 'readonly', label: 'read-only' }, { value: 'readwrite', label: 'read and write' }, { value: 'admin', label: 'admin (the whole instance)' },
];
const list = (s: string) => s.split(/[\s,]+/).filter(Boolean);
/** The engine's own accounts (pg_monitor …): listed apart, folded, so the instance's users stand out. */
const builtIn = (u: UserEntry) => u.reserved && !u.instance_admin && !u.in_module;

function CreateUserForm({ instance }: { instance: InstanceView }) {
  const create = useCreateUser(instance.id);
  const [form, setForm] = useState({ username: '', role: 'readonly' as Role, databases: '', password: '' });
  const ids = { name: useId(), role: useId(), dbs: useId(), pw: useId() };
  const submit = () => create.mutate({
    username: form.username, role: form.role,
    ...(form.password ? { password: form.password } : {}), ...(list(form.databases).length ? { databases: list(form.databases) } : {}),
  }, { onSuccess: () => setForm({ ...form, username: '', password: '' }) });
  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label="Add a user">
      <Heading as="h3" size="2" mb="2">Add a user</Heading>
      <Flex gap="3" wrap="wrap" align="end">
        <Flex direction="column" gap="1"><label htmlFor={ids.name}><Text size="1" weight="medium">User name</Text></label>
          <TextField.Root id={ids.name} value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required pattern="[a-z][a-z0-9_]{0,62}" spellCheck={false} /></Flex>
        <Flex direction="column" gap="1"><label id={ids.role}><Text size="1" weight="medium">Role</Text></label>
          <Select.Root value={form.role} onValueChange={(r) => setForm({ ...form, role: r as Role })}>
            <Select.Trigger aria-labelledby={ids.role} />
            <Select.Content>{ROLES.map((r) => <Select.Item key={r.value} value={r.value}>{r.label}</Select.Item>)}</Select.Content>
          </Select.Root></Flex>
        <Flex direction="column" gap="1"><label htmlFor={ids.dbs}><Text size="1" weight="medium">Databases (default: {instance.database ?? 'the instance\'s'})</Text></label>
          <TextField.Root id={ids.dbs} value={form.databases} onChange={(e) => setForm({ ...form, databases: e.target.value })} placeholder="app, reports" spellCheck={false} /></Flex>
        <Flex direction="column" gap="1"><label htmlFor={ids.pw}><Text size="1" weight="medium">Password (empty: generated)</Text></label>
          <TextField.Root id={ids.pw} type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} autoComplete="new-password" minLength={12} maxLength={128} /></Flex>
        <Button type="submit" loading={create.isPending}>Create the user</Button>
      </Flex>
      <Flex direction="column" gap="2" mt="2">
        <ErrorCallout error={create.error} title="No user created" />
        {create.data?.password ? <NewSecret label="Password" username={create.data.username} password={create.data.password} /> : null}
        {create.data && !create.data.password ? <Text size="1" color="green" role="status">Created {create.data.username}.</Text> : null}
      </Flex>
    </form>
  );
}

function UserActions({ instance, user }: { instance: InstanceView; user: UserEntry }) {
  const rotate = useRotate(instance.id);
  const del = useDeleteUser(instance.id);
  const [open, setOpen] = useState(false);
  return (
    <Flex direction="column" gap="2" align="end">
      <Flex gap="2">
        {user.in_module ? <Button size="1" variant="soft" loading={rotate.isPending} onClick={() => rotate.mutate({ username: user.username })} aria-label={`Rotate the password of ${user.username}`}>Rotate</Button> : null}
        <ConfirmByName
          open={open} onOpenChange={(o) => { setOpen(o); if (!o) del.reset(); }}
          trigger={<Button size="1" variant="soft" color="red" aria-label={`Delete the user ${user.username}`}>Delete</Button>}
          title={`Delete the user ${user.username}?`} name={user.username}
          description="The user is dropped inside the engine; its sessions end."
          confirmLabel="Delete the user" pending={del.isPending} error={del.error}
          onConfirm={() => del.mutate(user.username, { onSuccess: () => setOpen(false) })}
        />
      </Flex>
      <ErrorCallout error={rotate.error} title="Not rotated" />
      {rotate.data ? <NewSecret label="New password" username={rotate.data.username} password={rotate.data.password} /> : null}
    </Flex>
  );
}

/** The engine's users beside the module's (with the drift), creation with a role, rotation and deletion. */
export function UsersCard({ instance, canWrite }: { instance: InstanceView; canWrite: boolean }) {
  const users = useUsers(instance.id);
  const u = users.data;
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="2">Users</Heading>
      <QueryState query={users} errorTitle="Users could not be listed" />
      {u ? (
        <div className="table-scroll">
          <Table.Root size="1"><caption className="visually-hidden">Users</caption>
            <Table.Header><Table.Row>
              <Table.ColumnHeaderCell>User</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Role</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Databases / keys</Table.ColumnHeaderCell>
              {canWrite ? <Table.ColumnHeaderCell><span className="visually-hidden">Actions</span></Table.ColumnHeaderCell> : null}
            </Table.Row></Table.Header>
            <Table.Body>
              {u.users.filter((user) => !builtIn(user)).map((user) => (
                <Table.Row key={user.username}>
                  <Table.RowHeaderCell>
                    <Text className="mono">{user.username}</Text>
                    <Flex gap="1" mt="1" wrap="wrap">
                      {user.instance_admin ? <Badge size="1" color="amber">instance admin</Badge> : null}
                      {!user.in_module ? <Badge size="1" color="gray">not created here</Badge> : null}
                      {!user.in_engine ? <Badge size="1" color="red">gone from the engine</Badge> : null}
                    </Flex>
                  </Table.RowHeaderCell>
                  <Table.Cell>{user.role ?? '—'}</Table.Cell>
                  <Table.Cell><Text size="1" className="mono break">{[...user.databases, ...user.keys].join(', ') || '—'}</Text></Table.Cell>
                  {canWrite ? <Table.Cell>{user.reserved ? null : <UserActions instance={instance} user={user} />}</Table.Cell> : null}
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
      {u?.users.some(builtIn) ? (
        <details className="more">
          <summary><Text size="1">{u.users.filter(builtIn).length === 1 ? '1 role' : `${u.users.filter(builtIn).length} roles`} of the engine itself</Text></summary>
          <Text as="p" size="1" className="mono break muted">{u.users.filter(builtIn).map((x) => x.username).join(', ')}</Text>
        </details>
      ) : null}
      {u && (u.drift.engine_only.length || u.drift.module_only.length) ? (
        <Text as="p" size="1" className="muted" mt="2">
          {u.drift.engine_only.length ? `In the engine only: ${u.drift.engine_only.join(', ')}. ` : ''}
          {u.drift.module_only.length ? `Recorded here, gone from the engine: ${u.drift.module_only.join(', ')}.` : ''}
        </Text>
      ) : null}
      {canWrite ? <Flex mt="4" direction="column"><CreateUserForm instance={instance} /></Flex> : null}
    </Card>
  );
}
