import { Badge, Button, Card, Flex, Heading, Select, Table, Text } from '@radix-ui/themes';
import { useId, useState } from 'react';
import { useTableData, useTableSchema, type SamplePage } from '../../queries/browse';
import type { TablesView } from '../../types/api';
import { QueryState } from '../ui/query-state';

const LIMITS = [50, 100, 500, 1000];

/** One object: its columns, keys and indexes, and a page of sample rows (sorted by a column on demand). */
export function TableDetail({ instanceId, object }: { instanceId: number; object: TablesView['objects'][number] }) {
  const schema = useTableSchema(instanceId, object.ref);
  const [page, setPage] = useState<SamplePage>({ limit: 50, offset: 0, order: null });
  const data = useTableData(instanceId, object.ref, page);
  const s = schema.data;
  const d = data.data;
  const limitId = useId();
  const truncated = new Set(d?.truncated.map((c) => `${c.row}:${c.column}`));
  const sortBy = (column: string) => setPage((p) => ({ ...p, offset: 0, order: p.order === `${column}:asc` ? `${column}:desc` : `${column}:asc` }));

  return (
    <Flex direction="column" gap="4" minWidth="0">
      <Card size="2">
        <Heading as="h2" size="3" mb="2">{object.schema ? `${object.schema}.` : ''}{object.name} <Badge ml="2">{object.kind}</Badge></Heading>
        <QueryState query={schema} errorTitle="Schema unavailable" />
        {s?.columns.length ? (
          <div className="table-scroll">
            <Table.Root size="1">
              <Table.Header><Table.Row>
                <Table.ColumnHeaderCell>Column</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Type</Table.ColumnHeaderCell>
                <Table.ColumnHeaderCell>Null</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Default</Table.ColumnHeaderCell>
              </Table.Row></Table.Header>
              <Table.Body>
                {s.columns.map((c) => (
                  <Table.Row key={c.name}>
                    <Table.RowHeaderCell className="mono">{c.name}{c.primary_key ? <Badge size="1" ml="2" color="amber">PK</Badge> : null}</Table.RowHeaderCell>
                    <Table.Cell className="mono">{c.type}</Table.Cell>
                    <Table.Cell>{c.nullable === null ? '—' : c.nullable ? 'yes' : 'no'}</Table.Cell>
                    <Table.Cell className="mono break">{c.default ?? ''}</Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table.Root>
          </div>
        ) : null}
        {s?.indexes.length ? <Text as="p" size="1" mt="2">Indexes: {s.indexes.map((i) => `${i.name} (${i.columns.join(', ')})${i.unique ? ' unique' : ''}`).join('; ')}</Text> : null}
        {s?.foreign_keys.length ? <Text as="p" size="1">Foreign keys: {s.foreign_keys.map((f) => `${f.columns.join(', ')} → ${f.references_table}(${f.references_columns.join(', ')})`).join('; ')}</Text> : null}
        {s?.key ? <Text as="p" size="1">Key: {s.key.type}{s.key.encoding ? `, ${s.key.encoding}` : ''}, {s.key.length ?? '?'} elements, TTL {s.key.ttl_ms < 0 ? 'none' : `${s.key.ttl_ms} ms`}</Text> : null}
      </Card>
      <Card size="2">
        <Flex justify="between" align="end" gap="2" wrap="wrap" mb="2">
          <Heading as="h2" size="3">Sample rows</Heading>
          <Flex gap="2" align="center">
            <label id={limitId}><Text size="1">Rows per page</Text></label>
            <Select.Root value={String(page.limit)} onValueChange={(v) => setPage({ ...page, limit: Number(v), offset: 0 })}>
              <Select.Trigger aria-labelledby={limitId} />
              <Select.Content>{LIMITS.map((n) => <Select.Item key={n} value={String(n)}>{n}</Select.Item>)}</Select.Content>
            </Select.Root>
            <Button type="button" variant="soft" disabled={page.offset === 0} onClick={() => setPage({ ...page, offset: Math.max(0, page.offset - page.limit) })}>Previous</Button>
            <Button type="button" variant="soft" disabled={!d || d.rows.length < page.limit} onClick={() => setPage({ ...page, offset: page.offset + page.limit })}>Next</Button>
          </Flex>
        </Flex>
        <QueryState query={data} errorTitle="Rows unavailable" />
        {d ? (
          <>
            <Text as="p" size="1" color="gray" mb="1" role="status">
              Rows {d.rows.length ? `${d.offset + 1}–${d.offset + d.rows.length}` : 'none'}{d.order ? `, sorted by ${d.order.replace(':', ' ')}` : ''}{d.truncated.length ? `; ${d.truncated.length} long cells cut` : ''}
            </Text>
            <div className="table-scroll rows-scroll">
              <Table.Root size="1" variant="surface">
                <Table.Header><Table.Row>
                  {d.columns.map((c) => (
                    <Table.ColumnHeaderCell key={c.name} aria-sort={d.order === `${c.name}:asc` ? 'ascending' : d.order === `${c.name}:desc` ? 'descending' : undefined}>
                      <button type="button" className="link-button" onClick={() => sortBy(c.name)} title={`Sort by ${c.name}`}>{c.name}</button>
                      <Text as="div" size="1" color="gray">{c.type}</Text>
                    </Table.ColumnHeaderCell>
                  ))}
                </Table.Row></Table.Header>
                <Table.Body>
                  {d.rows.map((row, r) => (
                    <Table.Row key={d.offset + r}>
                      {row.map((cell, c) => (
                        <Table.Cell key={c} className="mono cell">
                          {cell === null ? <span className="muted">NULL</span> : String(cell)}
                          {truncated.has(`${r}:${d.columns[c]!.name}`) ? <span className="muted" title="cut at 1024 characters"> …</span> : null}
                        </Table.Cell>
                      ))}
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table.Root>
            </div>
          </>
        ) : null}
      </Card>
    </Flex>
  );
}
