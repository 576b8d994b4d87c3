import { Button, Card, Checkbox, DataList, Flex, Grid, Heading, Text, TextField } from '@radix-ui/themes';
import { useEffect, useId, useState } from 'react';
import { formatDate } from '../../lib/format';
import { useBackupPolicy, useSetBackupPolicy } from '../../queries/backups';
import type { BackupPolicyBody } from '../../types/api';
import { ErrorCallout } from '../ui/error-callout';
import { QueryState } from '../ui/query-state';

const DEFAULT: BackupPolicyBody = { schedule: '0 3 * * *', keep_last: 7, keep_daily: 7, keep_weekly: 4, keep_monthly: 3, verify: false };
const KEEPS = [
  ['keep_last', 'Keep the newest'], ['keep_daily', 'Daily (one per day)'], ['keep_weekly', 'Weekly (one per ISO week)'], ['keep_monthly', 'Monthly (one per month)'],
] as const;

function NumberField({ label, value, onChange }: { label: string; value: number; onChange(v: number): void }) {
  const id = useId();
  return (
    <Flex direction="column" gap="1">
      <label htmlFor={id}><Text size="1" weight="medium">{label}</Text></label>
      <TextField.Root id={id} type="number" min={0} max={1000} value={String(value)} onChange={(e) => onChange(Math.max(0, Math.trunc(Number(e.target.value) || 0)))} />
    </Flex>
  );
}

/** The schedule (cron), GFS retention and verify flag; readers see it, writers edit, save or remove it. */
export function BackupPolicyCard({ instanceId, canWrite }: { instanceId: number; canWrite: boolean }) {
  const policy = useBackupPolicy(instanceId);
  const save = useSetBackupPolicy(instanceId);
  const [form, setForm] = useState<BackupPolicyBody>(DEFAULT);
  const scheduleId = useId();
  const current = policy.data?.policy ?? null;
  useEffect(() => { if (current) setForm(current); }, [current]);

  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="1">Schedule and retention</Heading>
      <Text as="p" size="1" className="muted" mb="3">
        {current ? `Next run ${formatDate(policy.data?.next_run_at)} (UTC cron). Snapshots outside every retention rule are deleted after each run.` : 'No policy: snapshots are taken only on request.'}
      </Text>
      <QueryState query={policy} errorTitle="The policy could not be loaded" />
      {!canWrite && current ? (
        <DataList.Root size="1">
          <DataList.Item><DataList.Label>Schedule</DataList.Label><DataList.Value className="mono">{current.schedule}</DataList.Value></DataList.Item>
          {KEEPS.map(([k, label]) => <DataList.Item key={k}><DataList.Label>{label}</DataList.Label><DataList.Value>{current[k]}</DataList.Value></DataList.Item>)}
          <DataList.Item><DataList.Label>Drill each scheduled snapshot</DataList.Label><DataList.Value>{current.verify ? 'yes' : 'no'}</DataList.Value></DataList.Item>
        </DataList.Root>
      ) : null}
      {canWrite && policy.data ? (
        <form onSubmit={(e) => { e.preventDefault(); save.mutate(form); }}>
          <Flex direction="column" gap="3">
            <Flex direction="column" gap="1">
              <label htmlFor={scheduleId}><Text size="1" weight="medium">Schedule (cron, 5 or 6 fields)</Text></label>
              <TextField.Root id={scheduleId} className="mono" value={form.schedule} onChange={(e) => setForm({ ...form, schedule: e.target.value })} spellCheck={false} required minLength={9} maxLength={120} />
            </Flex>
            <Grid columns={{ initial: '2', sm: '4' }} gap="3">
              {KEEPS.map(([k, label]) => <NumberField key={k} label={label} value={form[k]} onChange={(v) => setForm({ ...form, [k]: v })} />)}
            </Grid>
            <Text as="label" size="2">
              <Flex gap="2" align="center"><Checkbox checked={form.verify} onCheckedChange={(c) => setForm({ ...form, verify: c === true })} />Run a restore drill on each scheduled snapshot</Flex>
            </Text>
            <ErrorCallout error={save.error} title="Not saved" />
            {save.isSuccess ? <Text size="1" color="green" role="status">Saved.</Text> : null}
            <Flex gap="2">
              <Button type="submit" loading={save.isPending && save.variables !== null}>Save the policy</Button>
              {current ? <Button type="button" variant="soft" color="gray" loading={save.isPending && save.variables === null} onClick={() => save.mutate(null)}>Remove the policy</Button> : null}
            </Flex>
          </Flex>
        </form>
      ) : null}
    </Card>
  );
}
