import { Badge, Card, Code, Heading, Table, Text } from '@radix-ui/themes';
import { useRequirements } from '../../queries/system';
import { QueryState } from '../ui/query-state';

export const LEVEL_COLOR = { ok: 'green', warn: 'amber', fail: 'red' } as const;

/** GET /requirements: each check with its value, what it means and the fix. */
export function RequirementsCard() {
  const req = useRequirements();
  return (
    <Card size="2">
      <Heading as="h2" size="4" mb="3">
        Requirements {req.data ? <Badge color={LEVEL_COLOR[req.data.verdict]} ml="2">{req.data.verdict}</Badge> : null}
      </Heading>
      <QueryState query={req} errorTitle="Requirements could not be read" />
      {req.data ? (
        <div className="table-scroll">
          <Table.Root size="1">
            <Table.Header><Table.Row>
              <Table.ColumnHeaderCell>Check</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Status</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell>Found</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Fix</Table.ColumnHeaderCell>
            </Table.Row></Table.Header>
            <Table.Body>
              {req.data.checks.map((c) => (
                <Table.Row key={c.id}>
                  <Table.RowHeaderCell><Text weight="medium">{c.title}</Text><Text as="div" size="1" color="gray">{c.message}</Text></Table.RowHeaderCell>
                  <Table.Cell><Badge color={LEVEL_COLOR[c.status]}>{c.status}</Badge></Table.Cell>
                  <Table.Cell><Text size="1" className="mono break">{c.value}</Text></Table.Cell>
                  <Table.Cell>{c.fix ? <Code size="1" variant="ghost" className="break">{c.fix}</Code> : <Text color="gray">—</Text>}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
    </Card>
  );
}
