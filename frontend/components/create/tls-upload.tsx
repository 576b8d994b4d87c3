import { Checkbox, Flex, Text } from '@radix-ui/themes';
import { useId } from 'react';

export interface TlsValue { enabled: boolean; cert: string | null; key: string | null; certName: string; keyName: string }

/** PEM file as base64, as the API takes it. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** TLS with the operator's certificate and key (offered only for engines whose TLS the module sets up). */
export function TlsUpload({ value, onChange }: { value: TlsValue; onChange(v: TlsValue): void }) {
  const certId = useId();
  const keyId = useId();
  const pick = async (which: 'cert' | 'key', file: File | undefined) => {
    if (!file) return onChange({ ...value, [which]: null, [`${which}Name`]: '' });
    onChange({ ...value, [which]: await base64Of(file), [`${which}Name`]: file.name });
  };
  return (
    <Flex direction="column" gap="3">
      <Text as="label" size="2">
        <Flex gap="2" align="center">
          <Checkbox checked={value.enabled} onCheckedChange={(c) => onChange({ ...value, enabled: c === true })} />
          Serve TLS with my certificate
        </Flex>
      </Text>
      {value.enabled ? (
        <Flex gap="4" wrap="wrap">
          <Flex direction="column" gap="1">
            <label htmlFor={certId}><Text size="2" weight="medium">Certificate (PEM)</Text></label>
            <input id={certId} type="file" accept=".pem,.crt,.cer" required onChange={(e) => void pick('cert', e.target.files?.[0])} />
          </Flex>
          <Flex direction="column" gap="1">
            <label htmlFor={keyId}><Text size="2" weight="medium">Private key (PEM)</Text></label>
            <input id={keyId} type="file" accept=".key,.pem" required onChange={(e) => void pick('key', e.target.files?.[0])} />
          </Flex>
        </Flex>
      ) : null}
    </Flex>
  );
}
