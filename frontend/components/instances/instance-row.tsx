import { Table } from '@radix-ui/themes';
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

/**
 * One instance in the list; memoised, so a poll that changes one row re-renders only that row. Its
 * text is plain elements with the theme's tokens (styles.css), not Radix Text and Flex: with 500
 * rows their prop handling is a large part of the first render.
 */
export const InstanceRow = memo(function InstanceRow({ instance: i, engine, canWrite, now }: InstanceRowProps) {
  const endpoint = endpointOf(i.host, i.port);
  const uptime = UP.has(i.status) ? since(i.started_at, now) : null;
  return (
    <Table.Row className="instance-row">
      <Table.RowHeaderCell>
        <Link href={`/databases/${i.id}`} className="row-link">{i.name}</Link>
        <div className="row-note">Created {formatDate(i.created_at)}</div>
      </Table.RowHeaderCell>
      <Table.Cell>
        <div className="row-main">{engine?.display_name ?? i.engine}</div>
        <div className="row-note">{i.engine_version}</div>
      </Table.Cell>
      <Table.Cell>
        <StatusBadge status={i.status} />
        <div className="row-note row-sub" title={i.error_message ?? undefined}>
          {BUSY.has(i.status) ? `${i.progress} % · ${i.status_message ?? i.status}` : uptime ? `up ${uptime}` : i.status === 'failed' ? (i.error_message ?? 'failed') : ' '}
        </div>
      </Table.Cell>
      <Table.Cell>
        <div className="row-main mono">{i.sku}</div>
        <div className="row-note">{i.cpu_limit} vCPU · {formatMb(i.memory_limit_mb)}</div>
      </Table.Cell>
      <Table.Cell>
        {endpoint ? (
          <div className="row-endpoint">
            <span className="row-main mono">{endpoint}</span>
            <CopyButton value={endpoint} label={`Copy the endpoint of ${i.name}`} tooltip={false} />
          </div>
        ) : <span className="row-main row-none">{i.port === null && i.host ? 'in-process' : '—'}</span>}
      </Table.Cell>
      {canWrite ? <Table.Cell className="actions-cell"><InstanceActionMenu instance={i} /></Table.Cell> : null}
    </Table.Row>
  );
});
