import { Flex } from '@radix-ui/themes';
import type { TabProps } from '../../pages/detail-tabs';
import { DatabasesCard } from './databases-card';
import { UsersCard } from './users-card';

/** Users and inner databases, as the engine supports each. */
export default function UsersTab({ instance, engine, canWrite }: TabProps) {
  return (
    <Flex direction="column" gap="4">
      {engine?.supports_users ? <UsersCard instance={instance} canWrite={canWrite} /> : null}
      {engine?.supports_databases ? <DatabasesCard instance={instance} canWrite={canWrite} /> : null}
    </Flex>
  );
}
