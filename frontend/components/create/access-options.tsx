import { ExclamationTriangleIcon } from '@radix-ui/react-icons';
import { Callout, Checkbox, Flex, Text, TextField } from '@radix-ui/themes';
import { useId } from 'react';
import type { EngineView } from '../../types/api';

export interface AccessValue { vnet_name: string; external_access: boolean }

/** VNet and external access. An engine without authentication may do neither (the module refuses it too). */
export function AccessOptions({ engine, value, onChange, vnetPattern }: {
  engine: EngineView | undefined; value: AccessValue; onChange(v: AccessValue): void; vnetPattern?: string;
}) {
  const vnetId = useId();
  const open = engine ? !engine.has_authentication : false;
  return (
    <Flex direction="column" gap="3">
      <Flex direction="column" gap="1">
        <label htmlFor={vnetId}><Text size="2" weight="medium">Virtual network (optional)</Text></label>
        <TextField.Root
          id={vnetId} value={value.vnet_name} placeholder="no VNet: a published port on the host"
          onChange={(e) => onChange({ ...value, vnet_name: e.target.value })} disabled={open}
          pattern={vnetPattern} maxLength={30} aria-describedby={`${vnetId}-hint`} autoComplete="off" spellCheck={false}
        />
        <Text size="1" color="gray" id={`${vnetId}-hint`}>
          {open ? `${engine?.display_name} runs without authentication: it cannot join a VNet.`
            : 'Lower-case letters, digits and dashes. Instances on one VNet reach each other directly; it is created when missing.'}
        </Text>
      </Flex>
      <Text as="label" size="2">
        <Flex gap="2" align="center">
          <Checkbox checked={value.external_access} disabled={open} onCheckedChange={(c) => onChange({ ...value, external_access: c === true })} />
          Allow access from other hosts (publish on 0.0.0.0)
        </Flex>
      </Text>
      {value.external_access ? (
        <Callout.Root color="amber" size="1">
          <Callout.Icon><ExclamationTriangleIcon /></Callout.Icon>
          <Callout.Text>
            The engine's port will answer on every address of this host. Anyone who can reach the host can try its
            password: keep a firewall in front of it, and prefer a VNet or an SSH tunnel.
          </Callout.Text>
        </Callout.Root>
      ) : null}
    </Flex>
  );
}
