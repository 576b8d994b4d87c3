import { MagnifyingGlassIcon, PlusIcon } from '@radix-ui/react-icons';
import { Button, Card, Flex, Skeleton, Text, TextField } from '@radix-ui/themes';
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { InstanceTable } from '../components/instances/instance-table';
import { RequirementsBanner } from '../components/system/requirements-banner';
import { ErrorCallout } from '../components/ui/error-callout';
import { PageHeader } from '../components/ui/page-header';
import { useEngines } from '../queries/catalog';
import { useInstances } from '../queries/instances';
import { useCanWrite } from '../queries/session';

/**
 * The manifest's frontend entry (`/databases` in the Flux dashboard): every instance with its live
 * status, engine, SKU and endpoint, polled every few seconds (paused while the tab is hidden).
 */
export default function DatabasesPage() {
  const instances = useInstances();
  const engines = useEngines();
  const canWrite = useCanWrite();
  const [filter, setFilter] = useState('');
  // Typing stays responsive with 500 rows: the list follows the field at lower priority.
  const deferred = useDeferredValue(filter);
  const filterId = useId();
  const byId = useMemo(() => new Map((engines.data ?? []).map((e) => [e.engine, e])), [engines.data]);

  return (
    <>
      <PageHeader
        title="Databases"
        subtitle="Database instances on this host, each a hardened Podman container"
        actions={canWrite ? <Button asChild><Link href="/create"><PlusIcon /> Create database</Link></Button> : null}
      />
      <RequirementsBanner />
      <Flex mb="3" gap="3" align="center" wrap="wrap">
        <label htmlFor={filterId} className="visually-hidden">Filter databases</label>
        <TextField.Root id={filterId} placeholder="Filter by name, engine, status…" value={filter} onChange={(e) => setFilter(e.target.value)} className="filter-field" type="search">
          <TextField.Slot><MagnifyingGlassIcon /></TextField.Slot>
        </TextField.Root>
      </Flex>
      <ErrorCallout error={instances.error} title="The list could not be loaded" />
      {instances.isPending ? (
        <Skeleton><div className="table-placeholder" /></Skeleton>
      ) : instances.data && instances.data.length === 0 ? (
        <Card size="3">
          <Flex direction="column" gap="2" align="start">
            <Text weight="bold">No databases yet</Text>
            <Text color="gray" size="2">{canWrite ? 'Create one: pick an engine and a size, and the module does the rest.' : 'A writer has not created any yet.'}</Text>
            {canWrite ? <Button asChild variant="soft"><Link href="/create">Create database</Link></Button> : null}
          </Flex>
        </Card>
      ) : instances.data ? (
        <InstanceTable instances={instances.data} engines={byId} canWrite={canWrite} filter={deferred} />
      ) : null}
    </>
  );
}
