import { Badge, Card, DataList, Grid, Heading, Progress, Text } from '@radix-ui/themes';
import { formatBytes, formatDate, formatMb, formatPercent } from '../../lib/format';
import type { TabProps } from '../../pages/detail-tabs';
import type { InstanceView } from '../../types/api';
import { ConnectionCard } from './connection-card';

const LEVEL_COLOR = { ok: 'green', warning: 'amber', critical: 'red', unknown: 'gray' } as const;

function yesNo(v: boolean | undefined, yes = 'enforced', no = 'not enforced') {
  return v === undefined ? <Text color="gray">—</Text> : <Badge color={v ? 'green' : 'amber'} variant="soft" ml="2">{v ? yes : no}</Badge>;
}

function StorageCard({ i }: { i: InstanceView }) {
  const s = i.storage;
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="3">Storage</Heading>
      <Text as="p" size="2" className="tabular">{formatBytes(s.used_bytes)} of {i.storage_limit_gb} GB · {formatPercent(s.percent)}</Text>
      <Progress value={Math.min(100, s.percent ?? 0)} color={LEVEL_COLOR[s.level]} aria-label={`Storage used ${formatPercent(s.percent)}`} my="2" />
      <Badge color={LEVEL_COLOR[s.level]} variant="soft">{s.level}</Badge>
      {s.message ? <Text as="p" size="1" color={s.level === 'critical' ? 'red' : 'amber'} mt="2">{s.message}</Text> : null}
      <Text as="p" size="1" color="gray" mt="2">
        Measured {s.checked_at ? formatDate(s.checked_at) : 'not yet'}; {i.limits_enforced.storage === 'quota' ? 'a filesystem quota holds the limit.' : 'the limit is watched, not enforced, on this filesystem.'}
      </Text>
    </Card>
  );
}

/** Connection details, configuration, what the host enforces, network and storage. */
export default function OverviewTab({ instance: i }: TabProps) {
  const l = i.limits_enforced;
  return (
    <Grid columns={{ initial: '1', md: '2' }} gap="4">
      <ConnectionCard instance={i} />
      <Card size="2">
        <Heading as="h2" size="3" mb="3">Configuration</Heading>
        <DataList.Root size="2">
          <DataList.Item><DataList.Label>SKU</DataList.Label><DataList.Value><Text className="mono">{i.sku.toUpperCase()}</Text></DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Memory</DataList.Label><DataList.Value>{formatMb(i.memory_limit_mb)} {yesNo(l.memory)}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>vCPU</DataList.Label><DataList.Value>{i.cpu_limit} {yesNo(l.cpu)}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Processes</DataList.Label><DataList.Value>{yesNo(l.pids, 'limited', 'not limited')}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Image</DataList.Label><DataList.Value><Text size="2" className="mono break">{i.image}</Text></DataList.Value></DataList.Item>
          {i.image_digest ? <DataList.Item><DataList.Label>Digest</DataList.Label><DataList.Value><Text size="1" className="mono break">{i.image_digest}</Text></DataList.Value></DataList.Item> : null}
          <DataList.Item><DataList.Label>Created</DataList.Label><DataList.Value>{formatDate(i.created_at)}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Started</DataList.Label><DataList.Value>{formatDate(i.started_at)}</DataList.Value></DataList.Item>
        </DataList.Root>
        {l.notes?.length ? <ul className="notes">{l.notes.map((n) => <li key={n}><Text size="1" color="gray">{n}</Text></li>)}</ul> : null}
      </Card>
      <Card size="2">
        <Heading as="h2" size="3" mb="3">Network and security</Heading>
        <DataList.Root size="2">
          <DataList.Item><DataList.Label>Reachable from</DataList.Label><DataList.Value>{i.external_access ? <Badge color="amber">every address of the host</Badge> : i.vnet_name ? 'the VNet' : 'this host only (127.0.0.1)'}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>VNet</DataList.Label><DataList.Value>{i.vnet_name ? `${i.vnet_name} (${i.vnet_ip ?? 'no address yet'})` : 'none: its own isolated network'}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>TLS</DataList.Label><DataList.Value>{i.tls_enabled ? <Badge color="green">on</Badge> : <Badge color="gray">off</Badge>}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Container</DataList.Label><DataList.Value><Text size="2" className="mono break">{i.container_name}</Text></DataList.Value></DataList.Item>
          {i.volume_path ? <DataList.Item><DataList.Label>Data directory</DataList.Label><DataList.Value><Text size="1" className="mono break">{i.volume_path}</Text></DataList.Value></DataList.Item> : null}
        </DataList.Root>
      </Card>
      <StorageCard i={i} />
    </Grid>
  );
}
