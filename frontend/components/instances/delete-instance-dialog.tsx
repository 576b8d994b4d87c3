import { Checkbox, Flex, Text } from '@radix-ui/themes';
import { useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { useDeleteInstance } from '../../queries/instances';
import type { InstanceView } from '../../types/api';
import { ConfirmByName } from '../ui/confirm-by-name';

/** Delete, confirmed by typing the name; with or without the data directory (keep_data). */
export function DeleteInstanceDialog({ instance, trigger, open, onOpenChange }: {
  instance: InstanceView; trigger?: ReactNode; open?: boolean; onOpenChange?(open: boolean): void;
}) {
  const del = useDeleteInstance(instance.id);
  const [keepData, setKeepData] = useState(false);
  const [path, navigate] = useLocation();
  return (
    <ConfirmByName
      trigger={trigger} open={open} onOpenChange={(o) => { if (!o) del.reset(); onOpenChange?.(o); }}
      title={`Delete ${instance.name}?`}
      name={instance.name}
      description={<>The container, its port{instance.vnet_name ? ' and VNet address' : ''} are released. {keepData
        ? 'The data directory is kept: a new instance of the same name cannot be created until it is removed by hand.'
        : 'The data directory is removed for good.'}</>}
      confirmLabel={keepData ? 'Delete, keep the data' : 'Delete with its data'}
      pending={del.isPending}
      error={del.error}
      onConfirm={() => del.mutate(keepData, {
        onSuccess: () => { onOpenChange?.(false); if (path !== '/') navigate('/'); },
      })}
    >
      <Text as="label" size="2">
        <Flex gap="2" align="center">
          <Checkbox checked={keepData} onCheckedChange={(c) => setKeepData(c === true)} />
          Keep the data directory
        </Flex>
      </Text>
    </ConfirmByName>
  );
}
