import { Flex, Tabs, Text } from '@radix-ui/themes';
import { Suspense, useMemo } from 'react';
import { Link, useSearchParams } from 'wouter';
import { CreateProgress } from '../components/instances/create-progress';
import { InstanceActionButtons } from '../components/instances/instance-actions';
import { ErrorCallout } from '../components/ui/error-callout';
import { Loading } from '../components/ui/loading';
import { PageHeader } from '../components/ui/page-header';
import { StatusBadge } from '../components/ui/status-badge';
import { ApiError } from '../lib/api';
import { routeWorks } from '../lib/route-support';
import { useEngines, useOpenApi } from '../queries/catalog';
import { useInstance } from '../queries/instances';
import { useCanWrite } from '../queries/session';
import { DETAIL_TABS, engineHas } from './detail-tabs';

/** One instance: header with status and actions, the create's progress while it runs, and the tabs its routes allow. */
export default function DatabaseDetailPage({ id }: { id: number }) {
  const instance = useInstance(id);
  const engines = useEngines();
  const doc = useOpenApi();
  const canWrite = useCanWrite();
  const [params, setParams] = useSearchParams();
  const engine = engines.data?.find((e) => e.engine === instance.data?.engine);

  const tabs = useMemo(() => DETAIL_TABS.filter((t) => routeWorks(doc.data, t.route)
    && engineHas(engine, t.engineFlag)
    && (!t.needsContainer || (engine && !engine.is_embedded))), [doc.data, engine]);

  if (instance.error instanceof ApiError && instance.error.status === 404) {
    return <Flex direction="column" gap="2"><Text>There is no database {id}: it may have been deleted.</Text><Link href="/">Back to the list</Link></Flex>;
  }
  if (!instance.data) return instance.error ? <ErrorCallout error={instance.error} /> : <Loading />;
  const i = instance.data;
  const creating = i.status === 'creating' || (i.status === 'failed' && !i.started_at && i.progress < 100);
  const tab = tabs.some((t) => t.id === params.get('tab')) ? params.get('tab')! : 'overview';

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/">Databases</Link> <span aria-hidden>/</span> <span aria-current="page">{i.name}</span></nav>
      <PageHeader
        title={<Flex align="center" gap="3" wrap="wrap">{i.name} <StatusBadge status={i.status} /></Flex>}
        subtitle={`${engine?.display_name ?? i.engine} ${i.engine_version} · ${i.sku.toUpperCase()} · ${i.cpu_limit} vCPU`}
        actions={canWrite ? <InstanceActionButtons instance={i} /> : null}
      />
      {i.error_message && !creating ? <ErrorCallout error={new Error(i.error_message)} title="Last error" /> : null}
      {creating ? <CreateProgress instance={i} /> : null}
      {doc.error ? <ErrorCallout error={doc.error} title="The API description could not be loaded" /> : null}
      <Tabs.Root value={tab} onValueChange={(t) => setParams((p) => { p.set('tab', t); return p; }, { replace: true })}>
        <Tabs.List aria-label="Instance sections">
          {tabs.map((t) => <Tabs.Trigger key={t.id} value={t.id}>{t.label}</Tabs.Trigger>)}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Content key={t.id} value={t.id} className="tab-panel">
            <Suspense fallback={<Loading />}>
              <t.component instance={i} engine={engine} canWrite={canWrite} />
            </Suspense>
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </>
  );
}
