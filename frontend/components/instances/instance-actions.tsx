import { DotsHorizontalIcon } from '@radix-ui/react-icons';
import { Button, DropdownMenu, Flex, IconButton } from '@radix-ui/themes';
import { useState } from 'react';
import { actionAllowed } from '../../../src/services/instances/instance-state';
import { useInstanceAction, type InstanceAction } from '../../queries/instances';
import type { InstanceView } from '../../types/api';
import { ErrorCallout } from '../ui/error-callout';
import { DeleteInstanceDialog } from './delete-instance-dialog';

const LABELS: Record<InstanceAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };
const ORDER: InstanceAction[] = ['start', 'stop', 'restart'];

const UP = new Set(['running', 'degraded', 'unhealthy']);
/**
 * The actions the instance's status allows (the module's own rule, src/services/instances/instance-state.ts),
 * less the ones that would do nothing: start while it runs, stop once stopped.
 */
export const allowedActions = (i: Pick<InstanceView, 'status'>) => ORDER.filter((a) => actionAllowed(a, i.status)
  && !(a === 'start' && UP.has(i.status)) && !(a === 'stop' && i.status === 'stopped'));

/** Start, stop, restart and delete as buttons (the instance page's header). Render only for a writer. */
export function InstanceActionButtons({ instance }: { instance: InstanceView }) {
  const action = useInstanceAction(instance.id);
  return (
    <Flex direction="column" gap="2" align="end">
      <Flex gap="2" wrap="wrap">
        {allowedActions(instance).map((a) => (
          <Button key={a} type="button" variant="soft" onClick={() => action.mutate(a)}
            loading={action.isPending && action.variables === a} disabled={action.isPending}>{LABELS[a]}</Button>
        ))}
        <DeleteInstanceDialog instance={instance} trigger={<Button type="button" color="red" variant="soft">Delete</Button>} />
      </Flex>
      <ErrorCallout error={action.error} title={action.variables ? `${LABELS[action.variables]} failed` : undefined} />
    </Flex>
  );
}

/**
 * The row's menu in the list: the same actions, one keyboard-reachable button per row. Until first
 * used it is a plain button: a menu and a mutation per row are most of a 500-row list's render cost.
 */
export function InstanceActionMenu({ instance }: { instance: InstanceView }) {
  const [used, setUsed] = useState(false);
  if (used) return <ActionMenu instance={instance} />;
  return (
    <Flex align="center" gap="2" justify="end">
      <IconButton type="button" variant="ghost" aria-label={`Actions for ${instance.name}`} aria-haspopup="menu" onClick={() => setUsed(true)}>
        <DotsHorizontalIcon />
      </IconButton>
    </Flex>
  );
}

function ActionMenu({ instance }: { instance: InstanceView }) {
  const action = useInstanceAction(instance.id);
  const [deleting, setDeleting] = useState(false);
  return (
    <Flex align="center" gap="2" justify="end">
      {action.error ? <span className="row-error" role="alert" title={(action.error as Error).message}>{(action.error as Error).message}</span> : null}
      <DropdownMenu.Root defaultOpen>
        <DropdownMenu.Trigger>
          <IconButton type="button" variant="ghost" aria-label={`Actions for ${instance.name}`} loading={action.isPending} autoFocus>
            <DotsHorizontalIcon />
          </IconButton>
        </DropdownMenu.Trigger>
        <DropdownMenu.Content align="end">
          {allowedActions(instance).map((a) => (
            <DropdownMenu.Item key={a} onSelect={() => action.mutate(a)}>{LABELS[a]}</DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator />
          <DropdownMenu.Item color="red" onSelect={() => setDeleting(true)}>Delete…</DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Root>
      {deleting ? <DeleteInstanceDialog instance={instance} open onOpenChange={setDeleting} /> : null}
    </Flex>
  );
}
