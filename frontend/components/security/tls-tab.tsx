import { Badge, Button, Card, DataList, Flex, Heading, Link as RadixLink, Text } from '@radix-ui/themes';
import { useId, useState } from 'react';
import { API_BASE } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { useInstanceTls, useReplaceTls } from '../../queries/security';
import type { TabProps } from '../../pages/detail-tabs';
import { ErrorCallout } from '../ui/error-callout';
import { QueryState } from '../ui/query-state';

const APPLIED = { reloaded: 'the engine re-read its files', restarted: 'the engine was restarted to read them', at_next_start: 'the instance is stopped: it serves it at its next start' } as const;
/** A PEM file as the API takes it: base64 of its text. */
const base64Of = async (f: File) => btoa(await f.text());

function ReplaceCard({ instanceId }: { instanceId: number }) {
  const replace = useReplaceTls(instanceId);
  const [cert, setCert] = useState<File | null>(null);
  const [key, setKey] = useState<File | null>(null);
  const ids = { cert: useId(), key: useId() };
  return (
    <Card size="2">
      <Heading as="h2" size="3" mb="2">Replace the certificate</Heading>
      <Flex direction="column" gap="3">
        <Button type="button" variant="soft" loading={replace.isPending && !cert} onClick={() => replace.mutate({})} style={{ alignSelf: 'start' }}>Issue a new one from the module's CA</Button>
        <form onSubmit={async (e) => {
          e.preventDefault();
          if (cert && key) replace.mutate({ tls_cert: await base64Of(cert), tls_key: await base64Of(key) });
        }}>
          <Flex gap="3" wrap="wrap" align="end">
            <Flex direction="column" gap="1"><label htmlFor={ids.cert}><Text size="1" weight="medium">Certificate (PEM, then intermediates)</Text></label>
              <input id={ids.cert} type="file" accept=".pem,.crt,.cer" onChange={(e) => setCert(e.target.files?.[0] ?? null)} /></Flex>
            <Flex direction="column" gap="1"><label htmlFor={ids.key}><Text size="1" weight="medium">Private key (PEM, unencrypted)</Text></label>
              <input id={ids.key} type="file" accept=".pem,.key" onChange={(e) => setKey(e.target.files?.[0] ?? null)} /></Flex>
            <Button type="submit" disabled={!cert || !key} loading={replace.isPending && !!cert}>Replace with these files</Button>
          </Flex>
        </form>
        <ErrorCallout error={replace.error} title="Not replaced" />
        {replace.data ? <Text size="2" color="green" role="status">Replaced: {APPLIED[replace.data.applied]}.</Text> : null}
      </Flex>
    </Card>
  );
}

/** The certificate the instance serves (never its key), the module CA to verify it with, and replacing it. */
export default function TlsTab({ instance, canWrite }: TabProps) {
  const tls = useInstanceTls(instance.id);
  const t = tls.data;
  return (
    <Flex direction="column" gap="4">
      <Card size="2">
        <Flex justify="between" align="center" mb="2" gap="2" wrap="wrap">
          <Heading as="h2" size="3">Certificate {t ? <Badge ml="2" color={t.enabled ? 'green' : 'gray'}>{t.enabled ? 'TLS on' : 'TLS off'}</Badge> : null}</Heading>
          <RadixLink href={`${API_BASE}/tls/ca`} download="flux-databases-ca.pem" size="2">Download the module's CA certificate</RadixLink>
        </Flex>
        <QueryState query={tls} errorTitle="The certificate could not be read" />
        {t && t.enabled ? (
          <DataList.Root size="1">
            <DataList.Item><DataList.Label>Issued by</DataList.Label><DataList.Value>{t.origin === 'module' ? 'the module\'s CA' : 'the operator'} · {t.issuer}</DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>Subject</DataList.Label><DataList.Value className="break">{t.subject}</DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>Names</DataList.Label><DataList.Value className="mono break">{t.sans.join(', ') || '—'}</DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>Valid</DataList.Label><DataList.Value>{formatDate(t.not_before)} to {formatDate(t.not_after)}</DataList.Value></DataList.Item>
            <DataList.Item><DataList.Label>SHA-256</DataList.Label><DataList.Value className="mono break">{t.fingerprint_sha256}</DataList.Value></DataList.Item>
          </DataList.Root>
        ) : t ? <Text size="2" className="muted">This instance was created without TLS.</Text> : null}
      </Card>
      {canWrite && t?.enabled ? <ReplaceCard instanceId={instance.id} /> : null}
    </Flex>
  );
}
