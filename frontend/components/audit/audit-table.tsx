import { Badge, Table, Text } from '@radix-ui/themes';
import { Link } from 'wouter';
import { formatDate } from '../../lib/format';
import type { AuditRecordView } from '../../types/security';

const paramsOf = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');

/** Audit records: when, who, what, on which instance, the outcome and what was asked (secrets come redacted). */
export function AuditTable({ records, showInstance }: { records: AuditRecordView[]; showInstance: boolean }) {
  if (!records.length) return <Text size="2" className="muted">No record.</Text>;
  return (
    <div className="table-scroll">
      <Table.Root size="1"><caption className="visually-hidden">Audit records</caption>
        <Table.Header><Table.Row>
          <Table.ColumnHeaderCell>When</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Who</Table.ColumnHeaderCell>
          <Table.ColumnHeaderCell>Action</Table.ColumnHeaderCell>
          {showInstance ? <Table.ColumnHeaderCell>Instance</Table.ColumnHeaderCell> : null}
          <Table.ColumnHeaderCell>Outcome</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Asked</Table.ColumnHeaderCell>
        </Table.Row></Table.Header>
        <Table.Body>
          {records.map((r) => (
            <Table.Row key={r.id}>
              <Table.Cell className="tabular"><Text size="1">{formatDate(r.at)}</Text></Table.Cell>
              <Table.Cell><Text size="1" className="mono break">{r.actor}</Text>{r.address ? <Text as="div" size="1" className="muted">{r.address}</Text> : null}</Table.Cell>
              <Table.RowHeaderCell><Text size="1" className="mono">{r.action}</Text></Table.RowHeaderCell>
              {showInstance ? <Table.Cell>{r.instance_id !== null ? <Link href={`/databases/${r.instance_id}`} className="row-link">#{r.instance_id}</Link> : '—'}</Table.Cell> : null}
              <Table.Cell>
                <Badge color={r.outcome === 'succeeded' ? 'green' : 'red'}>{r.outcome}</Badge>
                {r.status !== null || r.error_code ? <Text as="div" size="1" className="muted">{[r.status, r.error_code].filter((x) => x !== null).join(' ')}</Text> : null}
              </Table.Cell>
              <Table.Cell><Text size="1" className="mono break clamp-2" title={paramsOf(r.params)}>{paramsOf(r.params) || '—'}</Text></Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table.Root>
    </div>
  );
}
