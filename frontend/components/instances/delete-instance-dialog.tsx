import { Checkbox, Flex, Text } from '@radix-ui/themes';
import { useEffect, useState, type ReactNode } from 'react';
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
  const [ownOpen, setOwnOpen] = useState(false);
  const isOpen = open ?? ownOpen;
  const setOpen = (o: boolean) => { setOwnOpen(o); onOpenChange?.(o); };
  const [path, navigate] = useLocation();
  // Leave the instance's page only once the dialog has closed: a modal unmounted while open can leave the page inert.
  useEffect(() => {
    if (del.isSuccess && !isOpen && path !== '/') navigate('/');
  }, [del.isSuccess, isOpen, path, navigate]);
  return (
    <ConfirmByName
      trigger={trigger} open={isOpen} onOpenChange={(o) => { if (!o && !del.isSuccess) del.reset(); setOpen(o); }}
      title={`Delete ${instance.name}?`}
      name={instance.name}
      description={<>The container, its port{instance.vnet_name ? ' and VNet address' : ''} are released. {keepData
        ? 'The data directory is kept: a new instance of the same name cannot be created until it is removed by hand.'
        : 'The data directory is removed for good.'}</>}
      confirmLabel={keepData ? 'Delete, keep the data' : 'Delete with its data'}
      pending={del.isPending}
      error={del.error}
      onConfirm={() => del.mutate(keepData, { onSuccess: () => setOpen(false) })}
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
