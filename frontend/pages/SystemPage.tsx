import { Card, DataList, Flex, Grid, Heading } from '@radix-ui/themes';
import { AuditCard } from '../components/audit/audit-card';
import { ImagesCard } from '../components/system/images-card';
import { PodmanCard } from '../components/system/podman-card';
import { ReconcileCard } from '../components/system/reconcile-card';
import { RequirementsCard } from '../components/system/requirements-card';
import { ErrorCallout } from '../components/ui/error-callout';
import { PageHeader } from '../components/ui/page-header';
import { formatMb } from '../lib/format';
import { useRouteWorks } from '../lib/route-support';
import { useSystemInfo } from '../queries/catalog';
import { useCanWrite } from '../queries/session';
import { useModuleStatus } from '../queries/system';

function HostCard() {
  const info = useSystemInfo();
  const status = useModuleStatus();
  const h = info.data;
  return (
    <Card size="2">
      <Heading as="h2" size="4" mb="3">Host</Heading>
      <ErrorCallout error={info.error} />
      {h ? (
        <DataList.Root size="2">
          {status.data ? <DataList.Item><DataList.Label>Module</DataList.Label><DataList.Value>{status.data.module.display_name} {status.data.module.version}</DataList.Value></DataList.Item> : null}
          <DataList.Item><DataList.Label>CPU</DataList.Label><DataList.Value>{h.cpu_count} × {h.cpu.model}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Memory</DataList.Label><DataList.Value>{formatMb(Math.round(h.memory.available_mb))} free of {formatMb(Math.round(h.memory.total_mb))}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Disk</DataList.Label><DataList.Value>{h.disk.free_gb} GB free of {h.disk.total_gb} GB ({h.disk.path})</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Load</DataList.Label><DataList.Value>{h.load_average.map((l) => l.toFixed(2)).join(' · ')}</DataList.Value></DataList.Item>
          <DataList.Item><DataList.Label>Kernel</DataList.Label><DataList.Value>{h.kernel} ({h.platform})</DataList.Value></DataList.Item>
        </DataList.Root>
      ) : null}
    </Card>
  );
}

/** Requirements with their fixes, Podman and its install, the engines' images and pre-pulls, reconciliation, the audit trail. */
export default function SystemPage() {
  const canWrite = useCanWrite();
  const audited = useRouteWorks('GET /audit');
  return (
    <>
      <PageHeader title="System" subtitle="What this host offers the module, and what to fix" />
      <Flex direction="column" gap="4">
        <RequirementsCard />
        <Grid columns={{ initial: '1', md: '2' }} gap="4">
          <PodmanCard />
          <HostCard />
        </Grid>
        <ImagesCard />
        {canWrite ? <ReconcileCard /> : null}
        {audited ? <AuditCard instanceId={null} /> : null}
      </Flex>
    </>
  );
}
