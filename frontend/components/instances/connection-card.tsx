import { Card, Code, DataList, Flex, Heading, Text } from '@radix-ui/themes';
import { endpointOf } from '../../lib/format';
import { useConnection } from '../../queries/monitoring';
import type { ConnectionView, InstanceView } from '../../types/api';
import { CopyButton } from '../ui/copy-button';
import { ErrorCallout } from '../ui/error-callout';
import { SecretValue } from './secret-value';

/** The URI with its password masked, for a writer's display (the copy takes the real one). */
function maskedUri(uri: string, password: string | undefined): string {
  return password ? uri.split(encodeURIComponent(password)).join('••••').split(password).join('••••') : uri;
}

function Value({ text, label }: { text: string; label: string }) {
  return <Flex align="center" gap="2" minWidth="0"><Text size="2" className="mono break">{text}</Text><CopyButton value={text} label={`Copy the ${label}`} /></Flex>;
}

function Commands({ commands, password }: { commands: NonNullable<ConnectionView['commands']>; password: string | undefined }) {
  return (
    <Flex direction="column" gap="2">
      {Object.entries(commands).map(([name, c]) => {
        const env = Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
        const line = `${env ? `${env} ` : ''}${c.argv.join(' ')}`;
        return (
          <Flex key={name} direction="column" gap="1">
            <Text size="1" color="gray">{name}</Text>
            <Flex align="start" gap="2"><pre className="code-block"><Code variant="ghost">{maskedUri(line, password)}</Code></pre><CopyButton value={line} label={`Copy the ${name} command`} /></Flex>
          </Flex>
        );
      })}
    </Flex>
  );
}

/** GET /connection-string: host, port, database, user; the password and the full URI only for a writer (the API decides). */
export function ConnectionCard({ instance }: { instance: InstanceView }) {
  const conn = useConnection(instance.id, instance.status !== 'creating');
  const c = conn.data;
  const endpoint = c ? endpointOf(c.host, c.port) : null;
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="3">Connection</Heading>
      {instance.status === 'creating' ? <Text size="2" color="gray">Available once the instance runs.</Text> : null}
      <ErrorCallout error={conn.error} title="Connection details unavailable" />
      {c ? (
        <DataList.Root size="2" orientation={{ initial: 'vertical', sm: 'horizontal' }}>
          {endpoint ? <DataList.Item><DataList.Label>Endpoint</DataList.Label><DataList.Value><Value text={endpoint} label="endpoint" /></DataList.Value></DataList.Item> : null}
          {c.path ? <DataList.Item><DataList.Label>File</DataList.Label><DataList.Value><Value text={c.path} label="database file" /></DataList.Value></DataList.Item> : null}
          <DataList.Item><DataList.Label>Database</DataList.Label><DataList.Value><Value text={c.database} label="database name" /></DataList.Value></DataList.Item>
          {c.username ? <DataList.Item><DataList.Label>Username</DataList.Label><DataList.Value><Value text={c.username} label="username" /></DataList.Value></DataList.Item> : null}
          {c.password !== undefined ? (
            <DataList.Item><DataList.Label>Password</DataList.Label><DataList.Value><SecretValue value={c.password} label="password" /></DataList.Value></DataList.Item>
          ) : null}
          <DataList.Item>
            <DataList.Label>Connection string</DataList.Label>
            <DataList.Value>
              {c.password !== undefined
                ? <SecretValue value={c.connection_string} label="connection string" mask={maskedUri(c.connection_string, c.password)} />
                : <Value text={c.connection_string} label="connection string" />}
            </DataList.Value>
          </DataList.Item>
          {c.ports && Object.keys(c.ports).length ? (
            <DataList.Item>
              <DataList.Label>Further ports</DataList.Label>
              <DataList.Value><Text size="2" className="mono">{Object.entries(c.ports).map(([k, v]) => `${k} ${v}`).join(' · ')}</Text></DataList.Value>
            </DataList.Item>
          ) : null}
          {c.commands && Object.keys(c.commands).length ? (
            <DataList.Item><DataList.Label>Stock clients</DataList.Label><DataList.Value><Commands commands={c.commands} password={c.password} /></DataList.Value></DataList.Item>
          ) : null}
        </DataList.Root>
      ) : null}
      {c && c.password === undefined ? <Text as="p" size="1" color="gray" mt="2">The password is shown to sessions that may manage the instance.</Text> : null}
    </Card>
  );
}
