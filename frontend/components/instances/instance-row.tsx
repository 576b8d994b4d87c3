import { Flex, Table, Text } from '@radix-ui/themes';
import { memo } from 'react';
import { Link } from 'wouter';
import { BUSY } from '../../queries/instances';
import { endpointOf, formatDate, formatMb, since } from '../../lib/format';
import type { EngineView, InstanceView } from '../../types/api';
import { CopyButton } from '../ui/copy-button';
import { StatusBadge } from '../ui/status-badge';
import { InstanceActionMenu } from './instance-actions';

const UP = new Set(['running', 'degraded', 'unhealthy']);

export interface InstanceRowProps {
  instance: InstanceView;
  engine: EngineView | undefined;
  canWrite: boolean;
  /** Minute-resolution clock for the uptime (the row re-renders when it ticks, not on every poll). */
  now: number;
}

/** One instance in the list; memoised, so a poll that changes one row re-renders only that row. */
export const InstanceRow = memo(function InstanceRow({ instance: i, engine, canWrite, now }: InstanceRowProps) {
  const endpoint = endpointOf(i.host, i.port);
  const uptime = UP.has(i.status) ? since(i.started_at, now) : null;
  return (
    <Table.Row className="instance-row">
      <Table.RowHeaderCell>
        <Link href={`/databases/${i.id}`} className="row-link">{i.name}</Link>
        <Text as="div" size="1" color="gray">Created {formatDate(i.created_at)}</Text>
      </Table.RowHeaderCell>
      <Table.Cell>
        <Text as="div" size="2">{engine?.display_name ?? i.engine}</Text>
        <Text as="div" size="1" color="gray">{i.engine_version}</Text>
      </Table.Cell>
      <Table.Cell>
        <StatusBadge status={i.status} />
        <Text as="div" size="1" color="gray" className="row-sub" title={i.error_message ?? undefined}>
          {BUSY.has(i.status) ? `${i.progress} % · ${i.status_message ?? i.status}` : uptime ? `up ${uptime}` : i.status === 'failed' ? (i.error_message ?? 'failed') : ' '}
        </Text>
      </Table.Cell>
      <Table.Cell>
        <Text as="div" size="2" className="mono">{i.sku}</Text>
        <Text as="div" size="1" color="gray">{i.cpu_limit} vCPU · {formatMb(i.memory_limit_mb)}</Text>
      </Table.Cell>
      <Table.Cell>
        {endpoint ? (
          <Flex align="center" gap="2">
            <Text size="2" className="mono">{endpoint}</Text>
            <CopyButton value={endpoint} label={`Copy the endpoint of ${i.name}`} tooltip={false} />
          </Flex>
        ) : <Text size="2" color="gray">{i.port === null && i.host ? 'in-process' : '—'}</Text>}
      </Table.Cell>
      {canWrite ? <Table.Cell className="actions-cell"><InstanceActionMenu instance={i} /></Table.Cell> : null}
    </Table.Row>
  );
});
