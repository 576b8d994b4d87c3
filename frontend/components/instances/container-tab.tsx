import { Badge, Card, Code, DataList, Flex, Grid, Heading, Table, Text } from '@radix-ui/themes';
import { formatBytes, formatDate, formatPercent } from '../../lib/format';
import { useInspect, useStats } from '../../queries/monitoring';
import type { TabProps } from '../../pages/detail-tabs';
import { ErrorCallout } from '../ui/error-callout';
import { Loading } from '../ui/loading';

const UP = new Set(['running', 'degraded', 'unhealthy']);

function Figure({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <Card size="1">
      <Text as="div" size="1" color="gray">{label}</Text>
      <Text as="div" size="4" weight="bold" className="tabular">{value}</Text>
      {sub ? <Text as="div" size="1" color="gray" className="tabular">{sub}</Text> : null}
    </Card>
  );
}

/** Podman stats now (polled) and the container's facts: state, ports, mounts, the hardening it runs with. */
export default function ContainerTab({ instance }: TabProps) {
  const running = UP.has(instance.status);
  const stats = useStats(instance.id, running);
  const inspect = useInspect(instance.id, !!instance.container_id);
  const s = stats.data;
  const c = inspect.data?.container;
  return (
    <Flex direction="column" gap="4">
      {running ? (
        <>
          <ErrorCallout error={stats.error} title="Stats unavailable" />
          <Grid columns={{ initial: '2', md: '5' }} gap="3" className="figures">
            <Figure label="CPU" value={s ? formatPercent(s.cpu_percent) : '…'} />
            <Figure label="Memory" value={s ? formatPercent(s.memory_percent) : '…'} sub={s?.mem_usage} />
            <Figure label="Network in / out" value={s ? formatBytes(s.net_io.rx_bytes) : '…'} sub={s ? `out ${formatBytes(s.net_io.tx_bytes)}` : undefined} />
            <Figure label="Disk read / write" value={s ? formatBytes(s.block_io.read_bytes) : '…'} sub={s ? `write ${formatBytes(s.block_io.write_bytes)}` : undefined} />
            <Figure label="Processes" value={s ? String(s.pids) : '…'} />
          </Grid>
        </>
      ) : <Text size="2" color="gray">Live figures show while the instance runs.</Text>}
      <ErrorCallout error={inspect.error} title="Container facts unavailable" />
      {inspect.isPending && instance.container_id ? <Loading label="Inspecting" /> : null}
      {c ? (
        <Grid columns={{ initial: '1', md: '2' }} gap="4">
          <Card size="2">
            <Heading as="h2" size="3" mb="3">Container</Heading>
            <DataList.Root size="2">
              <DataList.Item><DataList.Label>State</DataList.Label><DataList.Value><Badge color={c.state.running ? 'green' : 'gray'}>{c.state.status}</Badge>{c.state.oomKilled ? <Badge color="red" ml="2">OOM killed</Badge> : null}</DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Started</DataList.Label><DataList.Value>{formatDate(c.state.startedAt)}</DataList.Value></DataList.Item>
              {c.state.exitCode !== null && !c.state.running ? <DataList.Item><DataList.Label>Exit code</DataList.Label><DataList.Value>{c.state.exitCode}</DataList.Value></DataList.Item> : null}
              <DataList.Item><DataList.Label>Image</DataList.Label><DataList.Value><Text size="2" className="mono break">{c.image}</Text></DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Ports</DataList.Label><DataList.Value><Text size="2" className="mono">{c.network.ports.map((p) => `${p.hostIp}:${p.hostPort} → ${p.containerPort}/${p.protocol ?? 'tcp'}`).join(', ') || 'none published'}</Text></DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Networks</DataList.Label><DataList.Value><Text size="2" className="mono break">{Object.entries(c.network.networks).map(([n, v]) => `${n} ${v.ipAddress}`).join(', ')}</Text></DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Environment</DataList.Label><DataList.Value><Text size="1" className="mono break">{c.env_names.join(', ')} (names only)</Text></DataList.Value></DataList.Item>
            </DataList.Root>
          </Card>
          <Card size="2">
            <Heading as="h2" size="3" mb="3">Hardening</Heading>
            <DataList.Root size="2">
              <DataList.Item><DataList.Label>Capabilities</DataList.Label><DataList.Value><Text size="1" className="mono break">drop {c.host_config.capDrop.join(', ') || 'none'}; add {c.host_config.capAdd.join(', ') || 'none'}</Text></DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Security options</DataList.Label><DataList.Value><Text size="1" className="mono break">{c.host_config.securityOpt.join(', ') || 'none'}</Text></DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Read-only root</DataList.Label><DataList.Value>{c.host_config.readOnlyRootfs ? 'yes' : 'no'}</DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Privileged</DataList.Label><DataList.Value>{c.host_config.privileged ? <Badge color="red">yes</Badge> : 'no'}</DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Memory limit</DataList.Label><DataList.Value>{formatBytes(c.host_config.memoryBytes)}</DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>CPUs</DataList.Label><DataList.Value>{c.host_config.nanoCpus / 1e9} (shares {c.host_config.cpuShares})</DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Processes limit</DataList.Label><DataList.Value>{c.host_config.pidsLimit}</DataList.Value></DataList.Item>
              <DataList.Item><DataList.Label>Restart policy</DataList.Label><DataList.Value><Code variant="ghost">{c.host_config.restartPolicy}</Code></DataList.Value></DataList.Item>
            </DataList.Root>
          </Card>
          <Card size="2" className="span-2">
            <Heading as="h2" size="3" mb="3">Mounts</Heading>
            <Table.Root size="1">
              <Table.Header><Table.Row><Table.ColumnHeaderCell>Inside</Table.ColumnHeaderCell><Table.ColumnHeaderCell>On the host</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Mode</Table.ColumnHeaderCell></Table.Row></Table.Header>
              <Table.Body>
                {c.mounts.map((m) => (
                  <Table.Row key={m.target}><Table.Cell className="mono">{m.target}</Table.Cell><Table.Cell className="mono break">{m.source}</Table.Cell><Table.Cell>{m.readOnly ? 'read-only' : 'read-write'}</Table.Cell></Table.Row>
                ))}
              </Table.Body>
            </Table.Root>
          </Card>
        </Grid>
      ) : null}
    </Flex>
  );
}
