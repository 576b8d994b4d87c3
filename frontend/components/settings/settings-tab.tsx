import { Button, Card, Flex, Heading, Text, TextField } from '@radix-ui/themes';
import { useId, useState } from 'react';
import { useRotate } from '../../queries/accounts';
import type { TabProps } from '../../pages/detail-tabs';
import { NewSecret } from '../accounts/new-secret';
import { DeleteInstanceDialog } from '../instances/delete-instance-dialog';
import { ErrorCallout } from '../ui/error-callout';

/** Rotate the admin's password inside the engine; the new one shows once and the overview's connection follows. */
function RotateAdminCard({ instance }: { instance: TabProps['instance'] }) {
  const rotate = useRotate(instance.id);
  const [password, setPassword] = useState('');
  const [grace, setGrace] = useState('');
  const ids = { pw: useId(), grace: useId() };
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="1">Admin password</Heading>
      <Text as="p" size="2" className="muted" mb="3">
        Rotated inside the engine for <span className="mono">{instance.username ?? 'the admin'}</span>, then checked there: the new password works and the old one does not.
      </Text>
      <form onSubmit={(e) => {
        e.preventDefault();
        rotate.mutate({ ...(password ? { password } : {}), ...(grace ? { grace_seconds: Number(grace) } : {}) }, { onSuccess: () => setPassword('') });
      }}>
        <Flex gap="3" wrap="wrap" align="end">
          <Flex direction="column" gap="1"><label htmlFor={ids.pw}><Text size="1" weight="medium">New password (empty: generated)</Text></label>
            <TextField.Root id={ids.pw} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={12} maxLength={128} /></Flex>
          <Flex direction="column" gap="1"><label htmlFor={ids.grace}><Text size="1" weight="medium">Old one still works for (s; Redis family, MySQL 8.0.14+)</Text></label>
            <TextField.Root id={ids.grace} type="number" min={1} max={604800} value={grace} onChange={(e) => setGrace(e.target.value)} placeholder="none" /></Flex>
          <Button type="submit" loading={rotate.isPending}>Rotate the admin password</Button>
        </Flex>
      </form>
      <Flex direction="column" gap="2" mt="3">
        <ErrorCallout error={rotate.error} title="Not rotated" />
        {rotate.data ? <NewSecret label="New password" username={rotate.data.username} password={rotate.data.password} /> : null}
        {rotate.data?.grace_until ? <Text size="1" className="muted">The old password works until {new Date(rotate.data.grace_until).toLocaleString()}.</Text> : null}
      </Flex>
    </Card>
  );
}

/** Settings: the admin password and deleting the instance (with or without its data). Writers only. */
export default function SettingsTab({ instance, engine, canWrite }: TabProps) {
  if (!canWrite) return <Text size="2" className="muted">Settings change the instance: they are offered to sessions that may manage it.</Text>;
  const rotates = !!engine?.has_authentication;
  return (
    <Flex direction="column" gap="4">
      {rotates ? <RotateAdminCard instance={instance} /> : null}
      <Card size="2">
        <Heading as="h2" size="3" mb="1">Delete the instance</Heading>
        <Text as="p" size="2" className="muted" mb="3">The container, its port and address go; the data directory goes too unless you keep it.</Text>
        <DeleteInstanceDialog instance={instance} trigger={<Button color="red" variant="soft">Delete {instance.name}</Button>} />
      </Card>
    </Flex>
  );
}
