import { Badge, Button, Card, Checkbox, Flex, Heading, Table, Text, TextField } from '@radix-ui/themes';
import { useEffect, useState } from 'react';
import { useRouteWorks } from '../../lib/route-support';
import { useAlertRules, useSetAlertRules } from '../../queries/alert-rules';
import type { AlertRulesBody, AlertRulesView } from '../../types/api';
import { ErrorCallout } from '../ui/error-callout';

type Rule = AlertRulesView['rules'][number];
type Draft = Record<Rule['rule'], { enabled: boolean; threshold: number | null }>;

const draftOf = (rules: Rule[]) => Object.fromEntries(rules.map((r) => [r.rule, { enabled: r.enabled, threshold: r.threshold }])) as Draft;

/** Only what differs from the defaults becomes an override. */
function bodyOf(rules: Rule[], draft: Draft): AlertRulesBody {
  const body: Record<string, { enabled?: boolean; threshold?: number }> = {};
  for (const r of rules) {
    const d = draft[r.rule];
    const o: { enabled?: boolean; threshold?: number } = {};
    if (!d.enabled) o.enabled = false;
    if (d.threshold !== null && d.threshold !== r.default_threshold) o.threshold = d.threshold;
    if (Object.keys(o).length) body[r.rule] = o;
  }
  return body as AlertRulesBody;
}

/** The built-in alert rules as they apply to the instance; a writer turns them off or moves a threshold. */
export function AlertRulesCard({ instanceId, canWrite }: { instanceId: number; canWrite: boolean }) {
  const served = useRouteWorks('GET /databases/{id}/alert-rules');
  const rules = useAlertRules(instanceId, served);
  const save = useSetAlertRules(instanceId);
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => { if (rules.data) setDraft(draftOf(rules.data.rules)); }, [rules.data]);
  if (!served) return null;
  const list = rules.data?.rules ?? [];
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="3">Alert rules</Heading>
      <ErrorCallout error={rules.error} title="The rules could not be loaded" />
      {draft && list.length ? (
        <form onSubmit={(e) => { e.preventDefault(); save.mutate(bodyOf(list, draft)); }}>
          <Table.Root size="1"><caption className="visually-hidden">Alert rules</caption>
            <Table.Header><Table.Row>
              <Table.ColumnHeaderCell>Rule</Table.ColumnHeaderCell><Table.ColumnHeaderCell>On</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Threshold</Table.ColumnHeaderCell>
            </Table.Row></Table.Header>
            <Table.Body>
              {list.map((r) => (
                <Table.Row key={r.rule}>
                  <Table.RowHeaderCell>
                    {r.rule.replace('_', ' ')} <Badge size="1" color={r.severity === 'critical' ? 'red' : 'amber'}>{r.severity}</Badge>{r.overridden ? <Badge size="1" ml="1">changed</Badge> : null}
                    <Text as="div" size="1" className="muted">{r.description}</Text>
                  </Table.RowHeaderCell>
                  <Table.Cell>
                    {canWrite ? (
                      <Checkbox aria-label={`Alert on ${r.rule.replace('_', ' ')}`} checked={draft[r.rule].enabled} onCheckedChange={(c) => setDraft({ ...draft, [r.rule]: { ...draft[r.rule], enabled: c === true } })} />
                    ) : <Text size="2">{r.enabled ? 'yes' : 'no'}</Text>}
                  </Table.Cell>
                  <Table.Cell>
                    {r.threshold === null ? <Text size="1" className="muted">a state</Text> : canWrite ? (
                      <Flex align="center" gap="1">
                        <TextField.Root size="1" type="number" min={3} max={100} step="any" aria-label={`Threshold of ${r.rule.replace('_', ' ')} (percent)`} style={{ width: '6em' }}
                          value={String(draft[r.rule].threshold ?? '')} onChange={(e) => setDraft({ ...draft, [r.rule]: { ...draft[r.rule], threshold: Number(e.target.value) } })} />
                        <Text size="1">%</Text>
                      </Flex>
                    ) : <Text size="2" className="tabular">{r.threshold} %</Text>}
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
          {canWrite ? (
            <Flex gap="2" mt="3" align="center" wrap="wrap">
              <Button type="submit" loading={save.isPending}>Save the rules</Button>
              <Button type="button" variant="soft" color="gray" disabled={save.isPending} onClick={() => save.mutate({})}>Restore the defaults</Button>
              {save.isSuccess ? <Text size="1" color="green" role="status">Saved.</Text> : null}
            </Flex>
          ) : null}
          <ErrorCallout error={save.error} title="Not saved" />
        </form>
      ) : null}
    </Card>
  );
}
