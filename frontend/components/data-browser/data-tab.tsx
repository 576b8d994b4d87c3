import { Button, Card, Flex, Grid, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useId, useState } from 'react';
import { formatBytes } from '../../lib/format';
import { useTables } from '../../queries/browse';
import type { TabProps } from '../../pages/detail-tabs';
import type { TablesView } from '../../types/api';
import { TableDetail } from './table-detail';
import { QueryState } from '../ui/query-state';

type Obj = TablesView['objects'][number];
const count = new Intl.NumberFormat();

/** The data browser: the engine's tables (or a key scan with a pattern), then one object's schema and sample rows. */
export default function DataTab({ instance }: TabProps) {
  const [pattern, setPattern] = useState('');
  const [applied, setApplied] = useState('');
  const [cursor, setCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<Obj | null>(null);
  const tables = useTables(instance.id, applied, cursor);
  const t = tables.data;
  const patternId = useId();
  const keyScan = t ? t.next_cursor !== null || t.objects.some((o) => o.key_type !== undefined) : false;

  return (
    <Grid columns={{ initial: '1', md: '320px 1fr' }} gap="4">
      <Card size="2">
        <Heading as="h2" size="3" mb="2">{t ? t.object_noun[0]!.toUpperCase() + t.object_noun.slice(1) : 'Tables'}</Heading>
        {keyScan || applied ? (
          <form onSubmit={(e) => { e.preventDefault(); setCursor(null); setApplied(pattern); }}>
            <Flex gap="2" align="end" mb="2">
              <Flex direction="column" gap="1" flexGrow="1">
                <label htmlFor={patternId}><Text size="1" weight="medium">Key pattern (SCAN MATCH)</Text></label>
                <TextField.Root id={patternId} value={pattern} onChange={(e) => setPattern(e.target.value)} placeholder="*" spellCheck={false} />
              </Flex>
              <Button type="submit" variant="soft">Scan</Button>
            </Flex>
          </form>
        ) : null}
        <QueryState query={tables} errorTitle="The engine's objects could not be listed" />
        {t && !t.objects.length ? <Text size="2" color="gray">None{applied ? ' match' : ''}.</Text> : null}
        {t?.objects.length ? (
          <div className="object-list">
            <Table.Root size="1">
              <Table.Header><Table.Row><Table.ColumnHeaderCell>Name</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Rows</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Size</Table.ColumnHeaderCell></Table.Row></Table.Header>
              <Table.Body>
                {t.objects.map((o) => (
                  <Table.Row key={`${o.schema}.${o.name}`} aria-selected={selected?.ref === o.ref && !!o.ref}>
                    <Table.RowHeaderCell>
                      {o.ref ? (
                        <button type="button" className="link-button" onClick={() => setSelected(o)} aria-pressed={selected?.ref === o.ref}>
                          {o.schema ? <span className="muted">{o.schema}.</span> : null}{o.name}
                        </button>
                      ) : <Text title="this name cannot be opened here">{o.name}</Text>}
                      <Text as="div" size="1" color="gray">{o.kind}{o.key_type ? ` · ${o.key_type}` : ''}</Text>
                    </Table.RowHeaderCell>
                    <Table.Cell className="tabular">{o.rows_estimate === null ? '—' : count.format(o.rows_estimate)}</Table.Cell>
                    <Table.Cell className="tabular">{formatBytes(o.size_bytes)}</Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table.Root>
          </div>
        ) : null}
        {t?.next_cursor ? <Button type="button" variant="soft" mt="2" onClick={() => setCursor(t.next_cursor)}>Next page of keys</Button> : null}
        {cursor ? <Button type="button" variant="ghost" mt="2" ml="2" onClick={() => setCursor(null)}>Back to the first page</Button> : null}
      </Card>
      {selected?.ref ? <TableDetail instanceId={instance.id} object={selected} key={selected.ref} /> : (
        <Card size="2"><Text size="2" color="gray">Choose one of the {t?.object_noun ?? 'tables'} to see its columns and sample rows (read-only).</Text></Card>
      )}
    </Grid>
  );
}
