import { Box, Button, Card, Flex, Heading, Select, Text, TextField } from '@radix-ui/themes';
import { useId, useMemo, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { AccessOptions, type AccessValue } from '../components/create/access-options';
import { CustomSizing, type CustomSize } from '../components/create/custom-sizing';
import { EnginePicker } from '../components/create/engine-picker';
import { SkuPicker, sizeRefusal } from '../components/create/sku-picker';
import { TlsUpload, type TlsValue } from '../components/create/tls-upload';
import { ErrorCallout } from '../components/ui/error-callout';
import { PageHeader } from '../components/ui/page-header';
import { createBodyField } from '../lib/route-support';
import { useEngines, useOpenApi, useSkus, useSystemInfo } from '../queries/catalog';
import { useCreateInstance } from '../queries/instances';
import { useCanWrite } from '../queries/session';
import type { CreateInstanceBody } from '../types/api';

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <Card size="2" asChild>
      <section aria-labelledby={id}>
        <Heading as="h2" size="4" id={id} mb="3">{title}</Heading>
        {children}
      </section>
    </Card>
  );
}

function Field({ label, hint, children }: { label: string; hint?: string; children: (id: string, hintId: string) => ReactNode }) {
  const id = useId();
  return (
    <Flex direction="column" gap="1">
      <label htmlFor={id}><Text size="2" weight="medium">{label}</Text></label>
      {children(id, `${id}-hint`)}
      {hint ? <Text size="1" color="gray" id={`${id}-hint`}>{hint}</Text> : null}
    </Flex>
  );
}

/** Create: engine, version and names; SKU or custom size; VNet and exposure; TLS. The new instance's page shows the progress. */
export default function CreateDatabasePage() {
  const canWrite = useCanWrite();
  const engines = useEngines();
  const skus = useSkus();
  const host = useSystemInfo();
  const doc = useOpenApi();
  const create = useCreateInstance();
  const [, navigate] = useLocation();

  const [engineId, setEngineId] = useState('postgresql');
  const [version, setVersion] = useState('');
  const [name, setName] = useState('');
  const [databaseName, setDatabaseName] = useState('app');
  const [sku, setSku] = useState('');
  const [custom, setCustom] = useState<CustomSize>({ memory_mb: 1024, cpus: 1, storage_gb: 10 });
  const [access, setAccess] = useState<AccessValue>({ vnet_name: '', external_access: false });
  const [tls, setTls] = useState<TlsValue>({ enabled: false, cert: null, key: null, certName: '', keyName: '' });

  const engine = useMemo(() => engines.data?.find((e) => e.engine === engineId), [engines.data, engineId]);
  const chosenSku = sku || skus.data?.default || '';
  const preset = skus.data?.skus.find((s) => s.id === chosenSku);
  const refusal = chosenSku === 'custom' ? sizeRefusal({ cpus: custom.cpus, memory_mb: custom.memory_mb }, host.data, engine) : preset ? sizeRefusal(preset, host.data, engine) : null;
  const pattern = (field: string) => createBodyField(doc.data, field)?.pattern;
  // An engine without authentication may neither join a VNet nor be exposed: the choice does not carry over to it.
  const effectiveAccess = engine && !engine.has_authentication ? { vnet_name: '', external_access: false } : access;

  if (!canWrite) {
    return <Text>This session may only read: creating a database needs the admin token. <Link href="/">Back to the list</Link></Text>;
  }

  const submit = () => {
    if (!engine) return;
    const body: CreateInstanceBody = { engine: engine.engine, sku: chosenSku };
    if (version && version !== engine.default_version) body.version = version;
    if (name) body.name = name;
    if (databaseName && databaseName !== 'app') body.database_name = databaseName;
    if (chosenSku === 'custom') Object.assign(body, { memory_limit_mb: custom.memory_mb, cpu_limit: custom.cpus, storage_limit_gb: custom.storage_gb });
    if (effectiveAccess.vnet_name) body.vnet_name = effectiveAccess.vnet_name;
    if (effectiveAccess.external_access) body.external_access = true;
    if (tls.enabled && engine.supports_tls) Object.assign(body, { tls_enabled: true, tls_cert: tls.cert ?? undefined, tls_key: tls.key ?? undefined });
    create.mutate(body, { onSuccess: (accepted) => navigate(`/databases/${accepted.id}`) });
  };

  return (
    <form onSubmit={(e) => { e.preventDefault(); submit(); }} aria-label="Create a database">
      <PageHeader title="Create a database" subtitle="The module pulls the image if needed, starts a hardened container and waits for the engine to answer" />
      <Flex direction="column" gap="4">
        <ErrorCallout error={engines.error ?? skus.error} title="The catalogue could not be loaded" />
        <Section title="Engine">
          {engines.data ? <EnginePicker engines={engines.data} value={engineId} onChange={(e) => { setEngineId(e); setVersion(''); }} /> : <Text>Loading engines…</Text>}
        </Section>
        <Section title="Names and version">
          <Flex gap="4" wrap="wrap">
            <Field label="Instance name (optional)" hint="lower-case letters, digits and dashes; a name is generated when empty">
              {(id, hint) => <TextField.Root id={id} value={name} onChange={(e) => setName(e.target.value)} pattern={pattern('name')} maxLength={40} aria-describedby={hint} autoComplete="off" spellCheck={false} />}
            </Field>
            <Field label="Database name" hint="the database (or schema) the engine creates">
              {(id, hint) => <TextField.Root id={id} value={databaseName} onChange={(e) => setDatabaseName(e.target.value)} pattern={pattern('database_name')} maxLength={63} aria-describedby={hint} autoComplete="off" spellCheck={false} />}
            </Field>
            {engine ? (
              <Field label="Version">
                {(id) => (
                  <Select.Root value={version || engine.default_version} onValueChange={setVersion}>
                    <Select.Trigger id={id} />
                    <Select.Content>{engine.versions.map((v) => <Select.Item key={v} value={v}>{v}{v === engine.default_version ? ' (default)' : ''}</Select.Item>)}</Select.Content>
                  </Select.Root>
                )}
              </Field>
            ) : null}
          </Flex>
        </Section>
        <Section title="Compute and storage">
          {skus.data ? (
            <Flex direction="column" gap="3">
              <SkuPicker table={skus.data} host={host.data} engine={engine} value={chosenSku} onChange={setSku} />
              {chosenSku === 'custom' ? <CustomSizing limits={skus.data.custom} host={host.data} value={custom} onChange={setCustom} /> : null}
              {refusal ? <Text size="2" color="red" role="alert">This size does not fit: {refusal}</Text> : null}
            </Flex>
          ) : <Text>Loading sizes…</Text>}
        </Section>
        <Section title="Network and access">
          <AccessOptions engine={engine} value={effectiveAccess} onChange={setAccess} vnetPattern={pattern('vnet_name')} />
        </Section>
        {engine?.supports_tls ? <Section title="TLS"><TlsUpload value={tls} onChange={setTls} /></Section> : null}
        <Box>
          <ErrorCallout error={create.error} title="Not created" />
          <Flex gap="3" mt="3" justify="end">
            <Button asChild variant="soft" color="gray"><Link href="/">Cancel</Link></Button>
            <Button type="submit" size="3" loading={create.isPending} disabled={!engine || !!refusal}>Create {engine?.display_name ?? 'database'}</Button>
          </Flex>
        </Box>
      </Flex>
    </form>
  );
}
