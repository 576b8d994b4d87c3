import { Card, Flex, Heading, Text, TextField } from '@radix-ui/themes';
import { useDeferredValue, useId, useState } from 'react';
import { useAudit } from '../../queries/security';
import { AuditTable } from './audit-table';
import { QueryState } from '../ui/query-state';

/** The audit trail (the System page: every instance; the instance page: its own), filtered by action. */
export function AuditCard({ instanceId }: { instanceId: number | null }) {
  const [action, setAction] = useState('');
  const deferred = useDeferredValue(action);
  const valid = /^([a-z][a-z0-9_.-]{0,127})?$/.test(deferred);
  const audit = useAudit(instanceId, valid ? deferred : '');
  const actionId = useId();
  return (
    <Card size="2">
      <Flex justify="between" align="end" gap="3" wrap="wrap" mb="3">
        <Heading as="h2" size="4">Audit trail</Heading>
        <Flex direction="column" gap="1">
          <label htmlFor={actionId}><Text size="1" weight="medium">Action (e.g. databases.create)</Text></label>
          <TextField.Root id={actionId} type="search" value={action} onChange={(e) => setAction(e.target.value.trim())} spellCheck={false} />
        </Flex>
      </Flex>
      {!valid ? <Text as="p" size="1" color="red">An action is lower-case letters, digits and . _ -.</Text> : null}
      <QueryState query={audit} errorTitle="The audit trail could not be loaded" />
      {audit.data ? <AuditTable records={audit.data} showInstance={instanceId === null} /> : null}
    </Card>
  );
}
