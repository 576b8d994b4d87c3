import { Table, Text } from '@radix-ui/themes';
import { useMemo } from 'react';
import { useNow } from '../../lib/use-now';
import type { EngineView, InstanceView } from '../../types/api';
import { InstanceRow } from './instance-row';

/** Whether an instance matches a filter typed by the operator: name, engine, status, SKU or endpoint. */
export function matches(i: InstanceView, engineName: string | undefined, needle: string): boolean {
  if (!needle) return true;
  const hay = `${i.name} ${i.engine} ${engineName ?? ''} ${i.engine_version} ${i.status} ${i.sku} ${i.host}:${i.port ?? ''}`.toLowerCase();
  return needle.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

/** The instances list. Columns have fixed widths so that polling never moves anything. */
export function InstanceTable({ instances, engines, canWrite, filter }: {
  instances: InstanceView[]; engines: Map<string, EngineView>; canWrite: boolean; filter: string;
}) {
  const now = useNow(30_000);
  const shown = useMemo(
    () => instances.filter((i) => matches(i, engines.get(i.engine)?.display_name, filter)),
    [instances, engines, filter],
  );
  return (
    <>
      <Text as="p" size="1" color="gray" role="status" aria-live="polite" className="table-count">
        {shown.length === instances.length ? `${instances.length} databases` : `${shown.length} of ${instances.length} databases`}
      </Text>
      <div className="table-scroll">
        <Table.Root variant="surface" className="instance-table" size="1">
          <Table.Header>
            <Table.Row>
              <Table.ColumnHeaderCell className="col-name">Database</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell className="col-engine">Engine</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell className="col-status">Status</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell className="col-sku">SKU</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell className="col-endpoint">Connection</Table.ColumnHeaderCell>
              {canWrite ? <Table.ColumnHeaderCell className="col-actions"><span className="visually-hidden">Actions</span></Table.ColumnHeaderCell> : null}
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {shown.map((i) => <InstanceRow key={i.id} instance={i} engine={engines.get(i.engine)} canWrite={canWrite} now={now} />)}
          </Table.Body>
        </Table.Root>
      </div>
    </>
  );
}
